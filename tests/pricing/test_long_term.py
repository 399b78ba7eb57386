"""Rules 2, 4, 6 and 7: bundles, loyalty on extend, legacy renewal, reservation holds."""
from datetime import date
from decimal import Decimal

import pytest

from pricing import (
    InvalidTier,
    LoyaltyPolicy,
    Money,
    bundle_total,
    full_months_held,
    legacy_renewal,
    long_term_bundle,
    long_term_extend,
    loyalty_percent,
    reservation_hold,
)


@pytest.mark.parametrize("tier, total", [(3, "16"), (6, "23"), (9, "29"), (12, "34")])
def test_a_12_euro_unit_gives_the_published_tier_totals(default_catalog, tier, total):
    assert bundle_total(default_catalog, "DE", tier) == Money.eur(total)


def test_bundle_quote_shows_effective_monthly_as_a_comparison(default_catalog):
    quote = long_term_bundle(default_catalog, "DE", 3)
    assert quote.total == Money.eur("16")
    assert quote.effective_monthly == Money.eur("5.33")
    assert [line.code for line in quote.lines] == ["bundle"]


def test_bundle_purchase_adds_the_setup_fee_but_effective_monthly_leaves_it_out(default_catalog):
    quote = long_term_bundle(default_catalog, "FR", 6)
    assert [(line.code, line.amount.as_string()) for line in quote.lines] == [
        ("bundle", "29.00"),
        ("setup_fee", "2.50"),
    ]
    assert quote.total == Money.eur("31.50")
    assert quote.effective_monthly == Money.eur("4.83")


@pytest.mark.parametrize("tier", [0, 1, 5, 16, 24, "6", True, None, 6.0])
def test_tiers_other_than_3_6_9_12_are_refused_naming_the_allowed_tiers(default_catalog, tier):
    with pytest.raises(InvalidTier) as refused:
        long_term_bundle(default_catalog, "DE", tier)
    assert "3, 6, 9 or 12" in refused.value.message


@pytest.mark.parametrize(
    "held, percent", [(0, "0"), (5, "0"), (6, "1"), (13, "2"), (30, "5"), (36, "5"), (600, "5")]
)
def test_loyalty_is_one_percent_per_full_six_months_capped_at_five(default_catalog, held, percent):
    assert loyalty_percent(default_catalog.loyalty, held) == Decimal(percent)


def test_extend_after_13_months_takes_2_percent_and_rounds_to_whole_euros(default_catalog):
    quote = long_term_extend(default_catalog, "DE", 12, held_months=13)
    # €34 × 0.98 = 33.32 → €33
    assert quote.total == Money.eur("33")
    assert quote.line("loyalty_discount").amount == Money.eur("-1")
    assert quote.line("setup_fee") is None


def test_extend_where_the_discount_rounds_away_shows_no_discount_line(default_catalog):
    # €23 × 0.98 = 22.54 → €23: nothing off, so no line claims a discount.
    quote = long_term_extend(default_catalog, "DE", 6, held_months=13)
    assert quote.total == Money.eur("23")
    assert quote.line("loyalty_discount") is None


def test_loyalty_policy_comes_from_the_catalog():
    generous = LoyaltyPolicy(step_months=1, percent_per_step=Decimal("2"), max_percent=Decimal("10"))
    assert loyalty_percent(generous, 7) == Decimal("10")


@pytest.mark.parametrize(
    "since, until, months",
    [
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 31), date(2026, 2, 28), 0),
        (date(2025, 10, 1), date(2026, 11, 25), 13),
        (date(2026, 5, 1), date(2026, 4, 1), 0),
    ],
)
def test_full_months_held(since, until, months):
    assert full_months_held(since, until) == months


def test_legacy_renewal_keeps_the_stored_linear_price():
    quote = legacy_renewal(Money.eur("2.00"), 12, Decimal("10"), "DE")
    assert quote.total == Money.eur("21.60")
    assert quote.line("legacy_renewal").amount == Money.eur("21.60")
    assert "12 months × €2.00 − 10 %" in quote.line("legacy_renewal").label


def test_reservation_hold_is_exactly_the_purchase_quote(default_catalog):
    for tier in (3, 6, 9, 12):
        assert reservation_hold(default_catalog, "FR", tier) == long_term_bundle(default_catalog, "FR", tier)
