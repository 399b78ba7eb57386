"""Rules 1, 3 and 5: short-term prepaid months and the subscription's first charge."""
from datetime import date
from decimal import Decimal

import pytest

from pricing import (
    InvalidMonths,
    Money,
    parse_catalog,
    prorated_first_month,
    short_term_extend,
    short_term_prepaid,
    subscription_first_charge,
    volume_discount,
)


@pytest.mark.parametrize(
    "months, percent", [(1, "0"), (3, "0"), (4, "5"), (6, "5"), (7, "10"), (9, "10"), (10, "15"), (12, "15")]
)
def test_volume_discount_table(default_catalog, months, percent):
    assert volume_discount(default_catalog, months) == Decimal(percent)


@pytest.mark.parametrize(
    "months, total", [(1, "3.00"), (3, "9.00"), (4, "11.40"), (6, "17.10"), (7, "18.90"), (12, "30.60")]
)
def test_prepaid_total_is_rate_times_months_less_the_volume_discount(default_catalog, months, total):
    quote = short_term_prepaid(default_catalog, "DE", months)
    assert quote.total == Money.eur(total)
    assert quote.months == months and quote.billing == "prepaid"


def test_prepaid_quote_lines_add_up_and_include_the_setup_fee(default_catalog):
    quote = short_term_prepaid(default_catalog, "FR", 4)
    assert [line.code for line in quote.lines] == ["months", "volume_discount", "setup_fee"]
    assert [line.amount.as_string() for line in quote.lines] == ["16.00", "-0.80", "2.50"]
    assert quote.total == Money.eur("17.70")


def test_a_zero_setup_fee_is_left_out(default_catalog):
    assert short_term_prepaid(default_catalog, "DE", 1).line("setup_fee") is None


def test_discount_rows_come_from_the_catalog_not_the_code(document):
    document["volume_discounts"] = [{"min_months": 2, "percent": "50"}]
    catalog = parse_catalog(document)
    assert short_term_prepaid(catalog, "DE", 2).total == Money.eur("3.00")


@pytest.mark.parametrize("months", [0, 13, -1, "6", True, None])
def test_months_outside_1_to_12_are_refused_naming_the_range(default_catalog, months):
    with pytest.raises(InvalidMonths, match="1 to 12 months"):
        short_term_prepaid(default_catalog, "DE", months)


@pytest.mark.parametrize(
    "start, expected",
    [
        (date(2026, 11, 1), "1.00"),   # bought on the 1st: the whole fee
        (date(2026, 11, 21), "0.33"),  # 10 days left: 1.00 / 30 × 10
        (date(2026, 1, 31), "0.03"),   # bought on 31 January: 1 day
        (date(2026, 1, 2), "1.00"),    # 30 days left of a 31-day month: capped at 30
        (date(2026, 2, 15), "0.47"),   # 14 days left in February
        (date(2026, 1, 1), "1.00"),    # a 31-day month bought on the 1st is still one fee
    ],
)
def test_first_month_is_prorated_by_days_left(start, expected):
    assert prorated_first_month(Money.eur("1.00"), start) == Money.eur(expected)


def test_subscription_first_charge_is_setup_fee_plus_prorated_month(default_catalog):
    quote = subscription_first_charge(default_catalog, "FR", date(2026, 11, 21))
    amounts = {line.code: line.amount.as_string() for line in quote.lines}
    assert amounts == {"setup_fee": "2.50", "proration": "1.33"}  # 4.00 / 30 × 10
    assert quote.total == Money.eur("3.83")
    assert quote.billing == "subscription"
    assert "10 of 30 days" in quote.line("proration").label


def test_extending_a_short_term_number_charges_the_months_without_the_setup_fee(default_catalog):
    bought = short_term_prepaid(default_catalog, "FR", 4)
    extended = short_term_extend(default_catalog, "FR", 4)
    assert [line.code for line in extended.lines] == ["months", "volume_discount"]
    assert extended.total == Money.eur("15.20") == bought.total - bought.line("setup_fee").amount
    assert extended.months == 4 and extended.billing == "prepaid"


@pytest.mark.parametrize("months", [0, 13, "3", None])
def test_extend_months_outside_1_to_12_are_refused(default_catalog, months):
    with pytest.raises(InvalidMonths, match="1 to 12 months"):
        short_term_extend(default_catalog, "FR", months)
