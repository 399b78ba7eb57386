"""A customer's numbers after the purchase: extend, unrent (one or several), auto-renew,
and the unused return within 24 hours (SPEC §2 rules 4, 6, 8; §4)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hardware import lifecycle
from hardware.models import InventoryEvent
from pricing import (
    TIERS,
    Money,
    Quote,
    full_months_held,
    legacy_renewal,
    long_term_extend,
    long_term_bundle,
    loyalty_percent,
    short_term_extend,
    short_term_prepaid,
    unused_return_refund,
)
from pricing.tiers import check_tier
from storefront import clock
from storefront.db import transaction
from storefront.models import Rental, User
from storefront.models import rentals as states
from storefront.models.credits import PURCHASE, REFUND
from storefront import stripe_gateway
from storefront.stripe_gateway import PaymentError
from storefront.services import credits
from storefront.services.catalog import current_catalog
from storefront.services.purchases import add_months
from storefront.services.quote_tokens import confirm_price
from storefront.problems import StorefrontError

UNUSED_RETURN_WINDOW = timedelta(hours=24)
RETURNS_LOOKBACK = timedelta(days=90)
# Renewed from credits when auto-renew is on (a subscription renews by card at Stripe).
RENEWED_FROM_CREDITS = (states.BUNDLE, states.LEGACY, states.SHORT_PREPAID)
PRICING_MODEL_NAMES = {
    states.BUNDLE: "Bundle",
    states.LEGACY: "Legacy (old price)",
    states.SHORT_PREPAID: "Short-term prepaid",
    states.SUBSCRIPTION: "Monthly subscription",
}


class RentalError(StorefrontError):
    """Something the customer asked of a number or reservation cannot be done; `message` says why."""


def rentals_of(session: Session, user: User) -> list[Rental]:
    """The customer's numbers, current first, then those that ended."""
    rentals = session.scalars(select(Rental).where(Rental.user_id == user.id,
                                                   Rental.status != states.PENDING_PAYMENT)
                              .options(selectinload(Rental.number))
                              .order_by(Rental.started_at.desc(), Rental.id.desc())).all()
    return sorted(rentals, key=lambda rental: not is_current(rental))


def rental_of(session: Session, user: User, rental_id: int) -> Rental | None:
    rental = session.get(Rental, rental_id)
    return rental if rental is not None and rental.user_id == user.id else None


def is_current(rental: Rental) -> bool:
    return rental.status in (states.ACTIVE, states.PAST_DUE)


def held_months(rental: Rental, now: datetime) -> int:
    return full_months_held(rental.started_at.date(), now.date())


# Extend ---------------------------------------------------------------------------------

def extend_quote(session: Session, rental: Rental, length: int, now: datetime | None = None) -> Quote:
    """What `length` more months cost for this number: a long-term number takes a new bundle
    with the loyalty discount for the time held (rule 4); a prepaid short-term number pays
    the short-term price of those months, volume discount included, no setup fee."""
    catalog = current_catalog(session)
    if rental.kind == "short":
        return short_term_extend(catalog, rental.country_code, length)
    return long_term_extend(catalog, rental.country_code, length, held_months(rental, now or clock.now()))


def loyalty_for(session: Session, rental: Rental, now: datetime | None = None) -> str:
    """The loyalty percent this number earns on an extend, as shown ("2"), or "" for none."""
    percent = loyalty_percent(current_catalog(session).loyalty, held_months(rental, now or clock.now()))
    return format(percent.normalize(), "f") if percent else ""


def legacy_quote(rental: Rental) -> Quote | None:
    """Rule 6: what a grandfathered number renews at, shown beside the bundle price."""
    if rental.pricing_model != states.LEGACY:
        return None
    return legacy_renewal(rental.legacy_monthly_rate, rental.legacy_months,
                          rental.legacy_discount_percent, rental.country_code)


def renewal_length(rental: Rental) -> int:
    """The months each automatic renewal adds: the stored legacy length, the bundle, or the short-term months."""
    if rental.pricing_model == states.LEGACY:
        return rental.legacy_months
    return rental.tier_months if rental.kind == "long" else rental.months


def renewal_quote(session: Session, rental: Rental, now: datetime) -> Quote:
    """What the next automatic renewal charges: a grandfathered number at its stored terms
    (rule 6) until its holder extends or changes tier, else the same bundle with loyalty
    (rule 4), or the same short-term months."""
    return legacy_quote(rental) or extend_quote(session, rental, renewal_length(rental), now)


def _check_extendable(rental: Rental) -> None:
    if rental.kind == "short" and rental.pricing_model != states.SHORT_PREPAID:
        raise RentalError("A monthly subscription renews by card on the 1st of each month; there is nothing to extend.")
    if not is_current(rental):
        raise RentalError(f"{rental.number.e164} has ended and can no longer be extended.")


