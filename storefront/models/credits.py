"""Prepaid credits: an append-only ledger; the balance is the sum of a customer's entries."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hardware.db import Base, UTCDateTime
from pricing import Money
from storefront import clock
from storefront.models.types import MoneyColumn

TOP_UP = "top_up"
PURCHASE = "purchase"
HOLD = "hold"
HOLD_RELEASE = "hold_release"
REFUND = "refund"
ADJUSTMENT = "adjustment"
# A subscription's card charge (Stripe invoice): shown in the history, moves no credits
# (amount 0, the card's amount in `card_amount`).
CARD_CHARGE = "card_charge"
ENTRY_KINDS = (TOP_UP, PURCHASE, HOLD, HOLD_RELEASE, REFUND, ADJUSTMENT)
HISTORY_KINDS = ENTRY_KINDS + (CARD_CHARGE,)
KIND_NAMES = {TOP_UP: "Top-up", PURCHASE: "Purchase", HOLD: "Hold", HOLD_RELEASE: "Hold released",
              REFUND: "Refund", ADJUSTMENT: "Adjustment", CARD_CHARGE: "Card charge"}


class LedgerEntry(Base):
    __tablename__ = "credit_ledger"
    # A customer's ledger newest first, a page at a time: by time (the API's /credits) and by id
    # (the billing history): one index range per page either way.
    __table_args__ = (Index("ix_credit_ledger_user_id_created_at_id", "user_id", "created_at", "id"),
                      Index("ix_credit_ledger_user_id_id", "user_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Signed: money in is positive, money out negative.
    amount: Mapped[Money] = mapped_column(MoneyColumn("EUR", precision=12))
    # Every entry that moves money names the one event it books, so it is booked once.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    reference: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # The customer's credit balance just after this entry, written when it is booked
    # (under the account's row lock), so the history shows a running balance without a sum per row.
    balance_after: Mapped[Money | None] = mapped_column(MoneyColumn("EUR", precision=12))
    # A card charge's amount (kind card_charge); None for credit entries.
    card_amount: Mapped[Money | None] = mapped_column(MoneyColumn("EUR", precision=12))
