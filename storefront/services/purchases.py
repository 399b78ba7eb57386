"""Buying a number: one transaction that takes the number, books the payment and starts
the rental — all three, or none of them."""
import calendar
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hardware.allocation import allocate
from hardware.errors import OutOfStock
from pricing import Quote
from storefront import clock
from storefront.db import transaction
from storefront.models import Rental, User
from storefront.models.credits import PURCHASE
from storefront.models.rentals import ACTIVE, BUNDLE, SHORT_PREPAID
from storefront.services import credits
from storefront.services.catalog import current_catalog
from storefront.services.documents import quote_lines
from storefront.services.quote_tokens import Checkout, confirm_quote

__all__ = ["OutOfStock", "add_months", "buy_with_credits", "rental_for_key"]


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (clamped to the month's last day: 31 Jan + 1 → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def rental_for_key(session: Session, key: str) -> Rental | None:
    return session.scalar(select(Rental).where(Rental.purchase_key == key))


def _describe(quote: Quote, e164: str) -> str:
    length = f"{quote.tier_months}-month bundle" if quote.kind == "long" else f"{quote.months} months"
    return f"{e164}: {length}"


def buy_with_credits(session: Session, user: User, checkout: Checkout, now: datetime | None = None) -> Rental:
    """Charge the quote the customer saw from their credits and start the rental.

    Raises QuoteChanged (price moved: ask again), OutOfStock (the number was taken),
    InsufficientCredits (top up first). A repeated checkout returns the first rental.
    """
    now = now or clock.now()
    earlier = rental_for_key(session, checkout.key)
    if earlier is not None:
        return earlier
    request = checkout.request
    quote = confirm_quote(current_catalog(session), checkout, now.date())
    try:
        with transaction(session):
            number = allocate(session, request.country, request.kind, checkout.number_id, holder=checkout.holder)
            credits.book(session, user.id, -quote.total, PURCHASE, f"purchase:{checkout.key}",
                         _describe(quote, number.e164), reference=number.e164,
                         lines=quote_lines(quote, number.e164), notify=False)  # the confirmation below is its e-mail
            bundle = quote.line("bundle")
            rental = Rental(
                user_id=user.id,
                number_id=number.id,
                country_code=request.country,
                kind=request.kind,
                pricing_model=BUNDLE if request.kind == "long" else SHORT_PREPAID,
                tier_months=quote.tier_months,
                months=quote.months,
                status=ACTIVE,
                auto_renew=request.kind == "long" and checkout.auto_renew,
                started_at=now,
                paid_through=add_months(now, quote.tier_months or quote.months),
                charged_total=quote.total,
                bundle_paid=bundle.amount if bundle else None,
                purchase_key=checkout.key,
            )
            rental.number = number  # loaded already: the answer needs no second read of it
            session.add(rental)
            # Imported here: the confirmation reads the terms, which build on this module.
            from storefront.services.confirmations import queue_purchase_confirmation
            queue_purchase_confirmation(session, rental)
    except OutOfStock:
        # A double-clicked Pay: the other click took this number for this very checkout
        # (it committed while we waited for the number): answer with that purchase.
        session.rollback()
        earlier = rental_for_key(session, checkout.key)
        if earlier is not None and earlier.user_id == user.id:
            return earlier
        raise
    except IntegrityError:
        # The same checkout submitted twice at once: the other request made the rental.
        earlier = rental_for_key(session, checkout.key)
        if earlier is None:
            raise
        return earlier
    return rental