def extend(session: Session, user: User, rental: Rental, length: int, seen_total: Money, key: str,
           now: datetime | None = None) -> Rental:
    """Pay `length` more months from credits and push paid-through on by them (a bundle tier
    for long-term numbers, 1–12 months for prepaid short-term ones).

    The charge is the total the customer saw, or nothing (QuoteChanged); the same
    `key` twice extends once. A legacy number becomes a bundle number for good.
    """
    now = now or clock.now()
    _check_extendable(rental)
    ledger_key = f"extend:{rental.id}:{key}"
    if credits.entry_with_key(session, ledger_key) is not None:
        return rental
    quote = confirm_price(seen_total, extend_quote(session, rental, length, now))
    months = quote.tier_months or quote.months
    with transaction(session):
        credits.book(session, user.id, -quote.total, PURCHASE, ledger_key,
                     f"{rental.number.e164}: extended by {months} months", reference=rental.number.e164)
        rental.paid_through = add_months(max(rental.paid_through, now), months)
        if rental.kind == "long":
            rental.tier_months = quote.tier_months
            rental.pricing_model = states.BUNDLE
            rental.legacy_monthly_rate = rental.legacy_months = rental.legacy_discount_percent = None
        else:
            rental.months = quote.months
        rental.status = states.ACTIVE
    return rental


# Change tier ---------------------------------------------------------------------------

def renewal_options(session: Session, rental: Rental) -> dict[int, Quote]:
    """What each bundle would cost at the next renewal (loyalty as of that day), by tier."""
    return {tier: extend_quote(session, rental, tier, rental.paid_through) for tier in TIERS}


def change_tier(session: Session, rental: Rental, tier_months: int) -> Rental:
    """Choose the bundle this number renews with, charging nothing now. A grandfathered
    number leaves its old price for good: from then on it renews as a bundle (rule 6:
    "until you extend or change tier")."""
    tier = check_tier(tier_months)
    if rental.kind != "long":
        raise RentalError("Short-term numbers have no bundle to change; extend them by the months you need.")
    if not is_current(rental):
        raise RentalError(f"{rental.number.e164} has ended; there is no renewal to change.")
    with transaction(session):
        rental.tier_months = tier
        rental.pricing_model = states.BUNDLE
        rental.legacy_monthly_rate = rental.legacy_months = rental.legacy_discount_percent = None
    return rental


# Unrent and auto-renew -----------------------------------------------------------------

def unrent(session: Session, user: User, rental_ids: list[int], now: datetime | None = None) -> list[Rental]:
    """Give numbers back: each ends now and waits 30 days for its holder (cooling-off).

    A subscription is cancelled at Stripe first; the current period is not refunded. If
    Stripe cannot be reached for one number, that number stays rented and the error says so.
    """
    now = now or clock.now()
    rentals = [rental_of(session, user, rental_id) for rental_id in rental_ids]
    if not rental_ids or any(rental is None for rental in rentals):
        raise RentalError("Please pick the numbers to give back.")
    ended = []
    for rental in rentals:
        if not is_current(rental):
            continue
        if rental.stripe_subscription_id and rental.auto_renew:
            try:
                stripe_gateway.cancel_subscription(rental.stripe_subscription_id)
            except PaymentError as error:
                raise RentalError(f"{rental.number.e164} is still yours: {error.message}") from error
        with transaction(session):
            end_rental(session, rental, now, "unrented by the customer")
        ended.append(rental)
    return ended


def end_rental(session: Session, rental: Rental, now: datetime, reason: str) -> None:
    """The rental is over (unrent, expiry): the number cools off for its former holder."""
    rental.status = states.ENDED
    rental.ended_at = now
    rental.auto_renew = False
    if rental.number.state == lifecycle.RENTED:
        lifecycle.start_cooling_off(session, rental.number, now, reason=reason)


def set_auto_renew(session: Session, rental: Rental, on: bool) -> None:
    if rental.pricing_model not in RENEWED_FROM_CREDITS or not is_current(rental):
        raise RentalError("Automatic renewal from credits is for current prepaid numbers; "
                          "a monthly subscription renews by card.")
    with transaction(session):
        rental.auto_renew = on


# Unused return --------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnCheck:
    eligible: bool
    reason: str
    refund: Quote | None = None


def _prior_returns(session: Session, user_id: int, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Rental).where(
        Rental.user_id == user_id, Rental.status == states.RETURNED, Rental.ended_at >= now - RETURNS_LOOKBACK,
    ))


def _not_returnable(rental: Rental, now: datetime) -> str | None:
    if rental.kind != "long" or rental.pricing_model != states.BUNDLE or rental.bundle_paid is None:
        return "Only long-term numbers bought as a bundle can be returned unused."
    if not is_current(rental):
        return "This number has already ended."
    if now - rental.started_at > UNUSED_RETURN_WINDOW:
        return "Returns are possible within 24 hours of buying; that time has passed."
    return None


