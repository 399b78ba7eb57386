"""What happens to rentals as time passes (run by `flask --app storefront jobs run`):
renewals from credits (long-term bundles and legacy numbers, prepaid short-term numbers;
a saved card tops up what a renewal lacks), reminders when credits are short, expiry into the
30-day cooling-off. Every step is keyed by the rental and the period it concerns, so
running the jobs twice does nothing the second time."""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storefront.db import transaction
from storefront.models import Rental
from storefront.models import rentals as states
from storefront.models.credits import PURCHASE
from storefront.services import auto_top_up, credits, documents, outbox
from storefront.services.documents import quote_lines
from storefront.services.credits import InsufficientCredits
from storefront.services.purchases import add_months
from storefront.services.rentals import RENEWED_FROM_CREDITS, end_rental, renewal_quote

__all__ = ["expire_due", "renew_due", "renewal_quote", "send_reminders"]

REMINDER_DAYS = (7, 1)


BATCH = 200


def _renewing_from_credits(session: Session):
    return select(Rental).where(Rental.pricing_model.in_(RENEWED_FROM_CREDITS),
                                Rental.status.in_((states.ACTIVE, states.PAST_DUE)))


def claim_batch(session: Session, statement, after_id: int, size: int = BATCH) -> list[Rental]:
    """The next `size` rentals of `statement` after `after_id`, claimed for this runner until its
    transaction ends: on PostgreSQL FOR UPDATE SKIP LOCKED (rows another runner holds are passed
    over, not waited for, and a row is re-checked against the WHERE once locked); on SQLite the
    transaction's BEGIN IMMEDIATE is the claim (one writer at a time: a second runner waits, then
    finds the rows done). Walking by id means each run looks at each row once and always ends.
    Their numbers and customers come in the same round trip count (selectinload), not one per row.
    """
    statement = (statement.where(Rental.id > after_id).order_by(Rental.id).limit(size)
                 .options(selectinload(Rental.number), selectinload(Rental.user)))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=Rental)
    return list(session.scalars(statement))


def renew_due(session: Session, now: datetime, batch: int = BATCH, progress=None) -> tuple[int, int]:
    """Renew prepaid numbers with auto-renew whose paid time is over; those that can't be paid expire.

    A batch at a time, each batch one transaction (a renewal that can't be paid is rolled back
    to its savepoint and ends the number instead); several runners share the work
    (claim_batch); each renewal is booked under the key renewal:<rental>:<period>, so nothing
    is charged twice even if a batch were retried. `progress(renewed, expired)` after each batch.
    """
    renewed = expired = 0
    due = _renewing_from_credits(session).where(Rental.auto_renew.is_(True), Rental.paid_through <= now)
    last_id = 0
    to_top_up: list[int] = []
    while True:
        # The batch's invoices are numbered together just before it commits, so the counter
        # row's lock (gap-free numbers) is held for that moment, not for the whole batch:
        # another runner's batch books its renewals meanwhile.
        with transaction(session), documents.numbered_together(session):
            rentals = claim_batch(session, due, last_id, batch)
            if not rentals:
                break
            last_id = rentals[-1].id
            for rental in rentals:
                quote = renewal_quote(session, rental, now)
                period = rental.paid_through.date().isoformat()
                months = quote.tier_months or quote.months
                try:
                    with session.begin_nested():
                        credits.book(session, rental.user_id, -quote.total, PURCHASE, f"renewal:{rental.id}:{period}",
                                     f"{rental.number.e164}: renewed for {months} months",
                                     reference=rental.number.e164, lines=quote_lines(quote, rental.number.e164),
                                     standing_order=True)
                        rental.paid_through = add_months(rental.paid_through, months)
                    renewed += 1
                except InsufficientCredits as error:
                    if auto_top_up.will_top_up(session, rental.user_id):
                        # A saved card tops up what is missing: after this batch's transaction,
                        # so no card is charged while the batch holds its rows.
                        to_top_up.append(rental.id)
                        continue
                    end_rental(session, rental, now, "expired: credits short at renewal")
                    _tell_expired(session, rental, f"We couldn't renew it: {error.message}")
                    expired += 1
        for rental_id in to_top_up:
            if _renew_with_top_up(session, rental_id, now):
                renewed += 1
            else:
                expired += 1
        to_top_up.clear()
        if progress:
            progress(renewed, expired)
    return renewed, expired


