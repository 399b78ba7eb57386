"""The token-holder's billing history, cursor paged (newest first), and its documents."""
from flask import Response, g, jsonify, request

from storefront import db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.problems import FieldError, InvalidRequest, NotFound
from storefront.services import billing, credits, documents


def _limit() -> int:
    raw = request.args.get("limit", str(billing.PAGE_SIZE))
    if not raw.isdigit() or not 1 <= int(raw) <= billing.MAX_PAGE_SIZE:
        raise InvalidRequest([FieldError("limit", f"limit is a whole number from 1 to {billing.MAX_PAGE_SIZE}.")])
    return int(raw)


@bp.get("/billing")
@token_required
def billing_history():
    session = db.session()
    history = billing.parse_filter(request.args.getlist("kind"), request.args.get("from"), request.args.get("to"))
    result = billing.page(session, g.api_user.id, history, billing.parse_cursor(request.args.get("cursor")), _limit())
    return jsonify({
        "balance": credits.current_balance(session, g.api_user.id).as_string(),
        "entries": [billing.entry_json(entry, result.documents.get(entry.id)) for entry in result.entries],
        "next_cursor": result.next_cursor,
    })


@bp.get("/billing/documents/<number>")
@token_required
def billing_document_pdf(number: str):
    document = documents.document_by_number(db.session(), number)
    if document is None or document.user_id != g.api_user.id:
        raise NotFound("You have no document with this number.")
    return Response(documents.pdf(document), mimetype="application/pdf")
