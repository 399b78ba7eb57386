"""Finding 11: every answer to a signed-in customer or an API token says Cache-Control:
no-store (the page showing a new API token once included); public pages stay cacheable."""
import pytest

from tests.storefront.helpers import api_for


@pytest.mark.parametrize("path", ["/", "/billing", "/numbers", "/account/tokens", "/account/security", "/faq"])
def test_signed_in_pages_are_never_stored(customers, path):
    client = customers.signed_in()
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_page_showing_a_new_token_is_never_stored(customers):
    client = customers.signed_in()
    answer = client.post("/account/tokens", data={"name": "script"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"


def test_api_answers_with_a_token_are_never_stored(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    assert api.get("/credits").headers["Cache-Control"] == "no-store"


def test_anonymous_public_pages_stay_cacheable(client):
    assert "no-store" not in client.get("/robots.txt").headers.get("Cache-Control", "")
