"""The token-holder's numbers: buy, list, show, extend, unrent, return unused. Each route
parses the body, calls the same service function as the web page and answers JSON; a
refusal is a StorefrontError, answered as problem+json by storefront/errors.py."""

from flask import g, jsonify, request, url_for

from pricing import FieldError, Money
from storefront import clock, db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.api.bodies import body, flag, money, own_id, purchase_key, whole
from storefront.api.idempotency import idempotent
from storefront.models import Rental
from storefront.problems import InvalidRequest, NotFound
from storefront.services import credits, rentals
from storefront.services.catalog import current_catalog
from storefront.services.paging import page_size
from storefront.services.purchases import buy_with_credits
from storefront.services.quote_tokens import Checkout
from storefront.services.quotes import parse_months, parse_quote_request, parse_tier, quote_for, quote_json
from storefront.services.rentals import ReturnCheck
from storefront.services.terms import rental_terms


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
    if rental.status == "ended" and rental.number.state == "cooling_off" and rental.number.cooling_off_until:
        body_["reclaim_until"] = rental.number.cooling_off_until.isoformat()
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
    """A page of the caller's numbers, current first; `next_cursor` (null on the last page) is
    passed back as `?cursor=`; `?limit=` from 1 to 200 (default 50)."""
    session = db.session()
    page = rentals.rentals_of(session, g.api_user, request.args.get("cursor"), page_size(request.args.get("limit")))
    checks = rentals.return_checks(session, page.items)
    return jsonify({"numbers": [rental_json(rental, checks.get(rental.id)) for rental in page.items],
                    "next_cursor": page.next_cursor})


def give_back_json(item: rentals.GiveBack) -> dict:
    answer = {"days_forfeited": item.days_left, "forfeited": item.forfeited.as_string(), "refund": "0.00"}
    if item.unused_return:
        answer["instead_return_unused_for"] = item.unused_return.refund.total.as_string()
    return answer


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
    rental = _own_rental(rental_id)
    answer = with_renewal(rental)
    if rentals.is_current(rental):
        answer["give_back"] = give_back_json(rentals.give_back_terms(db.session(), [rental])[0])
    return jsonify(answer)


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
                        purchase_key(), auto_renew=flag(data, "auto_renew", default=True))
    rental = buy_with_credits(session, g.api_user, checkout)
    answer = rental_json(rental)
    answer["charged"] = quote_json(quote)
    answer["terms"] = rental_terms(session, rental).as_json()
    answer["terms"]["balance_after"] = credits.current_balance(session, g.api_user.id).as_string()
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
    session = db.session()
    given_back = give_back_json(rentals.give_back_terms(session, [rental])[0]) if rentals.is_current(rental) else None
    rentals.unrent(session, g.api_user, [rental.id])
    answer = rental_json(rental)
    if given_back:
        answer["given_back"] = given_back
    return jsonify(answer)


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


@bp.post("/numbers/<int:rental_id>/reclaim")
@token_required
@idempotent
def reclaim_number(rental_id: int):
    """Buy back a number given back within 30 days: a new purchase at today's quote
    (long-term: `tier_months`; short-term: `months`), with `expected_total` as shown."""
    data = body()
    rental = _own_rental(rental_id)
    session = db.session()
    length = (parse_tier(whole(data, "tier_months", required=True)) if rental.kind == "long"
              else whole(data, "months", required=True))
    if rental.kind != "long" and not 1 <= length <= 12:
        raise InvalidRequest([FieldError("months", "must be between 1 and 12")])
    quote = rentals.reinstate_quote(session, rental, length)
    renewed = rentals.reclaim(session, g.api_user, rental, length, money(data, "expected_total") or quote.total)
    answer = rental_json(renewed)
    answer["charged"] = quote_json(quote)
    answer["terms"] = rental_terms(session, renewed).as_json()
    response = jsonify(answer)
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_number", rental_id=renewed.id)
    return response
