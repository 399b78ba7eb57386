"""VAT contained in a VAT-inclusive price (prices never change because of VAT)."""
from decimal import ROUND_HALF_UP, Decimal

from pricing.money import Money


def vat_contained(gross: Money, rate_percent: Decimal) -> Money:
    """The VAT inside `gross` at `rate_percent`: gross × rate / (100 + rate), to the cent."""
    if rate_percent < 0:
        raise ValueError("a VAT rate is not negative")
    vat = (gross.amount * rate_percent / (Decimal(100) + rate_percent)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Money(vat, gross.currency)
