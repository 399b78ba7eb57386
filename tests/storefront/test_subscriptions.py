"""Short-term monthly subscriptions: first charge = setup fee + prorated month, by card;
renewals on the 1st by Stripe; and nothing half-made when the card or Stripe says no."""
import json
import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import stripe
from sqlalchemy import func, select

from hardware.models import PhoneNumber
from storefront import db
from storefront.cli import DEMO_CATALOG
from storefront.models import CardPayment, Rental, User
from storefront.services import subscriptions
from storefront.services.quote_tokens import issue_token, read_token
from storefront.services.quotes import QuoteRequest, quote_for
from storefront.services.catalog import current_catalog
from tests.storefront.helpers import (FRANCE, card_token, checkout_token, expected_first_charge, first_number_id, page,
                                      post_event)

MID_MONTH = datetime.now(timezone.utc).replace(day=17, hour=10, minute=0, second=0, microsecond=0)
def subscription_checkout(app, user_email: str, when: datetime, country: str = "FR") -> tuple[CardPayment, str]:
    """What the review page hands the customer: a signed quote for a subscription started `when`."""
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == user_email))
        request = QuoteRequest(country, "short", billing="subscription", start=when.date())
        quote = quote_for(current_catalog(session), request)
        number_id = session.scalar(select(PhoneNumber.id).where(PhoneNumber.country_code == country,
                                                                PhoneNumber.kind == "short",
                                                                PhoneNumber.state == "available").limit(1))
        token = issue_token(app.config["SECRET_KEY"], request, quote, number_id)
        checkout = read_token(app.config["SECRET_KEY"], token)
        payment = subscriptions.start_subscription(session, user, checkout, token, now=when)
        return payment, token


def pay(app, payment_id: int, user_email: str, token: str, when: datetime):
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == user_email))
        payment = session.get(CardPayment, payment_id)
        charge = subscriptions.pay_subscription(session, user, payment, token, app.config["SECRET_KEY"], now=when)
        return charge, payment.status, payment.failure_message, payment.rental_id


def rentals_and_held_numbers(app) -> tuple[int, int]:
    with app.app_context():
        session = db.session()
        return (session.scalar(select(func.count()).select_from(Rental)),
                session.scalar(select(func.count()).select_from(PhoneNumber).where(PhoneNumber.state != "available")))


@pytest.fixture
def subscriber(customers):
    customers.signed_in("sub@example.com")
    return "sub@example.com"


def test_mid_month_the_card_pays_setup_fee_and_prorated_month_and_stripe_renews_on_the_1st(
    stocked_app, subscriber, localstripe
):
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    assert payment.amount.amount == expected_first_charge(FRANCE, MID_MONTH.date())

    charge, status, _, rental_id = pay(stocked_app, payment.id, subscriber, card_token(localstripe), MID_MONTH)
    assert status == "succeeded"
    client = stripe.StripeClient("sk_test_suite", base_addresses={"api": localstripe.base_url})
    intent = client.v1.payment_intents.retrieve(charge.payment_intent_id)
    assert Decimal(intent.amount) / 100 == expected_first_charge(FRANCE, MID_MONTH.date())

    with stocked_app.app_context():
        rental = db.session().get(Rental, rental_id)
        first_of_next_month = datetime(MID_MONTH.year + MID_MONTH.month // 12, MID_MONTH.month % 12 + 1, 1,
                                       tzinfo=timezone.utc)
        assert (rental.status, rental.pricing_model, rental.number.state) == ("active", "subscription", "rented")
        assert rental.paid_through == first_of_next_month
        subscription = client.v1.subscriptions.retrieve(rental.stripe_subscription_id)
    assert subscription.trial_end == int(first_of_next_month.timestamp())
    assert subscription.plan.amount == int(Decimal(FRANCE["short_term_monthly"]) * 100)


def test_on_the_1st_the_first_charge_is_a_full_month(stocked_app, subscriber, localstripe):
    first = MID_MONTH.replace(day=1)
    payment, _ = subscription_checkout(stocked_app, subscriber, first)
    assert payment.amount.amount == Decimal(FRANCE["setup_fee"]) + Decimal(FRANCE["short_term_monthly"])


def test_a_declined_card_rents_nothing_and_frees_the_number(stocked_app, subscriber, localstripe):
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    declined = card_token(localstripe, "4000000000000002")
    charge, status, message, rental_id = pay(stocked_app, payment.id, subscriber, declined, MID_MONTH)
    assert (charge, status, rental_id) == (None, "failed", None)
    assert "declined" in message
    assert rentals_and_held_numbers(stocked_app) == (0, 0)


def test_a_card_that_fails_after_the_subscription_was_made_cancels_it(stocked_app, subscriber, localstripe):
    # 4000000000000341 attaches fine but every charge to it fails.
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    charge, status, _, _ = pay(stocked_app, payment.id, subscriber, card_token(localstripe, "4000000000000341"),
                               MID_MONTH)
    assert (charge, status) == (None, "failed")
    assert rentals_and_held_numbers(stocked_app) == (0, 0)
    client = stripe.StripeClient("sk_test_suite", base_addresses={"api": localstripe.base_url})
    with stocked_app.app_context():
        user = db.session().scalar(select(User).where(User.email == subscriber))
        from storefront.models import StripeCustomer

        customer_id = db.session().get(StripeCustomer, user.id).customer_id
    live = client.v1.subscriptions.list(params={"customer": customer_id}).data
    assert all(subscription.status == "canceled" for subscription in live)


