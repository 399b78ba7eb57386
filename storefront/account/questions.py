"""The customer's questions to support, with the answers."""
from flask import request
from flask_login import current_user, login_required

from storefront import db
from storefront.account import bp
from storefront.rendering import render
from storefront.services import support


@bp.get("/account/questions")
@login_required
def questions():
    sent = request.args.get("sent", "")
    return render("account/questions.html", tickets=support.tickets_of(db.session(), current_user),
                  sent=sent if sent.isdigit() else None)
