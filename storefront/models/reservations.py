"""Reservations: a long-term bundle promised in a country without stock, paid by a hold
on credits at the price of the day, served oldest first when stock arrives."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from pricing import Money
from storefront import clock
from storefront.models.accounts import User
from storefront.models.types import EUROS

WAITING = "waiting"
FULFILLED = "fulfilled"
CANCELLED = "cancelled"


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    tier_months: Mapped[int] = mapped_column(Integer)
    # The price locked by the hold: the bundle and the setup fee as quoted when placed.
    hold_amount: Mapped[Money] = mapped_column(EUROS)
    bundle_amount: Mapped[Money] = mapped_column(EUROS)
    status: Mapped[str] = mapped_column(String(20), default=WAITING, index=True)
    # The placing request's key: a double submit places one reservation.
    key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_reason: Mapped[str | None] = mapped_column(String(200))
    rental_id: Mapped[int | None] = mapped_column(ForeignKey("rentals.id"))

    user: Mapped[User] = relationship()
