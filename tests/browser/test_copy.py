"""A marketer edits the landing hero with a live price and rolls it back; visitors
search the FAQ with and without JavaScript; customers are refused the editor."""
import re

import pytest

from tests.storefront.helpers import germany_bundle

pytestmark = pytest.mark.browser


def test_a_marketer_previews_publishes_and_rolls_back_the_hero(stocked_app, browser, page, live_server, sign_in):
    sign_in(page, "mia@example.com", roles=("marketing",))
    page.goto(live_server + "/staff/copy")
    page.locator("[data-testid=landing-blocks] tr", has_text="Top of the home page").get_by_role(
        "link", name="Edit").click()
    body = page.get_by_label("Text (Markdown)")
    body.fill("# Rent a German number\n\nSix months for just [[price:DE:long:6]].")
    price = germany_bundle(stocked_app, 6)
    page.get_by_test_id("preview").filter(has_text=f"Six months for just {price}.").wait_for()
    body.press("End")
    body.type(" [[price:DE:long:5]]")
    page.get_by_test_id("copy-problems").filter(has_text="3, 6, 9").wait_for()
    body.fill("# Rent a German number\n\nSix months for just [[price:DE:long:6]].")
    page.get_by_test_id("preview").filter(has_text=f"Six months for just {price}.").wait_for()
    page.get_by_role("button", name="Publish", exact=True).click()
    diff = page.get_by_test_id("diff")
    assert "Added: # Rent a German number" in diff.locator("ins").first.text_content()
    assert diff.locator("del").count() >= 1  # the live title goes
    page.get_by_role("button", name="Yes, publish").click()
    page.get_by_text("Published: visitors see it now.").wait_for()

    visitor = browser.new_context().new_page()
    visitor.goto(live_server + "/")
    assert visitor.get_by_role("heading", level=1).inner_text() == "Rent a German number"
    assert f"Six months for just {price}." in visitor.get_by_test_id("hero").inner_text()

    page.locator("[data-testid=history] tr", has_text="Starting copy").get_by_role(
        "button", name="Publish this version again").click()
    page.get_by_text("Rolled back to version 1").first.wait_for()
    visitor.reload()
    assert "Rent a German number" not in visitor.get_by_test_id("hero").inner_text()
    visitor.context.close()


def test_the_faq_search_filters_as_you_type(stocked_app, page, live_server):
    page.goto(live_server + "/faq")
    entries = page.locator("article.faq-entry")
    everything = entries.count()
    page.get_by_label("Search the questions").press_sequentially("24 hours", delay=30)
    page.get_by_test_id("faq-count").filter(has_text="for “24 hours”").wait_for()
    assert 0 < entries.count() < everything
    assert "Can I return a long-term number" in page.locator("#faq-results").inner_text()
    assert re.search(r"/faq\?q=24(%20|\+)hours$", page.url)


def test_the_faq_search_works_without_javascript(stocked_app, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/faq")
    page.get_by_label("Search the questions").fill("reserve")
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("faq-count").wait_for()
    assert "/faq?q=reserve" in page.url
    assert re.search("out of stock", page.locator("#faq-results").inner_text())
    page.goto(live_server + "/faq#unused-return")
    assert page.locator("#unused-return").is_visible()
    context.close()


def test_a_customer_is_refused_the_editor(stocked_app, page, live_server, sign_in):
    sign_in(page, "cus@example.com")
    response = page.goto(live_server + "/staff/copy/hero")
    assert response.status == 403
