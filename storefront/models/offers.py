"""Numbers support offers to a customer: a similar number when the one they want back is
gone, or their own number back as a monthly subscription. The customer confirms and pays
(a new purchase); support never charges a card."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from hardware.models import PhoneNumber
from storefront import clock
from storefront.models.accounts import User

# What the offer is.
SIMILAR = "similar"          # another number like the one that is gone
REINSTATE = "reinstate"      # the same number, back as a subscription

OPEN = "open"
ACCEPTED = "accepted"
WITHDRAWN = "withdrawn"


class NumberOffer(Base):
    __tablename__ = "number_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number_id: Mapped[int] = mapped_column(ForeignKey("hw_numbers.id"), index=True)
    former_rental_id: Mapped[int] = mapped_column(ForeignKey("rentals.id"))
    reason: Mapped[str] = mapped_column(String(20))
    billing: Mapped[str] = mapped_column(String(20), default="prepaid")
    made_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A reinstated number waits in cooling-off until then if the first payment fails.
    cooling_off_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    number: Mapped[PhoneNumber] = relationship()
