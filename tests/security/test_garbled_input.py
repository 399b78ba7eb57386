"""Finding 9: garbled input gets a 4xx naming the field, never a 5xx, and charges nothing:
NaN/sNaN/Infinity/1e999999 amounts (web and API), NUL bytes in text, ids beyond 2^31,
deeply nested JSON."""
import pytest

from tests.storefront.helpers import api_for, credits_of, page

BAD_AMOUNTS = ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "1e30"]


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_a_garbled_top_up_amount_is_refused_on_the_page(customers, amount):
    client = customers.signed_in()
    answer = client.post("/payments/top-up", data={"amount": amount})
    assert answer.status_code == 422 and "amount" in page(answer).lower()


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_a_garbled_expected_total_is_refused_by_the_api_naming_the_field(stocked_app, amount):
    api = api_for(stocked_app, "ada@example.com")
    answer = api.post("/reservations", {"country": "SE", "tier_months": 3, "expected_hold": amount})
    assert answer.status_code == 422
    assert [error["field"] for error in answer.get_json()["errors"]] == ["expected_hold"]
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_a_garbled_seen_total_on_a_web_form_changes_nothing(customers, stocked_app, amount):
    client = customers.signed_in(credits="100.00")
    answer = client.post("/reserve", data={"country": "SE", "tier_months": 3, "seen_hold": amount, "key": "k"})
    assert 400 <= answer.status_code < 500
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


@pytest.mark.parametrize("path", ["/numbers/99999999999/extend", "/numbers/99999999999/return",
                                  "/payments/99999999999", "/api/v1/numbers/99999999999"])
def test_an_id_beyond_any_column_is_not_found(customers, stocked_app, path):
    client = customers.signed_in()
    answer = client.get(path) if not path.startswith("/api") else api_for(stocked_app, "bob@example.com").get(
        path.removeprefix("/api/v1"))
    assert answer.status_code == 404


def test_deeply_nested_json_is_refused_naming_the_body(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    nested = "[" * 100_000 + "]" * 100_000
    answer = api.client.post("/api/v1/reservations", data=nested, content_type="application/json",
                             headers=api.headers)
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "body"


def test_nul_bytes_in_text_fields_are_refused_not_crashed(customers):
    client = customers.signed_in()
    assert client.post("/account/tokens", data={"name": "a\x00b"}).status_code == 422
    assert client.post("/login", data={"email": "a\x00@example.com", "password": "x\x00"}).status_code in (400, 422)
    assert client.post("/signup", data={"email": "n\x00@example.com", "password": "p" * 12,
                                        "confirm": "p" * 12}).status_code in (400, 422)
