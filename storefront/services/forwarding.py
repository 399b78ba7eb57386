"""Forwarding a number's received messages to its holder's webhook and/or e-mail, through
the outbox: queued in the transaction that stores the message, delivered by `jobs run`
with back-off, each under an event id of its own, so a receiver that is down gets every
message once it is up, and never one twice from us (the event id lets it drop a repeat
of an answer it sent but we never got)."""
import secrets
import uuid
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from storefront import clock
from storefront.db import transaction
from storefront.models import Forwarding, OutboxMessage, Rental
from storefront.models.messages import INBOUND, Message
from storefront.models.outbox import EMAIL, FORWARD_WEBHOOK
from storefront.problems import InvalidRequest
from storefront.services import webhook_addresses
from pricing import FieldError

MESSAGE_RECEIVED = "message.received"
TEST_EVENT = "forwarding.test"
RECENT_DELIVERIES = 10


@dataclass(frozen=True)
class Received:
    """What is forwarded of a received message."""

    id: int
    sender: str
    text: str
    received_at: str


def settings_of(session: Session, rental: Rental) -> Forwarding | None:
    return session.scalar(select(Forwarding).where(Forwarding.rental_id == rental.id))


def _production() -> bool:
    return current_app.config.get("ENVIRONMENT") == "production"


def save(session: Session, rental: Rental, webhook_url: str | None, email: bool, new_secret: bool = False) -> Forwarding:
    """Set where the number's messages go; a refused URL is a 422 naming `webhook_url`."""
    webhook_url = (webhook_url or "").strip() or None
    if webhook_url:
        reason = webhook_addresses.refusal(webhook_url, production=_production())
        if reason:
            raise InvalidRequest([FieldError("webhook_url", reason)])
    with transaction(session):
        forwarding = settings_of(session, rental)
        if forwarding is None:
            forwarding = Forwarding(rental_id=rental.id, signing_secret=_new_secret())
            session.add(forwarding)
        elif new_secret:
            forwarding.signing_secret = _new_secret()
        forwarding.webhook_url = webhook_url
        forwarding.email = bool(email)
        forwarding.updated_at = clock.now()
    return forwarding


def _new_secret() -> str:
    return "fwd_" + secrets.token_urlsafe(24)


def _data(rental: Rental, message: Received, test: bool = False) -> dict:
    return {"rental_id": rental.id, "number": rental.number.e164, "message_id": message.id,
            "from": message.sender, "text": message.text, "received_at": message.received_at, "test": test}


def _forward_stored_messages(session: Session, flush_context) -> None:
    """After each flush: queue the forwards of the inbound messages it just stored.

    In the same transaction as the message (a message is forwarded if and only if it was
    stored), whoever stored it: the gateway API, the simulator, a test. The outbox rows are
    added, not flushed (no flush may start inside one); the commit flushes them.
    """
    stored = [obj for obj in session.new if isinstance(obj, Message) and obj.direction == INBOUND]
    if not stored:
        return
    # One query for all of the flush's messages (a gateway's batch stores many at once).
    settings = {forwarding.rental_id: forwarding for forwarding in session.scalars(
        select(Forwarding).where(Forwarding.rental_id.in_({message.rental_id for message in stored})))}
    for message in stored:
        forwarding = settings.get(message.rental_id)
        if forwarding is None or not forwarding.active:
            continue
        rental = session.get(Rental, message.rental_id)
        received = Received(message.id, message.sender, message.body or "",
                            (message.received_at or message.created_at).isoformat())
        for outbox_message in _outbox_messages(forwarding, rental, received, MESSAGE_RECEIVED, f"forward:{message.id}"):
            session.add(outbox_message)


def _outbox_messages(forwarding: Forwarding, rental: Rental, message: Received, event_type: str,
                     key: str) -> list[OutboxMessage]:
    now = clock.now()
    rows = []
    if forwarding.webhook_url:
        rows.append(OutboxMessage(
            kind=FORWARD_WEBHOOK, key=f"{key}:webhook", recipient=str(rental.id), rental_id=rental.id, created_at=now,
            payload={"id": f"{key}:webhook", "type": event_type, "created": now.isoformat(),
                     "data": _data(rental, message, event_type == TEST_EVENT)}))
    if forwarding.email:
        rows.append(OutboxMessage(kind=EMAIL, key=f"{key}:email", recipient=rental.user.email, rental_id=rental.id,
                                  created_at=now, subject=_subject(rental, message, event_type),
                                  body=_email_body(rental, message)))
    return rows


def _subject(rental: Rental, message: Received, event_type: str) -> str:
    return f"{'Test: ' if event_type == TEST_EVENT else ''}SMS to {rental.number.e164} from {message.sender}"


def _email_body(rental: Rental, message: Received) -> str:
    return (f"{message.text}\n\n"
            f"From {message.sender} to {rental.number.e164}, received {message.received_at} (UTC).\n"
            "You get this because forwarding to e-mail is on for this number; turn it off on the number's page.\n")


def send_test(session: Session, rental: Rental) -> bool:
    """Queue a test forward to every destination set; False when none is."""
    forwarding = settings_of(session, rental)
    if forwarding is None or not forwarding.active:
        return False
    now = clock.now()
    sample = Received(0, "+15005550006", "This is a test of your forwarding. Your code is 123456.", now.isoformat())
    with transaction(session):
        session.add_all(_outbox_messages(forwarding, rental, sample, TEST_EVENT,
                                         f"forward-test:{rental.id}:{uuid.uuid4().hex}"))
    return True


def recent_deliveries(session: Session, rental: Rental, limit: int = RECENT_DELIVERIES) -> list[OutboxMessage]:
    """The latest forwards of this number, newest first, with their state and last error."""
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.rental_id == rental.id)
                                .order_by(OutboxMessage.id.desc()).limit(limit)))


def destination(delivery: OutboxMessage) -> str:
    return "webhook" if delivery.kind == FORWARD_WEBHOOK else "e-mail"


def init_app(app: Flask) -> None:
    # Session-class-wide, like the outbox's signal: registered once however many apps.
    if not event.contains(Session, "after_flush", _forward_stored_messages):
        event.listen(Session, "after_flush", _forward_stored_messages)
