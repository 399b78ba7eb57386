"""Prepaid credits: an append-only ledger; the balance is the sum of a customer's entries."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from hardware.db import Base, UTCDateTime
from storefront import clock

TOP_UP = "top_up"
PURCHASE = "purchase"
HOLD = "hold"
HOLD_RELEASE = "hold_release"
REFUND = "refund"
ADJUSTMENT = "adjustment"
ENTRY_KINDS = (TOP_UP, PURCHASE, HOLD, HOLD_RELEASE, REFUND, ADJUSTMENT)


class LedgerEntry(Base):
    __tablename__ = "credit_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Signed: money in is positive, money out negative.
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # Every entry that moves money names the one event it books, so it is booked once.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    reference: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
