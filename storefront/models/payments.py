"""Card payments through Stripe, and the Stripe events already handled."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hardware.db import Base, UTCDateTime
from pricing import Money
from storefront import clock
from storefront.models.types import EUROS

TOP_UP = "top_up"
SUBSCRIPTION_START = "subscription_start"

STARTED = "started"
# Claimed by one request (a conditional update) before Stripe is asked to charge: a
# parallel or double-clicked post finds it no longer started and charges nothing.
CHARGING = "charging"
PROCESSING = "processing"
SUCCEEDED = "succeeded"
FAILED = "failed"
# Stripe may have charged, but its answer was lost (it went away mid-call): the jobs
# command asks Stripe and settles the payment either way (services.payments.settle_unconfirmed).
UNCONFIRMED = "unconfirmed"


class CardPayment(Base):
    """One attempt to take money from a card, for a top-up or a subscription's first charge."""

    __tablename__ = "card_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Money] = mapped_column(EUROS)
    status: Mapped[str] = mapped_column(String(20), default=STARTED)
    payment_intent_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    failure_message: Mapped[str | None] = mapped_column(String(300))
    # Where the customer goes when it has succeeded (a checkout waiting for the credits).
    return_to: Mapped[str | None] = mapped_column(String(500))
    # A subscription's first charge: the signed quote the customer accepted, its key
    # (one payment per checkout, however often it is submitted) and the rental it pays.
    checkout_token: Mapped[str | None] = mapped_column(Text)
    checkout_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    rental_id: Mapped[int | None] = mapped_column(ForeignKey("rentals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class StripeCustomer(Base):
    __tablename__ = "stripe_customers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100), unique=True)


class ProcessedStripeEvent(Base):
    """A webhook event handled once: a replay finds its id here and changes nothing."""

    __tablename__ = "stripe_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
