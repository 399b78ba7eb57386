"""An admin changes a price in the catalog editor, sees it before it goes live, and saves."""
import json
import os
import urllib.request

import pytest

from tests.browser.pages import balance_on_page, bundle_totals, pick_first_number
from tests.storefront.helpers import give_credits

pytestmark = pytest.mark.browser


def cells(table) -> dict[str, str]:
    return {cell.get_attribute("data-tier"): cell.inner_text() for cell in table.locator("td[data-tier]").all()}


def customer_reviewing_a_german_bundle(browser, live_server, sign_in, stocked_app):
    """A customer with credits, on the review page of a 3-month German bundle at today's price."""
    customer = browser.new_context().new_page()
    sign_in(customer, "buyer@example.com")
    give_credits(stocked_app, "buyer@example.com", "50.00")
    customer.goto(live_server + "/buy?country=DE&kind=long&tier_months=3")
    pick_first_number(customer)
    customer.get_by_role("button", name="Continue to payment").click()
    customer.get_by_role("button", name="Pay €16.00 from credits").wait_for()
    return customer


def test_an_admin_raises_germanys_unit_sees_old_beside_new_then_saves(page, browser, live_server, sign_in,
                                                                      stocked_app):
    customer = customer_reviewing_a_german_bundle(browser, live_server, sign_in, stocked_app)
    sign_in(page, "admin@example.com", roles=("admin",))
    page.get_by_role("link", name="Catalog").click()
    page.get_by_role("heading", name="Catalog", exact=True).wait_for()
    page.evaluate("window.loadedOnce = true")  # gone if the browser loads a new page

    page.get_by_label("Germany: long-term unit a month (€)").fill("15.00")
    bundles = page.get_by_test_id("bundles-DE")
    bundles.wait_for()
    now, draft = bundles.locator("tr.now"), bundles.locator("tr.draft")
    assert [text.split("\n")[0] for text in cells(now).values()] == ["€16.00", "€23.00", "€29.00", "€34.00"]
    assert [text.split("\n")[0].split(" ")[0] for text in cells(draft).values()] == [
        "€20.00", "€29.00", "€36.00", "€42.00"]
    assert "+€4.00" in cells(draft)["3"]
    assert page.evaluate("window.loadedOnce") is True  # the preview came without a page load
    if os.environ.get("SCREENSHOTS"):  # for a look at the page: SCREENSHOTS=/some/dir
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/catalog-editor.png", full_page=True)
        page.locator("#catalog-preview").screenshot(path=f"{os.environ['SCREENSHOTS']}/catalog-preview.png")

    page.get_by_label("What changed and why").fill("Higher SIM costs in Germany")
    page.get_by_role("button", name="Save and put live").click()
    page.get_by_text("Saved: the new catalog is live.").wait_for()
    page.get_by_role("link", name="History of changes").click()
    latest = page.get_by_test_id("history").locator("li").first
    assert "Higher SIM costs in Germany" in latest.inner_text()
    assert "Germany (DE): long-term unit\t€12.00\t€15.00" in latest.inner_text()
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/catalog-history.png", full_page=True)

    # The customer who had the old price open is asked again, never charged silently.
    customer.get_by_role("button", name="Pay €16.00 from credits").click()
    customer.get_by_text("The price changed from €16.00 to €20.00").wait_for()
    customer.get_by_role("button", name="Pay €20.00 from credits").wait_for()
    assert balance_on_page(customer, live_server) == "€50.00"
    customer.context.close()

    page.goto(live_server + "/?country=DE")
    assert bundle_totals(page) == {"3": "€20.00", "6": "€29.00", "9": "€36.00", "12": "€42.00"}
    with urllib.request.urlopen(live_server + "/api/v1/quote?country=DE&kind=long&tier_months=6") as response:
        assert json.load(response)["total"] == "29.00"


def test_a_bad_amount_is_named_next_to_its_field_as_the_admin_types(page, live_server, sign_in):
    sign_in(page, "admin@example.com", roles=("admin",))
    page.goto(live_server + "/staff/catalog")
    page.get_by_label("France: setup fee (€)").fill("-2")
    page.locator("#error-f-countries-1-setup_fee").get_by_text("zero or more").wait_for()
    page.get_by_test_id("preview-waits").wait_for()
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/catalog-editor-error.png")

    page.get_by_label("France: setup fee (€)").fill("2.50")
    page.get_by_test_id("no-changes").wait_for()
    assert page.locator("#error-f-countries-1-setup_fee").inner_text() == ""
