"""The landing page's links keep the chosen country; out of stock offers a reservation;
the short-term table shows the monthly subscription."""
import re

from pricing import Money
from tests.storefront.helpers import FRANCE, page


def test_buy_links_keep_the_chosen_country(stocked_app):
    client = stocked_app.test_client()
    html = page(client.get("/?country=FR"))
    assert 'href="/buy?country=FR"' in html
    assert 'href="/buy?country=FR&kind=long"' in html and 'href="/buy?country=FR&kind=short"' in html
    fragment = page(client.get("/?country=AT", headers={"HX-Request": "true"}))
    assert "<html" not in fragment
    assert 'id="buy-link"' in fragment and 'hx-swap-oob="true"' in fragment and 'href="/buy?country=AT"' in fragment


def test_an_out_of_stock_country_offers_to_reserve_one(stocked_app):
    html = page(stocked_app.test_client().get("/?country=SE"))
    assert "Out of stock right now" in html
    assert '<a href="/reserve?country=SE">Reserve one</a>' in html
    assert 'href="/buy?country=SE&kind=long"' not in html


def test_the_short_term_table_shows_the_subscription_price(stocked_app):
    html = page(stocked_app.test_client().get("/?country=FR"))
    row = re.search(r'data-testid="subscription-price">(.*?)</tbody>', html, re.S).group(1)
    assert "Subscription, per month" in row and str(Money.eur(FRANCE["short_term_monthly"])) in row
