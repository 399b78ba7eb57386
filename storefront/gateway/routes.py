"""The routes of /gateway/v1 (documented in docs/gateway-api.md and by openapi.json)."""
import json
from datetime import datetime, timezone
from functools import wraps

from flask import current_app, g, jsonify, request

from pricing import FieldError
from storefront import clock, db
from storefront.errors import problem
from storefront.gateway import bp
from storefront.gateway.openapi import openapi_document
from storefront.models.messages import Message
from storefront.problems import InvalidRequest
from storefront.services import gateways, messages

MAX_PULL = 100


def gateway_required(view):
    """401 problem+json unless `Authorization: Bearer <token>` is a live gateway credential."""

    @wraps(view)
    def guarded(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        gateway = gateways.gateway_for_token(db.session(), token.strip()) if scheme.lower() == "bearer" else None
        if gateway is None:
            response = problem(401, "Unauthorized", "Send this gateway's credential as `Authorization: Bearer <token>`.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="gateway"'
            return response
        g.gateway = gateway
        return view(*args, **kwargs)

    return guarded


def _body() -> dict:
    """The JSON object sent. Bytes that are not UTF-8 survive as lone surrogates, so the
    field holding them is named (422) instead of the whole body."""
    raw = request.get_data()
    if not raw:
        return {}
    try:
        data = json.loads(raw.decode("utf-8", errors="surrogateescape"))
    except ValueError:
        raise InvalidRequest([FieldError("body", "must be a JSON object")]) from None
    if not isinstance(data, dict):
        raise InvalidRequest([FieldError("body", "must be a JSON object")])
    return data


def _time(data: dict, field: str, name: str | None = None) -> datetime | None:
    """`data[field]` as an aware UTC time; a bad one is named `name` (default: `field`)."""
    name = name or field
    value = data.get(field)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest([FieldError(name, "must be a time like 2026-12-03T12:00:00Z")]) from None
    if parsed.tzinfo is None:
        raise InvalidRequest([FieldError(name, "must carry its offset, e.g. Z for UTC")])
    return parsed.astimezone(timezone.utc)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _outbound_json(message: Message) -> dict:
    return {"id": message.id, "from": message.sender, "to": message.recipient, "text": message.body,
            "status": message.status, "queued_at": _iso(message.created_at), "sent_at": _iso(message.sent_at),
            "delivered_at": _iso(message.delivered_at), "failed_at": _iso(message.failed_at),
            "reason": message.failure_reason}


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(request.url_root.rstrip("/") + "/gateway/v1"))


@bp.post("/heartbeat")
@gateway_required
def heartbeat():
    back = gateways.heartbeat(db.session(), g.gateway)
    silence = current_app.config["GATEWAY_SILENCE_SECONDS"]
    return jsonify({"gateway": g.gateway.name, "back_in_service": back, "silence_limit_seconds": silence})


@bp.get("/numbers")
@gateway_required
def numbers():
    """The numbers this gateway serves (SIMs in its slots, its short-term pool), and
    whether someone holds each now (a message for a number nobody holds is dropped)."""
    served = gateways.numbers_of(db.session(), g.gateway)
    return jsonify({"numbers": [{"number": e164, "kind": kind, "held": held} for e164, kind, held in served]})


def _report(data: dict, now: datetime, where: str = "") -> messages.Report:
    """The fields of one inbound report (a body, or an item of a batch), checked."""
    errors = []
    try:
        received_at = _time(data, "received_at", f"{where}received_at")
    except InvalidRequest as error:
        errors, received_at = error.errors, None
    try:
        report = messages.check_report(gateway_message_id=data.get("id"), to=data.get("to"), sender=data.get("from"),
                                       text=data.get("text"), received_at=received_at, now=now, where=where,
                                       sender_field="from")
    except InvalidRequest as error:
        raise InvalidRequest(errors + error.errors) from None
    if errors:
        raise InvalidRequest(errors)
    return report


def _answer(report: messages.Report, result: messages.InboundResult) -> dict:
    if result.message is None:
        return {"id": report.gateway_message_id, "stored": False, "note": result.note}
    return {"id": result.message.gateway_message_id, "stored": True, "message": result.message.id,
            "received_at": _iso(result.message.received_at)}


@bp.post("/messages")
@gateway_required
def report_message():
    """An inbound message. Idempotent on (gateway, id): a retry gets the first answer."""
    now = clock.now()
    report = _report(_body(), now)
    result = messages.record_inbound_batch(db.session(), g.gateway, [report], now)[0]
    return jsonify(_answer(report, result)), 201 if result.message is not None else 202


@bp.post("/messages/batch")
@gateway_required
def report_messages():
    """Up to MAX_BATCH inbound messages in one request and one transaction (each idempotent
    on its id, as above); the answers in the order sent. Any bad item refuses the batch."""
    now = clock.now()
    items = _body().get("messages")
    if not isinstance(items, list) or not 1 <= len(items) <= messages.MAX_BATCH:
        raise InvalidRequest([FieldError("messages", f"Send a list of 1 to {messages.MAX_BATCH} reports.")])
    reports, errors = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(FieldError(f"messages[{index}]", "must be a JSON object"))
            continue
        try:
            reports.append(_report(item, now, f"messages[{index}]."))
        except InvalidRequest as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidRequest(errors)
    results = messages.record_inbound_batch(db.session(), g.gateway, reports, now)
    return jsonify({"results": [_answer(report, result) for report, result in zip(reports, results)]})


@bp.get("/outbound")
@gateway_required
def outbound_queue():
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PULL:
        raise InvalidRequest([FieldError("limit", f"must be a whole number from 1 to {MAX_PULL}")])
    queued = messages.outbound_queue(db.session(), g.gateway, int(raw))
    return jsonify({"messages": [_outbound_json(message) for message in queued]})


@bp.post("/outbound/<int:message_id>/ack")
@gateway_required
def acknowledge(message_id: int):
    return jsonify(_outbound_json(messages.mark_sent(db.session(), g.gateway, message_id)))


@bp.post("/outbound/<int:message_id>/report")
@gateway_required
def report_outcome(message_id: int):
    data = _body()
    status = data.get("status")
    if status == "delivered":
        message = messages.mark_delivered(db.session(), g.gateway, message_id)
    elif status == "failed":
        message = messages.mark_failed(db.session(), g.gateway, message_id, data.get("reason"))
    else:
        raise InvalidRequest([FieldError("status", 'must be "delivered" or "failed"')])
    return jsonify(_outbound_json(message))