def test_stripe_unreachable_charges_nothing_and_rents_nothing(stocked_app, subscriber):
    stocked_app.extensions["stripe"] = stripe.StripeClient(
        "sk_test_suite", base_addresses={"api": "http://127.0.0.1:9"}, max_network_retries=0)
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    _, status, message, _ = pay(stocked_app, payment.id, subscriber, "tok_whatever", MID_MONTH)
    assert status == "failed" and "couldn't reach" in message
    assert rentals_and_held_numbers(stocked_app) == (0, 0)


def test_the_number_taken_before_the_card_is_charged_charges_nothing(stocked_app, subscriber, localstripe):
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    with stocked_app.app_context():
        session = db.session()
        from hardware.allocation import allocate

        chosen = read_token(stocked_app.config["SECRET_KEY"], payment.checkout_token).number_id
        with db.transaction(session):
            allocate(session, "FR", "short", chosen)
    _, status, message, _ = pay(stocked_app, payment.id, subscriber, card_token(localstripe), MID_MONTH)
    assert status == "failed" and "taken" in message
    with stocked_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Rental)) == 0


def test_a_price_change_before_paying_charges_nothing(stocked_app, subscriber, localstripe, tmp_path):
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    document = json.loads(DEMO_CATALOG.read_text())
    next(c for c in document["countries"] if c["code"] == "FR")["setup_fee"] = "4.00"
    (tmp_path / "catalog.json").write_text(json.dumps(document))
    stocked_app.test_cli_runner().invoke(args=["catalog", "import", str(tmp_path / "catalog.json")])
    _, status, message, _ = pay(stocked_app, payment.id, subscriber, card_token(localstripe), MID_MONTH)
    assert status == "failed" and "The price changed" in message
    assert rentals_and_held_numbers(stocked_app) == (0, 0)


def test_a_checkout_submitted_twice_makes_one_card_payment(customers, stocked_app):
    client = customers.signed_in("twice@example.com")
    number = first_number_id(client, "country=FR&kind=short&billing=subscription")
    token = checkout_token(client, f"country=FR&kind=short&billing=subscription&number={number}")
    first = client.post("/buy/checkout", data={"token": token})
    second = client.post("/buy/checkout", data={"token": token})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    card_page = page(client.get(first.headers["Location"]))
    assert "on the 1st of each month" in card_page
    with stocked_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(CardPayment)) == 1


def test_a_replayed_payment_webhook_changes_nothing(stocked_app, subscriber, localstripe):
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    charge, _, _, rental_id = pay(stocked_app, payment.id, subscriber, card_token(localstripe), MID_MONTH)
    event = {"id": charge.payment_intent_id, "object": "payment_intent", "amount": 1, "currency": "eur"}
    client = stocked_app.test_client()
    for event_id in ("evt_a", "evt_a", "evt_b"):
        assert post_event(client, "payment_intent.succeeded", event, event_id=event_id).status_code == 200
    with stocked_app.app_context():
        rental = db.session().get(Rental, rental_id)
        assert rental.status == "active" and rental.number.state == "rented"
        assert db.session().scalar(select(func.count()).select_from(Rental)) == 1


def test_a_first_charge_failing_after_3d_secure_undoes_the_rental(stocked_app, subscriber, localstripe):
    payment, _ = subscription_checkout(stocked_app, subscriber, MID_MONTH)
    # 4000002760003184 asks the bank for 3-D Secure: the rental waits, pending.
    charge, status, _, rental_id = pay(stocked_app, payment.id, subscriber,
                                       card_token(localstripe, "4000002760003184"), MID_MONTH)
    assert (charge.status, status) == ("requires_action", "processing")
    with stocked_app.app_context():
        assert db.session().get(Rental, rental_id).status == "pending_payment"
    event = {"id": charge.payment_intent_id, "object": "payment_intent",
             "last_payment_error": {"message": "The bank did not confirm the payment."}}
    post_event(stocked_app.test_client(), "payment_intent.payment_failed", event, event_id="evt_3ds")
    assert rentals_and_held_numbers(stocked_app) == (0, 0)
    with stocked_app.app_context():
        failed = db.session().get(CardPayment, payment.id)
        assert failed.status == "failed" and failed.failure_message == "The bank did not confirm the payment."


def test_the_review_page_offers_the_card_for_a_subscription(customers):
    client = customers.signed_in("look@example.com")
    number = first_number_id(client, "country=FR&kind=short&billing=subscription")
    html = page(client.get(f"/buy/review?country=FR&kind=short&billing=subscription&number={number}"))
    assert re.search(r"Continue to card payment", html)
    assert "on the 1st of each month until you give the number back" in html
