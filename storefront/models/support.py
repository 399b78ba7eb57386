"""Support tickets: a question from the contact form (signed in or not) and the answers
support sends back by e-mail."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from storefront import clock
from storefront.models.accounts import User

OPEN = "open"
CLOSED = "closed"
STATUSES = (OPEN, CLOSED)

TOPICS = {
    "numbers": "My numbers",
    "billing": "Billing and payments",
    "buying": "Buying a number",
    "api": "The API",
    "other": "Something else",
}


class SupportTicket(Base):
    __tablename__ = "support_tickets"
    # The staff list pages by (status, id): one index serves it.
    __table_args__ = (Index("ix_support_tickets_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Where answers go: the account's address, or the one an anonymous visitor gave.
    email: Mapped[str] = mapped_column(String(320))
    topic: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship()
    replies: Mapped[list["SupportReply"]] = relationship(
        back_populates="ticket", order_by="SupportReply.id", cascade="all, delete-orphan")

    @property
    def topic_name(self) -> str:
        return TOPICS.get(self.topic, self.topic)


class SupportReply(Base):
    __tablename__ = "support_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("support_tickets.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    ticket: Mapped[SupportTicket] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship()
