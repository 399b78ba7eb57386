from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from storefront import db, stripe_gateway
from storefront.payments import bp
from storefront.stripe_gateway import PaymentError
from storefront.redirects import local_path
from storefront.rendering import render
from storefront.models import Rental
from storefront.models.payments import SUBSCRIPTION_START
from storefront.services import credits, payments, subscriptions


class TopUpForm(FlaskForm):
    amount = StringField("Amount in euros")
    next = HiddenField()


class CardForm(FlaskForm):
    card_token = HiddenField()


@bp.route("/top-up", methods=["GET", "POST"])
@login_required
def top_up():
    form = TopUpForm(amount=request.args.get("amount", "25.00"), next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            amount = payments.parse_top_up_amount(form.amount.data)
            payment = payments.start_top_up(db.session(), current_user, amount, local_path(form.next.data))
            return redirect(url_for("payments.card_payment", payment_id=payment.id))
        except PaymentError as error:
            form.amount.errors.append(error.message)
            status = 422
    return render("payments/top_up.html", form=form, status=status,
                  balance=credits.current_balance(db.session(), current_user.id),
                  minimum=payments.MIN_TOP_UP, maximum=payments.MAX_TOP_UP)


def _payment_or_404(payment_id: int):
    payment = payments.payment_of(db.session(), current_user, payment_id)
    if payment is None:
        abort(404)
    return payment


@bp.get("/<int:payment_id>")
@login_required
def card_payment(payment_id: int):
    payment = _payment_or_404(payment_id)
    return render(
        "payments/card.html",
        block="status",
        payment=payment,
        subscribing=payment.purpose == SUBSCRIPTION_START,
        rental=db.session().get(Rental, payment.rental_id) if payment.rental_id else None,
        form=CardForm(),
        client_secret=request.args.get("authenticate"),
        balance=credits.current_balance(db.session(), current_user.id),
        stripe_js_url=current_app.config["STRIPE_JS_URL"],
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
    )


@bp.post("/<int:payment_id>/card")
@login_required
def pay(payment_id: int):
    payment = _payment_or_404(payment_id)
    form = CardForm()
    if not form.validate_on_submit() or not form.card_token.data:
        flash("Please enter your card details.")
        return redirect(url_for("payments.card_payment", payment_id=payment.id))
    if payment.purpose == SUBSCRIPTION_START:
        charge = subscriptions.pay_subscription(db.session(), current_user, payment, form.card_token.data,
                                                current_app.config["SECRET_KEY"])
    else:
        charge = payments.pay_top_up(db.session(), current_user, payment, form.card_token.data)
    if charge is not None and charge.status == "requires_action":
        # The bank wants the customer to confirm (3-D Secure): Stripe.js does it on the page.
        return redirect(url_for("payments.card_payment", payment_id=payment.id, authenticate=charge.client_secret))
    return redirect(url_for("payments.card_payment", payment_id=payment.id))


@bp.post("/webhook")
def webhook():
    try:
        event = stripe_gateway.verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except ValueError:
        return {"error": "invalid signature"}, 400
    handled = payments.handle_event(db.session(), event)
    return {"received": True, "replay": not handled}, 200
