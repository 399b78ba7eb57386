"""Notifications through the outbox: queued in the transaction of the change that causes
them (so a message exists if and only if the change happened), delivered by the jobs
command with retries, so nothing is lost while a mail server or a partner is down."""
import hashlib
import hmac
import http.client
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from jinja2 import TemplateNotFound
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hardware import lifecycle
from hardware.models import InventoryEvent, Partner, PhoneNumber
from storefront import clock, mail
from storefront.db import transaction
from storefront.services import webhook_addresses
from storefront.models.forwarding import Forwarding
from storefront.models.outbox import EMAIL, FORWARD_WEBHOOK, MAX_ATTEMPTS, PARTNER_WEBHOOK, OutboxMessage

log = logging.getLogger(__name__)

EMAILS_SENT = "e-mails sent"
WEBHOOKS_DELIVERED = "webhooks delivered"
DELIVERIES_FAILED = "deliveries failed"

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
WEBHOOK_TIMEOUT_SECONDS = 5
# A claimed message is not due again for this long, so a second job runner leaves it
# alone while the first one sends it (the claim is committed before the slow network
# call, which therefore holds no database lock). Far longer than any send can take.
CLAIM_LEASE = timedelta(minutes=5)

RETURNED_TO_POOL = "number.returned_to_pool"


def queue_email(session: Session, to: str, subject: str, body: str, key: str, html: str | None = None) -> None:
    """Queue an e-mail in the caller's transaction (the caller commits); a known key is ignored.

    `body` is the text part; `html`, if given, the HTML alternative.
    """
    _queue(session, OutboxMessage(kind=EMAIL, key=key, recipient=to, subject=subject, body=body, html_body=html))


def render_email(template: str, **context) -> tuple[str, str, str | None]:
    """(subject, text, html) of storefront/templates/email/<template>.txt (which sets
    `subject`) and, if it exists, <template>.html. Needs an app context."""
    environment = current_app.jinja_env
    context.setdefault("public_url", current_app.config["PUBLIC_URL"])
    text_template = environment.get_template(f"email/{template}.txt")
    module = text_template.make_module(context)
    subject = " ".join(str(getattr(module, "subject", "")).split())
    text = str(module).strip() + "\n"
    try:
        html = environment.get_template(f"email/{template}.html").render(context, subject=subject)
    except TemplateNotFound:
        html = None
    return subject, text, html


def queue_templated(session: Session, to: str, template: str, key: str, **context) -> None:
    """Queue the e-mail made from the templates named `template` (see render_email)."""
    subject, text, html = render_email(template, **context)
    queue_email(session, to, subject, text, key, html=html)


def queue_partner_event(session: Session, partner_id: int, event_type: str, data: dict, key: str) -> None:
    """Queue a signed webhook to a partner in the caller's transaction; a known key is ignored."""
    created_at = clock.now()
    payload = {"id": key, "type": event_type, "created": created_at.isoformat(), "data": data}
    _queue(session, OutboxMessage(kind=PARTNER_WEBHOOK, key=key, recipient=str(partner_id),
                                  payload=payload, created_at=created_at))


def _queue(session: Session, message: OutboxMessage) -> None:
    # The caller's own pending changes are flushed first, so an error of theirs surfaces as
    # theirs. One statement: a key already queued (by this transaction, an earlier one or a
    # concurrent one) inserts nothing, and the caller's transaction stays usable.
    session.flush()
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {column.key: getattr(message, column.key) for column in OutboxMessage.__table__.columns
              if getattr(message, column.key) is not None}
    session.execute(insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["key"]))


