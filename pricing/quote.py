"""The quote: the one object that carries a price, line by line."""
from dataclasses import dataclass

from pricing.money import Money


@dataclass(frozen=True)
class QuoteLine:
    code: str
    label: str
    amount: Money


@dataclass(frozen=True)
class Quote:
    """What the customer is shown, and exactly what is charged (SPEC §2, last paragraph)."""

    kind: str
    country: str
    lines: tuple[QuoteLine, ...]
    total: Money
    months: int | None = None
    tier_months: int | None = None
    billing: str | None = None
    effective_monthly: Money | None = None

    def line(self, code: str) -> QuoteLine | None:
        return next((line for line in self.lines if line.code == code), None)


def setup_fee_line(fee: Money) -> tuple[QuoteLine, ...]:
    """"Setup fee: per country, one-time … shown before purchase"; a zero fee is left out."""
    return () if fee.is_zero() else (QuoteLine("setup_fee", "One-time setup fee", fee),)


def total_of(lines: tuple[QuoteLine, ...], currency: str) -> Money:
    total = Money.zero(currency)
    for line in lines:
        total = total + line.amount
    return total
