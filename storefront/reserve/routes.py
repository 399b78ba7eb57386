"""/reserve: hold a long-term bundle in a country that is out of stock; see the queue; cancel."""
import secrets

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField

from pricing import DEFAULT_TIER, TIERS, UnknownCountry
from storefront import db
from storefront.fields import AmountField
from storefront.rendering import render
from storefront.reserve import bp
from storefront.services import credits, reservations
from storefront.services.catalog import current_catalog
from storefront.errors import as_storefront_error
from storefront.problems import StorefrontError
from storefront.services.operations import long_term_stock
from storefront.services.quotes import parse_tier
from storefront.services.rentals import RentalError


class ReserveForm(FlaskForm):
    seen_hold = AmountField()
    key = HiddenField()


class CancelForm(FlaskForm):
    """The CSRF token of the cancel buttons."""


@bp.route("/reserve", methods=["GET", "POST"])
@login_required
def reserve():
    session = db.session()
    catalog = current_catalog(session)
    stock = long_term_stock(session)
    out_of_stock = [country for country in catalog.countries_on_sale if not stock.get(country.code)]
    code = (request.values.get("country") or "").upper() or None
    message, status, country, tier = None, 200, None, DEFAULT_TIER
    try:
        country = catalog.country_on_sale(code) if code else None
        tier = parse_tier(request.values.get("tier_months"), default=DEFAULT_TIER)
        if request.method == "POST" and country is not None:
            form = ReserveForm()
            if not form.validate_on_submit():
                abort(400)
            placed = reservations.place(session, current_user, country.code, tier, form.seen_hold.data,
                                        form.key.data)
            flash(f"Reserved: a {placed.tier_months}-month bundle in {country.name}. "
                  f"{placed.hold_amount} is held on your credits.")
            return redirect(url_for("reserve.reserve"))
    except (StorefrontError, UnknownCountry) as error:
        # Shown on the form, beside the holds: an unknown country or a refused tier is a 422 here.
        refusal = as_storefront_error(error)
        message, status = refusal.message, 422 if isinstance(error, UnknownCountry) else refusal.status
    holds = {months: reservations.hold_quote(session, country.code, months) for months in TIERS} if country else {}
    mine = reservations.reservations_of(session, current_user)
    return render("reserve/reserve.html", block="hold" if country else None, status=status,
                  countries=out_of_stock, country=country, tier=tier, holds=holds, message=message,
                  in_stock=bool(country and stock.get(country.code)),
                  balance=credits.current_balance(session, current_user.id), reservations=mine,
                  positions={r.id: reservations.queue_position(session, r) for r in mine},
                  form=ReserveForm(formdata=None, key=secrets.token_urlsafe(12)))


@bp.post("/reserve/<int:reservation_id>/cancel")
@login_required
def cancel(reservation_id: int):
    if not CancelForm().validate_on_submit():
        abort(400)
    session = db.session()
    reservation = reservations.reservation_of(session, current_user, reservation_id)
    if reservation is None:
        abort(404)
    try:
        reservations.cancel(session, reservation)
    except RentalError as error:
        flash(error.message)
    else:
        flash(f"Reservation cancelled: {reservation.hold_amount} is back in your credits.")
    return redirect(url_for("reserve.reserve"))
