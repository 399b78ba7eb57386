"""Rule 8: unused-return refunds."""
import pytest

from pricing import Money, unused_return_refund


@pytest.mark.parametrize(
    "prior_returns, refund", [(0, "23.00"), (1, "20.70"), (2, "17.25"), (5, "17.25")]
)
def test_refund_is_what_was_paid_less_a_fee_by_recent_returns(default_catalog, prior_returns, refund):
    quote = unused_return_refund(default_catalog, Money.eur("23"), prior_returns, "DE", 6)
    assert quote.total == Money.eur(refund)


def test_refund_lines_name_the_fee(default_catalog):
    quote = unused_return_refund(default_catalog, Money.eur("23"), 1, "DE", 6)
    assert [line.code for line in quote.lines] == ["bundle_paid", "return_fee"]
    assert quote.line("return_fee").amount == Money.eur("-2.30")
    assert "10 %" in quote.line("return_fee").label


def test_after_an_extend_every_bundle_paid_is_refunded_less_one_fee(default_catalog):
    """SPEC rule 8: bought a 3-month bundle (€16), extended by 6 months (€23) the same day,
    one earlier return: (16 + 23) − 10 % = €35.10. The setup fee is not part of it."""
    quote = unused_return_refund(default_catalog, [(3, Money.eur("16")), (6, Money.eur("23"))], 1, "DE", 3)
    assert [line.code for line in quote.lines] == ["bundle_paid", "extend_paid", "return_fee"]
    assert quote.line("return_fee").amount == Money.eur("-3.90")
    assert quote.total == Money.eur("35.10")


def test_a_refund_needs_the_purchase_bundle(default_catalog):
    with pytest.raises(ValueError):
        unused_return_refund(default_catalog, [], 0, "DE", 3)


def test_giving_back_early_forfeits_the_share_of_paid_time_still_ahead():
    from pricing import forfeited_paid_time
    assert forfeited_paid_time(Money.eur("16.00"), 91, 91) == Money.eur("16.00")
    assert forfeited_paid_time(Money.eur("16.00"), 91, 45) == Money.eur("7.91")
    assert forfeited_paid_time(Money.eur("16.00"), 91, 0) == Money.eur("0.00")
    assert forfeited_paid_time(Money.eur("16.00"), 0, 5) == Money.eur("0.00")
