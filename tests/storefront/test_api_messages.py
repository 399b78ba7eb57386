"""The User API of a number's messages and forwarding: cursor and since, sending with an
Idempotency-Key, forwarding settings; only the caller's own rental."""
from datetime import timedelta

from storefront import db
from storefront.models.messages import Message
from tests.storefront.helpers import api_for
from tests.storefront.messaging import receive
from tests.storefront.rental_factory import rent


def test_messages_newest_first_by_cursor_and_since(stocked_app, clock):
    api = api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    for index in range(5):
        receive(stocked_app, rented.id, f"message {index}: code {1000 + index}")
        clock.advance(minutes=1)
    first = api.get(f"/numbers/{rented.id}/messages?limit=2").get_json()
    assert [m["text"] for m in first["messages"]] == ["message 4: code 1004", "message 3: code 1003"]
    assert first["messages"][0]["direction"] == "in" and first["messages"][0]["code"] == "1004"
    second = api.get(f"/numbers/{rented.id}/messages?limit=2&cursor={first['next_cursor']}").get_json()
    assert [m["text"][:9] for m in second["messages"]] == ["message 2", "message 1"]
    last = api.get(f"/numbers/{rented.id}/messages?limit=2&cursor={second['next_cursor']}").get_json()
    assert len(last["messages"]) == 1 and last["next_cursor"] is None
    since = (clock.now() - timedelta(minutes=2, seconds=30)).isoformat()
    recent = api.client.get(f"/api/v1/numbers/{rented.id}/messages", query_string={"since": since},
                            headers=api.headers).get_json()
    assert [m["text"][:9] for m in recent["messages"]] == ["message 4", "message 3"]


def test_bad_cursor_since_and_limit_are_422_naming_the_field(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    for query, field in (("cursor=abc", "cursor"), ("since=yesterday", "since"), ("limit=0", "limit")):
        answer = api.get(f"/numbers/{rented.id}/messages?{query}")
        assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == field


def test_another_customers_number_is_404_and_shows_nothing(stocked_app):
    api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "private")
    eve = api_for(stocked_app, "eve@example.com")
    assert eve.get(f"/numbers/{rented.id}/messages").status_code == 404
    assert eve.post(f"/numbers/{rented.id}/messages", {"to": "+4915123456789", "text": "x"}).status_code == 404
    assert eve.get(f"/numbers/{rented.id}/forwarding").status_code == 404


def test_send_once_with_an_idempotency_key(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    first = api.post(f"/numbers/{rented.id}/messages", {"to": "+49 151 23456789", "text": "Hello"}, key="k1")
    again = api.post(f"/numbers/{rented.id}/messages", {"to": "+49 151 23456789", "text": "Hello"}, key="k1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.get_json() == again.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["status"] == "queued" and first.get_json()["to"] == "+4915123456789"
    with stocked_app.app_context():
        assert db.session().query(Message).count() == 1


def test_send_errors_name_the_field(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    answer = api.post(f"/numbers/{rented.id}/messages", {"to": "12ab", "text": ""})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert {error["field"] for error in answer.get_json()["errors"]} == {"to", "text"}
    assert api.post(f"/numbers/{rented.id}/messages", {"to": 49151, "text": None}).status_code == 422


def test_sending_too_fast_is_429(stocked_app):
    stocked_app.config.update(MESSAGES_PER_MINUTE=1)
    api = api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    assert api.post(f"/numbers/{rented.id}/messages", {"to": "+4915123456789", "text": "a"}).status_code == 201
    refused = api.post(f"/numbers/{rented.id}/messages", {"to": "+4915123456789", "text": "b"})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"


def test_forwarding_settings_round_trip(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    assert api.get(f"/numbers/{rented.id}/forwarding").get_json()["webhook_url"] is None
    saved = api.client.put(f"/api/v1/numbers/{rented.id}/forwarding", headers=api.headers,
                           json={"webhook_url": "https://hooks.example.com/sms", "email": True})
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["webhook_url"] == "https://hooks.example.com/sms" and body["email"] is True
    assert body["signing_secret"].startswith("fwd_")
    bad = api.client.put(f"/api/v1/numbers/{rented.id}/forwarding", headers=api.headers,
                         json={"webhook_url": "ftp://x", "email": "yes"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "email"