def _renew_with_top_up(session: Session, rental_id: int, now: datetime) -> bool:
    """Charge the saved card exactly what the renewal lacks, then renew; if the card can't pay,
    the number ends as it would have. True when renewed."""
    rental = session.get(Rental, rental_id)
    if (rental is None or rental.status not in (states.ACTIVE, states.PAST_DUE) or not rental.auto_renew
            or rental.paid_through > now):
        return False  # another runner dealt with it meanwhile
    quote = renewal_quote(session, rental, now)
    period = rental.paid_through.date().isoformat()
    missing = quote.total - credits.current_balance(session, rental.user_id)
    if missing.amount > 0:
        auto_top_up.top_up_for_renewal(session, rental.user, missing, f"auto-top-up:{rental.id}:{period}",
                                       f"{rental.number.e164} renewal")
    months = quote.tier_months or quote.months
    try:
        with transaction(session):
            credits.book(session, rental.user_id, -quote.total, PURCHASE, f"renewal:{rental.id}:{period}",
                         f"{rental.number.e164}: renewed for {months} months", reference=rental.number.e164,
                         lines=quote_lines(quote, rental.number.e164), standing_order=True)
            rental.paid_through = add_months(rental.paid_through, months)
        return True
    except InsufficientCredits as error:
        with transaction(session):
            end_rental(session, rental, now, "expired: credits short at renewal")
            _tell_expired(session, rental, f"We couldn't renew it, and your saved card could not pay what was "
                                           f"missing: {error.message}")
        return False


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


def send_reminders(session: Session, now: datetime, batch: int = BATCH, progress=None) -> int:
    """7 days and 1 day before a renewal, tell customers whose credits won't cover it.

    Each rental remembers the last step it was checked for (`Rental.reminded`, e.g.
    "2027-01-05:7"), so a run only looks at rentals that entered a new step, and a reminder
    is never sent twice (the outbox key is the same step). Batches as renew_due.
    """
    sent = 0
    soon = _renewing_from_credits(session).where(
        Rental.auto_renew.is_(True), Rental.paid_through > now,
        Rental.paid_through <= now + timedelta(days=max(REMINDER_DAYS)),
    )
    last_id = 0
    while True:
        with transaction(session):
            rentals = claim_batch(session, soon, last_id, batch)
            if not rentals:
                break
            last_id = rentals[-1].id
            steps = {}
            for rental in rentals:
                days_left = (rental.paid_through - now).days + 1
                days = min(day for day in REMINDER_DAYS if days_left <= day)
                step = f"{rental.paid_through.date().isoformat()}:{days}"
                if rental.reminded != step:
                    steps[rental.id] = step
            balances = credits.balances(session, {r.user_id for r in rentals if r.id in steps})
            for rental in rentals:
                step = steps.get(rental.id)
                if step is None:
                    continue
                rental.reminded = step
                quote = renewal_quote(session, rental, now)
                balance = balances[rental.user_id]
                if balance >= quote.total:
                    continue
                missing = quote.total - balance
                if auto_top_up.will_top_up(session, rental.user_id):
                    subject = f"{rental.number.e164} renews soon: {missing} from your saved card"
                    what = (f"Your saved card will be charged {missing} automatically on that day, exactly what is "
                            "missing, unless you top up before. You can switch automatic top-up off on your Billing page.")
                else:
                    subject = f"Top up to keep {rental.number.e164}: {missing} missing"
                    what = (f"Please top up at least {missing} so it doesn't end, or save a card on your Billing page "
                            "to top up exactly what a renewal lacks automatically.")
                outbox.queue_email(
                    session, rental.user.email, subject,
                    f"Your number {rental.number.e164} renews on {rental.paid_through:%-d %B %Y} for {quote.total} "
                    f"({quote.tier_months or quote.months} months). Your credits are {balance}. {what}\n",
                    key=f"reminder:{rental.id}:{step}",
                )
                sent += 1
        if progress:
            progress(sent)
    return sent
