"""Offers from support: a similar number when the one a customer wants back is gone, and a
subscription number back as a subscription. The customer confirms the quote and pays
through the usual checkout; support charges nothing."""
import re
from datetime import datetime, timezone
from html import unescape

from sqlalchemy import select

from hardware import lifecycle
from pricing import long_term_bundle, subscription_first_charge
from storefront import clock, db
from storefront.mail import sent_messages
from storefront.models import NumberOffer, Rental
from storefront.services import outbox
from storefront.services.catalog import current_catalog
from tests.storefront.helpers import card_token, credits_of
from tests.storefront.rental_factory import rent


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def rental(app, rental_id) -> Rental:
    with app.app_context():
        found = db.session().get(Rental, rental_id)
        found.number
        return found


def token_of(html: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def mails(app, subject: str) -> list:
    """The e-mails with `subject` in their subject, once the outbox has sent what is due."""
    with app.app_context():
        outbox.deliver_due(db.session(), clock.now())
    return [m for m in sent_messages(app.config["MAIL_DIR"]) if subject in m["Subject"]]


def gone_for_good(app, rental_id: int) -> None:
    """The cooling-off ended and someone else rents the number now."""
    with app.app_context():
        session = db.session()
        number = session.get(Rental, rental_id).number
        lifecycle.move(session, number, lifecycle.AVAILABLE, clock.now(), "cooling-off ended")
        lifecycle.move(session, number, lifecycle.RENTED, clock.now(), "rented by someone else")
        session.commit()


def test_support_offers_a_similar_number_and_the_customer_buys_it_as_a_new_purchase(customers, stocked_app):
    customer = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "FR")
    customer.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    gone_for_good(stocked_app, mine.id)

    support = customers.signed_in("sam@example.com", roles=("support",))
    lookup = page(support.get(f"/staff/support?email=ada@example.com&similar={mine.id}"))
    similar = re.findall(r'name="number_id" value="(\d+)"', lookup)
    assert similar and "Free numbers like " + mine.e164 in lookup
    with stocked_app.app_context():
        offered_numbers = [db.session().get(Rental, mine.id).number.country_code]
    assert offered_numbers == ["FR"]
    done = support.post(f"/staff/support/rentals/{mine.id}/offer", data={"number_id": similar[0]},
                        follow_redirects=True)
    assert "they were e-mailed a link" in page(done)
    assert credits_of(stocked_app, "ada@example.com") == "100.00"  # support charges nothing

    (mail,) = mails(stocked_app, "A number like")
    link = re.search(r"http://[^/]+(/offers/\d+)", mail.get_content()).group(1)
    assert "new purchase, setup fee included" in mail.get_content()

    assert "Our support team found you" in page(customer.get("/numbers"))
    offer_page = page(customer.get(link))
    with stocked_app.app_context():
        quote = long_term_bundle(current_catalog(db.session()), "FR", 3)
        offered = db.session().scalar(select(NumberOffer)).number.e164
    assert quote.line("setup_fee") is not None and f"€{quote.total.amount}" in offer_page
    bought = customer.post("/buy/checkout", data={"token": token_of(offer_page)})
    assert bought.status_code == 302 and "/buy/done/" in bought.headers["Location"]
    new_rental = rental(stocked_app, int(bought.headers["Location"].rsplit("/", 1)[1]))
    assert new_rental.number.e164 == offered and new_rental.status == "active"
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - quote.total.amount:.2f}"
    # Taken: the offer is gone from the customer's page.
    assert "Our support team found you" not in page(customer.get("/numbers"))
    assert customer.get(link).status_code == 404


def test_an_offer_is_only_for_its_customer_and_only_of_a_free_number(customers, stocked_app):
    customer = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "FR")
    taken = rent(stocked_app, "ada@example.com", "FR")
    customer.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    gone_for_good(stocked_app, mine.id)
    support = customers.signed_in("sam@example.com", roles=("support",))
    refused = support.post(f"/staff/support/rentals/{mine.id}/offer", data={"number_id": taken.number_id},
                           follow_redirects=True)
    assert "no longer free" in page(refused)
    with stocked_app.app_context():
        assert db.session().scalar(select(NumberOffer)) is None
    assert customers.signed_in("eve@example.com").get("/offers/1").status_code == 404


def test_a_subscription_number_comes_back_as_a_subscription_paid_by_card(customers, stocked_app, localstripe):
    customer = customers.signed_in("sub@example.com")
    mine = rent(stocked_app, "sub@example.com", "FR", "short", months=1, pricing_model="subscription",
                auto_renew=False)
    customer.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    assert rental(stocked_app, mine.id).number.state == "cooling_off"

    support = customers.signed_in("sam@example.com", roles=("support",))
    lookup = page(support.get("/staff/support?email=sub@example.com"))
    assert "Offer it back as a subscription" in lookup
    support.post(f"/staff/support/rentals/{mine.id}/offer", data={})
    (mail,) = mails(stocked_app, "can be yours again")
    link = re.search(r"http://[^/]+(/offers/\d+)", mail.get_content()).group(1)

    offer_page = page(customer.get(link))
    with stocked_app.app_context():
        catalog = current_catalog(db.session())
        first = subscription_first_charge(catalog, "FR", clock.today())
        monthly = catalog.country("FR").short_term_monthly
    assert f"€{first.total.amount}" in offer_page and f"then €{monthly.amount} on the 1st of each month" in offer_page
    started = customer.post("/buy/checkout", data={"token": token_of(offer_page)})
    assert "/payments/" in started.headers["Location"]
    payment_path = started.headers["Location"]
    paid = customer.post(payment_path.rstrip("/") + "/card", data={"card_token": card_token(localstripe)})
    assert paid.status_code == 302

    with stocked_app.app_context():
        back = db.session().scalars(select(Rental).where(Rental.number_id == mine.number_id)
                                    .order_by(Rental.id.desc())).first()
        assert back.id != mine.id
        assert (back.pricing_model, back.status, back.number.state) == ("subscription", "active", "rented")
        assert back.stripe_subscription_id and back.paid_through.day == 1
        assert back.paid_through > datetime.now(timezone.utc)


def test_a_declined_card_leaves_the_number_waiting_for_its_former_holder(customers, stocked_app, localstripe):
    customer = customers.signed_in("sub@example.com")
    mine = rent(stocked_app, "sub@example.com", "FR", "short", months=1, pricing_model="subscription",
                auto_renew=False)
    customer.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    until = rental(stocked_app, mine.id).number.cooling_off_until
    support = customers.signed_in("sam@example.com", roles=("support",))
    support.post(f"/staff/support/rentals/{mine.id}/offer", data={})
    with stocked_app.app_context():
        offer_id = db.session().scalar(select(NumberOffer.id))
    offer_page = page(customer.get(f"/offers/{offer_id}"))
    started = customer.post("/buy/checkout", data={"token": token_of(offer_page)})
    customer.post(started.headers["Location"].rstrip("/") + "/card",
                  data={"card_token": card_token(localstripe, "4000000000000002")})
    number = rental(stocked_app, mine.id).number
    assert number.state == "cooling_off" and number.cooling_off_until == until
    # ...and the offer can still be taken.
    assert customer.get(f"/offers/{offer_id}").status_code == 200


def test_a_prepaid_number_is_not_offered_back_as_a_subscription(customers, stocked_app):
    customer = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "FR")
    customer.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    support = customers.signed_in("sam@example.com", roles=("support",))
    refused = support.post(f"/staff/support/rentals/{mine.id}/offer", data={}, follow_redirects=True)
    assert "Only subscription numbers come back as a subscription" in page(refused)
