"""The token-holder's numbers: buy, list, show, extend, unrent, return unused. Each route
parses the body, calls the same service function as the web page and answers JSON; a
refusal is a StorefrontError, answered as problem+json by storefront/errors.py."""

from flask import g, jsonify, url_for

from pricing import FieldError, Money
from storefront import clock, db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.api.bodies import body, money, own_id, purchase_key, whole
from storefront.api.idempotency import idempotent
from storefront.models import Rental
from storefront.problems import InvalidRequest, NotFound
from storefront.services import rentals
from storefront.services.catalog import current_catalog
from storefront.services.purchases import buy_with_credits
from storefront.services.quote_tokens import Checkout
from storefront.services.quotes import parse_months, parse_quote_request, parse_tier, quote_for, quote_json
from storefront.services.rentals import ReturnCheck


def rental_json(rental: Rental, check: ReturnCheck | None = None) -> dict:
    body_ = {
        "id": rental.id,
        "number": rental.number.e164,
        "country": rental.country_code,
        "kind": rental.kind,
        "pricing_model": rental.pricing_model,
        "status": rental.status,
        "auto_renew": rental.auto_renew,
        "started_at": rental.started_at.isoformat(),
        "paid_through": rental.paid_through.isoformat(),
        "charged_total": rental.charged_total.as_string(),
    }
    if rental.tier_months:
        body_["tier_months"] = rental.tier_months
    if rental.months:
        body_["months"] = rental.months
    if rental.ended_at:
        body_["ended_at"] = rental.ended_at.isoformat()
    if rental.kind == "long" and rentals.is_current(rental):
        check = check or rentals.return_check(db.session(), rental)
        body_["unused_return"] = {"eligible": check.eligible, "reason": check.reason}
        if check.refund:
            body_["unused_return"]["refund"] = check.refund.total.as_string()
    return body_


def _own_rental(rental_id: int) -> Rental:
    rental = own_id(rental_id) and rentals.rental_of(db.session(), g.api_user, rental_id)
    if not rental:
        raise NotFound("You have no number with this id.")
    return rental


@bp.get("/numbers")
@token_required
def list_numbers():
    session = db.session()
    mine = rentals.rentals_of(session, g.api_user)
    checks = rentals.return_checks(session, mine)
    return jsonify({"numbers": [rental_json(rental, checks.get(rental.id)) for rental in mine]})


def with_renewal(rental: Rental) -> dict:
    """The number, and for a current prepaid number what its next renewal would charge."""
    answer = rental_json(rental)
    if rental.pricing_model in rentals.RENEWED_FROM_CREDITS and rentals.is_current(rental):
        quote = rentals.renewal_quote(db.session(), rental, rental.paid_through)
        answer["renewal"] = {"on": rental.paid_through.isoformat(), "auto_renew": rental.auto_renew,
                             "months": quote.tier_months or quote.months, "estimated_total": quote.total.as_string()}
        if rental.kind == "long":
            answer["renewal"]["tier_months"] = quote.tier_months
    return answer


@bp.get("/numbers/<int:rental_id>")
@token_required
def show_number(rental_id: int):
    return jsonify(with_renewal(_own_rental(rental_id)))


@bp.put("/numbers/<int:rental_id>/renewal")
@token_required
def change_renewal(rental_id: int):
    """Choose the bundle a long-term number renews with (nothing is charged now); a legacy
    number renews as a bundle from then on."""
    data = body()
    rental = _own_rental(rental_id)
    rentals.change_tier(db.session(), rental, parse_tier(whole(data, "tier_months", required=True)))
    return jsonify(with_renewal(rental))


@bp.post("/numbers")
@token_required
@idempotent
def buy_number():
    """Buy from credits: long-term with `tier_months`, short-term prepaid with `months`."""
    data = body()
    if data.get("billing", "prepaid") != "prepaid":
        raise InvalidRequest([FieldError("billing", "the API buys prepaid numbers; monthly subscriptions start on "
                                                    "the web, by card")])
    session = db.session()
    request_ = parse_quote_request({**data, "billing": None, "start": None}, clock.today(),
                                   tier_required=True)
    quote = quote_for(current_catalog(session), request_)
    checkout = Checkout(request_, whole(data, "number_id"), money(data, "expected_total") or quote.total,
                        purchase_key())
    rental = buy_with_credits(session, g.api_user, checkout)
    answer = rental_json(rental)
    answer["charged"] = quote_json(quote)
    response = jsonify(answer)
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_number", rental_id=rental.id)
    return response


@bp.post("/numbers/<int:rental_id>/extend")
@token_required
@idempotent
def extend_number(rental_id: int):
    data = body()
    rental = _own_rental(rental_id)
    if rental.kind == "long":
        length = parse_tier(whole(data, "tier_months", required=True))
    else:
        length = parse_months(whole(data, "months", required=True))
    session = db.session()
    quote = rentals.extend_quote(session, rental, length)
    rentals.extend(session, g.api_user, rental, length, money(data, "expected_total") or quote.total, purchase_key())
    answer = rental_json(rental)
    answer["charged"] = quote_json(quote)
    return jsonify(answer)


@bp.delete("/numbers/<int:rental_id>")
@token_required
def unrent_number(rental_id: int):
    rental = _own_rental(rental_id)
    rentals.unrent(db.session(), g.api_user, [rental.id])
    return jsonify(rental_json(rental))


@bp.post("/numbers/<int:rental_id>/return")
@token_required
@idempotent
def return_number(rental_id: int):
    data = body()
    rental = _own_rental(rental_id)
    session = db.session()
    check = rentals.return_check(session, rental)
    seen = money(data, "expected_refund") or (check.refund.total if check.refund else Money.eur("0.00"))
    refund = rentals.return_unused(session, g.api_user, rental, seen)
    answer = rental_json(rental)
    answer["refunded"] = refund.as_string()
    return jsonify(answer)
