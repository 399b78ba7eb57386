"""Small promises of the product's copy: 3 months is the default bundle wherever one is
chosen, and the FAQ says partner-provided numbers follow the same rules."""
import re
from html import unescape


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def checked_tier(html: str) -> str | None:
    match = re.search(r'name="tier_months" value="(\d+)" checked', html)
    return match.group(1) if match else None


def test_choosing_long_term_in_the_wizard_preselects_the_3_month_bundle_with_its_price(customers):
    client = customers.signed_in(credits="50.00")
    html = page(client.get("/buy?country=DE&kind=long"))
    assert checked_tier(html) == "3"
    assert "4. Your number" in html  # the price is shown and the next step open at once
    assert checked_tier(page(client.get("/buy?country=DE&kind=long&tier_months=12"))) == "12"


def test_the_reservation_page_preselects_the_3_month_bundle(customers):
    client = customers.signed_in(credits="50.00")
    assert checked_tier(page(client.get("/reserve?country=SE"))) == "3"


def test_the_faq_says_partner_numbers_follow_the_same_rules(stocked_app):
    html = page(stocked_app.test_client().get("/faq"))
    assert "Some numbers come from partners" in html
    assert "exactly the same rules" in html
