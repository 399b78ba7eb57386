"""An offer from support, seen by the customer: the number, its price as a new purchase,
and the usual checkout (credits, or the card for a subscription)."""
from flask import abort, current_app, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField

from pricing import DEFAULT_TIER, SHORT_TERM_MONTHS, TIERS
from storefront import clock, db
from storefront.account import bp
from storefront.models.offers import REINSTATE
from storefront.problems import StorefrontError
from storefront.rendering import render
from storefront.services import credits, offers
from storefront.services.catalog import current_catalog
from storefront.services.quote_tokens import issue_token
from storefront.services.quotes import QuoteRequest, parse_months, parse_tier, quote_for


class OfferCheckoutForm(FlaskForm):
    """Posted to the shop's checkout, like the review page's form: the signed quote."""

    token = HiddenField()


@bp.get("/offers/<int:offer_id>")
@login_required
def offer(offer_id: int):
    session = db.session()
    found = offers.offer_of(session, current_user, offer_id)
    if found is None:
        abort(404)
    number, today = found.number, clock.today()
    message, status = None, 200
    tier, months = DEFAULT_TIER, 1
    try:
        if number.kind == "long":
            tier = parse_tier(request.args.get("tier_months"), default=DEFAULT_TIER)
        elif found.billing == "prepaid":
            months = parse_months(request.args.get("months"), default=1)
    except StorefrontError as error:
        message, status = error.message, error.status
    catalog = current_catalog(session)
    if number.kind == "long":
        choice = QuoteRequest(number.country_code, "long", None, tier, None, today)
    elif found.billing == "subscription":
        choice = QuoteRequest(number.country_code, "short", None, None, "subscription", today)
    else:
        choice = QuoteRequest(number.country_code, "short", months, None, "prepaid", today)
    quote = quote_for(catalog, choice)
    token = issue_token(current_app.config["SECRET_KEY"], choice, quote, number.id)
    return render("account/offer.html", status=status, offer=found, number=number, quote=quote, message=message,
                  tier=tier, months=months, tiers=TIERS, month_choices=SHORT_TERM_MONTHS,
                  reinstating=found.reason == REINSTATE,
                  monthly=catalog.country(number.country_code).short_term_monthly,
                  country=catalog.country(number.country_code),
                  balance=credits.current_balance(session, current_user.id), form=OfferCheckoutForm(formdata=None, token=token))
