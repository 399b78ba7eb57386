"""A customer's numbers after the purchase: extend, unrent (one or several), auto-renew,
and the unused return within 24 hours (SPEC §2 rules 4, 6, 8; §4)."""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from hardware import lifecycle
from hardware.models import InventoryEvent
from pricing import (
    TIERS,
    Money,
    Quote,
    forfeited_paid_time,
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
from storefront.models.credits import PURCHASE, REFUND, LedgerEntry
from storefront.models.messages import Message
from storefront import stripe_gateway
from storefront.stripe_gateway import PaymentError
from storefront.services import credits, notifications
from storefront.services.documents import quote_lines
from storefront.services.catalog import current_catalog
from storefront.services.paging import DEFAULT_SIZE, Key, Page, keyset_page
from storefront.services.purchases import add_months
from storefront.services.quote_tokens import confirm_price
from storefront.problems import StorefrontError
from storefront.formatting import when

UNUSED_RETURN_WINDOW = timedelta(hours=24)
COOLING_OFF_DAYS = lifecycle.DEFAULT_COOLING_OFF.days
RETURNS_LOOKBACK = timedelta(days=90)
# How long My numbers keeps saying why a new bundle number can no longer be returned.
RETURN_NOTE_SHOWN_FOR = timedelta(days=7)
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


def _current_first(rental: Rental) -> int:
    return 0 if is_current(rental) else 1


# Current numbers first, then those that ended; newest first within each; the id breaks ties.
RENTAL_ORDER = (
    Key(case((Rental.status.in_((states.ACTIVE, states.PAST_DUE)), 0), else_=1), value_of=_current_first),
    Key(Rental.started_at, descending=True),
    Key(Rental.id, descending=True),
)


def rentals_of(session: Session, user: User, cursor: str | None = None, size: int = DEFAULT_SIZE) -> Page:
    """A page of the customer's numbers, current first, then those that ended (keyset-paged:
    the same cost at the first and the thousandth number; `number` loaded with them)."""
    statement = (select(Rental).where(Rental.user_id == user.id, Rental.status != states.PENDING_PAYMENT)
                 .options(selectinload(Rental.number)))
    return keyset_page(session, statement, RENTAL_ORDER, cursor, size)


def rentals_by_ids(session: Session, user: User, ids) -> list[Rental]:
    """The customer's rentals among `ids` (others' ids are ignored), with their numbers, in one query."""
    if not ids:
        return []
    return list(session.scalars(select(Rental).where(Rental.user_id == user.id, Rental.id.in_(list(ids)))
                                .options(selectinload(Rental.number)).order_by(Rental.id)))


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


@dataclass(frozen=True)
class ExtendTerms:
    """What an extend changes, said on the extend page: the new paid-until date, the price
    before and after the loyalty discount (each with its monthly figure), and the loyalty
    arithmetic — also when rounding to whole euros absorbs it on a short bundle."""

    quote: Quote
    new_paid_until: datetime
    before: Money               # the bundle without loyalty
    before_monthly: Money
    loyalty_percent: str        # "2", or "" for none
    unrounded: Money            # bundle × (1 − percent), to cents, before rounding to whole euros
    loyalty_step_months: int

    @property
    def absorbed(self) -> bool:
        return bool(self.loyalty_percent) and self.quote.total == self.before


def extend_terms(session: Session, rental: Rental, quote: Quote, now: datetime | None = None) -> ExtendTerms:
    now = now or clock.now()
    before = quote.line("bundle").amount
    policy = current_catalog(session).loyalty
    percent = loyalty_percent(policy, held_months(rental, now))
    return ExtendTerms(
        quote=quote,
        new_paid_until=add_months(max(rental.paid_through, now), quote.tier_months),
        before=before,
        before_monthly=(before / quote.tier_months).rounded_to_cents(),
        loyalty_percent=format(percent.normalize(), "f") if percent else "",
        unrounded=(before * (1 - percent / 100)).rounded_to_cents(),
        loyalty_step_months=policy.step_months,
    )


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
                     f"{rental.number.e164}: extended by {months} months", reference=rental.number.e164,
                     lines=quote_lines(quote, rental.number.e164))
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

