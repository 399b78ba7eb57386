"""Rentals made directly (as if bought some time ago), for tests of what comes after."""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from hardware.allocation import allocate
from storefront import clock, db
from storefront.models import Rental, User
from storefront.services.purchases import add_months


@dataclass
class Rented:
    id: int
    e164: str
    number_id: int


def rent(app, email: str, country: str = "DE", kind: str = "long", *, months_ago: int = 0, hours_ago: float = 0,
         tier_months: int | None = 3, months: int | None = None, paid_through: datetime | None = None,
         pricing_model: str | None = None, bundle_paid: str | None = "16.00", legacy: tuple | None = None,
         auto_renew: bool | None = None, subscription_id: str | None = None) -> Rented:
    """A rental of `email` started `months_ago` months (or `hours_ago` hours) ago.

    `legacy` = (monthly rate, months, discount percent) makes it a grandfathered number.
    `auto_renew` defaults as a purchase sets it: on for long-term numbers and subscriptions,
    off for prepaid short-term numbers.
    Measured back from the storefront clock, so it agrees with a test's `clock`.
    """
    now = clock.now()
    started = add_months(now, -months_ago) - timedelta(hours=hours_ago)
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        with db.transaction(session):
            number = allocate(session, country, kind)
            model = pricing_model or ("legacy" if legacy else "bundle" if kind == "long" else "short_prepaid")
            if auto_renew is None:
                auto_renew = model != "short_prepaid"
            rental = Rental(
                user_id=user.id, number_id=number.id, country_code=country, kind=kind, pricing_model=model,
                tier_months=None if legacy or kind == "short" else tier_months,
                months=months if kind == "short" else None, status="active", auto_renew=auto_renew,
                started_at=started,
                paid_through=paid_through or add_months(started, (legacy[1] if legacy else tier_months or months or 1)),
                charged_total=Decimal(bundle_paid or "10.00"),
                bundle_paid=Decimal(bundle_paid) if bundle_paid and model == "bundle" else None,
                purchase_key=f"test:{uuid.uuid4().hex}", stripe_subscription_id=subscription_id,
                legacy_monthly_rate=Decimal(legacy[0]) if legacy else None,
                legacy_months=legacy[1] if legacy else None,
                legacy_discount_percent=Decimal(legacy[2]) if legacy else None,
            )
            session.add(rental)
        return Rented(rental.id, number.e164, number.id)
