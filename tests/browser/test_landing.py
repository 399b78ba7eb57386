"""The landing page in a real browser."""
import pytest

from tests.browser.pages import bundle_totals

pytestmark = pytest.mark.browser


def test_changing_the_country_updates_the_tier_totals_without_a_page_load(page, live_server):
    page.goto(live_server + "/")
    assert bundle_totals(page) == {"3": "€16.00", "6": "€23.00", "9": "€29.00", "12": "€34.00"}
    page.evaluate("window.loadedOnce = true")  # gone if the browser loads a new page

    page.select_option("#country", "FR")
    page.get_by_role("heading", name="Long-term bundles in France").wait_for()

    assert bundle_totals(page) == {"3": "€20.00", "6": "€29.00", "9": "€36.00", "12": "€42.00"}
    assert page.evaluate("window.loadedOnce") is True
    assert page.url.endswith("/?country=FR")


def test_without_javascript_the_show_prices_button_reloads_with_the_country(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.select_option("#country", "GB")
    page.get_by_role("button", name="Show prices").click()
    page.get_by_role("heading", name="Long-term bundles in United Kingdom").wait_for()
    assert "country=GB" in page.url
    context.close()
