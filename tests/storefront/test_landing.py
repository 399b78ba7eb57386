"""The landing page: what we sell and live prices for a chosen country."""
from html import unescape


def test_landing_states_both_kinds_plainly(client):
    html = client.get("/").get_data(as_text=True)
    assert "Short-term: 1–12 months" in html
    assert "Long-term: 3–12 month prepaid bundles" in html


def test_landing_shows_the_bundle_totals_of_the_default_country(client):
    html = client.get("/").get_data(as_text=True)
    assert "Long-term bundles in Germany" in html
    for total in ("€16.00", "€23.00", "€29.00", "€34.00"):
        assert total in html
    assert "€5.33/month" in html


def test_choosing_a_country_without_javascript_reloads_the_page_with_its_prices(client):
    response = client.get("/?country=FR")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html
    assert "Long-term bundles in France" in html
    assert "€20.00" in html  # €15 unit × 1.3333 → €20
    assert "A one-time setup fee of €2.50 is added at purchase." in html


def test_htmx_request_gets_only_the_prices_fragment(client):
    response = client.get("/?country=FR", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="live-prices"' in html
    assert "Long-term bundles in France" in html
    assert "HX-Request" in response.headers["Vary"]


def test_unknown_country_keeps_the_page_and_says_so(client):
    html = unescape(client.get("/?country=ZZ").get_data(as_text=True))
    assert "We don't offer numbers in “ZZ”" in html
    assert "Long-term bundles in Germany" in html


def test_landing_before_any_catalog_says_we_will_be_back(empty_app):
    response = empty_app.test_client().get("/")
    assert response.status_code == 503
    assert "We'll be right back" in unescape(response.get_data(as_text=True))


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We can't find that page" in unescape(response.get_data(as_text=True))