def _last_messages(session: Session, rentals: list[Rental]) -> dict[int, datetime]:
    """The time of the latest message sent or received on each of these rentals' numbers."""
    return dict(session.execute(
        select(InventoryEvent.number_id, func.max(InventoryEvent.created_at))
        .where(InventoryEvent.number_id.in_([rental.number_id for rental in rentals]),
               InventoryEvent.kind.in_(("message_sent", "message_received")))
        .group_by(InventoryEvent.number_id)
    ).all())


def return_checks(session: Session, rentals: list[Rental], now: datetime | None = None) -> dict[int, ReturnCheck]:
    """`return_check` of each rental by id, in a fixed number of queries however many there are."""
    now = now or clock.now()
    checks, candidates = {}, []
    for rental in rentals:
        reason = _not_returnable(rental, now)
        if reason:
            checks[rental.id] = ReturnCheck(False, reason)
        else:
            candidates.append(rental)
    if not candidates:
        return checks
    last_messages = _last_messages(session, candidates)
    prior_returns = {user_id: _prior_returns(session, user_id, now) for user_id in {r.user_id for r in candidates}}
    catalog = current_catalog(session)
    for rental in candidates:
        last_message = last_messages.get(rental.number_id)
        if last_message is not None and last_message >= rental.started_at:
            checks[rental.id] = ReturnCheck(False, "This number has sent or received messages, so it can't be returned.")
            continue
        refund = unused_return_refund(catalog, rental.bundle_paid, prior_returns[rental.user_id],
                                      rental.country_code, rental.tier_months)
        checks[rental.id] = ReturnCheck(
            True, f"You can return it until {(rental.started_at + UNUSED_RETURN_WINDOW):%-d %B, %H:%M} UTC.", refund)
    return checks


def return_check(session: Session, rental: Rental, now: datetime | None = None) -> ReturnCheck:
    """Can this number be returned unused, and for how much? The reason says why not."""
    return return_checks(session, [rental], now)[rental.id]


def return_unused(session: Session, user: User, rental: Rental, seen_refund: Money,
                  now: datetime | None = None) -> Money:
    """Refund the bundle (minus the return fee) to credits; the number is free again at once."""
    now = now or clock.now()
    check = return_check(session, rental, now)
    if not check.eligible:
        raise RentalError(check.reason)
    if check.refund.total != seen_refund:
        raise RentalError(f"The refund is now {check.refund.total}, not {seen_refund}. Please confirm again.")
    with transaction(session):
        credits.book(session, user.id, check.refund.total, REFUND, f"return:{rental.id}",
                     f"{rental.number.e164}: returned unused", reference=rental.number.e164)
        rental.status = states.RETURNED
        rental.ended_at = now
        rental.auto_renew = False
        lifecycle.move(session, rental.number, lifecycle.AVAILABLE, now, "returned unused")
    return check.refund.total


# Support ------------------------------------------------------------------------------

def reinstate_quote(session: Session, rental: Rental, tier_or_months: int) -> Quote:
    """A reclaim counts as a new purchase (rule 3): the bundle or the months, setup fee included."""
    catalog = current_catalog(session)
    if rental.kind == "long":
        return long_term_bundle(catalog, rental.country_code, tier_or_months)
    return short_term_prepaid(catalog, rental.country_code, tier_or_months)


def reinstate(session: Session, rental: Rental, tier_or_months: int, seen_total: Money,
              now: datetime | None = None) -> Rental:
    """Support gives a cooling-off number back to its former holder, charged from their credits
    as a new purchase. Raises RentalError or InsufficientCredits; charges nothing then."""
    now = now or clock.now()
    if rental.number.state != lifecycle.COOLING_OFF or rental.status not in (states.ENDED,):
        raise RentalError(f"{rental.number.e164} is not waiting for its former holder any more.")
    newer = session.scalar(select(func.count()).select_from(Rental).where(
        Rental.number_id == rental.number_id, Rental.id > rental.id))
    if newer:
        raise RentalError(f"{rental.number.e164} has been rented again since.")
    quote = reinstate_quote(session, rental, tier_or_months)
    if quote.total != seen_total:
        raise RentalError(f"The price is now {quote.total}, not {seen_total}. Please confirm again.")
    with transaction(session):
        credits.book(session, rental.user_id, -quote.total, PURCHASE, f"reinstate:{rental.id}",
                     f"{rental.number.e164}: reinstated", reference=rental.number.e164)
        lifecycle.move(session, rental.number, lifecycle.RENTED, now, "reinstated by support")
        bundle = quote.line("bundle")
        months = quote.tier_months or quote.months
        renewed = Rental(user_id=rental.user_id, number_id=rental.number_id, country_code=rental.country_code,
                         kind=rental.kind, pricing_model=states.BUNDLE if rental.kind == "long" else states.SHORT_PREPAID,
                         tier_months=quote.tier_months, months=quote.months, status=states.ACTIVE,
                         auto_renew=rental.kind == "long", started_at=now, paid_through=add_months(now, months),
                         charged_total=quote.total, bundle_paid=bundle.amount if bundle else None,
                         purchase_key=f"reinstate-{rental.id}")
        session.add(renewed)
    return renewed
