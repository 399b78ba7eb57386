"""A new customer tops up by card and buys a long-term number at the tier picker's price."""
import re

from datetime import datetime, timezone

import pytest

from tests.browser.pages import balance_on_page, pay_by_card, pick_first_number, start_buying
from tests.helpers import WEBHOOK_SECRET
from tests.storefront.helpers import FRANCE, expected_first_charge

pytestmark = pytest.mark.browser


@pytest.fixture
def webhooks_to_live_server(localstripe, live_server):
    localstripe.register_webhook(f"{live_server}/payments/webhook", WEBHOOK_SECRET)
    yield
    localstripe.unregister_webhook()


def test_top_up_by_card_then_buy_a_6_month_bundle_for_the_tier_price(
    stocked_app, page, live_server, sign_in, webhooks_to_live_server
):
    sign_in(page, "new@example.com")
    start_buying(page, live_server, "DE", "Long-term")
    tier = page.locator("label.tier[data-tier='6']")
    tier.wait_for()
    shown_price = tier.locator(".tier-total").inner_text()
    assert shown_price == "€23.00"
    tier.click()
    pick_first_number(page)
    page.get_by_test_id("quote-total").filter(has_text=shown_price).wait_for()
    page.get_by_role("button", name="Continue to payment").click()

    page.get_by_role("link", name="Top up €23.00").click()
    pay_by_card(page, "4242424242424242", "€23.00")
    page.get_by_text("€23.00 added.").wait_for(timeout=15000)
    page.get_by_role("link", name="Continue where you were").click()

    page.get_by_role("button", name=f"Pay {shown_price} from credits").click()
    page.get_by_role("heading", name=re.compile("is yours")).wait_for()
    assert balance_on_page(page, live_server) == "€0.00"
    ledger = page.get_by_test_id("history").inner_text()
    assert "Card top-up" in ledger and "−€23.00" in ledger


def test_a_declined_card_shows_a_clear_message_and_books_nothing(stocked_app, page, live_server, sign_in,
                                                                  webhooks_to_live_server):
    sign_in(page, "new@example.com")
    page.goto(live_server + "/payments/top-up?amount=25")
    pay_by_card(page, "4000000000000002", "€25.00")
    page.get_by_text("Your card was declined.").wait_for()
    assert balance_on_page(page, live_server) == "€0.00"


def test_subscribe_to_a_short_term_number_pays_setup_fee_and_prorated_month_as_quoted(
    stocked_app, page, live_server, sign_in, webhooks_to_live_server
):
    sign_in(page, "monthly@example.com")
    start_buying(page, live_server, "FR", "Short-term")
    page.get_by_label(re.compile("Monthly subscription")).check()
    pick_first_number(page)
    total = page.get_by_test_id("quote-total")
    total.wait_for()
    quoted = total.inner_text()
    assert quoted == f"€{expected_first_charge(FRANCE, datetime.now(timezone.utc).date())}"
    page.get_by_role("button", name="Continue to payment").click()

    assert page.get_by_test_id("quote-total").inner_text() == quoted
    pay_by_card(page, "4242424242424242", quoted)
    page.get_by_role("link", name="See your new number").click()
    page.get_by_role("heading", name=re.compile("is yours")).wait_for()
    assert f"We charged {quoted} to your card" in page.locator("main").inner_text()
