"""Findings 4 and 5: an Idempotency-Key whose first answer was a refusal is free again (a
top-up, then the same retry works); every key belongs to its customer."""
import re

from storefront import db
from storefront.services.reservations import hold_quote
from tests.storefront.helpers import api_for, credits_of, page


def sweden_hold(app) -> str:
    with app.app_context():
        return hold_quote(db.session(), "SE", 3).total.as_string()


def test_a_key_refused_for_short_credits_works_after_a_top_up(stocked_app):
    api = api_for(stocked_app, "ada@example.com", credits="1.00")
    refused = api.post("/reservations", {"country": "SE", "tier_months": 3}, key="retry-me")
    assert refused.status_code == 402
    again = api.post("/reservations", {"country": "SE", "tier_months": 3}, key="retry-me")
    assert again.status_code == 402  # not "still being processed"
    from tests.storefront.helpers import give_credits

    give_credits(stocked_app, "ada@example.com", "100.00")
    placed = api.post("/reservations", {"country": "SE", "tier_months": 3}, key="retry-me")
    assert placed.status_code == 201
    replay = api.post("/reservations", {"country": "SE", "tier_months": 3}, key="retry-me")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["id"] == placed.get_json()["id"]


def test_a_key_refused_as_invalid_is_free_for_the_corrected_request(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    assert api.post("/reservations", {"country": "SE", "tier_months": 7}, key="k").status_code == 422
    assert api.post("/reservations", {"country": "SE", "tier_months": 7}, key="k").status_code == 422


def test_a_reservation_key_planted_by_another_customer_reserves_nothing_for_them(stocked_app, customers):
    victim = api_for(stocked_app, "victim@example.com")
    with stocked_app.app_context():
        from storefront.models import User
        from sqlalchemy import select

        victim_id = db.session().scalar(select(User.id).where(User.email == "victim@example.com"))
    mallory = customers.signed_in("mallory@example.com", credits="100.00")
    html = page(mallory.get("/reserve?country=SE&tier_months=3"))
    seen = re.search(r'name="seen_hold" value="([^"]+)"', html).group(1)
    # The key the victim's script will send, as the API scoped it before the fix.
    for planted in (f"api:{victim_id}:nightly", "nightly"):
        mallory.post("/reserve", data={"country": "SE", "tier_months": 3, "seen_hold": seen, "key": planted})
    mine = victim.post("/reservations", {"country": "SE", "tier_months": 3}, key="nightly")
    assert mine.status_code == 201
    assert victim.get(f"/reservations/{mine.get_json()['id']}").status_code == 200
    assert credits_of(stocked_app, "victim@example.com") == f"{100 - float(sweden_hold(stocked_app)):.2f}"


def test_a_long_idempotency_key_is_accepted(stocked_app):
    api = api_for(stocked_app, "ada@example.com")
    assert api.post("/reservations", {"country": "SE", "tier_months": 3}, key="k" * 255).status_code == 201
