"""Reservations in a country without long-term stock (Sweden in the demo inventory):
the hold is the bundle price of the day, the queue is served oldest first when an
operator adds stock, and cancelling gives the whole hold back at once."""
import re

import pytest
from html import unescape

from sqlalchemy import select

from hardware.validation import luhn_valid
from storefront import db
from storefront.models import Rental, Reservation, User
from storefront.services import operations
from storefront.services.catalog import current_catalog
from storefront.services.credits import balance
from storefront.services.reservations import hold_quote
from tests.storefront.helpers import credits_of


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def sweden_hold(app, tier: int = 3) -> str:
    with app.app_context():
        return hold_quote(db.session(), "SE", tier).total.as_string()


def reserve(client, country="SE", tier=3):
    page = text(client.get(f"/reserve?country={country}&tier_months={tier}"))
    seen = re.search(r'name="seen_hold" value="([^"]+)"', page).group(1)
    key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/reserve", data={"country": country, "tier_months": tier, "seen_hold": seen, "key": key}), {
        "country": country, "tier_months": tier, "seen_hold": seen, "key": key}


def iccid(serial: int) -> str:
    """A Swedish SIM's ICCID with a correct Luhn check digit."""
    body = f"89460000000000{serial:04d}"
    return next(body + str(digit) for digit in range(10) if luhn_valid(body + str(digit)))


def stock_arrives_in_sweden(app, numbers=("+46701234561",)):
    with app.app_context():
        session = db.session()
        operations.add_gateway(session, "sto-1", "SE", 4)
        for slot, number in enumerate(numbers, start=1):
            operations.insert_sim(session, "sto-1", slot, iccid(slot), number)


def test_the_hold_is_the_bundle_price_with_setup_fee_and_is_taken_from_credits(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    with stocked_app.app_context():
        catalog = current_catalog(db.session())
        quote = hold_quote(db.session(), "SE", 6)
        assert quote.line("setup_fee") is None or quote.line("setup_fee").amount == catalog.country("SE").setup_fee
    placed, form = reserve(client, "SE", 6)
    assert placed.status_code == 302
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - quote.total.amount:.2f}"
    page = text(client.get("/reserve"))
    assert "Waiting: number 1 in line" in page
    # The same form sent twice places one reservation.
    client.post("/reserve", data=form)
    with stocked_app.app_context():
        assert len(db.session().scalars(select(Reservation)).all()) == 1


def test_cancelling_gives_the_whole_hold_back_at_once(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    reserve(client)
    with stocked_app.app_context():
        reservation_id = db.session().scalar(select(Reservation.id))
    client.post(f"/reserve/{reservation_id}/cancel")
    assert credits_of(stocked_app, "ada@example.com") == "50.00"
    ledger = text(client.get("/billing"))
    assert "Hold for a 3-month bundle in SE" in ledger and "Hold released: cancelled by the customer" in ledger
    assert "Cancelled" in text(client.get("/reserve"))


def test_short_credits_are_refused_and_nothing_is_held(customers, stocked_app):
    client = customers.signed_in(credits="1.00")
    page = text(client.get("/reserve?country=SE&tier_months=3"))
    assert "Top up" in page
    refused = client.post("/reserve", data={"country": "SE", "tier_months": 3, "seen_hold": sweden_hold(stocked_app),
                                           "key": "k1"})
    assert refused.status_code == 402 and "short of" in text(refused)
    assert credits_of(stocked_app, "ada@example.com") == "1.00"


def test_a_country_with_stock_is_bought_not_reserved(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    page = text(client.get("/reserve?country=DE&tier_months=3"))
    assert "Buy one now" in page and "seen_hold" not in page
    with stocked_app.app_context():
        hold = hold_quote(db.session(), "DE", 3).total.as_string()
    refused = client.post("/reserve", data={"country": "DE", "tier_months": 3, "seen_hold": hold, "key": "k"})
    assert refused.status_code == 409 and "in stock" in text(refused)


def test_stock_serves_the_oldest_reservation_first_at_the_locked_price(customers, stocked_app, tmp_path):
    first = customers.signed_in("first@example.com", credits="100.00")
    second = customers.signed_in("second@example.com", credits="100.00")
    reserve(first)
    reserve(second)
    locked = sweden_hold(stocked_app)
    assert "number 2 in line" in text(second.get("/reserve"))

    # The price goes up after they reserved: the hold keeps their price.
    import json

    from storefront.cli import DEMO_CATALOG

    document = json.loads(DEMO_CATALOG.read_text())
    next(c for c in document["countries"] if c["code"] == "SE")["long_term_unit"] = "30.00"
    (tmp_path / "catalog.json").write_text(json.dumps(document))
    stocked_app.test_cli_runner().invoke(args=["catalog", "import", str(tmp_path / "catalog.json")])

    stock_arrives_in_sweden(stocked_app)
    with stocked_app.app_context():
        session = db.session()
        first_user = session.scalar(select(User).where(User.email == "first@example.com"))
        rental = session.scalar(select(Rental).where(Rental.user_id == first_user.id))
        assert rental.number.e164 == "+46701234561" and rental.status == "active" and rental.tier_months == 3
        assert rental.charged_total.as_string() == locked
        assert balance(session, first_user.id).as_string() == f"{100 - float(locked):.2f}"
    assert "Your number arrived" in text(first.get("/reserve"))
    assert "number 1 in line" in text(second.get("/reserve"))


def test_a_reservation_of_a_closed_account_is_released_when_stock_arrives(customers, stocked_app):
    gone = customers.signed_in("gone@example.com", credits="100.00")
    reserve(gone)
    waiting = customers.signed_in("waiting@example.com", credits="100.00")
    reserve(waiting)
    with stocked_app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == "gone@example.com"))
        user.active = False
        session.commit()
    stock_arrives_in_sweden(stocked_app)
    assert credits_of(stocked_app, "gone@example.com") == "100.00"
    with stocked_app.app_context():
        statuses = {r.user.email: (r.status, r.close_reason) for r in db.session().scalars(select(Reservation))}
    assert statuses["gone@example.com"] == ("cancelled", "the account is closed")
    assert statuses["waiting@example.com"][0] == "fulfilled"


def test_the_buy_wizard_offers_a_reservation_where_stock_is_out(customers):
    client = customers.signed_in()
    page = text(client.get("/buy?country=SE"))
    assert "Reserve one" in page and "/reserve?country=SE" in page


def test_a_tier_outside_the_bundles_reserves_nothing(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    refused = client.post("/reserve", data={"country": "SE", "tier_months": 7, "seen_hold": sweden_hold(stocked_app),
                                            "key": "k"})
    assert refused.status_code == 422 and "Long-term bundles come in 3, 6, 9 or 12 months" in text(refused)
    assert client.post("/reserve", data={"country": "SE", "tier_months": 3, "seen_hold": "x", "key": "k2"}).status_code == 400
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


@pytest.mark.parametrize("tier", ["0", "", "abc"])
def test_reserve_refuses_a_tier_of_zero_empty_or_letters_naming_the_tiers_like_the_api(customers, stocked_app, tier):
    client = customers.signed_in(credits="100.00")
    refused = client.post("/reserve", data={"country": "SE", "tier_months": tier, "seen_hold": sweden_hold(stocked_app),
                                            "key": "k"})
    assert refused.status_code == 422 and "Long-term bundles come in 3, 6, 9 or 12 months" in text(refused)
    assert credits_of(stocked_app, "ada@example.com") == "100.00"