@dataclass(frozen=True)
class GiveBack:
    """What giving one number back means, said on the confirmation: the unused return to
    prefer when it is still possible, else the paid time that is forfeited."""

    rental: Rental
    unused_return: "ReturnCheck | None"
    days_left: int
    forfeited: Money


def _paid_for_time(session: Session, rental: Rental) -> tuple[Money, datetime]:
    """What was paid for the rental's paid time, and since when (setup fee left out)."""
    catalog = current_catalog(session)
    if rental.pricing_model == states.SUBSCRIPTION:
        return catalog.country(rental.country_code).short_term_monthly, add_months(rental.paid_through, -1)
    if rental.pricing_model == states.LEGACY:
        return legacy_quote(rental).total, add_months(rental.paid_through, -rental.legacy_months)
    if rental.kind == "long" and rental.bundle_paid is not None:
        later = session.scalars(select(LedgerEntry.amount).where(
            LedgerEntry.user_id == rental.user_id, LedgerEntry.kind == PURCHASE,
            LedgerEntry.idempotency_key.like(f"extend:{rental.id}:%")
            | LedgerEntry.idempotency_key.like(f"renewal:{rental.id}:%"))).all()
        return sum((-amount for amount in later), rental.bundle_paid), rental.started_at
    setup = catalog.country(rental.country_code).setup_fee
    return max(rental.charged_total - setup, Money.zero(setup.currency)), rental.started_at


def give_back_terms(session: Session, rentals: list[Rental], now: datetime | None = None) -> list[GiveBack]:
    now = now or clock.now()
    checks = return_checks(session, [rental for rental in rentals if rental.kind == "long"], now)
    terms = []
    for rental in rentals:
        paid, since = _paid_for_time(session, rental)
        days_left = max((rental.paid_through - now).days, 0)
        check = checks.get(rental.id)
        terms.append(GiveBack(rental, check if check and check.eligible else None, days_left,
                              forfeited_paid_time(paid, (rental.paid_through - since).days, days_left)))
    return terms


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
            notifications.account_event(session, user, "given_back", key=f"given-back:{rental.id}:{now.isoformat()}",
                                        number=rental.number.e164)
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
    # Bought in the last week: worth saying on My numbers why it can (no longer) be returned.
    recent: bool = False


def prior_returns(session: Session, user_id: int, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Rental).where(
        Rental.user_id == user_id, Rental.status == states.RETURNED, Rental.ended_at >= now - RETURNS_LOOKBACK,
    ))


def _not_returnable(rental: Rental, now: datetime) -> str | None:
    if rental.kind != "long" or rental.pricing_model != states.BUNDLE or rental.bundle_paid is None:
        return "Only long-term numbers bought as a bundle can be returned unused."
    if not is_current(rental):
        return "This number has already ended."
    if now - rental.started_at > UNUSED_RETURN_WINDOW:
        return "Not returnable: returns are possible within 24 hours of buying, and that time has passed."
    return None


def _used_rentals(session: Session, rentals: list[Rental]) -> set[int]:
    """Which of these rentals sent or received a message, as the gateways reported it.

    The messages of each rental; and, for counts recorded before messages were stored one
    by one, a message event on its number since the rental started.
    """
    ids = [rental.id for rental in rentals]
    used = set(session.scalars(select(Message.rental_id).where(Message.rental_id.in_(ids)).distinct()))
    last_events = dict(session.execute(
        select(InventoryEvent.number_id, func.max(InventoryEvent.created_at))
        .where(InventoryEvent.number_id.in_([rental.number_id for rental in rentals]),
               InventoryEvent.kind.in_(("message_sent", "message_received")))
        .group_by(InventoryEvent.number_id)
    ).all())
    for rental in rentals:
        last_event = last_events.get(rental.number_id)
        if last_event is not None and last_event >= rental.started_at:
            used.add(rental.id)
    return used


