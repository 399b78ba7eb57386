"""Unused returns: what goes back to the customer's credits (rule 8)."""
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from pricing.money import Money
from pricing.quote import Quote, QuoteLine, total_of
from pricing.tiers import check_tier

if TYPE_CHECKING:
    from pricing.catalog import Catalog

HUNDRED = Decimal(100)


def return_fee_percent(catalog: "Catalog", prior_returns: int) -> Decimal:
    """Rule 8: "the row with the highest prior_returns not above the count applies"."""
    applicable = [row for row in catalog.return_fees if row.prior_returns <= max(prior_returns, 0)]
    return max(applicable, key=lambda row: row.prior_returns).percent if applicable else Decimal(0)


def unused_return_refund(
    catalog: "Catalog",
    bundles_paid: Money | Sequence[tuple[int, Money]],
    prior_returns: int,
    country_code: str,
    tier_months: int,
) -> Quote:
    """Rule 8: "the amount actually paid for the bundles of that rental (the purchase's
    bundle and any extend paid since; setup fee excluded) minus a fee that depends on how
    many unused returns the customer made in the previous 90 days … To cents."

    `bundles_paid` is either the purchase's bundle alone (a Money, for `tier_months`) or
    every bundle paid on the rental as (months, amount) pairs, purchase first. The fee is
    taken once, on their sum.
    """
    tier = check_tier(tier_months)
    if isinstance(bundles_paid, Money):
        bundles_paid = [(tier, bundles_paid)]
    if not bundles_paid:
        raise ValueError("an unused return refunds at least the purchase's bundle")
    percent = return_fee_percent(catalog, prior_returns)
    lines = tuple(
        QuoteLine("bundle_paid" if index == 0 else "extend_paid",
                  f"Paid for the {months}-month bundle" if index == 0 else f"Paid to extend by {months} months",
                  amount)
        for index, (months, amount) in enumerate(bundles_paid)
    )
    paid = total_of(lines, catalog.currency)
    fee = (paid * percent / HUNDRED).rounded_to_cents()
    if not fee.is_zero():
        label = f"Return fee ({format(percent.normalize(), 'f')} %, {prior_returns} earlier return"
        label += ")" if prior_returns == 1 else "s)"
        lines += (QuoteLine("return_fee", label, -fee),)
    return Quote(
        kind="long",
        country=country_code,
        lines=lines,
        total=paid - fee,
        tier_months=tier,
    )


def forfeited_paid_time(paid: Money, paid_days: int, days_left: int) -> Money:
    """What giving a number back early leaves unused (nothing is refunded): the share of
    what was paid for its paid time that is still ahead, `paid × days_left / paid_days`,
    to cents, never below zero nor above what was paid."""
    if paid_days <= 0 or days_left <= 0:
        return Money.zero(paid.currency)
    return (paid * min(days_left, paid_days) / paid_days).rounded_to_cents()
