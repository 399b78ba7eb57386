"""Choosing a number by its digits in a real browser, and the new pages at phone and
desktop widths (no sideways scrolling)."""
import os
import re

import pytest

from tests.browser.pages import start_buying

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)


def test_search_the_digits_pick_the_number_and_it_is_held(stocked_app, page, live_server, sign_in):
    sign_in(page, "new@example.com")
    start_buying(page, live_server, "DE", "Long-term")
    page.locator("label.tier[data-tier='3']").click()
    page.get_by_label("Digits in the number").wait_for()
    page.get_by_label("Digits in the number").fill("107")
    page.get_by_label("Where").select_option("ends_with")
    page.get_by_role("button", name="Search").click()
    numbers = page.locator("input[name=number]")
    page.wait_for_function("document.querySelectorAll('input[name=number]').length === 1")
    assert page.locator(".number-choice .number").inner_text() == "+4915123456107"
    assert "Dedicated SIM" in page.locator(".number-choice").inner_text()
    numbers.first.check()
    page.locator("#hold-notice").wait_for()
    assert "10 minutes" in page.locator("#hold-notice").inner_text()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/buy/review"))
    assert "+4915123456107" in page.content()


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 5)"""


def _too_wide(page) -> str | None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return f"{page.url} is {overflow}px too wide: {page.evaluate(WIDEST)}" if overflow > 0 else None


def test_the_new_pages_fit_a_phone_and_a_desktop(stocked_app, page, live_server, sign_in):
    from storefront import db
    from storefront.services import support

    with stocked_app.app_context():
        ticket = support.open_ticket(db.session(), None, "a-rather-long-address.for-wrapping@example.com",
                                     "numbers", "My number does not receive messages from my bank",
                                     "Since yesterday +4915123456101 gets nothing.\nWhat can I do?")
    sign_in(page, "sam@example.com", roles=("support", "customer"))
    paths = ["/buy?country=DE&kind=long&tier_months=3&number=1", "/contact", "/terms", "/imprint",
             "/faq?q=prorated", "/?country=SE", "/account/questions", "/staff/support",
             f"/staff/support/tickets/{ticket.id}"]
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(live_server + path)
            too_wide.append(_too_wide(page))
            if os.environ.get("SCREENSHOTS"):  # for a look at the page: SCREENSHOTS=/some/dir
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower())[:40] or "home"
                page.screenshot(path=f"{os.environ['SCREENSHOTS']}/{name}-{width}.png", full_page=True)
    assert [problem for problem in too_wide if problem] == []
