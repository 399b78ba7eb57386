"""Money: Decimal only, one currency at a time, rounding as a named step."""
from decimal import Decimal

import pytest

from pricing import CurrencyMismatch, Money


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money.eur(0.1)
    with pytest.raises(TypeError):
        Money.eur("1.00") * 1.5


def test_money_of_two_currencies_does_not_add_up():
    with pytest.raises(CurrencyMismatch):
        Money.of("1.00", "EUR") + Money.of("1.00", "USD")


@pytest.mark.parametrize(
    "amount, cents, whole",
    [("2.345", "2.35", "2"), ("2.5", "2.50", "3"), ("19.9995", "20.00", "20"), ("-0.005", "-0.01", "0")],
)
def test_rounding_is_half_up(amount, cents, whole):
    assert Money.eur(amount).rounded_to_cents().amount == Decimal(cents)
    assert Money.eur(amount).rounded_to_whole_euros().amount == Decimal(whole)


def test_money_prints_for_people_and_for_json():
    assert str(Money.eur("16")) == "€16.00"
    assert str(Money.eur("-0.6")) == "−€0.60"
    assert Money.eur("16").as_string() == "16.00"


def test_money_always_names_its_currency():
    with pytest.raises(TypeError):
        Money(Decimal("1.00"))  # noqa: the currency is never assumed
    assert Money.eur("1") == Money(Decimal("1"), "EUR") == Money.of("1", "EUR")
    assert Money.of("1", "USD").currency == "USD"
