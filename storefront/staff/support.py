"""The support page (role: support): look up a customer; reinstate a cooling-off number
for its former holder, charged as a new purchase; offer a similar number when theirs is
gone, or a subscription number back as a subscription (the customer confirms and pays)."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from pricing import TIERS, PricingError
from storefront import db
from storefront.roles import role_required
from storefront.models import Rental
from storefront.models.rentals import SUBSCRIPTION
from storefront.fields import AmountField
from storefront.rendering import render
from storefront.services import credits, rentals
from storefront.services import offers as number_offers
from storefront.services.accounts import user_by_email
from storefront.services.credits import InsufficientCredits
from storefront.services.rentals import RentalError
from storefront.staff import bp
from storefront.services import audit


class OfferForm(FlaskForm):
    """The CSRF token of the offer buttons."""


class ReinstateForm(FlaskForm):
    length = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    seen_total = AmountField()


@bp.get("/support")
@role_required("support")
def support():
    session = db.session()
    email = request.args.get("email", "").strip()
    customer = user_by_email(session, email) if email else None
    mine = rentals.rentals_of(session, customer) if customer else []
    offers, subscriptions_back = {}, set()
    for rental in mine:
        if rental.status == "ended" and rental.number.state == "cooling_off":
            if rental.pricing_model == SUBSCRIPTION:
                # Back as a subscription: the customer pays the first charge by card.
                subscriptions_back.add(rental.id)
                continue
            lengths = TIERS if rental.kind == "long" else (1, 3, 6, 12)
            offers[rental.id] = [(length, rentals.reinstate_quote(session, rental, length)) for length in lengths]
    # "If it's gone, we'll try to find a similar one": for one ended rental at a time.
    similar_to = next((rental for rental in mine if rental.id == request.args.get("similar", type=int)
                       and not rentals.is_current(rental) and rental.id not in offers
                       and rental.id not in subscriptions_back), None)
    return render("staff/support.html", email=email, customer=customer, rentals=mine, offers=offers,
                  subscriptions_back=subscriptions_back, similar_to=similar_to,
                  similar=number_offers.similar_for(session, similar_to) if similar_to else [],
                  sent_offers=number_offers.open_offers(session, customer) if customer else [],
                  balance=credits.balance(session, customer.id) if customer else None,
                  model_names=rentals.PRICING_MODEL_NAMES, is_current=rentals.is_current, form=ReinstateForm(), offer_form=OfferForm())


@bp.post("/support/rentals/<int:rental_id>/reinstate")
@role_required("support")
def reinstate(rental_id: int):
    form = ReinstateForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    rental = session.get(Rental, rental_id)
    if rental is None:
        abort(404)
    try:
        renewed = rentals.reinstate(session, rental, form.length.data, form.seen_total.data)
    except (RentalError, InsufficientCredits, PricingError) as error:
        flash(error.message)
    else:
        audit.record(session, current_user, audit.REINSTATEMENT, renewed.number.e164,
                     f"for {rental.user.email}, paid until {renewed.paid_through:%Y-%m-%d}")
        flash(f"{renewed.number.e164} is reinstated for {rental.user.email}, paid until {renewed.paid_through:%-d %B %Y}.")
    return redirect(url_for("staff.support", email=rental.user.email))


@bp.post("/support/rentals/<int:rental_id>/offer")
@role_required("support")
def offer(rental_id: int):
    """Offer the former holder a similar free number, or (a subscription) their own number back."""
    if not OfferForm().validate_on_submit():
        abort(400)
    session = db.session()
    rental = session.get(Rental, rental_id)
    if rental is None:
        abort(404)
    number_id = request.form.get("number_id", type=int)
    try:
        if number_id is None:
            made = number_offers.offer_reinstatement(session, current_user, rental)
        else:
            made = number_offers.offer_similar(session, current_user, rental, number_id)
    except RentalError as error:
        flash(error.message)
    else:
        flash(f"{made.number.e164} is offered to {rental.user.email} until {made.expires_at:%-d %B %Y}; "
              "they were e-mailed a link to buy it.")
    return redirect(url_for("staff.support", email=rental.user.email))
