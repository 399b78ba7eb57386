"""Turning a customer's choice (country, kind, months or tier, billing) into a quote."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pricing import (
    TIERS,
    Catalog,
    check_months,
    check_tier,
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
from storefront.problems import InvalidRequest

KINDS = ("short", "long")
BILLINGS = ("prepaid", "subscription")
LANDING_SHORT_TERM_MONTHS = (1, 3, 6, 12)
# "3 months is the minimum and the default" (FACTS: long-term numbers).
DEFAULT_TIER = TIERS[0]


class InvalidQuoteRequest(InvalidRequest):
    """The request names no valid quote; `errors` says which field is wrong and why."""

    title = "Invalid quote request"


@dataclass(frozen=True)
class QuoteRequest:
    country: str
    kind: str
    months: int | None = None
    tier_months: int | None = None
    billing: str | None = None
    start: date | None = None


# Ids and counts are 32-bit in the database; anything larger names nothing.
LARGEST_WHOLE = 2**31 - 1


def _text(args: Mapping[str, object], field: str) -> str:
    value = args.get(field)
    return value.strip() if isinstance(value, str) else ""


def whole_number(value: object, field: str) -> int | None:
    """A whole number from a query/form string or a JSON number; None when absent or empty.
    Raises InvalidRequest naming `field`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidRequest([FieldError(field, "must be a whole number")])
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        raise InvalidRequest([FieldError(field, f"must be a whole number, not '{value.strip()}'")]) from None
    if not -LARGEST_WHOLE <= number <= LARGEST_WHOLE:
        raise InvalidRequest([FieldError(field, "is far too large")])
    return number


def _whole_number(args: Mapping[str, object], field: str, errors: list[FieldError]) -> int | None:
    try:
        return whole_number(args.get(field), field)
    except InvalidRequest as error:
        errors.extend(error.errors)
        return None


def parse_tier(value: object, default: int | None = None) -> int:
    """The long-term tier a customer chose (a form string or a JSON number): 3, 6, 9 or 12.

    Absent (None) gives `default`; anything else that is not a tier — empty, `0`, `abc`,
    `5` — is refused with the one message naming the allowed tiers, on every surface.
    """
    if value is None and default is not None:
        return default
    raw = value.strip() if isinstance(value, str) else value
    try:
        return check_tier(int(raw) if isinstance(raw, str) and raw.lstrip("-").isdigit() else raw)
    except InvalidTier as error:
        raise InvalidQuoteRequest([FieldError("tier_months", error.message)]) from error


def parse_months(value: object, default: int | None = None) -> int:
    """Short-term months a customer chose (a form string or a JSON number): 1 to 12; absent
    gives `default`, anything else is refused with the one message naming the range."""
    if value is None and default is not None:
        return default
    raw = value.strip() if isinstance(value, str) else value
    try:
        return check_months(int(raw) if isinstance(raw, str) and raw.lstrip("-").isdigit() else raw)
    except InvalidMonths as error:
        raise InvalidQuoteRequest([FieldError("months", error.message)]) from error


def parse_quote_request(args: Mapping[str, object], today: date, tier_required: bool = False) -> QuoteRequest:
    """Read a quote request from query or form fields (strings) or a JSON body, naming every
    bad field. A long-term request without a tier is the default bundle unless `tier_required`."""
    errors: list[FieldError] = []
    country = _text(args, "country").upper()
    if not country:
        errors.append(FieldError("country", "is required (an ISO country code such as DE)"))
    kind = _text(args, "kind")
    if kind not in KINDS:
        errors.append(FieldError("kind", "must be 'short' or 'long'"))
    months = _whole_number(args, "months", errors)
    tier_months = None
    raw_tier = args.get("tier_months")
    raw_tier = None if isinstance(raw_tier, str) and not raw_tier.strip() else raw_tier  # `?tier_months=` is absent
    if kind == "long":
        try:
            tier_months = parse_tier(raw_tier, None if tier_required else DEFAULT_TIER)
        except InvalidQuoteRequest as error:
            errors.extend(error.errors)
    else:
        _whole_number(args, "tier_months", errors)
    billing = _text(args, "billing") or None
    start = today
    raw_start = _text(args, "start")
    if raw_start:
        try:
            start = date.fromisoformat(raw_start)
        except ValueError:
            errors.append(FieldError("start", f"must be a date as YYYY-MM-DD, not '{raw_start}'"))

    if kind == "long":
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


def quote_json(quote: Quote) -> dict:
    body = {"currency": quote.total.currency, "country": quote.country, "kind": quote.kind}
    if quote.kind == "long":
        body["tier_months"] = quote.tier_months
    else:
        body["months"] = quote.months
        body["billing"] = quote.billing
    body["lines"] = [
        {"code": line.code, "label": line.label, "amount": line.amount.as_string()}
        for line in quote.lines
    ]
    body["total"] = quote.total.as_string()
    if quote.effective_monthly is not None:
        body["effective_monthly"] = quote.effective_monthly.as_string()
    return body


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
