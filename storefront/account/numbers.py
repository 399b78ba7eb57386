"""My numbers: every rental, unrent one or several, auto-renew, extend, change the renewal bundle,
unused return."""
import secrets

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from pricing import DEFAULT_TIER, SHORT_TERM_MONTHS, TIERS
from storefront import clock, db
from storefront.account import bp
from storefront.fields import AmountField
from storefront.page_cache import cached_for_the_signed_in
from storefront.rendering import render
from storefront.services import credits, offers, rentals
from storefront.problems import StorefrontError
from storefront.models.rentals import LEGACY, SHORT_PREPAID
from storefront.services.quotes import parse_months, parse_tier
from storefront.services.rentals import RentalError
from storefront.formatting import when


class ConfirmForm(FlaskForm):
    """The CSRF token of the buttons that move no money (unrent, auto-renew)."""


class PaymentForm(FlaskForm):
    """A button that moves money carries what the customer saw, and a key that makes it happen once."""

    seen_total = AmountField()
    key = HiddenField()


def _rental_or_404(rental_id: int):
    rental = rentals.rental_of(db.session(), current_user, rental_id)
    if rental is None:
        abort(404)
    return rental


@bp.get("/numbers")
@login_required
@cached_for_the_signed_in
def numbers():
    session = db.session()
    page = rentals.rentals_of(session, current_user, request.args.get("cursor"))
    chosen = set(request.args.getlist("rental", type=int))
    confirming = [rental for rental in rentals.rentals_by_ids(session, current_user, chosen) if rentals.is_current(rental)]
    return render("account/numbers.html", rentals=page.items, page=page, confirming=confirming, form=ConfirmForm(),
                  give_backs=rentals.give_back_terms(session, confirming) if confirming else [],
                  reclaimable=rentals.reclaimable(session, page.items),
                  is_current=rentals.is_current, model_names=rentals.PRICING_MODEL_NAMES,
                  renewed_from_credits=rentals.RENEWED_FROM_CREDITS,
                  offers=offers.open_offers(session, current_user),
                  returns=rentals.return_checks(session, [rental for rental in page.items
                                                          if rental.kind == "long" and rentals.is_current(rental)]))


@bp.post("/numbers/unrent")
@login_required
def unrent():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    ids = request.form.getlist("rental", type=int)
    if not ids:
        flash("Nothing was selected: tick the numbers you want to give back first.")
        return redirect(url_for("account.numbers"))
    if request.form.get("confirmed") != "yes":
        # Without JavaScript the confirmation is a page of its own.
        return redirect(url_for("account.numbers", rental=ids) + "#confirm")
    try:
        ended = rentals.unrent(db.session(), current_user, ids)
    except RentalError as error:
        flash(error.message)
        return redirect(url_for("account.numbers"))
    names = ", ".join(rental.number.e164 for rental in ended)
    flash(f"Given back: {names}. We keep {'it' if len(ended) == 1 else 'them'} for you for 30 days in case you change your mind."
          if ended else "Those numbers had already ended.")
    return redirect(url_for("account.numbers"))


