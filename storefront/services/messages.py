"""Messages of a rented number: what the gateways report, what the holder sends.

A message belongs to the rental that held the number when it arrived (or was sent), so
a recycled number never shows its new holder the old holder's messages. Every stored
message, in or out, is also counted through `hardware.inventory` (`count_message`, `record_message`'s twin): the
24-hour unused return reads those counts.

Outbound states:  queued ──(gateway acknowledges)──> sent ──> delivered
                     └──────────────────────────────────┴───> failed (with a reason)
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hardware import inventory, lifecycle
from hardware.models import Gateway, PhoneNumber, Sim, Slot
from pricing import FieldError
from storefront import clock
from storefront.db import transaction
from storefront.models import Rental
from storefront.models import rentals as rental_states
from storefront.models.messages import (
    DELIVERED,
    FAILED,
    INBOUND,
    MAX_BODY_CHARS,
    OUTBOUND,
    QUEUED,
    RECEIVED,
    SENT,
    Message,
)
from storefront.problems import CONFLICT, NOT_FOUND, InvalidRequest, StorefrontError

# Rentals whose holder gets the number's messages (and may send from it).
CURRENT = (rental_states.ACTIVE, rental_states.PAST_DUE)
MAX_GATEWAY_MESSAGE_ID = 100
MAX_SENDER = 32
MAX_FAILURE_REASON = 300
# Reports in one batch request (one transaction); 100 full-length texts sent as UTF-8 fit the
# 1 MB body limit (escaped as \uXXXX they may not: the answer is then a 413).
MAX_BATCH = 100
# A gateway's clock may run a little ahead; further than this is a bad report.
FUTURE_TOLERANCE = timedelta(minutes=5)
DEFAULT_RETENTION_DAYS = 90
LARGEST_ID = 2**31 - 1


class MessageError(StorefrontError):
    kind = CONFLICT


class NotYourNumber(StorefrontError):
    """The gateway reported or asked about a number it does not serve."""

    kind = NOT_FOUND
    title = "Not a number of this gateway"
    slug = "not-your-number"


class NoSuchMessage(StorefrontError):
    kind = NOT_FOUND
    title = "No such message"


# ---------------------------------------------------------------- checking fields

def check_text(value, field: str = "text") -> str:
    """Message text: a non-empty string of valid Unicode, at most MAX_BODY_CHARS characters."""
    if not isinstance(value, str):
        raise InvalidRequest([FieldError(field, "Give the message text as a string.")])
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest([FieldError(field, "The text is not valid UTF-8.")]) from None
    if "\x00" in value:
        raise InvalidRequest([FieldError(field, "The text must not contain NUL characters.")])
    if not value.strip():
        raise InvalidRequest([FieldError(field, "The text is empty.")])
    if len(value) > MAX_BODY_CHARS:
        raise InvalidRequest([FieldError(field, f"The text is longer than {MAX_BODY_CHARS} characters.")])
    return value


def check_e164(value, field: str) -> str:
    """A phone number in E.164 form (+ and digits), valid for its country."""
    if not isinstance(value, str) or not value.startswith("+"):
        raise InvalidRequest([FieldError(field, "Give the number in international form, e.g. +4915123456789.")])
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise InvalidRequest([FieldError(field, f"'{value[:40]}' is not a valid phone number.")])
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_sender(value, field: str = "sender") -> str:
    """Who sent an inbound message: a number, or an alphanumeric name like 'PayPal'."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest([FieldError(field, "Say who sent the message.")])
    value = value.strip()
    if len(value) > MAX_SENDER or not value.isprintable():
        raise InvalidRequest([FieldError(field, f"The sender is at most {MAX_SENDER} printable characters.")])
    return value


# ---------------------------------------------------------------- who holds a number

def current_rentals(session: Session, number_ids: list[int]) -> dict[int, Rental]:
    """The rental whose holder has each of these numbers now (active or past due), by number
    id (one query)."""
    if not number_ids:
        return {}
    rentals = session.scalars(select(Rental).where(Rental.number_id.in_(number_ids), Rental.status.in_(CURRENT))
                              .order_by(Rental.id))
    return {rental.number_id: rental for rental in rentals}  # the newest wins


