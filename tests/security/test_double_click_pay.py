"""Finding 15: a double-clicked Pay whose second click lost the race for the number (the
first click held it and committed meanwhile) answers with the first purchase, not
"taken by someone else"."""
from storefront.services import purchases
from tests.storefront.helpers import checkout_token, first_number_id


def test_the_second_click_that_lost_the_race_shows_the_first_purchase(customers, stocked_app, monkeypatch):
    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, "country=DE&kind=long&tier_months=3")
    token = checkout_token(client, f"country=DE&kind=long&tier_months=3&number={number}")
    first = client.post("/buy/checkout", data={"token": token})
    assert first.status_code == 302
    real_lookup = purchases.rental_for_key
    looked = []

    def raced_lookup(session, key):
        # The second click looked before the first committed: nothing yet.
        looked.append(key)
        return None if len(looked) == 1 else real_lookup(session, key)

    monkeypatch.setattr(purchases, "rental_for_key", raced_lookup)
    second = client.post("/buy/checkout", data={"token": token})
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