EXTENDED_BY = re.compile(r"extended by (\d+) months")


def _extends_paid(session: Session, rentals: list[Rental]) -> dict[int, list[tuple[int, Money]]]:
    """Rule 8: every extend paid on each of these rentals, oldest first, as (months, amount),
    read from the credits ledger (what was actually paid), in one query."""
    entries = session.scalars(
        select(LedgerEntry).where(LedgerEntry.user_id.in_({rental.user_id for rental in rentals}),
                                  LedgerEntry.kind == PURCHASE, LedgerEntry.idempotency_key.like("extend:%"),
                                  LedgerEntry.created_at >= min(rental.started_at for rental in rentals))
        .order_by(LedgerEntry.id)).all()
    paid: dict[int, list[tuple[int, Money]]] = {rental.id: [] for rental in rentals}
    for entry in entries:
        rental_id = entry.idempotency_key.split(":")[1]
        if rental_id.isdigit() and int(rental_id) in paid:
            months = EXTENDED_BY.search(entry.description)
            paid[int(rental_id)].append((int(months.group(1)) if months else 0, -entry.amount))
    return paid


def _with_purchase(rental: Rental, extends: list[tuple[int, Money]]) -> list[tuple[int, Money]]:
    """The purchase's bundle first: its months are the paid time less the extends' months."""
    first_tier = full_months_held(rental.started_at.date(), rental.paid_through.date()) - sum(m for m, _ in extends)
    return [(first_tier if first_tier in TIERS else rental.tier_months, rental.bundle_paid)] + extends


def bundles_paid(session: Session, rental: Rental) -> list[tuple[int, Money]]:
    """The purchase's bundle and every extend paid since, as (months, amount)."""
    return _with_purchase(rental, _extends_paid(session, [rental])[rental.id])


def return_checks(session: Session, rentals: list[Rental], now: datetime | None = None) -> dict[int, ReturnCheck]:
    """`return_check` of each rental by id, in a fixed number of queries however many there are."""
    now = now or clock.now()
    checks, candidates = {}, []
    for rental in rentals:
        reason = _not_returnable(rental, now)
        if reason:
            recent = (rental.pricing_model == states.BUNDLE and is_current(rental)
                      and now - rental.started_at <= RETURN_NOTE_SHOWN_FOR)
            checks[rental.id] = ReturnCheck(False, reason, recent=recent)
        else:
            candidates.append(rental)
    if not candidates:
        return checks
    used = _used_rentals(session, candidates)
    extends = _extends_paid(session, candidates)
    prior_counts = {user_id: prior_returns(session, user_id, now) for user_id in {r.user_id for r in candidates}}
    catalog = current_catalog(session)
    for rental in candidates:
        if rental.id in used:
            checks[rental.id] = ReturnCheck(False, "Not returnable: this number has sent or received messages.",
                                            recent=True)
            continue
        paid = _with_purchase(rental, extends[rental.id])
        refund = unused_return_refund(catalog, paid, prior_counts[rental.user_id], rental.country_code, paid[0][0])
        checks[rental.id] = ReturnCheck(
            True, f"No messages yet: returnable until {when(rental.started_at + UNUSED_RETURN_WINDOW, time=True)}.",
            refund)
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
                     f"{rental.number.e164}: returned unused", reference=rental.number.e164,
                     lines=quote_lines(check.refund, rental.number.e164))
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


def reclaimable(session: Session, rentals: list[Rental], now: datetime | None = None) -> list[Rental]:
    """Of these rentals, those whose number waits for them in its cooling-off (SPEC §4): the
    former holder can reclaim it until `number.cooling_off_until`."""
    now = now or clock.now()
    ended = [rental for rental in rentals if rental.status == states.ENDED
             and rental.number.state == lifecycle.COOLING_OFF
             and rental.number.cooling_off_until is not None and rental.number.cooling_off_until > now]
    if not ended:
        return []
    latest = dict(session.execute(select(Rental.number_id, func.max(Rental.id))
                                  .where(Rental.number_id.in_([rental.number_id for rental in ended]))
                                  .group_by(Rental.number_id)).all())
    return [rental for rental in ended if latest.get(rental.number_id) == rental.id]


