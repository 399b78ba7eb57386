"""VAT contained in a VAT-inclusive price: net + VAT is the price, to the cent."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.money import Money
from pricing.vat import vat_contained

cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Money(Decimal(c) / 100, "EUR"))
rates = st.decimals(min_value=0, max_value=30, places=1)


@given(cents, rates)
def test_the_vat_is_never_more_than_the_price_and_is_in_cents(gross, rate):
    vat = vat_contained(gross, rate)
    assert Money.zero("EUR") <= vat <= gross and vat.amount == vat.amount.quantize(Decimal("0.01"))
    # The net price taxed at the rate gives back the gross price, within rounding.
    net = gross - vat
    assert abs(net.amount * (100 + rate) / 100 - gross.amount) <= Decimal("0.01") * (1 + rate / 100)


def test_known_values():
    assert vat_contained(Money.eur("23.00"), Decimal(19)) == Money.eur("3.67")
    assert vat_contained(Money.eur("120.00"), Decimal(20)) == Money.eur("20.00")
    assert vat_contained(Money.eur("23.00"), Decimal(0)) == Money.eur("0.00")
    with pytest.raises(ValueError):
        vat_contained(Money.eur("1.00"), Decimal(-1))
