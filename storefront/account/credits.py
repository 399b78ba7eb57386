"""The credits page: balance and ledger."""
from flask import request
from flask_login import current_user, login_required

from storefront import db
from storefront.account import bp
from storefront.rendering import render
from storefront.services import credits as credit_service


@bp.get("/credits")
@login_required
def credits():
    session = db.session()
    page = credit_service.ledger(session, current_user.id, request.args.get("cursor"))
    return render(
        "account/credits.html",
        balance=credit_service.balance(session, current_user.id),
        entries=page.items,
        page=page,
    )
