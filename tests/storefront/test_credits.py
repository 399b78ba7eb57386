"""The credits ledger: append-only, never negative, each booking once."""
import threading

import pytest
from sqlalchemy.orm import Session

from pricing import Money
from storefront import db
from storefront.models.credits import PURCHASE, TOP_UP
from storefront.services import credits
from storefront.services.accounts import create_user


@pytest.fixture
def user_id(app):
    with app.app_context():
        return create_user(db.session(), "ada@example.com", "correct horse battery").id


def book(app, user_id, amount, key, kind=TOP_UP):
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            return credits.book(session, user_id, Money.eur(amount), kind, key, "test")


def balance_of(app, user_id) -> str:
    with app.app_context():
        return credits.balance(db.session(), user_id).as_string()


def test_the_balance_is_the_sum_of_the_ledger(app, user_id):
    book(app, user_id, "25.00", "top-up:1")
    book(app, user_id, "-16.00", "purchase:1", PURCHASE)
    assert balance_of(app, user_id) == "9.00"


def test_a_replayed_booking_moves_nothing(app, user_id):
    first = book(app, user_id, "25.00", "top-up:pi_1")
    again = book(app, user_id, "25.00", "top-up:pi_1")
    assert again.id == first.id
    assert balance_of(app, user_id) == "25.00"


def test_a_debit_beyond_the_balance_is_refused_and_books_nothing(app, user_id):
    book(app, user_id, "10.00", "top-up:1")
    with pytest.raises(credits.InsufficientCredits) as refused:
        book(app, user_id, "-16.00", "purchase:1", PURCHASE)
    assert refused.value.missing == Money.eur("6.00")
    assert balance_of(app, user_id) == "10.00"


def test_the_credits_page_shows_balance_and_history(app, user_id):
    book(app, user_id, "25.00", "top-up:1")
    client = app.test_client()
    client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    html = client.get("/credits", follow_redirects=True).get_data(as_text=True)
    assert "€25.00" in html and "test" in html


def test_two_purchases_racing_for_one_balance_cannot_overdraw_it(app, user_id):
    engine = app.extensions["database"].engine
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    book(app, user_id, "20.00", "top-up:1")
    start = threading.Barrier(2)
    outcomes = []

    def purchase(key):
        # Each purchase runs as a request would: in the app's context (its receipt reads the
        # seller's details from the configuration), on a connection of its own.
        with app.app_context(), Session(engine) as session:
            start.wait()
            try:
                with db.transaction(session):
                    credits.book(session, user_id, Money.eur("-16.00"), PURCHASE, key, "bundle")
                outcomes.append("paid")
            except credits.InsufficientCredits:
                outcomes.append("insufficient credits")

    threads = [threading.Thread(target=purchase, args=(f"purchase:{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["insufficient credits", "paid"]
    assert balance_of(app, user_id) == "4.00"
