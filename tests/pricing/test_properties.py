"""Properties of the pricing rules over many catalogs (hypothesis)."""
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pricing import (
    TIERS,
    CatalogError,
    Money,
    catalog_to_dict,
    long_term_bundle,
    long_term_extend,
    loyalty_percent,
    parse_catalog,
    prorated_first_month,
    short_term_extend,
    short_term_prepaid,
    subscription_first_charge,
    unused_return_refund,
)
from tests.pricing.tables import DEFAULT_TABLES

def cents(low: str, high: str):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=2)


@st.composite
def catalogs(draw):
    country = {
        "code": "DE",
        "name": "Germany",
        "short_term_monthly": str(draw(cents("0.50", "100.00"))),
        "long_term_unit": str(draw(cents("5.00", "500.00"))),
        "setup_fee": str(draw(cents("0.00", "50.00"))),
    }
    return parse_catalog({**DEFAULT_TABLES, "countries": [country]})


@given(catalogs(), st.sampled_from(TIERS), st.integers(0, 600), st.integers(1, 12), st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_no_quote_is_ever_negative(catalog, tier, held, months, start):
    zero = Money.zero("EUR")
    assert long_term_bundle(catalog, "DE", tier).total >= zero
    assert long_term_extend(catalog, "DE", tier, held).total >= zero
    assert short_term_prepaid(catalog, "DE", months).total >= zero
    assert subscription_first_charge(catalog, "DE", start).total >= zero


def assert_tier_promises(catalog):
    quotes = [long_term_bundle(catalog, "DE", tier) for tier in TIERS]
    for shorter, longer in zip(quotes, quotes[1:]):
        assert longer.line("bundle").amount >= shorter.line("bundle").amount
        assert longer.effective_monthly <= shorter.effective_monthly


@given(catalogs())
def test_a_longer_tier_never_costs_less_in_total_nor_more_a_month(catalog):
    assert_tier_promises(catalog)


@given(catalogs(), st.sampled_from(TIERS), st.integers(0, 600))
def test_bundle_and_extend_totals_are_whole_euros(catalog, tier, held):
    for quote in (long_term_bundle(catalog, "DE", tier), long_term_extend(catalog, "DE", tier, held)):
        amount = quote.line("bundle").amount.amount
        assert amount == amount.to_integral_value()
    extend_total = long_term_extend(catalog, "DE", tier, held).total.amount
    assert extend_total == extend_total.to_integral_value()


@given(catalogs(), st.integers(-12, 600))
def test_loyalty_never_above_five_percent_with_the_default_policy(catalog, held):
    assert Decimal(0) <= loyalty_percent(catalog.loyalty, held) <= Decimal(5)


@given(catalogs(), st.sampled_from(TIERS), st.integers(0, 600))
def test_loyalty_never_raises_the_price(catalog, tier, held):
    bundle = long_term_bundle(catalog, "DE", tier).line("bundle").amount
    assert long_term_extend(catalog, "DE", tier, held).total <= bundle


@given(cents("0.01", "500.00"), st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_a_prorated_month_never_exceeds_the_full_fee(fee, start):
    monthly = Money.eur(fee)
    first = prorated_first_month(monthly, start)
    assert Money.zero("EUR") <= first <= monthly


@given(catalogs(), st.integers(1, 11))
def test_one_more_short_term_month_never_costs_less(catalog, months):
    assert short_term_prepaid(catalog, "DE", months + 1).total >= short_term_prepaid(catalog, "DE", months).total


@given(catalogs(), cents("0.00", "2000.00"), st.integers(0, 20), st.sampled_from(TIERS))
def test_a_refund_is_never_negative_nor_above_what_was_paid(catalog, paid, prior, tier):
    refund = unused_return_refund(catalog, Money.eur(paid), prior, "DE", tier).total
    assert Money.zero("EUR") <= refund <= Money.eur(paid)


@given(catalogs())
def test_quote_totals_are_the_sum_of_their_lines(catalog):
    for tier in TIERS:
        quote = long_term_bundle(catalog, "DE", tier)
        assert sum((line.amount for line in quote.lines), Money.zero("EUR")) == quote.total


@given(catalogs())
def test_parse_accepts_exactly_what_catalog_to_dict_writes(catalog):
    assert catalog_to_dict(parse_catalog(catalog_to_dict(catalog))) == catalog_to_dict(catalog)


@given(cents("0.01", "4.99"))
def test_tiny_units_are_either_refused_or_keep_the_tier_promises(unit):
    country = {"code": "DE", "name": "Germany", "short_term_monthly": "1.00",
               "long_term_unit": str(unit), "setup_fee": "0.00"}
    try:
        catalog = parse_catalog({**DEFAULT_TABLES, "countries": [country]})
    except CatalogError:
        return
    assert_tier_promises(catalog)


@given(catalogs(), st.integers(1, 12))
def test_a_short_term_extend_is_the_purchase_price_less_the_setup_fee(catalog, months):
    bought = short_term_prepaid(catalog, "DE", months)
    setup_fee = bought.line("setup_fee")
    extended = short_term_extend(catalog, "DE", months)
    assert extended.total == bought.total - (setup_fee.amount if setup_fee else Money.zero("EUR"))
    assert extended.line("setup_fee") is None
