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


CONFIRMED = {"confirmed": "yes", "reason": "Asked by phone"}


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
                        data={"length": "6", "seen_total": quote.total.as_string(), **CONFIRMED})
    assert done.status_code == 302
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - quote.total.amount:.2f}"
    with stocked_app.app_context():
        newest = db.session().query(Rental).order_by(Rental.id.desc()).first()
        assert (newest.number.e164, newest.status, newest.tier_months) == (mine.e164, "active", 6)
        assert newest.number.state == "rented"
    again = support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                         data={"length": "6", "seen_total": quote.total.as_string(), **CONFIRMED}, follow_redirects=True)
    assert "not waiting for its former holder" in text(again)


def test_reinstating_without_enough_credits_charges_nothing(customers, stocked_app):
    mine = given_back(customers, stocked_app, credits="1.00")
    support = customers.signed_in("sam@example.com", roles=("support",))
    page = text(support.get("/staff/support?email=ada@example.com"))
    seen = re.search(r'name="length" value="3">\s*<input type="hidden" name="seen_total" value="([^"]+)"', page).group(1)
    answer = support.post(f"/staff/support/rentals/{mine.id}/reinstate", data={"length": "3", "seen_total": seen, **CONFIRMED},
                          follow_redirects=True)
    assert "short of" in text(answer)
    assert credits_of(stocked_app, "ada@example.com") == "1.00"


def test_only_support_reaches_the_support_page(customers, client):
    assert client.get("/staff/support").status_code == 302
    assert customers.signed_in("cus@example.com").get("/staff/support").status_code == 403


def test_a_length_that_is_not_a_bundle_reinstates_nothing(customers, stocked_app):
    mine = given_back(customers, stocked_app)
    support = customers.signed_in("sam@example.com", roles=("support",))
    answer = support.post(f"/staff/support/rentals/{mine.id}/reinstate", data={"length": "5", "seen_total": "16.00", **CONFIRMED},
                          follow_redirects=True)
    assert "5 is not one of them" in text(answer)
    assert support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                        data={"length": "three", "seen_total": "16.00", **CONFIRMED}).status_code == 400
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


def test_reinstating_first_asks_for_a_confirmation_with_the_amount_and_a_reason_then_emails(customers, stocked_app):
    from datetime import timedelta

    from storefront import clock
    from storefront.mail import sent_messages
    from storefront.services import outbox
    mine = given_back(customers, stocked_app)
    support = customers.signed_in("sam@example.com", roles=("support",))
    with stocked_app.app_context():
        quote = long_term_bundle(current_catalog(db.session()), "FR", 3)
    asked = text(support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                              data={"length": "3", "seen_total": quote.total.as_string()}))
    assert f"This charges {quote.total}" in re.sub(r"<[^>]+>", "", asked) and 'name="reason"' in asked
    assert credits_of(stocked_app, "ada@example.com") == "100.00"
    no_reason = support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                             data={"length": "3", "seen_total": quote.total.as_string(), "confirmed": "yes"})
    assert no_reason.status_code == 422 and "Please give a reason" in text(no_reason)
    support.post(f"/staff/support/rentals/{mine.id}/reinstate",
                 data={"length": "3", "seen_total": quote.total.as_string(), **CONFIRMED})
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - quote.total.amount:.2f}"
    with stocked_app.app_context():
        outbox.deliver_due(db.session(), clock.now() + timedelta(seconds=1))
    (mail,) = [m for m in sent_messages(stocked_app.config["MAIL_DIR"]) if "yours again" in m["Subject"]]
    body = mail.get_content()
    assert f"charged {quote.total}" in body and "Reason: Asked by phone" in body
