"""The token-holder's reservations: place, list, show, cancel (same services as /reserve)."""
from flask import g, jsonify, url_for

from storefront import db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.api.bodies import body, country, money, own_id, purchase_key, whole
from storefront.api.idempotency import idempotent
from storefront.models import Reservation
from storefront.problems import NotFound
from storefront.services import reservations
from storefront.services.catalog import current_catalog
from storefront.services.quotes import parse_tier


def reservation_json(reservation: Reservation, position: int | None = None) -> dict:
    body_ = {
        "id": reservation.id,
        "country": reservation.country_code,
        "tier_months": reservation.tier_months,
        "hold": reservation.hold_amount.as_string(),
        "status": reservation.status,
        "created_at": reservation.created_at.isoformat(),
    }
    if position is not None:
        body_["queue_position"] = position
    if reservation.rental_id:
        body_["number_id"] = reservation.rental_id
    if reservation.close_reason:
        body_["closed_reason"] = reservation.close_reason
    return body_


def _answer(reservation: Reservation) -> dict:
    return reservation_json(reservation, reservations.queue_position(db.session(), reservation))


def _own_reservation(reservation_id: int) -> Reservation:
    reservation = own_id(reservation_id) and reservations.reservation_of(db.session(), g.api_user, reservation_id)
    if not reservation:
        raise NotFound("You have no reservation with this id.")
    return reservation


@bp.get("/reservations")
@token_required
def list_reservations():
    mine = reservations.reservations_of(db.session(), g.api_user)
    return jsonify({"reservations": [_answer(reservation) for reservation in mine]})


@bp.get("/reservations/<int:reservation_id>")
@token_required
def show_reservation(reservation_id: int):
    return jsonify(_answer(_own_reservation(reservation_id)))


@bp.post("/reservations")
@token_required
@idempotent
def create_reservation():
    data = body()
    code = country(data, example="SE")
    tier = parse_tier(whole(data, "tier_months", required=True))
    session = db.session()
    current_catalog(session).country_on_sale(code)
    hold = reservations.hold_quote(session, code, tier)
    placed = reservations.place(session, g.api_user, hold.country, tier, money(data, "expected_hold") or hold.total,
                                purchase_key())
    response = jsonify(_answer(placed))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_reservation", reservation_id=placed.id)
    return response


@bp.delete("/reservations/<int:reservation_id>")
@token_required
def cancel_reservation(reservation_id: int):
    reservation = _own_reservation(reservation_id)
    reservations.cancel(db.session(), reservation)
    return jsonify(_answer(reservation))
