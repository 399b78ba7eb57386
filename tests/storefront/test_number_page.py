"""A number's page: service and terms, its messages (live, searchable, by keyset), the
code to copy, sending with its counter and pace, and only ever the holder's own rental."""
import re

from storefront import db
from storefront.models import Rental
from storefront.models.messages import Message
from storefront.services import rentals as rental_service
from storefront.services.accounts import create_user
from tests.storefront.helpers import page
from tests.storefront.messaging import receive
from tests.storefront.rental_factory import rent


def words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def test_the_holder_sees_terms_service_and_an_empty_state_that_says_how_to_try_it(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", "DE", "long", tier_months=6, hours_ago=2)
    answer = client.get(f"/numbers/{rented.id}")
    assert answer.status_code == 200
    text = words(answer)
    assert rented.e164 in text and "in service" in text and "Paid until" in text and "6-month bundle" in text
    assert f"Send a text message to {rented.e164} from any phone" in text
    assert "No messages yet: returnable until" in text
    assert "for 90 days" in text  # retention


def test_my_numbers_links_each_number_to_its_page(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    assert f'href="/numbers/{rented.id}"' in page(client.get("/numbers"))


def test_someone_elses_number_is_not_found(customers, stocked_app):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "secret 1234")
    intruder = customers.signed_in("eve@example.com")
    for url in (f"/numbers/{rented.id}", f"/numbers/{rented.id}/counter?text=x"):
        assert intruder.get(url).status_code == 404
    assert intruder.post(f"/numbers/{rented.id}/messages", data={"to": "+4915112345678", "text": "hi"}).status_code == 404
    assert intruder.post(f"/numbers/{rented.id}/forwarding", data={"email": "y"}).status_code == 404


def test_messages_newest_first_with_the_code_to_copy(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "Welcome aboard", sender="+4930123456")
    receive(stocked_app, rented.id, "Your verification code is 482 913", sender="ACME")
    html = page(client.get(f"/numbers/{rented.id}"))
    assert html.index("Your verification code") < html.index("Welcome aboard")
    assert 'data-testid="code">482913</code>' in html and 'data-copy="482913"' in html
    assert "No messages yet" not in html


def test_the_live_list_is_a_fragment_and_answers_204_when_nothing_changed(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "first")
    fragment = client.get(f"/numbers/{rented.id}", headers={"HX-Request": "true"})
    html = page(fragment)
    assert "<html" not in html and 'id="message-list"' in html and "first" in html
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    seen = re.search(r'"seen": "(\w+)"', html).group(1)
    assert client.get(f"/numbers/{rented.id}?seen={seen}", headers={"HX-Request": "true"}).status_code == 204
    receive(stocked_app, rented.id, "second")
    again = client.get(f"/numbers/{rented.id}?seen={seen}", headers={"HX-Request": "true"})
    assert again.status_code == 200 and "second" in page(again)


def test_search_by_sender_and_text(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "Your parcel is on its way", sender="DHL")
    receive(stocked_app, rented.id, "Lunch at 1?", sender="+4930123456")
    assert "Lunch" not in page(client.get(f"/numbers/{rented.id}?q=dhl"))
    assert "parcel" in page(client.get(f"/numbers/{rented.id}?q=dhl"))
    by_text = page(client.get(f"/numbers/{rented.id}?q=LUNCH"))
    assert "Lunch" in by_text and "parcel" not in by_text
    assert "No message matches" in page(client.get(f"/numbers/{rented.id}?q=100%25_"))


def test_pages_by_keyset_with_a_fixed_number_of_rows(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    for index in range(55):
        receive(stocked_app, rented.id, f"message number {index:02d}")
    first = page(client.get(f"/numbers/{rented.id}"))
    assert "message number 54" in first and "message number 04" not in first
    older = re.search(r'href="(/numbers/\d+\?before=\d+)#messages" rel="next"', first).group(1)
    second = page(client.get(older))
    assert "message number 04" in second and "message number 05" not in second and 'rel="next"' not in second
    assert 'hx-trigger="every 3s"' not in second  # an older page does not poll


def test_a_recycled_number_shows_its_new_holder_nothing_old(customers, stocked_app, clock):
    old_client = customers.signed_in("old@example.com")
    old = rent(stocked_app, "old@example.com")
    receive(stocked_app, old.id, "the old holder's code 555123")
    with stocked_app.app_context():
        session = db.session()
        rental = session.get(Rental, old.id)
        with db.transaction(session):
            rental_service.end_rental(session, rental, clock.now(), "test")
        from hardware import lifecycle
        with db.transaction(session):
            lifecycle.move(session, rental.number, lifecycle.AVAILABLE, clock.now(), "back to the pool")
        create_user(session, "new@example.com", "correct horse battery")
    clock.advance(minutes=1)
    new_client = customers.app.test_client()
    new_client.post("/login", data={"email": "new@example.com", "password": "correct horse battery"})
    new = rent(stocked_app, "new@example.com")
    assert new.number_id == old.number_id  # the same number, a new rental
    new_page = page(new_client.get(f"/numbers/{new.id}"))
    assert "555123" not in new_page and "No messages yet" in new_page
    receive(stocked_app, new.id, "hello new holder")
    assert "hello new holder" not in page(old_client.get(f"/numbers/{old.id}"))
    assert "555123" in page(old_client.get(f"/numbers/{old.id}"))


def test_the_counter_counts_gsm_and_ucs2(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    gsm = words(client.get(f"/numbers/{rented.id}/counter", query_string={"text": "a" * 161}))
    assert "161 characters · 2 SMS (GSM-7)" in gsm
    ucs = words(client.get(f"/numbers/{rented.id}/counter", query_string={"text": "Привет"}))
    assert "6 characters · 1 SMS (UCS-2) · 64 left" in ucs


def test_sending_queues_and_shows_the_state(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    answer = client.post(f"/numbers/{rented.id}/messages", data={"to": "+49 151 23456789", "text": "Hello"})
    assert answer.status_code == 302
    html = words(client.get(answer.headers["Location"]))
    assert "is queued" in html and "To +4915123456789" in html and "queued" in html
    with stocked_app.app_context():
        sent = db.session().query(Message).filter_by(rental_id=rented.id).one()
        assert (sent.direction, sent.sender, sent.status) == ("out", rented.e164, "queued")


def test_a_malformed_recipient_or_empty_text_is_a_form_error(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    answer = client.post(f"/numbers/{rented.id}/messages", data={"to": "12ab", "text": " "})
    assert answer.status_code == 422
    html = words(answer)
    assert "is not a phone number we can send to" in html and "Write the message first." in html
    too_long = client.post(f"/numbers/{rented.id}/messages", data={"to": "+4915123456789", "text": "a" * 1540})
    assert too_long.status_code == 422 and "at most 10" in words(too_long)
    with stocked_app.app_context():
        assert db.session().query(Message).count() == 0


def test_sending_is_paced_per_number(customers, stocked_app):
    stocked_app.config.update(MESSAGES_PER_MINUTE=2)
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    other = rent(stocked_app, "ada@example.com")
    for _ in range(2):
        assert client.post(f"/numbers/{rented.id}/messages", data={"to": "+4915123456789", "text": "hi"}).status_code == 302
    refused = client.post(f"/numbers/{rented.id}/messages", data={"to": "+4915123456789", "text": "hi"})
    assert refused.status_code == 429 and "as many as we allow" in words(refused)
    assert client.post(f"/numbers/{other.id}/messages", data={"to": "+4915123456789", "text": "hi"}).status_code == 302


def test_an_offline_gateway_shows_out_of_service(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    with stocked_app.app_context():
        from hardware.inventory import set_gateway_online
        session = db.session()
        gateway = session.get(Rental, rented.id).number.gateway
        with db.transaction(session):
            set_gateway_online(session, gateway.name, False)
    assert "out of service" in words(client.get(f"/numbers/{rented.id}"))


def test_my_numbers_and_the_return_page_count_real_traffic(customers, stocked_app):
    client = customers.signed_in()
    quiet = rent(stocked_app, "ada@example.com", hours_ago=1)
    used = rent(stocked_app, "ada@example.com", hours_ago=1)
    late = rent(stocked_app, "ada@example.com", hours_ago=30)
    receive(stocked_app, used.id, "hello")
    listing = words(client.get("/numbers"))
    assert listing.count("No messages yet: returnable until") == 1
    assert "Not returnable: this number has sent or received messages." in listing
    assert "Not returnable: returns are possible within 24 hours of buying" in listing
    assert "No messages yet: returnable until" in words(client.get(f"/numbers/{quiet.id}/return"))
    assert "sent or received messages" in words(client.get(f"/numbers/{used.id}/return"))
    assert "24 hours" in words(client.get(f"/numbers/{late.id}/return"))


def test_a_message_queued_to_send_makes_the_number_used(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", hours_ago=1)
    client.post(f"/numbers/{rented.id}/messages", data={"to": "+4915123456789", "text": "hi"})
    assert "Not returnable: this number has sent or received messages." in words(client.get(f"/numbers/{rented.id}"))


def test_a_short_term_number_sends_through_its_pool_gateway_and_says_sms_may_show(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", "FR", "short", months=2)
    html = words(client.get(f"/numbers/{rented.id}"))
    assert "may show “SMS” as the sender" in html or "may see “SMS” as the sender" in html
    answer = client.post(f"/numbers/{rented.id}/messages", data={"to": "+33 6 12 34 56 78", "text": "Bonjour"})
    assert answer.status_code == 302
    assert "To +33612345678" in words(client.get(answer.headers["Location"]))
