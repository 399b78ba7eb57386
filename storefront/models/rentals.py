"""Rentals: who holds which number, on which terms, paid through when."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from hardware.models import PhoneNumber
from pricing import Money
from storefront import clock
from storefront.models.accounts import User
from storefront.models.catalog import PERCENT
from storefront.models.types import EUROS

# Pricing models (SPEC §2): how the rental is priced when it renews.
BUNDLE = "bundle"
LEGACY = "legacy"
SHORT_PREPAID = "short_prepaid"
SUBSCRIPTION = "subscription"

# A subscription whose first card charge is still being confirmed: the number is held.
PENDING_PAYMENT = "pending_payment"
ACTIVE = "active"
PAST_DUE = "past_due"
COOLING_OFF = "cooling_off"
ENDED = "ended"
RETURNED = "returned"


class Rental(Base):
    __tablename__ = "rentals"
    __table_args__ = (
        # A customer's numbers, newest first, a page at a time.
        Index("ix_rentals_user_id_started_at_id", "user_id", "started_at", "id"),
        # The jobs: current rentals whose paid time ends before a given moment.
        Index("ix_rentals_status_paid_through", "status", "paid_through"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number_id: Mapped[int] = mapped_column(ForeignKey("hw_numbers.id"), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(5))
    pricing_model: Mapped[str] = mapped_column(String(20))
    tier_months: Mapped[int | None] = mapped_column(Integer)
    months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    paid_through: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the purchase charged: the quote's total, and the bundle part of it (refunds).
    charged_total: Mapped[Money] = mapped_column(EUROS)
    bundle_paid: Mapped[Money | None] = mapped_column(EUROS)
    # The checkout's idempotency key: a double submit finds the rental it already made.
    purchase_key: Mapped[str] = mapped_column(String(100), unique=True)
    # Grandfathered numbers (rule 6) keep these until their holder extends.
    legacy_monthly_rate: Mapped[Money | None] = mapped_column(EUROS)
    legacy_months: Mapped[int | None] = mapped_column(Integer)
    legacy_discount_percent: Mapped[Decimal | None] = mapped_column(PERCENT)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # The last renewal reminder step done ("<paid_through date>:<days before>"), so the jobs
    # never look at it again for that step.
    reminded: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship()
    number: Mapped[PhoneNumber] = relationship()
