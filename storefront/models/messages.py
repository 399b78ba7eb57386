"""Messages: the text messages a rented number received or sent, and the gateways' credentials.

A message belongs to the RENTAL, not to the number: a number that comes back from the
pool and is rented again never shows its new holder what the previous holder received.
Bodies are purged after the retention period (`body` becomes NULL, the row and its
counts stay until the row itself is old enough to go).
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from hardware.models import Gateway, PhoneNumber
from storefront import clock
from storefront.models.rentals import Rental

INBOUND = "in"
OUTBOUND = "out"
DIRECTIONS = (INBOUND, OUTBOUND)

# Outbound states: queued → sent (the gateway took it) → delivered / failed.
# Inbound messages are "received".
RECEIVED = "received"
QUEUED = "queued"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
OUTBOUND_STATES = (QUEUED, SENT, DELIVERED, FAILED)

MAX_BODY_CHARS = 1600  # ten concatenated UCS-2 segments and then some; longer is refused


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        # A gateway's retry of a report it already made finds the first row (inbound idempotency).
        UniqueConstraint("gateway_id", "gateway_message_id", name="uq_messages_gateway_id_gateway_message_id"),
        # The number page and the user API: a rental's messages newest first, by keyset.
        Index("ix_messages_rental_id_id", "rental_id", "id"),
        # The outbound queue a gateway pulls: its messages in a state, oldest first.
        Index("ix_messages_gateway_id_status_id", "gateway_id", "status", "id"),
        # Retention purge and "today" counts walk by time.
        Index("ix_messages_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rental_id: Mapped[int] = mapped_column(ForeignKey("rentals.id"))
    number_id: Mapped[int] = mapped_column(ForeignKey("hw_numbers.id"))
    direction: Mapped[str] = mapped_column(String(3))
    # The gateway that reported (inbound) or is to send (outbound) it.
    gateway_id: Mapped[int | None] = mapped_column(ForeignKey("hw_gateways.id"))
    # The gateway's own id of an inbound message; NULL for outbound ones.
    gateway_message_id: Mapped[str | None] = mapped_column(String(100))
    sender: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(32))
    # NULL once purged by the retention job.
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    # When the gateway says it arrived (inbound); when the customer sent it (outbound).
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    body_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    rental: Mapped[Rental] = relationship()
    number: Mapped[PhoneNumber] = relationship()
    gateway: Mapped[Gateway | None] = relationship()

    @property
    def inbound(self) -> bool:
        return self.direction == INBOUND

    @property
    def purged(self) -> bool:
        return self.body is None


class GatewayToken(Base):
    """A gateway's credential for /gateway/v1: shown once, stored as a SHA-256 hash.

    One live token per gateway: creating a new one revokes the old.
    """

    __tablename__ = "gateway_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gateway_id: Mapped[int] = mapped_column(ForeignKey("hw_gateways.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    gateway: Mapped[Gateway] = relationship()
