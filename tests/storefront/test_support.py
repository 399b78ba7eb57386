"""Support: look up a customer; reinstate a number they gave back, charged as a new
purchase (setup fee included), only while it still waits for them."""
import re
from html import unescape

from pricing import long_term_bundle
from storefront import db
from storefront.models import Rental
from storefront.services.catalog import current_catalog
from tests.storefront.rental_factory import rent
from tests.storefront.helpers import credits_of


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def given_back(customers, stocked_app, email="ada@example.com", credits="100.00"):
    customer = customers.signed_in(email, credits=credits)
    mine = rent(stocked_app, email, "FR")
    customer.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    return mine


def test_support_finds_a_customer_and_their_numbers(customers, stocked_app):
    mine = given_back(customers, stocked_app)
    support = customers.signed_in("sam@example.com", roles=("support",))
    page = text(support.get("/staff/support?email=ADA@example.com"))
    assert "ada@example.com" in page and mine.e164 in page and "cooling off until" in page
    assert "There is no account for nobody@example.com" in text(support.get("/staff/support?email=nobody@example.com"))


def test_a_cooling_off_number_is_reinstated_as_a_new_purchase(customers, stocked_app):
    mine = given_back(customers, stocked_app)
    support = customers.signed_in("sam@example.com", roles=("support",))
    with stocked_app.app_context():
        quote = long_term_bundle(current_catalog(db.session()), "FR", 6)
    assert quote.line("setup_fee") is not None  # France charges one: a reclaim pays it again
    page = text(support.get("/staff/support?email=ada@example.com"))
    assert f"6 months: {quote.total}" in page
    done = support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                        data={"length": "6", "seen_total": quote.total.as_string()})
    assert done.status_code == 302
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - quote.total.amount:.2f}"
    with stocked_app.app_context():
        newest = db.session().query(Rental).order_by(Rental.id.desc()).first()
        assert (newest.number.e164, newest.status, newest.tier_months) == (mine.e164, "active", 6)
        assert newest.number.state == "rented"
    again = support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                         data={"length": "6", "seen_total": quote.total.as_string()}, follow_redirects=True)
    assert "not waiting for its former holder" in text(again)


def test_reinstating_without_enough_credits_charges_nothing(customers, stocked_app):
    mine = given_back(customers, stocked_app, credits="1.00")
    support = customers.signed_in("sam@example.com", roles=("support",))
    page = text(support.get("/staff/support?email=ada@example.com"))
    seen = re.search(r'name="length" value="3">\s*<input type="hidden" name="seen_total" value="([^"]+)"', page).group(1)
    answer = support.post(f"/staff/support/rentals/{mine.id}/reinstate", data={"length": "3", "seen_total": seen},
                          follow_redirects=True)
    assert "short of" in text(answer)
    assert credits_of(stocked_app, "ada@example.com") == "1.00"


def test_only_support_reaches_the_support_page(customers, client):
    assert client.get("/staff/support").status_code == 302
    assert customers.signed_in("cus@example.com").get("/staff/support").status_code == 403


def test_a_length_that_is_not_a_bundle_reinstates_nothing(customers, stocked_app):
    mine = given_back(customers, stocked_app)
    support = customers.signed_in("sam@example.com", roles=("support",))
    answer = support.post(f"/staff/support/rentals/{mine.id}/reinstate", data={"length": "5", "seen_total": "16.00"},
                          follow_redirects=True)
    assert "5 is not one of them" in text(answer)
    assert support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                        data={"length": "three", "seen_total": "16.00"}).status_code == 400
    assert credits_of(stocked_app, "ada@example.com") == "100.00"