@bp.post("/numbers/<int:rental_id>/auto-renew")
@login_required
def auto_renew(rental_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rental = _rental_or_404(rental_id)
    try:
        rentals.set_auto_renew(db.session(), rental, request.form.get("on") == "1")
    except RentalError as error:
        flash(error.message)
    else:
        flash(f"Automatic renewal of {rental.number.e164} is {'on' if rental.auto_renew else 'off'}.")
    return redirect(url_for("account.numbers"))


@bp.route("/numbers/<int:rental_id>/extend", methods=["GET", "POST"])
@login_required
def extend(rental_id: int):
    """A long-term number takes a new bundle (3/6/9/12); a prepaid short-term one 1–12 months."""
    session = db.session()
    rental = _rental_or_404(rental_id)
    long_term = rental.kind == "long"
    lengths = TIERS if long_term else SHORT_TERM_MONTHS
    message, status = None, 200
    length = (rental.tier_months or DEFAULT_TIER) if long_term else (rental.months or 1)
    try:
        length = (parse_tier(request.values.get("tier_months"), default=length) if long_term
                  else parse_months(request.values.get("months"), default=length))
        if request.method == "POST":
            form = PaymentForm()
            if not form.validate_on_submit():
                abort(400)
            rentals.extend(session, current_user, rental, length, form.seen_total.data, form.key.data)
            flash(f"{rental.number.e164} is paid until {when(rental.paid_through)}.")
            return redirect(url_for("account.numbers"))
    except StorefrontError as error:
        # Shown on the form, beside the prices (a refused length falls back to the current one).
        message, status = error.message, error.status
    extendable = long_term or rental.pricing_model == SHORT_PREPAID
    quotes = {months: rentals.extend_quote(session, rental, months) for months in lengths} if extendable else {}
    terms = rentals.extend_terms(session, rental, quotes[length]) if long_term and length in quotes else None
    return render("account/extend.html" if long_term else "account/extend_short.html", block="quote",
                  status=status, rental=rental, tier=length, months=length, quotes=quotes,
                  legacy=rentals.legacy_quote(rental), message=message, terms=terms,
                  held=rentals.held_months(rental, clock.now()),
                  loyalty=rentals.loyalty_for(session, rental),
                  balance=credits.current_balance(session, current_user.id),
                  form=PaymentForm(formdata=None, key=secrets.token_urlsafe(12)))


@bp.route("/numbers/<int:rental_id>/renewal", methods=["GET", "POST"])
@login_required
def change_tier(rental_id: int):
    """Choose the bundle the number renews with; nothing is charged now."""
    session = db.session()
    rental = _rental_or_404(rental_id)
    message, status = None, 200
    tier = rental.tier_months or DEFAULT_TIER
    try:
        tier = parse_tier(request.values.get("tier_months"), default=tier)
        if request.method == "POST":
            if not ConfirmForm().validate_on_submit():
                abort(400)
            was_legacy = rental.pricing_model == LEGACY
            rentals.change_tier(session, rental, tier)
            flash(f"{rental.number.e164} now renews with the {tier}-month bundle"
                  f"{' instead of its old price' if was_legacy else ''}. Nothing was charged.")
            return redirect(url_for("account.numbers"))
    except StorefrontError as error:
        message, status = error.message, error.status
    options = rentals.renewal_options(session, rental) if rental.kind == "long" and rentals.is_current(rental) else {}
    current = rentals.renewal_quote(session, rental, rental.paid_through) if options else None
    return render("account/renewal.html", status=status, rental=rental, tier=tier, options=options,
                  current=current, legacy=rental.pricing_model == LEGACY, message=message, form=ConfirmForm())


@bp.route("/numbers/<int:rental_id>/return", methods=["GET", "POST"])
@login_required
def return_unused(rental_id: int):
    session = db.session()
    rental = _rental_or_404(rental_id)
    message, status = None, 200
    if request.method == "POST":
        form = PaymentForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            refund = rentals.return_unused(session, current_user, rental, form.seen_total.data)
        except StorefrontError as error:
            message, status = error.message, error.status
        else:
            flash(f"{rental.number.e164} is returned and {refund} is back in your credits.")
            return redirect(url_for("account.numbers"))
    return render("account/return.html", status=status, rental=rental, message=message,
                  check=rentals.return_check(session, rental), form=PaymentForm(formdata=None))


RECLAIM_MONTHS = (1, 3, 6, 12)


class ReclaimForm(FlaskForm):
    length = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    seen_total = AmountField()


@bp.route("/numbers/<int:rental_id>/reclaim", methods=["GET", "POST"])
@login_required
def reclaim(rental_id: int):
    """Buy back a number given back less than 30 days ago: a new purchase at today's quote."""
    session = db.session()
    rental = _rental_or_404(rental_id)
    message, status = None, 200
    if request.method == "POST":
        form = ReclaimForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            renewed = rentals.reclaim(session, current_user, rental, form.length.data, form.seen_total.data)
        except StorefrontError as error:
            message, status = error.message, error.status
        else:
            return redirect(url_for("shop.bought", rental_id=renewed.id))
    waiting = bool(rentals.reclaimable(session, [rental]))
    lengths = TIERS if rental.kind == "long" else RECLAIM_MONTHS
    offers = [(length, rentals.reinstate_quote(session, rental, length)) for length in lengths] if waiting else []
    return render("account/reclaim.html", status=status, rental=rental, offers=offers, message=message,
                  balance=credits.current_balance(session, current_user.id), form=ReclaimForm(formdata=None))
