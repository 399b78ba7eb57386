"""Turning a customer's choice (country, kind, months or tier, billing) into a quote."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pricing import (
    TIERS,
    Catalog,
    FieldError,
    InvalidMonths,
    InvalidTier,
    Money,
    Quote,
    QuoteLine,
    long_term_bundle,
    short_term_prepaid,
    subscription_first_charge,
)

KINDS = ("short", "long")
BILLINGS = ("prepaid", "subscription")
LANDING_SHORT_TERM_MONTHS = (1, 3, 6, 12)
# "3 months is the minimum and the default" (FACTS: long-term numbers).
DEFAULT_TIER = TIERS[0]


class InvalidQuoteRequest(Exception):
    """The request names no valid quote; `errors` says which field is wrong and why."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class QuoteRequest:
    country: str
    kind: str
    months: int | None = None
    tier_months: int | None = None
    billing: str | None = None
    start: date | None = None


def _whole_number(args: Mapping[str, str], field: str, errors: list[FieldError]) -> int | None:
    raw = (args.get(field) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        errors.append(FieldError(field, f"must be a whole number, not '{raw}'"))
        return None


def parse_quote_request(args: Mapping[str, str], today: date) -> QuoteRequest:
    """Read a quote request from query or form fields, naming every bad field."""
    errors: list[FieldError] = []
    country = (args.get("country") or "").strip().upper()
    if not country:
        errors.append(FieldError("country", "is required (an ISO country code such as DE)"))
    kind = (args.get("kind") or "").strip()
    if kind not in KINDS:
        errors.append(FieldError("kind", "must be 'short' or 'long'"))
    months = _whole_number(args, "months", errors)
    tier_months = _whole_number(args, "tier_months", errors)
    billing = (args.get("billing") or "").strip() or None
    start = today
    raw_start = (args.get("start") or "").strip()
    if raw_start:
        try:
            start = date.fromisoformat(raw_start)
        except ValueError:
            errors.append(FieldError("start", f"must be a date as YYYY-MM-DD, not '{raw_start}'"))

    if kind == "long":
        if tier_months is None and not any(e.field == "tier_months" for e in errors):
            tier_months = DEFAULT_TIER
        if billing not in (None, "prepaid"):
            errors.append(
                FieldError("billing", "long-term numbers are prepaid; subscriptions are short-term only")
            )
        billing = None
    elif kind == "short":
        billing = billing or "prepaid"
        if billing not in BILLINGS:
            errors.append(FieldError("billing", "must be 'prepaid' or 'subscription'"))
        if billing == "prepaid" and months is None and not any(e.field == "months" for e in errors):
            errors.append(FieldError("months", "is required for short-term: 1 to 12"))
    if errors:
        raise InvalidQuoteRequest(errors)
    return QuoteRequest(country, kind, months, tier_months, billing, start)


def quote_for(catalog: Catalog, request: QuoteRequest) -> Quote:
    """The quote the customer is shown, and later charged. Raises UnknownCountry (or
    CountryRetired: a retired country sells nothing new)."""
    catalog.country_on_sale(request.country)
    try:
        if request.kind == "long":
            return long_term_bundle(catalog, request.country, request.tier_months)
        if request.billing == "subscription":
            return subscription_first_charge(catalog, request.country, request.start)
        return short_term_prepaid(catalog, request.country, request.months)
    except InvalidTier as error:
        raise InvalidQuoteRequest([FieldError("tier_months", error.message)]) from error
    except InvalidMonths as error:
        raise InvalidQuoteRequest([FieldError("months", error.message)]) from error


@dataclass(frozen=True)
class PriceRow:
    """One line of a price list: the rental price of a quote, its setup fee apart."""

    months: int
    price: Money
    effective_monthly: Money | None
    discount: QuoteLine | None


def price_row(quote: Quote) -> PriceRow:
    setup_fee = quote.line("setup_fee")
    return PriceRow(
        months=quote.tier_months or quote.months,
        price=quote.total - setup_fee.amount if setup_fee else quote.total,
        effective_monthly=quote.effective_monthly,
        discount=quote.line("volume_discount"),
    )


@dataclass(frozen=True)
class PriceTable:
    """Everything the landing page shows for one country."""

    country_code: str
    country_name: str
    setup_fee: Money
    bundles: tuple[PriceRow, ...]
    short_term: tuple[PriceRow, ...]


@lru_cache(maxsize=256)
def price_table(catalog: Catalog, country_code: str) -> PriceTable:
    """Remembered per catalog object (immutable, hashed by identity) and country: the
    landing page and the buy wizard ask for the same few tables on every request."""
    country = catalog.country(country_code)
    return PriceTable(
        country_code=country.code,
        country_name=country.name,
        setup_fee=country.setup_fee,
        bundles=tuple(price_row(long_term_bundle(catalog, country.code, tier)) for tier in TIERS),
        short_term=tuple(
            price_row(short_term_prepaid(catalog, country.code, months))
            for months in LANDING_SHORT_TERM_MONTHS
        ),
    )
