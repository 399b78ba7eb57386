"""Buying a number: the wizard's steps, the honest checkout, and what can go wrong."""
import re

from sqlalchemy import func, select

from storefront import db
from storefront.models import LedgerEntry, Rental
from storefront.services.credits import balance
from tests.storefront.helpers import checkout_token, first_number_id, page


def counts(app, user_email="ada@example.com"):
    with app.app_context():
        session = db.session()
        rentals = session.scalar(select(func.count()).select_from(Rental))
        entries = session.scalar(select(func.count()).select_from(LedgerEntry))
        return rentals, entries


def test_the_wizard_walks_country_kind_tier_number(customers):
    client = customers.signed_in(credits="50.00")
    assert "1. Country" in page(client.get("/buy"))
    assert "2. Kind of number" in page(client.get("/buy?country=DE"))
    tiers = page(client.get("/buy?country=DE&kind=long"))
    for tier, total in (("3", "€16.00"), ("6", "€23.00"), ("9", "€29.00"), ("12", "€34.00")):
        assert f'value="{tier}"' in tiers and total in tiers
    numbers = page(client.get("/buy?country=DE&kind=long&tier_months=6"))
    assert "4. Your number" in numbers and numbers.count('type="radio" name="number"') == 8  # every DE number, one page


def test_htmx_gets_only_the_wizard_fragment(customers):
    client = customers.signed_in()
    response = client.get("/buy?country=DE&kind=long&tier_months=6", headers={"HX-Request": "true"})
    html = page(response)
    assert "<html" not in html and 'id="wizard"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_long_term_is_not_offered_where_it_is_out_of_stock(customers):
    html = page(customers.signed_in().get("/buy?country=SE"))
    assert "Out of stock in Sweden right now." in html
    assert re.search(r'value="long"[^>]*disabled', html)


def test_buying_charges_exactly_the_quote_and_starts_the_rental(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, "country=DE&kind=long&tier_months=6")
    review = page(client.get(f"/buy/review?country=DE&kind=long&tier_months=6&number={number}"))
    assert "Pay €23.00 from credits" in review
    token = checkout_token(client, f"country=DE&kind=long&tier_months=6&number={number}")

    response = client.post("/buy/checkout", data={"token": token})
    assert response.status_code == 302
    done = page(client.get(response.headers["Location"]))
    assert "is yours" in done and "€23.00" in done
    with stocked_app.app_context():
        rental = db.session().scalars(select(Rental)).one()
        assert (rental.kind, rental.tier_months, rental.pricing_model) == ("long", 6, "bundle")
        assert str(rental.number_id) == number and rental.number.state == "rented"
        assert balance(db.session(), rental.user_id).as_string() == "27.00"


def test_a_double_submit_makes_one_rental_and_one_charge(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, "country=DE&kind=long&tier_months=3")
    token = checkout_token(client, f"country=DE&kind=long&tier_months=3&number={number}")
    first = client.post("/buy/checkout", data={"token": token})
    second = client.post("/buy/checkout", data={"token": token})
    assert first.headers["Location"] == second.headers["Location"]
    assert counts(stocked_app) == (1, 2)  # one rental; the welcome credit and one purchase


def test_short_credits_offer_a_top_up_for_the_missing_amount_and_charge_nothing(customers, stocked_app):
    client = customers.signed_in(credits="10.00")
    number = first_number_id(client, "country=DE&kind=long&tier_months=3")
    review = page(client.get(f"/buy/review?country=DE&kind=long&tier_months=3&number={number}"))
    assert "€6.00 missing" in review and "Top up €6.00" in review
    assert "from credits</button>" not in review
    assert counts(stocked_app) == (0, 1)


def test_credits_spent_elsewhere_before_paying_are_caught_at_checkout(customers, stocked_app):
    client = customers.signed_in(credits="20.00")
    number = first_number_id(client, "country=DE&kind=long&tier_months=3")
    token = checkout_token(client, f"country=DE&kind=long&tier_months=3&number={number}")
    stocked_app.test_cli_runner().invoke(args=["credits", "adjust", "--reason", "test", "--", "ada@example.com", "-10"])
    refused = client.post("/buy/checkout", data={"token": token})
    assert refused.status_code == 402
    assert "€6.00 short" in page(refused)
    assert counts(stocked_app) == (0, 2)


def test_a_price_change_after_the_quote_is_shown_asks_again(customers, stocked_app, tmp_path):
    import json

    from storefront.cli import DEMO_CATALOG

    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, "country=DE&kind=long&tier_months=3")
    token = checkout_token(client, f"country=DE&kind=long&tier_months=3&number={number}")
    document = json.loads(DEMO_CATALOG.read_text())
    next(c for c in document["countries"] if c["code"] == "DE")["long_term_unit"] = "15.00"
    (tmp_path / "catalog.json").write_text(json.dumps(document))
    stocked_app.test_cli_runner().invoke(args=["catalog", "import", str(tmp_path / "catalog.json")])

    response = client.post("/buy/checkout", data={"token": token})
    assert response.status_code == 409
    html = page(response)
    assert "The price changed from €16.00 to €20.00" in html and "Pay €20.00 from credits" in html
    assert counts(stocked_app) == (0, 1)

    new_token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/buy/checkout", data={"token": new_token}).status_code == 302
    with stocked_app.app_context():
        assert balance(db.session(), db.session().scalars(select(Rental.user_id)).one()).as_string() == "30.00"


def test_a_number_held_by_another_customer_cannot_be_reviewed_or_bought(customers, stocked_app):
    first = customers.signed_in("ada@example.com", credits="50.00")
    second = customers.signed_in("bob@example.com", credits="50.00")
    number = first_number_id(first, "country=DE&kind=long&tier_months=3")
    query = f"country=DE&kind=long&tier_months=3&number={number}"
    token_of_first = checkout_token(first, query)
    refused = second.get(f"/buy/review?{query}")
    assert refused.status_code == 302
    follow = page(second.get(refused.headers["Location"]))
    assert "just chosen by someone else" in follow and "4. Your number" in follow
    assert first.post("/buy/checkout", data={"token": token_of_first}).status_code == 302
    assert counts(stocked_app) == (1, 3)


def test_a_forged_token_charges_nothing(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    response = client.post("/buy/checkout", data={"token": "forged"})
    assert response.status_code == 302
    assert "not valid" in page(client.get(response.headers["Location"]))
    assert counts(stocked_app) == (0, 1)


def test_review_needs_sign_in(stocked_app):
    response = stocked_app.test_client().get("/buy/review?country=DE&kind=long&tier_months=3&number=1")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
