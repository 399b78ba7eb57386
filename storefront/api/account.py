"""The token-holder's resources: numbers (buy, show, extend, unrent, unused return),
reservations and credits. Each route parses JSON, calls the same service function as the
web page, and answers JSON or problem+json."""
import secrets

from flask import g, jsonify, request, url_for

from hardware.errors import OutOfStock
from pricing import FieldError, InvalidTier, Money, UnknownCountry
from storefront import clock, db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.api.idempotency import idempotent
from storefront.api.problems import problem
from storefront.api.routes import quote_json
from storefront.models import LedgerEntry, Rental, Reservation
from storefront.services import credits, rentals, reservations
from storefront.services.catalog import current_catalog
from storefront.services.credits import InsufficientCredits
from storefront.services.purchases import buy_with_credits
from storefront.services.quote_tokens import Checkout, QuoteChanged
from storefront.services.quotes import InvalidQuoteRequest, QuoteRequest, quote_for
from storefront.services.rentals import ExtendPriceChanged, RentalError


# Ids and counts are 32-bit in the database; anything larger names nothing.
LARGEST_ID = 2**31 - 1


class BadRequest(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__("invalid request")
        self.errors = errors


@bp.errorhandler(BadRequest)
def bad_request(error: BadRequest):
    return problem(422, "Invalid request", "Some fields are not valid.", error.errors)


@bp.errorhandler(InsufficientCredits)
def insufficient_credits(error: InsufficientCredits):
    return problem(402, "Insufficient credits", error.message, slug="insufficient-credits",
                   balance=error.balance.as_string(), missing=error.missing.as_string())


def _body() -> dict:
    data = request.get_json(silent=True)
    if data is None and request.get_data():
        raise BadRequest([FieldError("body", "must be a JSON object")])
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadRequest([FieldError("body", "must be a JSON object")])
    return data


def _whole(data: dict, field: str, required: bool = False) -> int | None:
    value = data.get(field)
    if value is None:
        if required:
            raise BadRequest([FieldError(field, "is required")])
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest([FieldError(field, "must be a whole number")])
    if not -LARGEST_ID <= value <= LARGEST_ID:
        raise BadRequest([FieldError(field, "is far too large")])
    return value


def _money(data: dict, field: str) -> Money | None:
    value = data.get(field)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return Money.eur(value)
    except (ValueError, ArithmeticError):
        raise BadRequest([FieldError(field, 'must be an amount as a string, like "16.00"')]) from None


def _key() -> str:
    """The purchase's own key: the Idempotency-Key when given (retries find the first result)."""
    given = request.headers.get("Idempotency-Key", "").strip()
    return f"api:{g.api_user.id}:{given}" if given else f"api:{secrets.token_urlsafe(16)}"


def rental_json(rental: Rental) -> dict:
    body = {
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
        body["tier_months"] = rental.tier_months
    if rental.months:
        body["months"] = rental.months
    if rental.ended_at:
        body["ended_at"] = rental.ended_at.isoformat()
    if rental.kind == "long" and rentals.is_current(rental):
        check = rentals.return_check(db.session(), rental)
        body["unused_return"] = {"eligible": check.eligible, "reason": check.reason}
        if check.refund:
            body["unused_return"]["refund"] = check.refund.total.as_string()
    return body


def _own_rental(rental_id: int) -> Rental | None:
    return rentals.rental_of(db.session(), g.api_user, rental_id) if rental_id <= LARGEST_ID else None


def _not_found(what: str = "number"):
    return problem(404, "Not found", f"You have no {what} with this id.")


@bp.get("/numbers")
@token_required
def list_numbers():
    return jsonify({"numbers": [rental_json(r) for r in rentals.rentals_of(db.session(), g.api_user)]})


@bp.get("/numbers/<int:rental_id>")
@token_required
def show_number(rental_id: int):
    rental = _own_rental(rental_id)
    return jsonify(rental_json(rental)) if rental else _not_found()


@bp.post("/numbers")
@token_required
@idempotent
def buy_number():
    """Buy from credits: long-term with `tier_months`, short-term prepaid with `months`."""
    data = _body()
    session = db.session()
    country = data.get("country")
    kind = data.get("kind")
    errors = []
    if not isinstance(country, str) or not country.strip():
        errors.append(FieldError("country", "is required (an ISO country code such as DE)"))
    if kind not in ("short", "long"):
        errors.append(FieldError("kind", "must be 'short' or 'long'"))
    if data.get("billing", "prepaid") != "prepaid":
        errors.append(FieldError("billing", "the API buys prepaid numbers; monthly subscriptions start on the web, by card"))
    if errors:
        raise BadRequest(errors)
    request_ = QuoteRequest(country.strip().upper(), kind,
                            months=_whole(data, "months", required=kind == "short") if kind == "short" else None,
                            tier_months=_whole(data, "tier_months", required=True) if kind == "long" else None,
                            billing="prepaid" if kind == "short" else None)
    catalog = current_catalog(session)
    try:
        catalog.country_on_sale(request_.country)
        quote = quote_for(catalog, request_)
    except InvalidQuoteRequest as error:
        raise BadRequest(error.errors) from error
    except UnknownCountry as error:
        return problem(404, "Country not sold", error.message, slug="unknown-country")
    expected = _money(data, "expected_total")
    number_id = _whole(data, "number_id")
    checkout = Checkout(request_, number_id, expected or quote.total, _key())
    try:
        rental = buy_with_credits(session, g.api_user, checkout)
    except QuoteChanged as error:
        return problem(409, "Price changed", error.message, slug="price-changed", quote=quote_json(error.quote))
    except OutOfStock as error:
        return problem(409, "Out of stock", error.message, slug="out-of-stock")
    body = rental_json(rental)
    body["charged"] = quote_json(quote)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_number", rental_id=rental.id)
    return response


@bp.post("/numbers/<int:rental_id>/extend")
@token_required
@idempotent
def extend_number(rental_id: int):
    data = _body()
    rental = _own_rental(rental_id)
    if rental is None:
        return _not_found()
    tier = _whole(data, "tier_months", required=True)
    session = db.session()
    try:
        quote = rentals.extend_quote(session, rental, tier)
    except InvalidTier as error:
        raise BadRequest([FieldError("tier_months", error.message)]) from error
    try:
        rentals.extend(session, g.api_user, rental, tier, _money(data, "expected_total") or quote.total, _key())
    except ExtendPriceChanged as error:
        return problem(409, "Price changed", error.message, slug="price-changed", quote=quote_json(error.quote))
    except RentalError as error:
        return problem(409, "Cannot extend", error.message, slug="cannot-extend")
    body = rental_json(rental)
    body["charged"] = quote_json(quote)
    return jsonify(body)


@bp.delete("/numbers/<int:rental_id>")
@token_required
def unrent_number(rental_id: int):
    rental = _own_rental(rental_id)
    if rental is None:
        return _not_found()
    try:
        rentals.unrent(db.session(), g.api_user, [rental.id])
    except RentalError as error:
        return problem(409, "Cannot unrent", error.message, slug="cannot-unrent")
    return jsonify(rental_json(rental))


@bp.post("/numbers/<int:rental_id>/return")
@token_required
@idempotent
def return_number(rental_id: int):
    data = _body()
    rental = _own_rental(rental_id)
    if rental is None:
        return _not_found()
    session = db.session()
    check = rentals.return_check(session, rental)
    if not check.eligible:
        return problem(409, "Not returnable", check.reason, slug="not-returnable")
    try:
        refund = rentals.return_unused(session, g.api_user, rental, _money(data, "expected_refund") or check.refund.total)
    except RentalError as error:
        return problem(409, "Not returnable", error.message, slug="not-returnable")
    body = rental_json(rental)
    body["refunded"] = refund.as_string()
    return jsonify(body)


def reservation_json(reservation: Reservation) -> dict:
    body = {
        "id": reservation.id,
        "country": reservation.country_code,
        "tier_months": reservation.tier_months,
        "hold": reservation.hold_amount.as_string(),
        "status": reservation.status,
        "created_at": reservation.created_at.isoformat(),
    }
    position = reservations.queue_position(db.session(), reservation)
    if position is not None:
        body["queue_position"] = position
    if reservation.rental_id:
        body["number_id"] = reservation.rental_id
    if reservation.close_reason:
        body["closed_reason"] = reservation.close_reason
    return body


@bp.get("/reservations")
@token_required
def list_reservations():
    mine = reservations.reservations_of(db.session(), g.api_user)
    return jsonify({"reservations": [reservation_json(r) for r in mine]})


@bp.get("/reservations/<int:reservation_id>")
@token_required
def show_reservation(reservation_id: int):
    reservation = (reservations.reservation_of(db.session(), g.api_user, reservation_id)
                   if reservation_id <= LARGEST_ID else None)
    return jsonify(reservation_json(reservation)) if reservation else _not_found("reservation")


@bp.post("/reservations")
@token_required
@idempotent
def create_reservation():
    data = _body()
    country = data.get("country")
    if not isinstance(country, str) or not country.strip():
        raise BadRequest([FieldError("country", "is required (an ISO country code such as SE)")])
    tier = _whole(data, "tier_months", required=True)
    session = db.session()
    try:
        current_catalog(session).country_on_sale(country.strip().upper())
        hold = reservations.hold_quote(session, country.strip().upper(), tier)
    except UnknownCountry as error:
        return problem(404, "Country not sold", error.message, slug="unknown-country")
    except InvalidTier as error:
        raise BadRequest([FieldError("tier_months", error.message)]) from error
    try:
        placed = reservations.place(session, g.api_user, hold.country, tier,
                                    _money(data, "expected_hold") or hold.total, _key())
    except RentalError as error:
        return problem(409, "Cannot reserve", error.message, slug="cannot-reserve")
    response = jsonify(reservation_json(placed))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_reservation", reservation_id=placed.id)
    return response


@bp.delete("/reservations/<int:reservation_id>")
@token_required
def cancel_reservation(reservation_id: int):
    session = db.session()
    reservation = (reservations.reservation_of(session, g.api_user, reservation_id)
                   if reservation_id <= LARGEST_ID else None)
    if reservation is None:
        return _not_found("reservation")
    try:
        reservations.cancel(session, reservation)
    except RentalError as error:
        return problem(409, "Cannot cancel", error.message, slug="cannot-cancel")
    return jsonify(reservation_json(reservation))


def entry_json(entry: LedgerEntry) -> dict:
    return {"id": entry.id, "kind": entry.kind, "amount": entry.amount.as_string(),
            "description": entry.description, "created_at": entry.created_at.isoformat()}


@bp.get("/credits")
@token_required
def credits_balance():
    session = db.session()
    return jsonify({
        "balance": credits.balance(session, g.api_user.id).as_string(),
        "ledger": [entry_json(entry) for entry in credits.ledger(session, g.api_user.id)],
        "as_of": clock.now().isoformat(),
    })
