import secrets
from dataclasses import replace

from flask import abort, current_app, flash, redirect, request, session as cookie, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField

from hardware.errors import OutOfStock
from pricing import UnknownCountry
from storefront import clock, db
from hardware.models import PhoneNumber
from storefront.models import CardPayment, Rental
from storefront.page_cache import cached_for_the_signed_in
from storefront.rendering import render
from storefront.services import credits
from storefront.services.credits import InsufficientCredits
from storefront.services.purchases import buy_with_credits, rental_for_key
from storefront.services.subscriptions import start_subscription
from storefront.services.terms import purchase_terms, rental_terms
from storefront.services.quote_tokens import QuoteChanged, QuoteExpired, issue_token, read_token
from storefront.shop import bp
from storefront.services.number_holds import HoldExpired, NumberTaken, hold_number
from storefront.shop.wizard import CHOOSE, CONFIRM, wizard_state


class CheckoutForm(FlaskForm):
    token = HiddenField()
    auto_renew = BooleanField("Renew automatically", default=True)


def _today():
    return clock.now().date()


def holder_key() -> str:
    """This visitor's key for holding a number, kept in the signed session cookie (so it
    stays through signing up or in); random, so it says nothing about who they are."""
    if "number_hold" not in cookie:
        cookie["number_hold"] = secrets.token_urlsafe(18)
    return cookie["number_hold"]


@bp.get("/buy")
def buy():
    holder = holder_key() if request.args.get("number") else cookie.get("number_hold")
    state = wizard_state(db.session(), request.args, _today(), holder=holder, hold=CHOOSE)
    return render("shop/buy.html", block="wizard", state=state)


def _review(state, message: str | None = None, status: int = 200, auto_renew: bool = True):
    token = issue_token(current_app.config["SECRET_KEY"], state.request, state.quote, state.number.id,
                        holder=holder_key())
    session = db.session()
    return render(
        "shop/review.html",
        status=status,
        state=state,
        quote=state.quote,
        form=CheckoutForm(formdata=None, token=token, auto_renew=auto_renew),
        balance=credits.current_balance(session, current_user.id),
        terms=purchase_terms(session, current_user, state.quote, auto_renew=auto_renew),
        message=message,
    )


@bp.get("/buy/review")
@login_required
@cached_for_the_signed_in
def review():
    state = wizard_state(db.session(), request.args, _today(), holder=holder_key(), hold=CONFIRM)
    if state.hold_ended:
        # The ten minutes ran out: say so, and offer the numbers on sale now.
        flash(state.hold_ended)
        return redirect(url_for("shop.buy", **state.query(number=None)))
    if not state.ready:
        return redirect(url_for("shop.buy", **request.args))
    return _review(state)


def _check_hold(session, order) -> None:
    """Before paying: is the customer's hold on the chosen number still running? If the ten
    minutes ran out, HoldExpired says so (NumberTaken if someone else has it now). A repeated
    submit of a checkout that went through already is let through to find its result."""
    if order.number_id is None or not order.holder:
        return
    if rental_for_key(session, order.key) is not None or session.scalar(
            select(CardPayment.id).where(CardPayment.checkout_key == order.key)) is not None:
        return
    number = session.get(PhoneNumber, order.number_id)
    if number is None:
        raise OutOfStock("That number is no longer on sale. Please pick another one.")
    hold_number(session, number, order.holder, renew_expired=False)


@bp.post("/buy/checkout")
@login_required
def checkout():
    form = CheckoutForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    order = None
    try:
        order = read_token(current_app.config["SECRET_KEY"], form.token.data)
        if request.form.get("auto_renew_offered"):  # an unticked box sends nothing: the choice was shown
            order = replace(order, auto_renew=form.auto_renew.data)
        _check_hold(session, order)
        if order.request.billing == "subscription":
            payment = start_subscription(session, current_user, order, form.token.data)
            return redirect(url_for("payments.card_payment", payment_id=payment.id))
        rental = buy_with_credits(session, current_user, order)
    except (QuoteChanged, InsufficientCredits) as error:
        # The review again, with the new price or the amount missing: the customer confirms anew.
        return _review(wizard_state(session, order.query(), _today(), holder=holder_key(), hold=CONFIRM),
                       message=error.message, status=error.status, auto_renew=order.auto_renew)
    except (QuoteExpired, OutOfStock, UnknownCountry, HoldExpired, NumberTaken) as error:
        # Back to choosing (a stale link, the number just taken or its hold over, the
        # country retired): nothing is charged.
        flash(error.message)
        keep_choice = isinstance(error, (OutOfStock, HoldExpired, NumberTaken)) and order is not None
        return redirect(url_for("shop.buy", **(order.query(with_number=False) if keep_choice else {})))
    return redirect(url_for("shop.bought", rental_id=rental.id))


@bp.get("/buy/done/<int:rental_id>")
@login_required
def bought(rental_id: int):
    rental = db.session().get(Rental, rental_id)
    if rental is None or rental.user_id != current_user.id:
        abort(404)
    return render("shop/done.html", rental=rental, terms=rental_terms(db.session(), rental))
