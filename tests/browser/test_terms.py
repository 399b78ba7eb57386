"""Issue 15 in a browser: the terms read on the review page before paying, the forfeited
paid time read on the give-back confirmation, and the purchase → extend → unused return story."""
import re

import pytest

from storefront import clock, db
from storefront.models import Rental
from storefront.formatting import phone
from tests.browser.pages import balance_on_page, open_my_numbers, pick_first_number, start_buying
from tests.storefront.helpers import give_credits
from tests.storefront.rental_factory import rent

pytestmark = pytest.mark.browser


def test_the_review_page_states_the_terms_before_paying(stocked_app, page, live_server, sign_in):
    sign_in(page, "terms@example.com")
    give_credits(stocked_app, "terms@example.com", "50.00")
    start_buying(page, live_server, "DE", "Long-term")
    page.locator("label.tier[data-tier='6']").click()
    pick_first_number(page)
    page.get_by_role("button", name="Continue to payment").click()

    terms = page.get_by_test_id("terms")
    terms.wait_for()
    assert page.get_by_test_id("terms-total").inner_text() == "€23.00 from your credits"
    assert page.get_by_test_id("terms-balance-after").inner_text() == "€27.00"
    paid_until = page.get_by_test_id("terms-paid-until").inner_text()
    renew = page.get_by_label(re.compile("Renew automatically"))
    assert renew.is_checked() and f"on {paid_until} for €23.00" in page.locator("label[for=auto_renew]").inner_text()
    assert "get €23.00 back" in page.get_by_test_id("terms-unused-return").inner_text()
    assert "30 days" in page.get_by_test_id("terms-give-back").inner_text()

    renew.uncheck()
    page.get_by_role("button", name="Pay €23.00 from credits").click()
    page.get_by_role("heading", name=re.compile("is yours")).wait_for()
    assert "Automatic renewal is off" in page.get_by_test_id("terms-renewal").inner_text()
    page.get_by_role("link", name="Go to the number").click()
    page.wait_for_url(re.compile(r"/numbers#number-\d+"))
    assert page.get_by_role("button", name=re.compile("turn on automatic renewal of")).count() == 1


def test_the_give_back_confirmation_states_the_forfeited_paid_time(stocked_app, page, live_server, sign_in):
    sign_in(page, "leaver@example.com")
    held = rent(stocked_app, "leaver@example.com", "DE", months_ago=1, tier_months=3, bundle_paid="16.00")
    with stocked_app.app_context():
        rental = db.session().get(Rental, held.id)
        days_left = (rental.paid_through - clock.now()).days
        worth = f"€{16 * days_left / (rental.paid_through - rental.started_at).days:.2f}"
    open_my_numbers(page, live_server)
    page.get_by_role("button", name="Give back the selected numbers").click()
    page.get_by_text("Nothing was selected").wait_for()
    page.get_by_label(f"Select {phone(held.e164)}").check()
    page.get_by_role("button", name="Give back the selected numbers").click()
    forfeit = page.get_by_test_id("forfeit")
    forfeit.wait_for()
    assert f"{days_left} paid days" in forfeit.inner_text() and f"worth {worth} are forfeited" in forfeit.inner_text()
    confirm = page.get_by_role("button", name="Yes, give back 1 number")
    assert "danger" in confirm.get_attribute("class")
    # Danger styling: not the filled accent colour of "Pay".
    assert confirm.evaluate("b => getComputedStyle(b).color") == "rgb(164, 22, 26)"
    confirm.click()
    page.get_by_text(re.compile("^Given back: ")).wait_for()
    assert page.get_by_test_id("reclaimable").get_by_text(re.compile(f"{re.escape(phone(held.e164))}: reclaim until")).count() == 1


def test_buy_extend_the_same_day_then_return_unused_gets_both_bundles_back(stocked_app, page, live_server, sign_in):
    sign_in(page, "story@example.com")
    give_credits(stocked_app, "story@example.com", "100.00")
    start_buying(page, live_server, "DE", "Long-term")
    page.locator("label.tier[data-tier='3']").click()
    pick_first_number(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Pay €16.00 from credits").click()
    page.get_by_role("heading", name=re.compile("is yours")).wait_for()
    after_purchase = balance_on_page(page, live_server)

    open_my_numbers(page, live_server)
    page.get_by_role("link", name="Extend").click()
    page.locator("label.tier[data-tier='6']").click()
    page.get_by_test_id("price-compare").filter(has_text="€23.00").wait_for()
    page.get_by_role("button", name="Pay €23.00 from credits").click()
    page.get_by_text(re.compile("is paid until")).wait_for()

    page.get_by_role("link", name="Return unused").click()
    assert "Paid to extend by 6 months" in page.get_by_test_id("quote").inner_text()
    page.get_by_role("button", name="Return it and refund €39.00").click()
    page.get_by_text(re.compile("€39.00 is back in your credits")).wait_for()
    expected = float(after_purchase.lstrip("€")) - 23 + 39
    assert balance_on_page(page, live_server) == f"€{expected:.2f}"
