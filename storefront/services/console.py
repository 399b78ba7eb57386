"""The customer's side of a number's traffic: its messages (newest first, by keyset,
searchable), sending from it (checked, paced to protect the SIM), and what the page shows
of its service. Messages belong to the rental: every query here is by rental, never by
number, so a recycled number shows its new holder nothing of the old one's."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pricing import FieldError, message_price
from storefront import clock
from storefront.models import Rental
from storefront.models.messages import MAX_BODY_CHARS, OUTBOUND, Message
from storefront.problems import InvalidRequest, Kind, StorefrontError
from storefront.services import rentals
from storefront.services import messages as message_service
from storefront.services.catalog import current_catalog
from storefront.services.codes import code_in
from storefront.services.segments import MAX_SEGMENTS, count_segments

PAGE_SIZE = 50
MAX_QUERY_CHARS = 100


class SendRefused(StorefrontError):
    """The number can't send this message now; `message` says why."""


class TooManyMessages(StorefrontError):
    """Sent too many messages too fast: the SIM's operator would block it."""

    title = "Too many messages"
    slug = "too-many-messages"
    kind = Kind(429, "Too many messages")


@dataclass(frozen=True)
class MessagePage:
    messages: list[Message]
    # The id to pass as `before` (web) or `cursor` (API) for the next, older page.
    next_cursor: int | None
    # Changes whenever anything on the page would render differently (a new message, a
    # status moving on, the service going down): the live page swaps only then.
    fingerprint: str


def in_service(rental: Rental) -> bool:
    """Out of service while the gateway (or SIM) serving the number is offline."""
    return message_service.number_in_service(rental)


def sender_shown(rental: Rental) -> str:
    """What the recipient sees as the sender (SPEC §1: long-term numbers send as themselves)."""
    return rental.number.e164 if rental.kind == "long" else "SMS"


def parse_cursor(raw: str | None, field: str) -> int | None:
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise InvalidRequest([FieldError(field, "is not a cursor this API gave out; start without one")])
    return int(raw)


def _page_statement(columns, rental: Rental, before: int | None, query: str | None, since: datetime | None,
                    limit: int):
    statement = select(*columns).where(Message.rental_id == rental.id)
    if before is not None:
        statement = statement.where(Message.id < before)
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if query:
        statement = statement.where(or_(Message.sender.icontains(query, autoescape=True),
                                        Message.recipient.icontains(query, autoescape=True),
                                        Message.body.icontains(query, autoescape=True)))
    if since is not None:
        statement = statement.where(Message.created_at >= since)
    return statement.order_by(Message.id.desc()).limit(limit)


def _fingerprint(rows, rental: Rental) -> str:
    state = "|".join(f"{id_}:{status}:{purged}" for id_, status, purged in rows) + f"|{in_service(rental)}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def fingerprint(session: Session, rental: Rental, *, before: int | None = None, query: str | None = None,
                limit: int = PAGE_SIZE) -> str:
    """The `fingerprint` of that page, reading three columns instead of whole messages:
    the live page's poll asks this first and is answered "nothing new" most of the time."""
    rows = session.execute(_page_statement((Message.id, Message.status, Message.body.is_(None)), rental, before,
                                           query, None, limit)).all()
    return _fingerprint(rows, rental)


def messages_of(session: Session, rental: Rental, *, before: int | None = None, query: str | None = None,
                since: datetime | None = None, limit: int = PAGE_SIZE) -> MessagePage:
    """One page of the rental's messages, newest first, older than message `before`.

    `query` matches the sender, the recipient or the text (case-insensitive); `since`
    keeps messages stored at or after that time. One query whatever the number holds
    (index on rental_id, id).
    """
    rows = list(session.scalars(_page_statement((Message,), rental, before, query, since, limit + 1)))
    page, more = rows[:limit], len(rows) > limit
    return MessagePage(page, page[-1].id if more else None,
                       _fingerprint([(m.id, m.status, m.body is None) for m in page], rental))


def code_of(message: Message) -> str | None:
    """The verification code in a received message, if it has one."""
    return code_in(message.body) if message.inbound and message.body else None


def has_traffic(session: Session, rental: Rental) -> bool:
    return session.scalar(select(Message.id).where(Message.rental_id == rental.id).limit(1)) is not None


# Sending ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SendLimits:
    per_minute: int
    per_hour: int


def _recipient(raw: str, country_code: str) -> str:
    try:
        parsed = phonenumbers.parse((raw or "").strip(), country_code)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise InvalidRequest([FieldError("to", f"'{(raw or '').strip()[:40]}' is not a phone number we can send to; "
                                               "write it with its country code, e.g. +49 151 23456789.")])
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_text(text: str) -> str:
    if not (text or "").strip():
        raise InvalidRequest([FieldError("text", "Write the message first.")])
    count = count_segments(text)
    if count.too_long or len(text) > MAX_BODY_CHARS:
        raise InvalidRequest([FieldError("text", f"This is {count.segments} SMS long; a message may take at most "
                                                 f"{MAX_SEGMENTS}. Please shorten it.")])
    return text


def _check_pace(session: Session, rental: Rental, limits: SendLimits, now: datetime) -> None:
    # Counted in the database, per rental, so every worker counts together without Redis.
    for window, allowed, words in ((timedelta(minutes=1), limits.per_minute, "minute"),
                                   (timedelta(hours=1), limits.per_hour, "hour")):
        sent = session.scalar(select(func.count()).select_from(Message).where(
            Message.rental_id == rental.id, Message.direction == OUTBOUND, Message.created_at > now - window))
        if sent >= allowed:
            raise TooManyMessages(f"This number has sent {sent} messages in the last {words}, as many as we allow: "
                                  "sending faster gets a SIM blocked by its network. Please wait a little.",
                                  retry_after=int(window.total_seconds()))


def send(session: Session, rental: Rental, to: str, text: str, limits: SendLimits) -> Message:
    """Queue a message from the rental's number; the gateway sends it and reports back."""
    now = clock.now()
    if not rentals.is_current(rental):
        raise SendRefused("This number is no longer yours to send from.")
    errors = []
    for check in (lambda: _recipient(to, rental.country_code), lambda: check_text(text)):
        try:
            check()
        except InvalidRequest as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidRequest(errors)
    recipient = _recipient(to, rental.country_code)
    if message_price(current_catalog(session), rental.country_code, count_segments(text).segments).amount:
        raise SendRefused("Sending is not available right now.")
    _check_pace(session, rental, limits, now)
    return message_service.queue_outbound(session, rental, recipient, text)