def signature(secret: str, body: bytes) -> str:
    """The X-Signature header of a webhook: HMAC-SHA256 of the exact body with the partner's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1 minute, doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_RETRY)


@dataclass(frozen=True)
class _Delivery:
    """What one attempt needs, read while claiming so that sending touches no database."""

    message_id: int
    kind: str
    recipient: str
    subject: str | None = None
    body: str | None = None
    html: str | None = None
    url: str | None = None
    secret: str | None = None
    # Forwards go to addresses customers type: in production, never to our own network.
    public_only: bool = False
    payload: bytes | None = None
    key: str | None = None


BATCH = 100


def deliver_due(session: Session, now: datetime, batch: int = BATCH, progress=None) -> dict[str, int]:
    """Send every due message, `batch` at a time: each batch is claimed in one transaction
    (FOR UPDATE SKIP LOCKED on PostgreSQL, so several runners share the work; a lease keeps
    a claimed message from being sent twice), sent, and recorded in one transaction. A message
    that fails waits for its next attempt, so the loop ends. `progress(counts)` after each batch.

    Needs an app context for e-mail (storefront.mail reads the app's settings).
    """
    counts = {EMAILS_SENT: 0, WEBHOOKS_DELIVERED: 0, DELIVERIES_FAILED: 0}
    while deliveries := _claim_batch(session, now, batch):
        results = [(delivery, _attempt(delivery)) for delivery in deliveries]
        with transaction(session):
            messages = {message.id: message for message in session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_([d.message_id for d in deliveries]))
                .execution_options(populate_existing=True))}
            for delivery, error in results:
                message = messages[delivery.message_id]
                message.attempts += 1
                if error is None:
                    message.delivered_at = now
                    message.next_attempt_at = None
                    message.last_error = None
                else:
                    _record_failure(message, now, error)
        for delivery, error in results:
            if error is not None:
                counts[DELIVERIES_FAILED] += 1
            else:
                counts[EMAILS_SENT if delivery.kind == EMAIL else WEBHOOKS_DELIVERED] += 1
        if progress:
            progress(counts)
    return counts


def _claim_batch(session: Session, now: datetime, size: int) -> list[_Delivery]:
    with transaction(session):
        # SKIP LOCKED (PostgreSQL): a runner passes over rows another one is claiming
        # instead of waiting for them; SQLite, with one writer at a time, ignores it.
        due = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(size)
            .with_for_update(skip_locked=True)
        ).all()
        partner_ids = {int(m.recipient) for m in due if m.kind == PARTNER_WEBHOOK and str(m.recipient).isdigit()}
        partners = ({p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(partner_ids)))}
                    if partner_ids else {})
        rental_ids = {m.rental_id for m in due if m.kind == FORWARD_WEBHOOK and m.rental_id is not None}
        forwardings = ({f.rental_id: f for f in session.scalars(select(Forwarding).where(
            Forwarding.rental_id.in_(rental_ids)))} if rental_ids else {})
        deliveries = []
        for message in due:
            message.next_attempt_at = now + CLAIM_LEASE
            if message.kind == EMAIL:
                deliveries.append(_Delivery(message.id, EMAIL, message.recipient, subject=message.subject,
                                            body=message.body, html=message.html_body))
                continue
            payload = json.dumps(message.payload, separators=(",", ":")).encode()
            if message.kind == FORWARD_WEBHOOK:
                forwarding = forwardings.get(message.rental_id)
                deliveries.append(_Delivery(message.id, message.kind, message.recipient,
                                            url=forwarding.webhook_url if forwarding else None,
                                            secret=forwarding.signing_secret if forwarding else None,
                                            payload=payload, key=message.key, public_only=_production()))
                continue
            partner = partners.get(int(message.recipient)) if str(message.recipient).isdigit() else None
            deliveries.append(_Delivery(
                message.id,
                message.kind,
                message.recipient,
                url=partner.notify_url if partner else None,
                secret=partner.shared_secret if partner else None,
                payload=payload,
                key=message.key,
            ))
        return deliveries


def _production() -> bool:
    return has_app_context() and current_app.config.get("ENVIRONMENT") == "production"


def _attempt(delivery: _Delivery) -> str | None:
    """Send one message; None if it was delivered, else why not."""
    try:
        if delivery.kind == EMAIL:
            mail.send(delivery.recipient, delivery.subject, delivery.body, html=delivery.html)
            return None
        if delivery.kind in (PARTNER_WEBHOOK, FORWARD_WEBHOOK):
            return _post_webhook(delivery)
        return f"unknown kind of message {delivery.kind!r}"
    # Any failure, whatever raised it, is recorded on the message and retried later: one
    # bad message must not stop the delivery of the others.
    except Exception as error:
        return f"{type(error).__name__}: {error}"


def _post_webhook(delivery: _Delivery) -> str | None:
    if delivery.url is None:
        if delivery.kind == FORWARD_WEBHOOK:
            return "forwarding to a webhook is turned off for this number"
        return f"partner {delivery.recipient} no longer exists"
    url = urlsplit(delivery.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        return f"notify_url {delivery.url!r} is not an http(s) URL"
    if delivery.public_only:
        # Checked again at each attempt: the name may resolve elsewhere than when it was saved.
        refusal = webhook_addresses.refusal(delivery.url, production=True)
        if refusal:
            return refusal
    connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(url.hostname, url.port, timeout=WEBHOOK_TIMEOUT_SECONDS)
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    try:
        connection.request("POST", target, body=delivery.payload, headers={
            "Content-Type": "application/json",
            "X-Signature": signature(delivery.secret, delivery.payload),
            "X-Event-Id": delivery.key,
        })
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return None
    return f"HTTP {response.status} {response.reason}"


def _record_failure(message: OutboxMessage, now: datetime, error: str) -> None:
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.next_attempt_at = None
        log.error("Gave up delivering outbox message %s (%s) after %s attempts: %s",
                  message.id, message.key, message.attempts, error)
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)


def _tell_partner_number_returned(number: PhoneNumber, *, session: Session, reason: str) -> None:
    """A partner's number is back in the pool: queue the partner's webhook in the same transaction."""
    if number.partner_id is None:
        return
    # lifecycle.move has flushed the event it just recorded; its id names this return.
    event_id = session.scalar(
        select(InventoryEvent.id)
        .where(InventoryEvent.number_id == number.id, InventoryEvent.kind == "returned_to_pool")
        .order_by(InventoryEvent.id.desc())
        .limit(1)
    )
    queue_partner_event(
        session,
        number.partner_id,
        RETURNED_TO_POOL,
        {"number": number.e164, "country": number.country_code, "reason": reason},
        key=f"returned:{number.id}:{event_id}",
    )


def deliver_after_response() -> None:
    """Deliver what is due once the current answer has gone out (its connection closed), so a
    slow mail server never holds the request nor tells by its timing what was queued;
    `jobs run` retries whatever fails."""
    from flask import after_this_request, current_app

    app = current_app._get_current_object()

    @after_this_request
    def _hook(response):
        def deliver():
            with app.app_context():
                from storefront import db

                try:
                    deliver_due(db.session(), clock.now())
                except Exception:  # noqa: BLE001 - the outbox keeps it for `jobs run`
                    log.exception("delivering after the response failed; `jobs run` retries")

        response.call_on_close(deliver)
        return response


def init_app(app: Flask) -> None:
    # The signal is process-wide and blinker connects a receiver once, however many apps.
    lifecycle.returned_to_pool.connect(_tell_partner_number_returned)
