"""Saving a card for automatic top-ups of renewals (shown on the billing page)."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from storefront import db
from storefront.account import bp
from storefront.rendering import render
from storefront.services import auto_top_up
from storefront.stripe_gateway import PaymentError


class CardSetupForm(FlaskForm):
    """The CSRF token of the saved-card buttons (no money moves when saving a card)."""


@bp.post("/credits/card")
@login_required
def save_card():
    """Start saving a card for automatic top-ups: Stripe.js confirms the SetupIntent on the page."""
    if not CardSetupForm().validate_on_submit():
        abort(400)
    try:
        setup = auto_top_up.start_saving(db.session(), current_user)
    except PaymentError as error:
        flash(error.message)
        return redirect(url_for("account.billing_history"))
    return render("account/save_card.html", client_secret=setup.client_secret,
                  publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
                  stripe_js_url=current_app.config["STRIPE_JS_URL"])


@bp.get("/credits/card/done")
@login_required
def card_saved():
    """Where Stripe.js sends the customer once the SetupIntent succeeded."""
    try:
        auto_top_up.finish_saving(db.session(), current_user, request.args.get("setup_intent", "")[:100])
    except PaymentError as error:
        flash(error.message)
    else:
        flash("Card saved: when a renewal lacks credits, we charge it exactly what is missing.")
    return redirect(url_for("account.billing_history"))


@bp.post("/credits/auto-top-up")
@login_required
def toggle_auto_top_up():
    if not CardSetupForm().validate_on_submit():
        abort(400)
    try:
        auto_top_up.set_auto_top_up(db.session(), current_user, request.form.get("on") == "1")
    except PaymentError as error:
        flash(error.message)
    return redirect(url_for("account.billing_history"))