def reclaim(session: Session, user: User, rental: Rental, tier_or_months: int, seen_total: Money,
            now: datetime | None = None) -> Rental:
    """The former holder buys their cooling-off number back by themselves: a new purchase,
    at the quote a new buyer would get (setup fee included), with its confirmation e-mail."""
    now = now or clock.now()
    if rental.user_id != user.id or not reclaimable(session, [rental], now):
        raise RentalError(f"{rental.number.e164} can no longer be reclaimed.")
    from storefront.services.confirmations import queue_purchase_confirmation
    return _restart(session, rental, tier_or_months, seen_total, now, key=f"reclaim:{rental.id}",
                    note="reclaimed by its former holder", then=lambda renewed: queue_purchase_confirmation(session, renewed))


def reinstate(session: Session, rental: Rental, tier_or_months: int, seen_total: Money,
              now: datetime | None = None, reason: str = "") -> Rental:
    """Support gives a cooling-off number back to its former holder, charged from their credits
    as a new purchase, and tells them by e-mail (amount and reason). Raises RentalError or
    InsufficientCredits; charges nothing then."""
    now = now or clock.now()
    if rental.number.state != lifecycle.COOLING_OFF or rental.status not in (states.ENDED,):
        raise RentalError(f"{rental.number.e164} is not waiting for its former holder any more.")
    from storefront.services import outbox
    from storefront.services.confirmations import purchase_confirmation_body

    def tell(renewed: Rental) -> None:
        session.flush()
        outbox.queue_email(
            session, rental.user.email, f"{renewed.number.e164} is yours again",
            f"Our support team reinstated your number {renewed.number.e164} and charged {renewed.charged_total} "
            f"to your credits (like a new purchase).\nReason: {reason or 'at your request'}\n\n"
            + purchase_confirmation_body(session, renewed),
            key=f"reinstated:{renewed.id}")
    return _restart(session, rental, tier_or_months, seen_total, now, key=f"reinstate:{rental.id}",
                    note="reinstated by support", then=tell)


def _restart(session: Session, rental: Rental, tier_or_months: int, seen_total: Money, now: datetime,
             key: str, note: str, then: Callable[[Rental], None]) -> Rental:
    """A new rental of a cooling-off number for its former holder, charged as a new purchase."""
    newer = session.scalar(select(func.count()).select_from(Rental).where(
        Rental.number_id == rental.number_id, Rental.id > rental.id))
    if newer:
        raise RentalError(f"{rental.number.e164} has been rented again since.")
    quote = reinstate_quote(session, rental, tier_or_months)
    if quote.total != seen_total:
        raise RentalError(f"The price is now {quote.total}, not {seen_total}. Please confirm again.")
    with transaction(session):
        # Its e-mail is the confirmation `then` queues (with the invoice's link), not a second one.
        credits.book(session, rental.user_id, -quote.total, PURCHASE, key,
                     f"{rental.number.e164}: {note}", reference=rental.number.e164,
                     lines=quote_lines(quote, rental.number.e164), notify=False)
        lifecycle.move(session, rental.number, lifecycle.RENTED, now, note)
        bundle = quote.line("bundle")
        months = quote.tier_months or quote.months
        renewed = Rental(user_id=rental.user_id, number_id=rental.number_id, country_code=rental.country_code,
                         kind=rental.kind, pricing_model=states.BUNDLE if rental.kind == "long" else states.SHORT_PREPAID,
                         tier_months=quote.tier_months, months=quote.months, status=states.ACTIVE,
                         auto_renew=rental.kind == "long", started_at=now, paid_through=add_months(now, months),
                         charged_total=quote.total, bundle_paid=bundle.amount if bundle else None,
                         purchase_key=key.replace(":", "-"))
        session.add(renewed)
        then(renewed)  # the e-mail, in the same transaction as the charge
    return renewed
