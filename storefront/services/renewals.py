"""What happens to rentals as time passes (run by `flask --app storefront jobs run`):
renewals from credits (long-term bundles and legacy numbers, prepaid short-term numbers), reminders when credits are short, expiry into the
30-day cooling-off. Every step is keyed by the rental and the period it concerns, so
running the jobs twice does nothing the second time."""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.db import transaction
from storefront.models import OutboxMessage, Rental
from storefront.models import rentals as states
from storefront.models.credits import PURCHASE
from storefront.services import credits, outbox
from storefront.services.credits import InsufficientCredits
from storefront.services.purchases import add_months
from storefront.services.rentals import RENEWED_FROM_CREDITS, end_rental, renewal_quote

__all__ = ["expire_due", "renew_due", "renewal_quote", "send_reminders"]

REMINDER_DAYS = (7, 1)


def _renewing_from_credits(session: Session):
    return select(Rental).where(Rental.pricing_model.in_(RENEWED_FROM_CREDITS),
                                Rental.status.in_((states.ACTIVE, states.PAST_DUE)))


def renew_due(session: Session, now: datetime) -> tuple[int, int]:
    """Renew prepaid numbers with auto-renew whose paid time is over; those that can't be paid expire."""
    renewed = expired = 0
    due = session.scalars(_renewing_from_credits(session).where(Rental.auto_renew.is_(True), Rental.paid_through <= now)
                          .order_by(Rental.id)).all()
    for rental in due:
        quote = renewal_quote(session, rental, now)
        period = rental.paid_through.date().isoformat()
        months = quote.tier_months or quote.months
        try:
            with transaction(session):
                credits.book(session, rental.user_id, -quote.total, PURCHASE, f"renewal:{rental.id}:{period}",
                             f"{rental.number.e164}: renewed for {months} months",
                             reference=rental.number.e164)
                rental.paid_through = add_months(rental.paid_through, months)
            renewed += 1
        except InsufficientCredits as error:
            with transaction(session):
                end_rental(session, rental, now, "expired: credits short at renewal")
                _tell_expired(session, rental, f"We couldn't renew it: {error.message}")
            expired += 1
    return renewed, expired


def expire_due(session: Session, now: datetime) -> int:
    """Rentals that don't renew from credits end when their paid time is over."""
    current = select(Rental).where(Rental.status.in_((states.ACTIVE, states.PAST_DUE)))
    due = session.scalars(current.where(
        ((Rental.auto_renew.is_(False) | Rental.pricing_model.not_in(RENEWED_FROM_CREDITS))
         & (Rental.stripe_subscription_id.is_(None))
         & (Rental.paid_through <= now))
        | (Rental.ended_at.is_not(None) & (Rental.ended_at <= now))
    ).order_by(Rental.id)).all()
    for rental in due:
        with transaction(session):
            end_rental(session, rental, now, "expired")
            _tell_expired(session, rental, "Its paid time is over.")
    return len(due)


def _tell_expired(session: Session, rental: Rental, why: str) -> None:
    outbox.queue_email(
        session, rental.user.email, f"{rental.number.e164} has ended",
        f"Your number {rental.number.e164} has ended. {why}\n\n"
        "We keep it for you for 30 days: ask our support team to reinstate it (charged like a new purchase).\n",
        key=f"expired:{rental.id}",
    )


def send_reminders(session: Session, now: datetime) -> int:
    """7 days and 1 day before a renewal, tell customers whose credits won't cover it."""
    sent = 0
    soon = session.scalars(_renewing_from_credits(session).where(
        Rental.auto_renew.is_(True), Rental.paid_through > now,
        Rental.paid_through <= now + timedelta(days=max(REMINDER_DAYS)),
    ).order_by(Rental.id)).all()
    for rental in soon:
        days_left = (rental.paid_through - now).days + 1
        days = min(day for day in REMINDER_DAYS if days_left <= day)
        key = f"reminder:{rental.id}:{rental.paid_through.date().isoformat()}:{days}"
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
            continue
        quote = renewal_quote(session, rental, now)
        balance = credits.balance(session, rental.user_id)
        if balance >= quote.total:
            continue
        with transaction(session):
            outbox.queue_email(
                session, rental.user.email, f"Top up to keep {rental.number.e164}",
                f"Your number {rental.number.e164} renews on {rental.paid_through:%-d %B %Y} for {quote.total} "
                f"({quote.tier_months or quote.months} months). Your credits are {balance}: please top up at least "
                f"{quote.total - balance} so it doesn't end.\n",
                key=key,
            )
        sent += 1
    return sent
