"""The buy wizard's state, read from the query string: every step is a plain GET, so the
wizard works without JavaScript and htmx only re-renders it as choices change."""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from hardware.inventory import available_numbers, in_stock_query
from hardware.models import LONG, SHORT, PhoneNumber
from pricing import DEFAULT_TIER, Country, FieldError, Quote, UnknownCountry
from storefront.services.catalog import catalog_for_display
from storefront.services.operations import long_term_stock, short_term_pool
from storefront.services.quotes import InvalidQuoteRequest, PriceRow, QuoteRequest, price_table, quote_for

NUMBERS_SHOWN = 5


@dataclass
class WizardState:
    countries: list[tuple[Country, int, int]]
    country: Country | None = None
    kind: str | None = None
    tier_months: int | None = None
    months: int | None = None
    billing: str = "prepaid"
    bundles: tuple[PriceRow, ...] = ()
    numbers: list[PhoneNumber] = field(default_factory=list)
    number: PhoneNumber | None = None
    page: int = 0
    quote: Quote | None = None
    request: QuoteRequest | None = None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def long_stock(self) -> int:
        return next((stock for country, stock, _ in self.countries if country == self.country), 0)

    @property
    def short_pool(self) -> int:
        return next((pool for country, _, pool in self.countries if country == self.country), 0)

    @property
    def ready(self) -> bool:
        return self.quote is not None and self.number is not None

    def query(self, **changes) -> dict:
        """The query string of this state, with `changes`: for links between steps."""
        values = {
            "country": self.country.code if self.country else None,
            "kind": self.kind,
            "tier_months": self.tier_months,
            "months": self.months,
            "billing": self.billing if self.kind == SHORT else None,
            "number": self.number.id if self.number else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}


def _int(args: Mapping[str, str], name: str) -> int | None:
    try:
        return int(args.get(name, ""))
    except ValueError:
        return None


def wizard_state(session: Session, args: Mapping[str, str], today: date) -> WizardState:
    catalog = catalog_for_display(session)
    stock, pool = long_term_stock(session), short_term_pool(session)
    state = WizardState(
        countries=[(c, stock.get(c.code, 0), pool.get(c.code, 0)) for c in catalog.countries_on_sale]
    )
    try:
        state.country = catalog.country_on_sale(args.get("country", "")) if args.get("country") else None
    except UnknownCountry as error:
        state.errors.append(FieldError("country", error.message))
    if state.country is None:
        return state
    state.bundles = price_table(catalog, state.country.code).bundles
    state.kind = args.get("kind") if args.get("kind") in (SHORT, LONG) else None
    if state.kind is None:
        return state
    state.billing = "subscription" if args.get("billing") == "subscription" and state.kind == SHORT else "prepaid"
    # A long-term number starts on the default bundle (3 months) until the customer picks another.
    state.tier_months = (_int(args, "tier_months") if "tier_months" in args else DEFAULT_TIER) if state.kind == LONG else None
    state.months = _int(args, "months") if state.kind == SHORT else None
    if state.kind == LONG and state.tier_months is None:
        return state
    if state.kind == SHORT and state.billing == "prepaid" and state.months is None:
        return state
    request = QuoteRequest(state.country.code, state.kind, state.months, state.tier_months,
                           None if state.kind == LONG else state.billing, today)
    try:
        state.quote = quote_for(catalog, request)
        state.request = request
    except InvalidQuoteRequest as error:
        state.errors.extend(error.errors)
        return state
    state.page = max(_int(args, "page") or 0, 0)
    offered = available_numbers(session, state.country.code, state.kind, limit=NUMBERS_SHOWN * (state.page + 1))
    state.numbers = offered[NUMBERS_SHOWN * state.page:] or offered[:NUMBERS_SHOWN]
    chosen = session.get(PhoneNumber, _int(args, "number") or 0)
    # A number left over from another country or kind is simply forgotten.
    if chosen is not None and (chosen.country_code, chosen.kind) == (state.country.code, state.kind):
        state.number = session.scalar(in_stock_query(state.country.code, state.kind).where(PhoneNumber.id == chosen.id))
        if state.number is None:
            state.errors.append(FieldError("number", f"{chosen.e164} was just taken by someone else. Please pick another."))
        elif state.number not in state.numbers:
            state.numbers.insert(0, state.number)
    return state
