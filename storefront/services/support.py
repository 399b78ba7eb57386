"""Support tickets: the contact form opens one (signed in, or anonymous with an e-mail);
support answers — each answer is e-mailed through the outbox — and closes it; the
customer sees their tickets and the answers on their account."""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pricing import FieldError
from storefront import clock
from storefront.db import transaction
from storefront.models import User
from storefront.models.support import CLOSED, OPEN, STATUSES, TOPICS, SupportReply, SupportTicket
from storefront.problems import InvalidRequest, NotFound, StorefrontError
from storefront.services.accounts import normalize_email
from storefront.services.outbox import queue_email

PAGE_SIZE = 25
MAX_SUBJECT = 200
MAX_BODY = 5000
# Something@something.tld, without spaces: enough to reach a person, not a full RFC 5322 parser.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

__all__ = ["CLOSED", "OPEN", "STATUSES", "TOPICS", "open_ticket", "reply", "close", "tickets_page", "tickets_of"]


class TicketClosed(StorefrontError):
    title = "Question closed"


def _check(email: str, topic: str, subject: str, body: str) -> None:
    errors = []
    if not EMAIL.match(email) or len(email) > 320:
        errors.append(FieldError("email", "Please enter the e-mail address we should answer to."))
    if topic not in TOPICS:
        errors.append(FieldError("topic", "Please choose what your question is about."))
    if not subject:
        errors.append(FieldError("subject", "Please say in a few words what it is about."))
    elif len(subject) > MAX_SUBJECT:
        errors.append(FieldError("subject", f"Please keep the subject under {MAX_SUBJECT} characters."))
    if not body:
        errors.append(FieldError("body", "Please write your question."))
    elif len(body) > MAX_BODY:
        errors.append(FieldError("body", f"Please keep your message under {MAX_BODY} characters."))
    if errors:
        raise InvalidRequest(errors)


def open_ticket(session: Session, user: User | None, email: str | None, topic: str, subject: str,
                body: str) -> SupportTicket:
    """A new question; a signed-in customer's answers go to their account's address.
    The customer gets an e-mail saying we have it (and its number)."""
    email = user.email if user is not None else normalize_email(email or "")
    subject, body = (subject or "").strip(), (body or "").strip()
    _check(email, topic, subject, body)
    with transaction(session):
        ticket = SupportTicket(user_id=user.id if user else None, email=email, topic=topic, subject=subject,
                               body=body, status=OPEN, created_at=clock.now())
        session.add(ticket)
        session.flush()
        queue_email(session, email, f"We have your question: {subject} [#{ticket.id}]",
                    f"Hello,\n\nthank you for writing to us. Your question is number {ticket.id}; "
                    "our support team answers by e-mail, usually within one working day.\n\n"
                    f"You wrote:\n\n{body}\n\n— Numbers support\n",
                    key=f"support-ticket:{ticket.id}")
    return ticket


def reply(session: Session, ticket: SupportTicket, author: User, body: str, close_after: bool = False) -> SupportReply:
    """Support answers; the answer is e-mailed to the customer (through the outbox)."""
    body = (body or "").strip()
    if not body:
        raise InvalidRequest([FieldError("body", "Please write the answer.")])
    if len(body) > MAX_BODY:
        raise InvalidRequest([FieldError("body", f"Please keep the answer under {MAX_BODY} characters.")])
    if ticket.status == CLOSED:
        raise TicketClosed("This question is closed; reopen it to answer again.")
    with transaction(session):
        answer = SupportReply(ticket_id=ticket.id, author_id=author.id, body=body, created_at=clock.now())
        session.add(answer)
        session.flush()
        queue_email(session, ticket.email, f"Re: {ticket.subject} [#{ticket.id}]",
                    f"Hello,\n\n{body}\n\n— Numbers support\n\n"
                    f"Your question (number {ticket.id}):\n\n{ticket.body}\n",
                    key=f"support-reply:{answer.id}")
        if close_after:
            _set_status(ticket, CLOSED)
    session.refresh(ticket)
    return answer


def _set_status(ticket: SupportTicket, status: str) -> None:
    ticket.status = status
    ticket.closed_at = clock.now() if status == CLOSED else None


def close(session: Session, ticket: SupportTicket) -> None:
    with transaction(session):
        _set_status(ticket, CLOSED)


def reopen(session: Session, ticket: SupportTicket) -> None:
    with transaction(session):
        _set_status(ticket, OPEN)


def ticket(session: Session, ticket_id: int) -> SupportTicket:
    found = session.get(SupportTicket, ticket_id) if 0 < ticket_id < 2**31 else None
    if found is None:
        raise NotFound("There is no question with this number.")
    return found


@dataclass(frozen=True)
class TicketPage:
    tickets: list[SupportTicket]
    next_before: int | None


def tickets_page(session: Session, status: str, before: int | None = None, limit: int = PAGE_SIZE) -> TicketPage:
    """Newest first, `limit` at a time: the page after `before` (keyset on the id, served
    by the (status, id) index)."""
    query = select(SupportTicket).where(SupportTicket.status == status)
    if before:
        query = query.where(SupportTicket.id < before)
    rows = list(session.scalars(query.options(selectinload(SupportTicket.replies))
                                .order_by(SupportTicket.id.desc()).limit(limit + 1)))
    page = rows[:limit]
    return TicketPage(page, page[-1].id if len(rows) > limit else None)


def tickets_of(session: Session, user: User) -> list[SupportTicket]:
    """A customer's questions with the answers, newest first."""
    return list(session.scalars(select(SupportTicket).where(SupportTicket.user_id == user.id)
                                .options(selectinload(SupportTicket.replies))
                                .order_by(SupportTicket.id.desc())))


def last_activity(ticket: SupportTicket) -> datetime:
    return ticket.replies[-1].created_at if ticket.replies else ticket.created_at
