"""After the purchase, in the browser: extend with loyalty, reserve and be served when an
operator adds stock, cancel a reservation, return an unused number, give back two at once."""
import re

import pytest

from pricing import long_term_extend
from storefront import db
from storefront.formatting import phone
from storefront.services.catalog import current_catalog
from tests.browser.pages import add_gateway, balance_on_page, insert_sim, number_row, open_my_numbers
from tests.helpers import with_check_digit
from tests.storefront.helpers import give_credits
from tests.storefront.rental_factory import rent

pytestmark = pytest.mark.browser


def test_extend_a_number_held_13_months_at_the_quoted_total(stocked_app, page, live_server, sign_in):
    sign_in(page, "loyal@example.com")
    give_credits(stocked_app, "loyal@example.com", "100.00")
    held = rent(stocked_app, "loyal@example.com", "DE", months_ago=13, tier_months=3)
    with stocked_app.app_context():
        expected = long_term_extend(current_catalog(db.session()), "DE", 12, 13).total
    open_my_numbers(page, live_server)
    number_row(page, held.e164).get_by_role("link", name="Extend").click()
    assert "2 % off every bundle" in page.locator(".lead").inner_text()
    page.locator("label.tier[data-tier='12']").click()
    page.locator("[data-code=loyalty_discount]").wait_for()
    quoted = page.get_by_test_id("quote-total").inner_text()
    assert quoted == str(expected)
    page.get_by_role("button", name=f"Pay {quoted} from credits").click()
    page.get_by_text(f"{held.e164} is paid until").wait_for()
    assert balance_on_page(page, live_server) == f"€{100 - expected.amount:.2f}"


def test_reserve_in_sweden_then_an_operator_adds_a_sim_and_it_becomes_a_rental(
    stocked_app, browser, page, live_server, sign_in
):
    sign_in(page, "waiting@example.com")
    give_credits(stocked_app, "waiting@example.com", "100.00")
    page.goto(live_server + "/buy?country=SE")
    page.get_by_role("link", name="Reserve one").click()
    page.locator("label.tier[data-tier='6']").click()
    page.locator("#hold [data-code=bundle]", has_text="6-month").wait_for()
    held = page.locator("#hold").get_by_test_id("quote-total").inner_text()
    page.get_by_role("button", name=f"Reserve and hold {held}").click()
    page.get_by_text("Waiting: number 1 in line").wait_for()

    operator = browser.new_context().new_page()
    sign_in(operator, "ops@example.com", roles=("operations",))
    add_gateway(operator, live_server, "sto-1", "SE", slots=8)
    insert_sim(operator, "sto-1", 1, with_check_digit("894600000000000123"), "+46 70 123 45 67")
    operator.context.close()

    page.reload()
    page.get_by_text("Your number arrived").wait_for()
    open_my_numbers(page, live_server)
    row = number_row(page, "+46701234567")
    assert "6-month bundle" in row.inner_text()
    assert page.get_by_text("+46 70 123 45 67", exact=True).count() == 1  # My numbers shows it once, in international format


def test_cancel_a_reservation_and_see_the_credits_back(stocked_app, page, live_server, sign_in):
    sign_in(page, "changed-mind@example.com")
    give_credits(stocked_app, "changed-mind@example.com", "60.00")
    page.goto(live_server + "/reserve?country=SE&tier_months=3")
    held = page.locator("#hold").get_by_test_id("quote-total").inner_text()
    page.get_by_role("button", name=f"Reserve and hold {held}").click()
    page.get_by_text("Waiting: number 1 in line").wait_for()
    assert balance_on_page(page, live_server) != "€60.00"
    page.goto(live_server + "/reserve")
    page.get_by_role("button", name=re.compile("Cancel and release")).click()
    page.get_by_text(f"Reservation cancelled: {held} is back in your credits.").wait_for()
    assert balance_on_page(page, live_server) == "€60.00"


def test_return_an_unused_number_within_24_hours(stocked_app, page, live_server, sign_in):
    sign_in(page, "returner@example.com")
    fresh = rent(stocked_app, "returner@example.com", "DE", hours_ago=2, bundle_paid="16.00")
    open_my_numbers(page, live_server)
    number_row(page, fresh.e164).get_by_role("link", name="Return unused").click()
    page.get_by_role("button", name="Return it and refund €16.00").click()
    page.get_by_text(f"{fresh.e164} is returned and €16.00 is back in your credits.").wait_for()
    assert balance_on_page(page, live_server) == "€16.00"


def test_give_back_two_numbers_at_once(stocked_app, page, live_server, sign_in):
    sign_in(page, "bulk@example.com")
    first = rent(stocked_app, "bulk@example.com", "DE")
    second = rent(stocked_app, "bulk@example.com", "FR", "short", months=3)
    kept = rent(stocked_app, "bulk@example.com", "DE")
    open_my_numbers(page, live_server)
    page.get_by_label(f"Select {phone(first.e164)}").check()
    page.get_by_label(f"Select {phone(second.e164)}").check()
    page.get_by_role("button", name="Give back the selected numbers").click()
    page.get_by_role("heading", name="Give back 2 numbers?").wait_for()
    page.get_by_role("button", name="Yes, give back 2 numbers").click()
    notice = page.get_by_text(re.compile("^Given back: "))
    notice.wait_for()
    assert first.e164 in notice.inner_text() and second.e164 in notice.inner_text()
    for given_back in (first, second):
        assert "Ended" in number_row(page, given_back.e164).inner_text()
    assert page.get_by_label(f"Select {phone(kept.e164)}").is_visible()
