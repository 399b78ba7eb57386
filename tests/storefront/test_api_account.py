"""The User API with a token: buy, list, extend, unrent, return, reservations, credits —
the same rules and quotes as the web, errors as problem+json, idempotent retries."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront import db
from storefront.models import LedgerEntry, Rental, User
from storefront.services.api_tokens import revoke_token
from storefront.services.catalog import current_catalog
from storefront.services.quotes import QuoteRequest, quote_for
from tests.storefront.helpers import api_for
from tests.storefront.rental_factory import rent


@pytest.fixture
def api(stocked_app):
    return api_for(stocked_app, "dev@example.com")


def expected(app, **request) -> str:
    with app.app_context():
        return quote_for(current_catalog(db.session()), QuoteRequest(**request)).total.as_string()


def test_buying_long_term_charges_exactly_the_quote(api, stocked_app):
    quoted = api.client.get("/api/v1/quote?country=DE&kind=long&tier_months=6").get_json()["total"]
    bought = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 6, "expected_total": quoted})
    assert bought.status_code == 201, bought.get_json()
    body = bought.get_json()
    assert body["charged"]["total"] == quoted == body["charged_total"]
    assert body["tier_months"] == 6 and body["number"].startswith("+49")
    assert api.get("/credits").get_json()["balance"] == f"{Decimal('100.00') - Decimal(quoted):.2f}"
    assert api.get(bought.headers["Location"].removeprefix("/api/v1")).get_json()["id"] == body["id"]


@pytest.mark.parametrize("tier", [5, 16])
def test_tiers_other_than_3_6_9_12_are_refused_naming_the_allowed_ones(api, tier):
    refused = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": tier})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    (error,) = refused.get_json()["errors"]
    assert error["field"] == "tier_months" and "3, 6, 9" in error["message"] and "12" in error["message"]


def test_short_term_prepaid_and_bad_fields(api, stocked_app):
    bought = api.post("/numbers", {"country": "FR", "kind": "short", "months": 4})
    assert bought.status_code == 201
    assert bought.get_json()["charged"]["total"] == expected(stocked_app, country="FR", kind="short", months=4,
                                                             billing="prepaid")
    assert api.post("/numbers", {"country": "FR", "kind": "short", "months": 13}).status_code == 422
    assert api.post("/numbers", {"country": "FR", "kind": "short", "months": 1, "billing": "subscription"}).status_code == 422
    assert api.post("/numbers", ["not", "an", "object"]).status_code == 422
    assert api.post("/numbers", {"country": "ZZ", "kind": "long", "tier_months": 3}).status_code == 404


def test_a_changed_price_charges_nothing_and_returns_the_new_quote(api, stocked_app):
    refused = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3, "expected_total": "1.00"})
    assert refused.status_code == 409
    assert refused.get_json()["quote"]["total"] == expected(stocked_app, country="DE", kind="long", tier_months=3)
    assert api.get("/credits").get_json()["balance"] == "100.00"


def test_short_credits_are_a_402_with_the_missing_amount(stocked_app):
    poor = api_for(stocked_app, "poor@example.com", credits="5.00")
    refused = poor.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3})
    assert refused.status_code == 402
    total = Decimal(expected(stocked_app, country="DE", kind="long", tier_months=3))
    assert refused.get_json()["missing"] == f"{total - Decimal('5.00'):.2f}"


def test_an_idempotent_retry_buys_once_and_a_reused_key_is_a_409(api, stocked_app):
    body = {"country": "DE", "kind": "long", "tier_months": 3}
    first = api.post("/numbers", body, key="order-1")
    again = api.post("/numbers", body, key="order-1")
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert api.post("/numbers", dict(body, tier_months=6), key="order-1").status_code == 409
    with stocked_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Rental)) == 1


def test_extend_unrent_and_return_through_the_api(api, stocked_app):
    held = rent(stocked_app, "dev@example.com", "DE", months_ago=13)
    extended = api.post(f"/numbers/{held.id}/extend", {"tier_months": 12}, key="extend-1")
    assert extended.status_code == 200
    assert any(line["code"] == "loyalty_discount" for line in extended.get_json()["charged"]["lines"])
    assert api.post(f"/numbers/{held.id}/extend", {"tier_months": 5}).status_code == 422

    fresh = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3}).get_json()
    assert fresh["unused_return"]["eligible"] is True
    returned = api.post(f"/numbers/{fresh['id']}/return")
    assert returned.status_code == 200 and returned.get_json()["refunded"] == fresh["charged"]["lines"][0]["amount"]
    assert api.post(f"/numbers/{fresh['id']}/return").status_code == 409

    gone = api.delete(f"/numbers/{held.id}")
    assert gone.status_code == 200 and gone.get_json()["status"] == "ended"
    listed = api.get("/numbers").get_json()["numbers"]
    assert {n["id"]: n["status"] for n in listed} == {held.id: "ended", fresh["id"]: "returned"}


def test_reservations_are_first_class(api, stocked_app):
    placed = api.post("/reservations", {"country": "SE", "tier_months": 3}, key="r-1")
    assert placed.status_code == 201
    reservation = placed.get_json()
    assert reservation["status"] == "waiting" and reservation["queue_position"] == 1
    assert api.get("/credits").get_json()["balance"] == f"{Decimal('100.00') - Decimal(reservation['hold']):.2f}"
    assert api.post("/reservations", {"country": "DE", "tier_months": 3}).status_code == 409  # in stock: buy
    assert api.post("/reservations", {"country": "SE", "tier_months": 16}).status_code == 422
    cancelled = api.delete(f"/reservations/{reservation['id']}")
    assert cancelled.get_json()["status"] == "cancelled"
    assert api.get("/credits").get_json()["balance"] == "100.00"
    assert api.delete(f"/reservations/{reservation['id']}").status_code == 409


def test_other_peoples_things_are_404_and_no_token_is_401(api, stocked_app):
    other = api_for(stocked_app, "other@example.com")
    theirs = other.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3}).get_json()
    assert api.get(f"/numbers/{theirs['id']}").status_code == 404
    assert api.delete(f"/numbers/{theirs['id']}").status_code == 404
    anonymous = stocked_app.test_client().get("/api/v1/numbers")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"


def test_a_revoked_token_fails_at_once(stocked_app):
    api = api_for(stocked_app, "rev@example.com")
    assert api.get("/credits").status_code == 200
    with stocked_app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == "rev@example.com"))
        from storefront.models import ApiToken

        revoke_token(session, user, session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id)))
    assert api.get("/credits").status_code == 401


def test_each_token_is_rate_limited(stocked_app):
    stocked_app.config["API_RATE_LIMIT"] = "3 per minute"
    api = api_for(stocked_app, "busy@example.com")
    assert [api.get("/credits").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = api.get("/credits")
    assert limited.mimetype == "application/problem+json" and "Retry-After" in limited.headers
    calm = api_for(stocked_app, "calm@example.com")
    assert calm.get("/credits").status_code == 200
    # Public prices are not counted per token.
    public = stocked_app.test_client()
    assert {public.get("/api/v1/quote?country=DE&kind=long").status_code for _ in range(5)} == {200}


def test_the_ledger_of_the_api_matches_the_web(api, stocked_app):
    api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3})
    ledger = api.get("/credits").get_json()["ledger"]
    with stocked_app.app_context():
        assert len(ledger) == db.session().scalar(select(func.count()).select_from(LedgerEntry))
    assert {entry["kind"] for entry in ledger} == {"adjustment", "purchase"}


@pytest.mark.parametrize("tier", [0, "", "abc", "3"])
def test_the_api_refuses_the_same_tiers_with_the_same_words_as_the_web(api, stocked_app, tier):
    held = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3}).get_json()
    refused = api.post(f"/numbers/{held['id']}/extend", {"tier_months": tier})
    assert refused.status_code == 422
    (error,) = refused.get_json()["errors"]
    assert error["field"] == "tier_months"
    if tier == 0:
        assert "Long-term bundles come in 3, 6, 9 or 12 months" in error["message"]
