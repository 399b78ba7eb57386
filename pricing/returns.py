"""Unused returns: what goes back to the customer's credits (rule 8)."""
from decimal import Decimal
from typing import TYPE_CHECKING

from pricing.money import Money
from pricing.quote import Quote, QuoteLine
from pricing.tiers import check_tier

if TYPE_CHECKING:
    from pricing.catalog import Catalog

HUNDRED = Decimal(100)


def return_fee_percent(catalog: "Catalog", prior_returns: int) -> Decimal:
    """Rule 8: "the row with the highest prior_returns not above the count applies"."""
    applicable = [row for row in catalog.return_fees if row.prior_returns <= max(prior_returns, 0)]
    return max(applicable, key=lambda row: row.prior_returns).percent if applicable else Decimal(0)


def unused_return_refund(
    catalog: "Catalog", bundle_paid: Money, prior_returns: int, country_code: str, tier_months: int
) -> Quote:
    """Rule 8: "the amount actually paid for the bundle (setup fee excluded) minus a fee that
    depends on how many unused returns the customer made in the previous 90 days … To cents." """
    tier = check_tier(tier_months)
    percent = return_fee_percent(catalog, prior_returns)
    fee = (bundle_paid * percent / HUNDRED).rounded_to_cents()
    lines = (QuoteLine("bundle_paid", f"Paid for the {tier}-month bundle", bundle_paid),)
    if not fee.is_zero():
        label = f"Return fee ({format(percent.normalize(), 'f')} %, {prior_returns} earlier return"
        label += ")" if prior_returns == 1 else "s)"
        lines += (QuoteLine("return_fee", label, -fee),)
    return Quote(
        kind="long",
        country=country_code,
        lines=lines,
        total=bundle_paid - fee,
        tier_months=tier,
    )
