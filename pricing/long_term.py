"""Long-term numbers: prepaid bundles, loyalty on extend, legacy renewals, holds (rules 2, 4, 6, 7)."""
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from pricing.memo import per_catalog
from pricing.money import Money
from pricing.quote import Quote, QuoteLine, setup_fee_line, total_of
from pricing.tiers import check_tier

if TYPE_CHECKING:
    from pricing.catalog import Catalog, LoyaltyPolicy

HUNDRED = Decimal(100)


def bundle_amount(unit: Money, factor: Decimal) -> Money:
    """"total = round_to_whole_euros(unit × factor[tier])" """
    return (unit * factor).rounded_to_whole_euros()


def bundle_total(catalog: "Catalog", country_code: str, tier_months) -> Money:
    """Rule 2: "Long-term bundle: total = round_to_whole_euros(unit × factor[tier]), where
    unit is the country's long-term base monthly unit." """
    tier = check_tier(tier_months)
    return bundle_amount(catalog.country(country_code).long_term_unit, catalog.bundle_factors[tier])


def effective_monthly(total: Money, tier_months: int) -> Money:
    """"The quote also shows the effective monthly figure (total / tier, to cents),
    labelled as a comparison, never as what is charged." """
    return (total / tier_months).rounded_to_cents()


@per_catalog
def long_term_bundle(catalog: "Catalog", country_code: str, tier_months) -> Quote:
    """The purchase quote of a bundle: rule 2 plus the setup fee of rule 3 ("charged at
    purchase … never on an extend or renewal")."""
    tier = check_tier(tier_months)
    country = catalog.country(country_code)
    bundle = bundle_total(catalog, country.code, tier)
    lines = (QuoteLine("bundle", f"{tier}-month bundle", bundle),) + setup_fee_line(country.setup_fee)
    return Quote(
        kind="long",
        country=country.code,
        lines=lines,
        total=total_of(lines, catalog.currency),
        tier_months=tier,
        effective_monthly=effective_monthly(bundle, tier),
    )


def reservation_hold(catalog: "Catalog", country_code: str, tier_months) -> Quote:
    """Rule 7: "exactly what buying that tier in that country costs at the moment of
    reserving (bundle total + setup fee). The price is locked by the hold." """
    return long_term_bundle(catalog, country_code, tier_months)


def full_months_held(since: date, until: date) -> int:
    """Whole calendar months from `since` to `until` (15 Jan → 15 Feb is one; 31 Jan → 28 Feb none)."""
    months = (until.year - since.year) * 12 + (until.month - since.month)
    if until.day < since.day:
        months -= 1
    return max(months, 0)


def loyalty_percent(policy: "LoyaltyPolicy", held_months: int) -> Decimal:
    """Rule 4: "a percent for each full step of months the customer has held the number,
    capped; by default 1 % per full 6 months, at most 5 %." """
    steps = max(held_months, 0) // policy.step_months
    return min(policy.percent_per_step * steps, policy.max_percent)


@per_catalog
def long_term_extend(catalog: "Catalog", country_code: str, tier_months, held_months: int) -> Quote:
    """Rule 4: the loyalty discount is "applied to the bundle total; the result is rounded
    to whole euros again." No setup fee on an extend (rule 3)."""
    tier = check_tier(tier_months)
    country = catalog.country(country_code)
    bundle = bundle_total(catalog, country.code, tier)
    percent = loyalty_percent(catalog.loyalty, held_months)
    total = (bundle * (1 - percent / HUNDRED)).rounded_to_whole_euros()
    lines = (QuoteLine("bundle", f"{tier}-month bundle", bundle),)
    if total != bundle:
        lines += (QuoteLine("loyalty_discount", f"Loyalty discount ({_percent(percent)} %)", total - bundle),)
    return Quote(
        kind="long",
        country=country.code,
        lines=lines,
        total=total,
        tier_months=tier,
        effective_monthly=effective_monthly(total, tier),
    )


def legacy_renewal(
    stored_monthly_rate: Money, stored_months: int, stored_discount_percent: Decimal, country_code: str
) -> Quote:
    """Rule 6: a grandfathered number's "renewal costs stored_rate × stored_months ×
    (1 − stored_discount), to cents." """
    total = (stored_monthly_rate * stored_months * (1 - stored_discount_percent / HUNDRED)).rounded_to_cents()
    label = f"Renewal at your current price: {stored_months} months × {stored_monthly_rate}"
    if stored_discount_percent:
        label += f" − {_percent(stored_discount_percent)} %"
    return Quote(
        kind="long",
        country=country_code,
        lines=(QuoteLine("legacy_renewal", label, total),),
        total=total,
        tier_months=stored_months,
        effective_monthly=effective_monthly(total, stored_months),
    )


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")
