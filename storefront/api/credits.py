"""The token-holder's credits: the balance and the ledger behind it."""

from flask import g, jsonify, request

from storefront import clock, db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.models import LedgerEntry
from storefront.services import credits
from storefront.services.paging import page_size


def entry_json(entry: LedgerEntry) -> dict:
    return {"id": entry.id, "kind": entry.kind, "amount": entry.amount.as_string(),
            "description": entry.description, "created_at": entry.created_at.isoformat()}


@bp.get("/credits")
@token_required
def credits_balance():
    """The balance and a page of the ledger, newest first; `next_cursor` (null on the last page)
    is passed back as `?cursor=` for the next one; `?limit=` from 1 to 200 (default 50)."""
    session = db.session()
    page = credits.ledger(session, g.api_user.id, request.args.get("cursor"), page_size(request.args.get("limit")))
    return jsonify({
        "balance": credits.current_balance(session, g.api_user.id).as_string(),
        "ledger": [entry_json(entry) for entry in page.items],
        "next_cursor": page.next_cursor,
        "as_of": clock.now().isoformat(),
    })
