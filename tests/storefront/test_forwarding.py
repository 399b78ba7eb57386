"""Forwarding a number's messages: a signed webhook and/or e-mail through the outbox,
retried while the receiver is down, delivered once when it is up; the test button; the
deliveries the customer sees; private addresses refused in production."""
import re
import socket

import pytest
from sqlalchemy import select

from storefront import db
from storefront.mail import sent_messages
from storefront.models import Forwarding, OutboxMessage
from storefront.services import outbox, webhook_addresses
from tests.storefront.helpers import page
from tests.storefront.messaging import Receiver, receive
from tests.storefront.rental_factory import rent


@pytest.fixture
def receiver():
    started = Receiver()
    yield started
    started.stop()


def deliver(app, clock) -> dict:
    with app.app_context():
        return outbox.deliver_due(db.session(), clock.now())


def secret_of(app, rental_id: int) -> str:
    with app.app_context():
        return db.session().scalar(select(Forwarding.signing_secret).where(Forwarding.rental_id == rental_id))


def test_a_receiver_that_is_down_gets_each_message_once_when_it_is_up(customers, stocked_app, receiver, clock):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    assert client.post(f"/numbers/{rented.id}/forwarding", data={"webhook_url": receiver.url}).status_code == 302
    receiver.status = 503
    receive(stocked_app, rented.id, "Your code is 482913", sender="ACME")
    receive(stocked_app, rented.id, "second")
    assert deliver(stocked_app, clock)["deliveries failed"] == 2
    assert receiver.refused == 2 and receiver.accepted == []
    deliveries = page(client.get(f"/numbers/{rented.id}"))
    assert "HTTP 503" in deliveries and "tried 1×" in deliveries  # the customer sees why

    receiver.status = 200
    assert deliver(stocked_app, clock)["webhooks delivered"] == 0  # not due yet: back-off
    clock.advance(minutes=2)
    assert deliver(stocked_app, clock)["webhooks delivered"] == 2
    clock.advance(hours=7)
    assert deliver(stocked_app, clock)["webhooks delivered"] == 0  # never twice
    events = receiver.events(secret_of(stocked_app, rented.id))
    assert sorted(event["data"]["text"] for event in events) == ["Your code is 482913", "second"]
    assert {event["type"] for event in events} == {"message.received"}
    assert len({event["id"] for event in events}) == 2
    first = next(event for event in events if event["data"]["from"] == "ACME")
    assert first["data"]["number"] == rented.e164 and first["data"]["message_id"] > 0
    assert "delivered" in page(client.get(f"/numbers/{rented.id}"))


def test_forwarding_to_email_and_the_test_button(customers, stocked_app, receiver, clock):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    client.post(f"/numbers/{rented.id}/forwarding", data={"webhook_url": receiver.url, "email": "y"})
    answer = client.post(f"/numbers/{rented.id}/forwarding/test")
    assert answer.status_code == 302
    assert "A test message is on its way" in page(client.get(answer.headers["Location"]))
    receive(stocked_app, rented.id, "Hello from ACME", sender="ACME")
    counts = deliver(stocked_app, clock)
    assert counts["webhooks delivered"] == 2 and counts["e-mails sent"] == 2
    types = sorted(event["type"] for event in receiver.events(secret_of(stocked_app, rented.id)))
    assert types == ["forwarding.test", "message.received"]
    mails = sent_messages(stocked_app.config["MAIL_DIR"])
    subjects = sorted(mail["Subject"] for mail in mails)
    assert subjects == [f"SMS to {rented.e164} from ACME", f"Test: SMS to {rented.e164} from +15005550006"]
    assert all(mail["To"] == "ada@example.com" for mail in mails)


def test_nothing_is_forwarded_without_settings_nor_twice_for_a_replayed_report(customers, stocked_app, receiver):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "before forwarding was set")
    with stocked_app.app_context():
        assert db.session().scalar(select(OutboxMessage.id).where(OutboxMessage.rental_id == rented.id)) is None


def test_the_test_button_without_settings_says_what_to_do(customers, stocked_app):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    answer = client.post(f"/numbers/{rented.id}/forwarding/test")
    assert "Set a webhook address or turn on e-mail first" in page(client.get(answer.headers["Location"]))


@pytest.mark.parametrize("url", ["ftp://example.com/x", "not a url", "https://user:pw@example.com/x"])
def test_a_malformed_webhook_url_is_a_form_error(customers, stocked_app, url):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    answer = client.post(f"/numbers/{rented.id}/forwarding", data={"webhook_url": url})
    assert answer.status_code == 422 and 'id="webhook_url-error"' in page(answer)


@pytest.mark.parametrize("url", ["https://127.0.0.1/x", "https://localhost:8443/x", "https://10.1.2.3/x",
                                 "https://[::1]/x", "https://169.254.169.254/latest", "http://example.com/x"])
def test_production_refuses_private_addresses_and_plain_http(customers, stocked_app, url, monkeypatch):
    monkeypatch.setattr(webhook_addresses, "_resolve", lambda host, port: socket.getaddrinfo(host, port)[0][4][:1]
                        if host != "example.com" else ["93.184.215.14"])
    stocked_app.config["ENVIRONMENT"] = "production"
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    answer = client.post(f"/numbers/{rented.id}/forwarding", data={"webhook_url": url})
    assert answer.status_code == 422
    assert re.search(r"private network|must start with https://", page(answer))
    with stocked_app.app_context():
        assert db.session().scalar(select(Forwarding.id)) is None


def test_production_accepts_a_public_https_address(monkeypatch):
    monkeypatch.setattr(webhook_addresses, "_resolve", lambda host, port: ["93.184.215.14"])
    assert webhook_addresses.refusal("https://hooks.example.com/sms", production=True) is None


def test_production_checks_the_address_again_when_sending(customers, stocked_app, receiver, clock):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    client.post(f"/numbers/{rented.id}/forwarding", data={"webhook_url": receiver.url})
    stocked_app.config["ENVIRONMENT"] = "production"  # a plain-HTTP, loopback address is refused there
    receive(stocked_app, rented.id, "hello")
    assert deliver(stocked_app, clock)["deliveries failed"] == 1
    assert receiver.accepted == [] and receiver.refused == 0
    assert "must start with https://" in page(client.get(f"/numbers/{rented.id}"))