def number_gateway_id(number: PhoneNumber) -> int | None:
    gateway = number.gateway
    return gateway.id if gateway is not None else None


def gateway_numbers(session: Session, gateway: Gateway, e164s: set[str]) -> dict[str, PhoneNumber]:
    """Those of `e164s` the gateway serves, by number (one query)."""
    if not e164s:
        return {}
    return {number.e164: number for number in session.scalars(
        select(PhoneNumber)
        .outerjoin(Sim, PhoneNumber.sim_id == Sim.id)
        .outerjoin(Slot, Sim.slot_id == Slot.id)
        .where(PhoneNumber.e164.in_(e164s),
               or_(Slot.gateway_id == gateway.id,
                   and_(PhoneNumber.sim_id.is_(None), PhoneNumber.pool_gateway_id == gateway.id))))}


def number_in_service(rental: Rental) -> bool:
    """Whether the rental's number can send and receive now.

    A number goes out of service when its gateway goes offline (silent, or taken offline
    by operations) or its SIM is pulled, and comes back with it; its state says so, so
    this reads no more than the rental's number (no query per row on a list).
    """
    return rental.number.state != lifecycle.OUT_OF_SERVICE


# ---------------------------------------------------------------- inbound

@dataclass
class InboundResult:
    """What a report did: `message` stored (or found, on a replay), or nothing and why."""

    message: Message | None
    replay: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Report:
    """One inbound report whose fields are checked (`check_report`)."""

    gateway_message_id: str
    to: str
    sender: str
    text: str
    received_at: datetime


def check_report(*, gateway_message_id, to, sender, text, received_at: datetime | None, now: datetime,
                 where: str = "", sender_field: str = "sender") -> Report:
    """The report's fields checked; InvalidRequest names every bad one, each prefixed by
    `where` (a batch's "messages[3].")."""
    errors: list[FieldError] = []

    def checked(check, *args):
        try:
            return check(*args)
        except InvalidRequest as error:
            errors.extend(error.errors)
            return None

    if not isinstance(gateway_message_id, str) or not 1 <= len(gateway_message_id.strip()) <= MAX_GATEWAY_MESSAGE_ID:
        errors.append(FieldError(f"{where}id", f"Give the gateway's message id, 1 to {MAX_GATEWAY_MESSAGE_ID} characters."))
    to = checked(check_e164, to, f"{where}to")
    sender = checked(check_sender, sender, f"{where}{sender_field}")
    text = checked(check_text, text, f"{where}text")
    received_at = received_at or now
    if received_at > now + FUTURE_TOLERANCE:
        errors.append(FieldError(f"{where}received_at", "The received time is in the future."))
    if errors:
        raise InvalidRequest(errors)
    return Report(gateway_message_id.strip(), to, sender, text, received_at)


def record_inbound(session: Session, gateway: Gateway, *, gateway_message_id, to, sender, text,
                   received_at: datetime | None = None, now: datetime | None = None) -> InboundResult:
    """Store a message a gateway received, once per (gateway, gateway_message_id).

    Checks every field (InvalidRequest names the bad ones) and that the gateway serves the
    number (NotYourNumber otherwise). A replay returns the first message, stores nothing.
    A message for a number nobody holds (or that arrived before the current holder
    rented it) is not stored: nobody may read it; the answer says so.
    Commits.
    """
    now = now or clock.now()
    report = check_report(gateway_message_id=gateway_message_id, to=to, sender=sender, text=text,
                          received_at=received_at, now=now)
    return record_inbound_batch(session, gateway, [report], now)[0]


