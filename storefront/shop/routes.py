from dataclasses import replace

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from hardware.errors import OutOfStock
from pricing import UnknownCountry
from storefront import clock, db
from storefront.models import Rental
from storefront.rendering import render
from storefront.services import credits
from storefront.services.credits import InsufficientCredits
from storefront.services.purchases import buy_with_credits
from storefront.services.subscriptions import start_subscription
from storefront.services.terms import purchase_terms, rental_terms
from storefront.services.quote_tokens import QuoteChanged, QuoteExpired, issue_token, read_token
from storefront.shop import bp
from storefront.shop.wizard import wizard_state


class CheckoutForm(FlaskForm):
    token = HiddenField()
    auto_renew = BooleanField("Renew automatically", default=True)


def _today():
    return clock.now().date()


@bp.get("/buy")
def buy():
    state = wizard_state(db.session(), request.args, _today())
    return render("shop/buy.html", block="wizard", state=state)


def _review(state, message: str | None = None, status: int = 200, auto_renew: bool = True):
    token = issue_token(current_app.config["SECRET_KEY"], state.request, state.quote, state.number.id)
    session = db.session()
    return render(
        "shop/review.html",
        status=status,
        state=state,
        quote=state.quote,
        form=CheckoutForm(formdata=None, token=token, auto_renew=auto_renew),
        balance=credits.balance(session, current_user.id),
        terms=purchase_terms(session, current_user, state.quote, auto_renew=auto_renew),
        message=message,
    )


@bp.get("/buy/review")
@login_required
def review():
    state = wizard_state(db.session(), request.args, _today())
    if not state.ready:
        return redirect(url_for("shop.buy", **request.args))
    return _review(state)


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
        if order.request.billing == "subscription":
            payment = start_subscription(session, current_user, order, form.token.data)
            return redirect(url_for("payments.card_payment", payment_id=payment.id))
        rental = buy_with_credits(session, current_user, order)
    except (QuoteChanged, InsufficientCredits) as error:
        # The review again, with the new price or the amount missing: the customer confirms anew.
        return _review(wizard_state(session, order.query(), _today()), message=error.message, status=error.status,
                       auto_renew=order.auto_renew)
    except (QuoteExpired, OutOfStock, UnknownCountry) as error:
        # Back to choosing (a stale link, the number just taken, the country retired): nothing is charged.
        flash(error.message)
        return redirect(url_for("shop.buy", **(order.query(with_number=False) if isinstance(error, OutOfStock) else {})))
    return redirect(url_for("shop.bought", rental_id=rental.id))


@bp.get("/buy/done/<int:rental_id>")
@login_required
def bought(rental_id: int):
    rental = db.session().get(Rental, rental_id)
    if rental is None or rental.user_id != current_user.id:
        abort(404)
    return render("shop/done.html", rental=rental, terms=rental_terms(db.session(), rental))
