"""What a customer commits to, said before they commit (SPEC §4 "Before paying"): the total
due now, the dates it covers, what renews (when, at what price), the unused-return window
with this customer's next return fee, and what giving back costs. Every figure comes from
the pricing engine; the review page, the API's buy answer, the confirmation page and the
confirmation e-mail all read the same `PurchaseTerms`."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from pricing import Money, Quote, QuoteLine, first_renewal, long_term_extend, loyalty_percent, return_fee_percent
from storefront import clock
from storefront.models import Rental, User
from storefront.models import rentals as states
from storefront.services import credits
from storefront.services.catalog import current_catalog
from storefront.services.purchases import add_months
from storefront.services.rentals import COOLING_OFF_DAYS, UNUSED_RETURN_WINDOW, prior_returns

GIVE_BACK = (f"Giving a number back ends it at once and refunds nothing of the paid time; we keep it for you "
             f"for {COOLING_OFF_DAYS} days, so you can reclaim it (charged like a new purchase) if you change your mind.")


@dataclass(frozen=True)
class Renewal:
    """What automatic renewal of a long-term number will cost, and when."""

    on: datetime
    months: int
    total: Money
    loyalty_percent: Decimal
    bundle_total: Money

    @property
    def loyalty_text(self) -> str:
        return _percent(self.loyalty_percent)

    @property
    def loyalty_absorbed(self) -> bool:
        """A loyalty percent is earned, but rounding to whole euros leaves the price unchanged."""
        return bool(self.loyalty_percent) and self.total == self.bundle_total


@dataclass(frozen=True)
class UnusedReturn:
    until: datetime
    fee_percent: Decimal
    refund: Money
    prior_returns: int

    @property
    def fee_text(self) -> str:
        return _percent(self.fee_percent)


@dataclass(frozen=True)
class PurchaseTerms:
    quote: Quote
    total_due: Money
    starts: datetime
    paid_until: datetime
    balance: Money | None = None          # prepaid from credits: before and after paying
    balance_after: Money | None = None
    renewal: Renewal | None = None        # long-term: auto-renew (a choice at checkout)
    auto_renew: bool = False
    monthly: Money | None = None          # subscription: the full fee from `paid_until` on
    unused_return: UnusedReturn | None = None
    give_back: str = GIVE_BACK

    @property
    def subscription(self) -> bool:
        return self.quote.billing == "subscription"

    def as_json(self) -> dict:
        body = {
            "total_due_now": self.total_due.as_string(),
            "starts_at": self.starts.isoformat(),
            "paid_until": self.paid_until.isoformat(),
            "give_back": self.give_back,
        }
        if self.balance_after is not None:
            body["balance_after"] = self.balance_after.as_string()
        if self.renewal is not None:
            body["auto_renew"] = {
                "on": self.auto_renew,
                "renews_on": self.renewal.on.isoformat(),
                "months": self.renewal.months,
                "estimated_total": self.renewal.total.as_string(),
                "loyalty_percent": _percent(self.renewal.loyalty_percent),
            }
        if self.monthly is not None:
            body["subscription"] = {"first_charge": self.total_due.as_string(), "monthly": self.monthly.as_string(),
                                    "next_charge_on": self.paid_until.date().isoformat(), "charged_on": "1st of each month"}
        if self.unused_return is not None:
            body["unused_return"] = {"until": self.unused_return.until.isoformat(),
                                     "fee_percent": _percent(self.unused_return.fee_percent),
                                     "refund": self.unused_return.refund.as_string()}
        return body


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


def renewal_terms(session: Session, country_code: str, tier_months: int, renews_on: datetime) -> Renewal:
    """The same bundle again when the paid time is over, with the loyalty earned by then
    (rule 4): an estimate, since the catalog may change before that day."""
    catalog = current_catalog(session)
    quote = long_term_extend(catalog, country_code, tier_months, tier_months)
    bundle = quote.line("bundle").amount
    return Renewal(renews_on, tier_months, quote.total, loyalty_percent(catalog.loyalty, tier_months), bundle)


def purchase_terms(session: Session, user: User | None, quote: Quote, now: datetime | None = None,
                   auto_renew: bool = True, starts: datetime | None = None, paid_until: datetime | None = None,
                   balance: Money | None = None, with_balance: bool = True) -> PurchaseTerms:
    """The terms of buying `quote` now (or of a purchase already made, given its dates)."""
    now = now or clock.now()
    starts = starts or now
    if quote.billing == "subscription":
        first = first_renewal(starts.date())
        paid_until = paid_until or datetime(first.year, first.month, first.day, tzinfo=starts.tzinfo)
        monthly = current_catalog(session).country(quote.country).short_term_monthly
        return PurchaseTerms(quote, quote.total, starts, paid_until, monthly=monthly)
    paid_until = paid_until or add_months(starts, quote.tier_months or quote.months)
    if balance is None and user is not None and with_balance:
        balance = credits.current_balance(session, user.id)
    terms = dict(balance=balance, balance_after=balance - quote.total if balance is not None else None)
    if quote.kind == "long":
        catalog = current_catalog(session)
        prior = prior_returns(session, user.id, now) if user is not None else 0
        percent = return_fee_percent(catalog, prior)
        bundle = quote.line("bundle").amount
        refund = bundle - (bundle * percent / 100).rounded_to_cents()
        terms.update(
            renewal=renewal_terms(session, quote.country, quote.tier_months, paid_until),
            auto_renew=auto_renew,
            unused_return=UnusedReturn(starts + UNUSED_RETURN_WINDOW, percent, refund, prior),
        )
    return PurchaseTerms(quote, quote.total, starts, paid_until, **terms)


def rental_terms(session: Session, rental: Rental) -> PurchaseTerms:
    """The terms of a purchase already made (the confirmation page and e-mail), from what
    the rental stored: its charge, its bundle, its dates."""
    lines = (QuoteLine("bundle", f"{rental.tier_months}-month bundle", rental.bundle_paid),) if rental.bundle_paid else ()
    quote = Quote(kind=rental.kind, country=rental.country_code, lines=lines, total=rental.charged_total,
                  months=rental.months, tier_months=rental.tier_months,
                  billing="subscription" if rental.pricing_model == states.SUBSCRIPTION else None)
    if rental.kind == "long" and rental.bundle_paid is None:  # a legacy number: no return, renews as stored
        return PurchaseTerms(quote, rental.charged_total, rental.started_at, rental.paid_through)
    return purchase_terms(session, rental.user, quote, now=rental.started_at, auto_renew=rental.auto_renew,
                          starts=rental.started_at, paid_until=rental.paid_through, with_balance=False)