def record_inbound_batch(session: Session, gateway: Gateway, reports: list[Report],
                         now: datetime | None = None) -> list[InboundResult]:
    """Store checked reports in one transaction, each as `record_inbound` would; the
    results in the reports' order. A gateway that buffers its messages reports them so:
    the work per message is then a share of a few statements (the known ids, the numbers,
    their holders, one insert of all messages and events, one counter update per number),
    not a request and a commit each. All or nothing: a number the gateway does not serve
    refuses the whole batch (NotYourNumber naming it). An id repeated within the batch or
    already stored is a replay of the first. Commits.
    """
    now = now or clock.now()
    for attempt in range(3):
        try:
            with transaction(session):
                return _store_inbound(session, gateway, reports, now)
        except IntegrityError:
            # A concurrent retry of one of these reports stored it first (its transaction
            # has committed, or the unique index would not have refused ours): read again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_inbound(session: Session, gateway: Gateway, reports: list[Report], now: datetime) -> list[InboundResult]:
    known = {message.gateway_message_id: message for message in session.scalars(
        select(Message).where(Message.gateway_id == gateway.id,
                              Message.gateway_message_id.in_({report.gateway_message_id for report in reports})))}
    numbers = gateway_numbers(session, gateway, {report.to for report in reports
                                                 if report.gateway_message_id not in known})
    for report in reports:
        if report.gateway_message_id not in known and report.to not in numbers:
            raise NotYourNumber(f"{report.to} is not a number of gateway '{gateway.name}'.")
    holders = current_rentals(session, [number.id for number in numbers.values()])
    results: list[InboundResult] = []
    new: dict[str, Message] = {}
    per_number: dict[int, int] = {}
    for report in reports:
        first = known.get(report.gateway_message_id) or new.get(report.gateway_message_id)
        if first is not None:
            results.append(InboundResult(first, replay=True))
            continue
        number = numbers[report.to]
        rental = holders.get(number.id)
        if rental is None or report.received_at < rental.started_at:
            results.append(InboundResult(None, note=f"{report.to} has no holder for this message; it was not stored."))
            continue
        message = Message(rental_id=rental.id, number_id=number.id, direction=INBOUND, gateway_id=gateway.id,
                          gateway_message_id=report.gateway_message_id, sender=report.sender, recipient=report.to,
                          body=report.text, status=RECEIVED, received_at=report.received_at, created_at=now)
        new[report.gateway_message_id] = message
        per_number[number.id] = per_number.get(number.id, 0) + 1
        results.append(InboundResult(message))
    if new:
        # Rows in a fixed order (ids, then numbers): two batches sharing some of them take
        # their locks in the same order and wait for each other instead of deadlocking.
        session.add_all([new[key] for key in sorted(new)])
        session.flush()
        by_id = {number.id: number for number in numbers.values()}
        for number_id in sorted(per_number):
            inventory.count_messages(session, by_id[number_id], "received", per_number[number_id])
    return results


# ---------------------------------------------------------------- outbound

def queue_outbound(session: Session, rental: Rental, recipient, body, now: datetime | None = None) -> Message:
    """Queue a message from the rental's number to `recipient`; its gateway sends it.

    InvalidRequest names a bad `recipient` or `body`; MessageError when the rental is no
    longer the holder's or its number has no gateway (SIM pulled). A gateway that is
    offline sends it when it is back. The caller applies any rate limit. Commits.
    """
    now = now or clock.now()
    recipient = check_e164(recipient, "recipient")
    body = check_text(body, "body")
    if rental.status not in CURRENT:
        raise MessageError("This number is no longer yours, so it can't send messages.")
    gateway_id = number_gateway_id(rental.number)
    if gateway_id is None:
        raise MessageError("This number is out of service at the moment, so it can't send messages.")
    with transaction(session):
        message = Message(rental_id=rental.id, number_id=rental.number_id, direction=OUTBOUND, gateway_id=gateway_id,
                          sender=rental.number.e164, recipient=recipient, body=body, status=QUEUED, created_at=now)
        session.add(message)
        inventory.count_message(session, rental.number, "sent")
    return message


def outbound_queue(session: Session, gateway: Gateway, limit: int = 50) -> list[Message]:
    """The gateway's queued messages, oldest first (not a lease: acknowledging moves them on)."""
    return list(session.scalars(
        select(Message).where(Message.gateway_id == gateway.id, Message.status == QUEUED,
                              Message.direction == OUTBOUND)
        .order_by(Message.id).limit(limit)
    ))


