"""Choosing a number: search, badges, paging, the 10-minute hold on the web and in the API."""
import re

from sqlalchemy import func, select

from hardware.models import PhoneNumber
from storefront.mail import sent_messages
from storefront import db
from storefront.models import Rental
from tests.storefront.helpers import api_for, checkout_token, first_number_id, page

LONG_DE = "country=DE&kind=long&tier_months=3"


def offered(html: str) -> list[str]:
    return re.findall(r'<span class="number">([^<]+)</span>', html)


def number_id(app, e164: str) -> int:
    with app.app_context():
        return db.session().scalar(select(PhoneNumber.id).where(PhoneNumber.e164 == e164))


def rentals(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Rental))


def test_the_wizard_finds_numbers_by_digits_and_shows_badges(customers):
    client = customers.signed_in()
    html = page(client.get(f"/buy?{LONG_DE}&digits=107&match=ends_with"))
    assert offered(html) == ["+4915123456107"]
    assert "Dedicated SIM" in html and "SMS" in html and "Calls" in html
    assert len(offered(page(client.get(f"/buy?{LONG_DE}&digits=+49 151-2345&match=contains")))) == 8
    assert "No number on sale matches" in page(client.get(f"/buy?{LONG_DE}&digits=999&match=ends_with"))
    voice = offered(page(client.get(f"/buy?{LONG_DE}&capability=voice")))
    assert voice and len(voice) < 8
    short = page(client.get("/buy?country=FR&kind=short&months=1"))
    assert "Shared gateway" in short and ">Dedicated SIM<" not in short


def test_more_numbers_pages_on_after_the_last_one_shown(customers):
    client = customers.signed_in()
    first = page(client.get(f"/buy?{LONG_DE}&limit=3"))
    more = re.search(r'href="([^"]*after=[^"]*)"', first)
    assert more, "a link to the next page"
    second = page(client.get(more.group(1)))
    assert len(offered(first)) == len(offered(second)) == 3 and max(offered(first)) < min(offered(second))


def test_a_chosen_number_is_held_for_ten_minutes_then_the_customer_is_told(customers, stocked_app, clock):
    ada = customers.signed_in("ada@example.com", credits="50.00")
    bob = customers.signed_in("bob@example.com", credits="50.00")
    number = first_number_id(ada, LONG_DE)
    chosen = page(ada.get(f"/buy?{LONG_DE}&number={number}"))
    assert "holding" in chosen and "10 minutes" in chosen
    # Bob does not see it, and cannot take it.
    assert number not in re.findall(r'name="number" value="(\d+)"', page(bob.get(f"/buy?{LONG_DE}")))
    refused = bob.get(f"/buy/review?{LONG_DE}&number={number}")
    assert "just chosen by someone else" in page(bob.get(refused.headers["Location"]))

    clock.advance(minutes=10, seconds=1)
    ended = ada.get(f"/buy/review?{LONG_DE}&number={number}")
    assert ended.status_code == 302 and "number=" not in ended.headers["Location"]
    told = page(ada.get(ended.headers["Location"]))
    assert "ran out" in told and "4. Your number" in told and len(offered(told)) == 8
    # Back on sale: Bob can hold and buy it now.
    token = checkout_token(bob, f"{LONG_DE}&number={number}")
    assert bob.post("/buy/checkout", data={"token": token}).headers["Location"].startswith("/buy/done/")


def test_paying_after_the_hold_ran_out_charges_nothing_and_offers_another(customers, stocked_app, clock):
    ada = customers.signed_in("ada@example.com", credits="50.00")
    number = first_number_id(ada, LONG_DE)
    token = checkout_token(ada, f"{LONG_DE}&number={number}")
    clock.advance(minutes=11)
    response = ada.post("/buy/checkout", data={"token": token})
    assert response.status_code == 302 and "number=" not in response.headers["Location"]
    assert "kind=long" in response.headers["Location"]
    assert "ran out" in page(ada.get(response.headers["Location"]))
    assert rentals(stocked_app) == 0


def test_a_visitor_chooses_signs_up_and_keeps_the_hold(stocked_app):
    visitor = stocked_app.test_client()
    number = first_number_id(visitor, LONG_DE)
    assert "holding" in page(visitor.get(f"/buy?{LONG_DE}&number={number}"))
    signed_up = visitor.post("/signup",
                             data={"email": "new@example.com", "password": "correct horse battery",
                                   "confirm": "correct horse battery"})
    signed_up.close()  # the confirmation e-mail goes out; its link signs in, in the same browser
    link = re.search(r"/verify-email/\S+", sent_messages(stocked_app.config["MAIL_DIR"])[-1]
                     .get_body(("plain",)).get_content()).group(0)
    assert visitor.get(link).status_code == 302
    review = visitor.get(f"/buy/review?{LONG_DE}&number={number}")
    assert review.status_code == 200 and "Top up" in page(review)  # the review of that number, to pay


def test_a_held_number_is_left_out_of_the_api_and_of_stock(customers, stocked_app):
    ada = customers.signed_in("ada@example.com")
    api = api_for(stocked_app, "script@example.com")
    before = api.get("/available-numbers?country=DE&kind=long&limit=50").get_json()
    assert len(before["numbers"]) == 8 and before["next_cursor"] is None
    held = before["numbers"][0]
    assert held["type"] == "dedicated_sim" and "sms" in held["capabilities"]
    ada.get(f"/buy?{LONG_DE}&number={held['id']}")
    after = api.get("/available-numbers?country=DE&kind=long&limit=50").get_json()
    assert held["id"] not in [n["id"] for n in after["numbers"]] and len(after["numbers"]) == 7
    assert "7 in stock" in page(ada.get("/buy?country=DE"))
    refused = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3, "number_id": held["id"]})
    assert refused.status_code == 409
    bought = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3})
    assert bought.status_code == 201 and bought.get_json()["number"] != held["number"]


def test_the_api_searches_and_pages_with_a_cursor(stocked_app):
    client = stocked_app.test_client()
    found = client.get("/api/v1/available-numbers?country=de&kind=long&digits=105&match=ends_with").get_json()
    assert [n["number"] for n in found["numbers"]] == ["+4915123456105"]
    seen, cursor = [], None
    while True:
        query = "/api/v1/available-numbers?country=DE&kind=long&limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query).get_json()
        seen += [n["number"] for n in body["numbers"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 8
    voice = client.get("/api/v1/available-numbers?country=DE&kind=long&capability=voice").get_json()
    assert voice["numbers"] and all("voice" in n["capabilities"] for n in voice["numbers"])


def test_the_api_names_bad_parameters(stocked_app):
    client = stocked_app.test_client()
    bad = client.get("/api/v1/available-numbers?kind=medium&match=starts&limit=500&cursor=abc")
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert {e["field"] for e in bad.get_json()["errors"]} == {"country", "kind", "match", "limit", "cursor"}
    assert client.get("/api/v1/available-numbers?country=XX&kind=long").status_code == 404
    assert client.get("/api/v1/available-numbers?country=DE&kind=long&digits=abc").status_code == 422
