"""Billing documents: invoices (a payment), receipts (a credit top-up) and credit notes
(a refund), numbered without gaps per year."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from pricing import Money
from storefront import clock
from storefront.models.types import MoneyColumn

INVOICE = "invoice"
RECEIPT = "receipt"
CREDIT_NOTE = "credit_note"
DOCUMENT_NAMES = {INVOICE: "Invoice", RECEIPT: "Receipt", CREDIT_NOTE: "Credit note"}


class DocumentCounter(Base):
    """The last number given out in a year. Numbering locks this row (FOR UPDATE) in the
    payment's own transaction: concurrent payments take turns, and a payment that rolls
    back takes its number back with it, so numbers are neither skipped nor reused."""

    __tablename__ = "document_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class BillingDocument(Base):
    __tablename__ = "billing_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "2026-000042": the year and the sequence within it.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The ledger entry the document is for: one entry, at most one document.
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("credit_ledger.id"), unique=True)
    # A credit note's invoice.
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("billing_documents.id"))
    refers_to: Mapped["BillingDocument | None"] = relationship(remote_side=[id], lazy="joined")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # [{"description": ..., "amount": "12.00"}], VAT included, as the quote charged them.
    lines: Mapped[list] = mapped_column(JSON)
    total: Mapped[Money] = mapped_column(MoneyColumn("EUR", precision=12))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    vat_amount: Mapped[Money] = mapped_column(MoneyColumn("EUR", precision=12))
    reverse_charge: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who sold and who bought, as they were when the document was issued.
    seller: Mapped[dict] = mapped_column(JSON)
    customer: Mapped[dict] = mapped_column(JSON)

    @property
    def title(self) -> str:
        return DOCUMENT_NAMES.get(self.kind, self.kind)
