"""Where a rental's received messages are forwarded: a signed HTTPS webhook, the holder's
e-mail, or both. One row per rental (a recycled number starts with none)."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hardware.db import Base, UTCDateTime
from storefront import clock


class Forwarding(Base):
    __tablename__ = "forwardings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rental_id: Mapped[int] = mapped_column(ForeignKey("rentals.id"), unique=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # Signs every webhook of this number (X-Signature, as the partner webhooks); shown to
    # its holder, made anew on request.
    signing_secret: Mapped[str] = mapped_column(String(100))
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    @property
    def active(self) -> bool:
        return bool(self.webhook_url) or self.email
