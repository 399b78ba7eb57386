"""A number's messages and forwarding through the API: the same service functions as the
number's page (storefront.services.console and .forwarding), answered as JSON."""
from datetime import datetime, timezone

from flask import current_app, jsonify, request

from pricing import FieldError
from storefront import db
from storefront.api import bp
from storefront.api.auth import token_required
from storefront.api.bodies import body
from storefront.api.idempotency import idempotent
from storefront.api.numbers import _own_rental as own_rental
from storefront.models.messages import Message
from storefront.problems import InvalidRequest
from storefront.services import console, forwarding

MAX_LIMIT = 100


def message_json(message: Message) -> dict:
    answer = {
        "id": message.id,
        "direction": message.direction,
        "from": message.sender,
        "to": message.recipient,
        "text": message.body,
        "at": (message.received_at or message.created_at).isoformat(),
        "status": message.status,
    }
    code = console.code_of(message)
    if code:
        answer["code"] = code
    if message.failure_reason:
        answer["failure_reason"] = message.failure_reason
    return answer


def _since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidRequest([FieldError("since", "must be a date and time such as 2026-12-03T12:00:00Z")]) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _limit(raw: str | None) -> int:
    if raw is None:
        return console.PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidRequest([FieldError("limit", f"must be a whole number from 1 to {MAX_LIMIT}")])
    return int(raw)


@bp.get("/numbers/<int:rental_id>/messages")
@token_required
def list_messages(rental_id: int):
    """The rental's messages, newest first; `cursor` from `next_cursor` for older ones."""
    rental = own_rental(rental_id)
    page = console.messages_of(db.session(), rental, before=console.parse_cursor(request.args.get("cursor"), "cursor"),
                               query=request.args.get("q"), since=_since(request.args.get("since")),
                               limit=_limit(request.args.get("limit")))
    return jsonify({"messages": [message_json(message) for message in page.messages],
                    "next_cursor": str(page.next_cursor) if page.next_cursor else None})


@bp.post("/numbers/<int:rental_id>/messages")
@token_required
@idempotent
def send_message(rental_id: int):
    data = body()
    rental = own_rental(rental_id)
    to, text = data.get("to"), data.get("text")
    errors = [FieldError(field, "is required, as a string") for field, value in (("to", to), ("text", text))
              if not isinstance(value, str)]
    if errors:
        raise InvalidRequest(errors)
    limits = console.SendLimits(current_app.config["MESSAGES_PER_MINUTE"], current_app.config["MESSAGES_PER_HOUR"])
    message = console.send(db.session(), rental, to, text, limits)
    response = jsonify(message_json(message))
    response.status_code = 201
    return response


def forwarding_json(rental) -> dict:
    session = db.session()
    settings = forwarding.settings_of(session, rental)
    return {
        "webhook_url": settings.webhook_url if settings else None,
        "email": settings.email if settings else False,
        "signing_secret": settings.signing_secret if settings else None,
        "deliveries": [{"id": delivery.id, "to": forwarding.destination(delivery), "event_id": delivery.key,
                        "state": delivery.state, "attempts": delivery.attempts, "last_error": delivery.last_error,
                        "queued_at": delivery.created_at.isoformat()}
                       for delivery in forwarding.recent_deliveries(session, rental)],
    }


@bp.get("/numbers/<int:rental_id>/forwarding")
@token_required
def show_forwarding(rental_id: int):
    return jsonify(forwarding_json(own_rental(rental_id)))


@bp.put("/numbers/<int:rental_id>/forwarding")
@token_required
def set_forwarding(rental_id: int):
    data = body()
    rental = own_rental(rental_id)
    url = data.get("webhook_url")
    if url is not None and not isinstance(url, str):
        raise InvalidRequest([FieldError("webhook_url", "must be a string (or null for none)")])
    for flag in ("email", "new_secret"):
        if not isinstance(data.get(flag, False), bool):
            raise InvalidRequest([FieldError(flag, "must be true or false")])
    forwarding.save(db.session(), rental, url, data.get("email", False), data.get("new_secret", False))
    return jsonify(forwarding_json(rental))
