"""A new customer tops up by card and buys a long-term number at the tier picker's price."""
import re

from datetime import datetime, timezone

import pytest

from tests.storefront.test_subscriptions import FRANCE, expected_first_charge

from tests.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.browser


@pytest.fixture
def webhooks_to_live_server(localstripe, live_server):
    localstripe.register_webhook(f"{live_server}/payments/webhook", WEBHOOK_SECRET)


def fill_card(page, number: str) -> None:
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill(number)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("30")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("10115")


def test_top_up_by_card_then_buy_a_6_month_bundle_for_the_tier_price(
    stocked_app, page, live_server, sign_in, webhooks_to_live_server
):
    sign_in(page, "new@example.com")
    page.goto(live_server + "/buy")
    page.select_option("#country", "DE")
    page.get_by_label(re.compile("Long-term")).check()
    tier = page.locator("label.tier[data-tier='6']")
    tier.wait_for()
    shown_price = tier.locator(".tier-total").inner_text()
    assert shown_price == "€23.00"
    tier.click()
    page.locator("input[name=number]").first.wait_for()
    page.locator("input[name=number]").first.check()
    page.get_by_test_id("quote-total").filter(has_text=shown_price).wait_for()
    page.get_by_role("button", name="Continue to payment").click()

    page.get_by_role("link", name="Top up €23.00").click()
    page.get_by_role("button", name="Continue to card payment").click()
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Pay €23.00").click()
    page.get_by_text("€23.00 added.").wait_for(timeout=15000)
    page.get_by_role("link", name="Continue where you were").click()

    page.get_by_role("button", name=f"Pay {shown_price} from credits").click()
    page.get_by_role("heading", name=re.compile("is yours")).wait_for()
    page.goto(live_server + "/credits")
    assert page.get_by_test_id("balance").inner_text() == "€0.00"
    ledger = page.get_by_test_id("ledger").inner_text()
    assert "Card top-up" in ledger and "−€23.00" in ledger


def test_a_declined_card_shows_a_clear_message_and_books_nothing(stocked_app, page, live_server, sign_in,
                                                                  webhooks_to_live_server):
    sign_in(page, "new@example.com")
    page.goto(live_server + "/payments/top-up?amount=25")
    page.get_by_role("button", name="Continue to card payment").click()
    fill_card(page, "4000000000000002")
    page.get_by_role("button", name="Pay €25.00").click()
    page.get_by_text("Your card was declined.").wait_for()
    page.goto(live_server + "/credits")
    assert page.get_by_test_id("balance").inner_text() == "€0.00"


def test_subscribe_to_a_short_term_number_pays_setup_fee_and_prorated_month_as_quoted(
    stocked_app, page, live_server, sign_in, webhooks_to_live_server
):
    sign_in(page, "monthly@example.com")
    page.goto(live_server + "/buy")
    page.select_option("#country", "FR")
    page.get_by_label(re.compile("Short-term")).check()
    page.get_by_label(re.compile("Monthly subscription")).check()
    page.locator("input[name=number]").first.wait_for()
    page.locator("input[name=number]").first.check()
    total = page.get_by_test_id("quote-total")
    total.wait_for()
    quoted = total.inner_text()
    assert quoted == f"€{expected_first_charge(FRANCE, datetime.now(timezone.utc).date())}"
    page.get_by_role("button", name="Continue to payment").click()

    assert page.get_by_test_id("quote-total").inner_text() == quoted
    page.get_by_role("button", name="Continue to card payment").click()
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name=f"Pay {quoted}").click()
    page.get_by_role("link", name="See your new number").click()
    page.get_by_role("heading", name=re.compile("is yours")).wait_for()
    assert f"We charged {quoted} to your card" in page.locator("main").inner_text()