def _gateways_message(session: Session, gateway: Gateway, message_id: int) -> Message:
    if not 0 < message_id <= LARGEST_ID:
        raise NoSuchMessage(f"Gateway '{gateway.name}' has no outbound message {message_id}.")
    message = session.scalar(select(Message).where(Message.id == message_id, Message.gateway_id == gateway.id,
                                                   Message.direction == OUTBOUND).with_for_update())
    if message is None:
        raise NoSuchMessage(f"Gateway '{gateway.name}' has no outbound message {message_id}.")
    return message


def _transition(session: Session, gateway: Gateway, message_id: int, to_state: str, now: datetime,
                reason: str | None = None) -> Message:
    """Move an outbound message on; repeating the same report changes nothing."""
    with transaction(session):
        message = _gateways_message(session, gateway, message_id)
        if message.status == to_state:
            return message
        allowed = {SENT: (QUEUED,), DELIVERED: (QUEUED, SENT), FAILED: (QUEUED, SENT)}[to_state]
        if message.status not in allowed:
            raise MessageError(f"Message {message_id} is {message.status} already; it cannot become {to_state}.")
        if to_state in (SENT, DELIVERED) and message.sent_at is None:
            message.sent_at = now
        if to_state == DELIVERED:
            message.delivered_at = now
        if to_state == FAILED:
            message.failed_at = now
            message.failure_reason = reason
        message.status = to_state
    return message


def mark_sent(session: Session, gateway: Gateway, message_id: int, now: datetime | None = None) -> Message:
    """The gateway acknowledges it took the message: queued → sent."""
    return _transition(session, gateway, message_id, SENT, now or clock.now())


def mark_delivered(session: Session, gateway: Gateway, message_id: int, now: datetime | None = None) -> Message:
    return _transition(session, gateway, message_id, DELIVERED, now or clock.now())


def mark_failed(session: Session, gateway: Gateway, message_id: int, reason, now: datetime | None = None) -> Message:
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_FAILURE_REASON:
        raise InvalidRequest([FieldError("reason", f"Say why it failed, in 1 to {MAX_FAILURE_REASON} characters.")])
    return _transition(session, gateway, message_id, FAILED, now or clock.now(), reason.strip())


# ---------------------------------------------------------------- reading

def messages_of(session: Session, rental: Rental, before_id: int | None = None, limit: int = 50) -> list[Message]:
    """The rental's messages newest first, `limit` of them, older than `before_id` (keyset)."""
    query = select(Message).where(Message.rental_id == rental.id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    return list(session.scalars(query.order_by(Message.id.desc()).limit(limit)))


# ---------------------------------------------------------------- retention

def purge_bodies(session: Session, now: datetime, days: int = DEFAULT_RETENTION_DAYS, batch: int = 1000) -> int:
    """Null the bodies of messages older than `days`, `batch` rows per transaction; how many."""
    cutoff = now - timedelta(days=days)
    purged = 0
    while True:
        with transaction(session):
            ids = list(session.scalars(
                select(Message.id).where(Message.created_at < cutoff, Message.body.is_not(None))
                .order_by(Message.id).limit(batch)
            ))
            if not ids:
                return purged
            session.execute(update(Message).where(Message.id.in_(ids))
                            .values(body=None, body_purged_at=now).execution_options(synchronize_session=False))
        purged += len(ids)


def count_by_rental(session: Session, rental_ids: list[int]) -> dict[int, dict[str, int]]:
    """Messages in and out per rental: what staff may see (never the bodies)."""
    counts: dict[int, dict[str, int]] = {rental_id: {INBOUND: 0, OUTBOUND: 0} for rental_id in rental_ids}
    rows = session.execute(
        select(Message.rental_id, Message.direction, func.count())
        .where(Message.rental_id.in_(rental_ids)).group_by(Message.rental_id, Message.direction)
    )
    for rental_id, direction, count in rows:
        counts[rental_id][direction] = count
    return counts
