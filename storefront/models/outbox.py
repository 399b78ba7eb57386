"""The outbox: e-mails and partner webhooks written with the change that causes them,
delivered afterwards (with retries) by the jobs command."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hardware.db import Base, UTCDateTime
from storefront import clock

EMAIL = "email"
PARTNER_WEBHOOK = "partner_webhook"
# A received message (or a test) forwarded to the webhook its number's holder set.
FORWARD_WEBHOOK = "forward_webhook"
KINDS = (EMAIL, PARTNER_WEBHOOK, FORWARD_WEBHOOK)

# Delivery gives up after this many failed attempts; with the back-off of
# storefront.services.outbox that is about three days of trying.
MAX_ATTEMPTS = 20


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The id of the event that caused the message: one event, one message.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    # An e-mail address, the id of the partner (as text) for a partner webhook, or of the
    # rental for a forwarded message.
    recipient: Mapped[str] = mapped_column(String(320))
    # Set on forwards (webhook or e-mail): the holder sees the latest deliveries of a number.
    rental_id: Mapped[int | None] = mapped_column(ForeignKey("rentals.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str | None] = mapped_column(Text)
    # An e-mail's HTML part (the text part is `body`); None for plain-text e-mails.
    html_body: Mapped[str | None] = mapped_column(Text)
    # A webhook's JSON body, complete, so every retry sends (and signs) the same bytes.
    payload: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # None until the first attempt: due at once. Afterwards when to try again.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    @property
    def state(self) -> str:
        """"delivered", "gave up" (after MAX_ATTEMPTS failures) or "pending"."""
        if self.delivered_at is not None:
            return "delivered"
        if self.attempts >= MAX_ATTEMPTS:
            return "gave up"
        return "pending"
