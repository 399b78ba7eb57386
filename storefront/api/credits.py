"""The token-holder's credits: the balance and the ledger behind it."""

from flask import g, jsonify

from storefront import clock, db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.models import LedgerEntry
from storefront.services import credits


def entry_json(entry: LedgerEntry) -> dict:
    return {"id": entry.id, "kind": entry.kind, "amount": entry.amount.as_string(),
            "description": entry.description, "created_at": entry.created_at.isoformat()}


@bp.get("/credits")
@token_required
def credits_balance():
    session = db.session()
    return jsonify({
        "balance": credits.balance(session, g.api_user.id).as_string(),
        "ledger": [entry_json(entry) for entry in credits.ledger(session, g.api_user.id)],
        "as_of": clock.now().isoformat(),
    })
