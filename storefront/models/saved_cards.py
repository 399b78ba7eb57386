"""A card the customer saved for automatic top-ups of renewals (Stripe SetupIntent)."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hardware.db import Base, UTCDateTime
from storefront import clock

PENDING = "pending"      # the SetupIntent waits for the card (or its 3-D Secure)
ACTIVE = "active"        # Stripe confirmed it: renewals short of credits charge it off-session


class SavedCard(Base):
    __tablename__ = "saved_cards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    setup_intent_id: Mapped[str] = mapped_column(String(100), unique=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    auto_top_up: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
