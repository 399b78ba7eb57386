"""Renewals short of credits (issue 15): a card saved with a SetupIntent is charged,
off-session, exactly what the renewal lacks; reminders name the amount. Against
localstripe, which plays every step except the `off_session` flag (README)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import db
from storefront.jobs import run_jobs
from storefront.mail import sent_messages
from storefront.models import LedgerEntry, Rental, User
from storefront.services import auto_top_up
from storefront.stripe_gateway import PaymentError
from tests.storefront.helpers import credits_of
from tests.storefront.rental_factory import rent

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


def save_card(app, email: str, card: dict = CARD):
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        setup = auto_top_up.start_saving(session, user)
        return auto_top_up.finish_saving(session, user, setup.setup_intent_id, dict(card))


def jobs(app, now):
    with app.app_context():
        return run_jobs(db.session(), now)


def test_a_renewal_short_of_credits_charges_the_saved_card_exactly_what_is_missing(customers, stocked_app, clock):
    customers.signed_in(credits="5.00")
    save_card(stocked_app, "ada@example.com")
    due = rent(stocked_app, "ada@example.com", "DE", tier_months=3, paid_through=clock.now() - timedelta(hours=1))
    done = jobs(stocked_app, clock.now())
    assert done["numbers renewed"] == 1 and done.get("numbers ended", 0) == 0
    assert credits_of(stocked_app, "ada@example.com") == "0.00"  # 5.00 + 11.00 from the card − 16.00
    with stocked_app.app_context():
        session = db.session()
        top_up = session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "top_up",
                                                          LedgerEntry.description.like("Automatic%")))
        assert top_up.amount.as_string() == "11.00"
        assert session.get(Rental, due.id).status == "active"
    assert not any(jobs(stocked_app, clock.now()).values())  # once


def test_without_a_saved_card_or_with_top_up_off_the_number_ends_as_before(customers, stocked_app, clock):
    client = customers.signed_in(credits="5.00")
    save_card(stocked_app, "ada@example.com")
    client.post("/credits/auto-top-up", data={"on": "0"})
    rent(stocked_app, "ada@example.com", "DE", paid_through=clock.now() - timedelta(hours=1))
    assert jobs(stocked_app, clock.now())["numbers ended"] == 1
    assert credits_of(stocked_app, "ada@example.com") == "5.00"


def test_a_card_declined_at_setup_is_not_saved(customers, stocked_app):
    customers.signed_in()
    with pytest.raises(PaymentError):
        save_card(stocked_app, "ada@example.com", {**CARD, "number": "4000000000000002"})
    with stocked_app.app_context():
        user = db.session().scalar(select(User).where(User.email == "ada@example.com"))
        assert not auto_top_up.will_top_up(db.session(), user.id)


def test_reminders_name_the_amount_and_the_saved_card(customers, stocked_app, clock):
    client = customers.signed_in(credits="2.00")
    rent(stocked_app, "ada@example.com", "DE", paid_through=clock.now() + timedelta(days=5))
    jobs(stocked_app, clock.now())
    (first,) = [m for m in sent_messages(stocked_app.config["MAIL_DIR"]) if "renews" in m.get_body(("plain",)).get_content()]
    assert first["Subject"].startswith("Top up to keep") and first["Subject"].endswith("€14.00 missing")
    assert "save a card" in first.get_content()
    save_card(stocked_app, "ada@example.com")
    clock.advance(days=4, hours=12)
    jobs(stocked_app, clock.now())
    (second,) = [m for m in sent_messages(stocked_app.config["MAIL_DIR"]) if "saved card" in m["Subject"]]
    assert "€14.00 from your saved card" in second["Subject"]
    assert "Automatic top-up" in client.get("/billing").get_data(as_text=True)


def test_the_credits_page_starts_a_card_setup(customers, stocked_app):
    client = customers.signed_in()
    assert "Save a card for renewals" in client.get("/billing").get_data(as_text=True)
    page = client.post("/credits/card").get_data(as_text=True)
    assert 'id="card-setup-form"' in page and "_secret_" in page
    assert "could not be" in client.get("/credits/card/done?setup_intent=seti_nope",
                                              follow_redirects=True).get_data(as_text=True)
