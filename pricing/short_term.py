"""Short-term numbers: prepaid months with volume discounts, and the monthly
subscription's first charge (rules 1, 3, 5)."""
import calendar
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from pricing.money import Money
from pricing.quote import Quote, QuoteLine, setup_fee_line, total_of
from pricing.tiers import check_months

if TYPE_CHECKING:
    from pricing.catalog import Catalog

HUNDRED = Decimal(100)
DAYS_IN_A_BILLING_MONTH = 30


def volume_discount(catalog: "Catalog", months: int) -> Decimal:
    """Rule 1: "the row with the highest min_months not above the months applies"; none → 0 %."""
    applicable = [row for row in catalog.volume_discounts if row.min_months <= months]
    return max(applicable, key=lambda row: row.min_months).percent if applicable else Decimal(0)


def short_term_prepaid(catalog: "Catalog", country_code: str, months) -> Quote:
    """Rule 1: "total = rate × months × (1 − volume_discount(months)), rounded to cents",
    plus the one-time setup fee of rule 3."""
    return _prepaid_months(catalog, country_code, months, with_setup_fee=True)


def short_term_extend(catalog: "Catalog", country_code: str, months) -> Quote:
    """More months for a prepaid short-term number (an extend, or its automatic renewal):
    rule 1's price for those months, volume discount included; the setup fee of rule 3 is
    "charged at purchase … never on an extend or renewal"."""
    return _prepaid_months(catalog, country_code, months, with_setup_fee=False)


def _prepaid_months(catalog: "Catalog", country_code: str, months, with_setup_fee: bool) -> Quote:
    months = check_months(months)
    country = catalog.country(country_code)
    list_price = country.short_term_monthly * months
    percent = volume_discount(catalog, months)
    rental = (list_price * (1 - percent / HUNDRED)).rounded_to_cents()
    unit = "month" if months == 1 else "months"
    lines = (QuoteLine("months", f"{months} {unit} × {country.short_term_monthly}", list_price),)
    if rental != list_price:
        lines += (
            QuoteLine("volume_discount", f"Volume discount ({format(percent.normalize(), 'f')} %)", rental - list_price),
        )
    if with_setup_fee:
        lines += setup_fee_line(country.setup_fee)
    return Quote(
        kind="short",
        country=country.code,
        lines=lines,
        total=total_of(lines, catalog.currency),
        months=months,
        billing="prepaid",
    )


def days_left_in_month(start: date) -> int:
    """"days_left counts the purchase day and the rest of the month (bought on 31 January:
    1 day), capped at 30." """
    last_day = calendar.monthrange(start.year, start.month)[1]
    return min(last_day - start.day + 1, DAYS_IN_A_BILLING_MONTH)


def first_renewal(start: date) -> date:
    """Rule 5: subscriptions are "billed on the 1st": the first full month is charged on
    the 1st after the purchase day (bought on the 1st: a month later)."""
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def prorated_first_month(monthly_fee: Money, start: date) -> Money:
    """Rule 5: "on the 1st the full monthly fee; on any other day fee / 30 × days_left …
    rounded to cents." """
    if start.day == 1:
        return monthly_fee
    return (monthly_fee * days_left_in_month(start) / DAYS_IN_A_BILLING_MONTH).rounded_to_cents()


def subscription_first_charge(catalog: "Catalog", country_code: str, start: date) -> Quote:
    """Rule 5: "First charge = setup fee + prorated first month." From the next 1st on,
    the full fee is charged in advance each month."""
    country = catalog.country(country_code)
    first_month = prorated_first_month(country.short_term_monthly, start)
    if start.day == 1:
        label = "First month (full month)"
    else:
        label = f"First month, {days_left_in_month(start)} of {DAYS_IN_A_BILLING_MONTH} days"
    lines = setup_fee_line(country.setup_fee) + (QuoteLine("proration", label, first_month),)
    return Quote(
        kind="short",
        country=country.code,
        lines=lines,
        total=total_of(lines, catalog.currency),
        months=1,
        billing="subscription",
    )
