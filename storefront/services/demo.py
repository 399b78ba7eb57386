"""Demo accounts for development: a customer with credits and numbers (one of them a
grandfathered legacy number held 13 months), and one account per staff role."""
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hardware.allocation import allocate
from pricing import Money
from storefront import clock
from storefront.db import transaction
from storefront.models import Rental
from storefront.models.credits import ADJUSTMENT
from storefront.models import rentals as states
from storefront.services import credits
from storefront.services.accounts import active_user_by_email, create_user
from storefront.services.purchases import add_months

DEMO_PASSWORD = "demo password 1"
DEMO_CUSTOMER = "customer@example.com"
# The demo staff accounts' two-factor key (printed by `make run`): add it to an authenticator
# app, or print the current code with `python -c 'import pyotp; print(pyotp.TOTP("<key>").now())'`.
# Development only: real staff set up their own key at their first sign-in.
DEMO_STAFF_TOTP_SECRET = "DEMOSTAFFTWOFACTORKEYAAAAAAAAAAA"
DEMO_STAFF = {role: f"{role}@example.com" for role in ("marketing", "admin", "operations", "support")}


def load_demo_accounts(session: Session, now: datetime | None = None) -> list[str]:
    """Create the demo accounts that don't exist yet; returns the e-mails created."""
    now = now or clock.now()
    created = []
    for role, email in DEMO_STAFF.items():
        if active_user_by_email(session, email) is None:
            staff = create_user(session, email, DEMO_PASSWORD, (role,))
            with transaction(session):
                staff.totp_secret = DEMO_STAFF_TOTP_SECRET
            created.append(email)
    if active_user_by_email(session, DEMO_CUSTOMER) is not None:
        return created
    customer = create_user(session, DEMO_CUSTOMER, DEMO_PASSWORD)
    created.append(DEMO_CUSTOMER)
    with transaction(session):
        credits.book(session, customer.id, Money.eur("100.00"), ADJUSTMENT, "demo:welcome",
                     "Welcome credit (demo)")
        legacy_start = add_months(now, -13)
        legacy = allocate(session, "DE", "long")
        session.add(Rental(
            user_id=customer.id, number_id=legacy.id, country_code="DE", kind="long",
            pricing_model=states.LEGACY, tier_months=None, status=states.ACTIVE, auto_renew=True,
            started_at=legacy_start, paid_through=now + timedelta(days=20), charged_total=Money.eur("18.00"),
            purchase_key="demo:legacy", legacy_monthly_rate=Money.eur("6.00"), legacy_months=3,
            legacy_discount_percent=Decimal("0"),
        ))
        bundle = allocate(session, "AT", "long")
        bundle_start = add_months(now, -2)
        session.add(Rental(
            user_id=customer.id, number_id=bundle.id, country_code="AT", kind="long",
            pricing_model=states.BUNDLE, tier_months=6, status=states.ACTIVE, auto_renew=True,
            started_at=bundle_start, paid_through=add_months(bundle_start, 6), charged_total=Money.eur("24.00"),
            bundle_paid=Money.eur("24.00"), purchase_key="demo:bundle",
        ))
    return created
