"""Card top-ups through Stripe (localstripe here) and the webhook that books them once."""
from datetime import datetime, timedelta, timezone

import pytest
import stripe

from hardware.allocation import allocate
from storefront import db
from storefront.models import CardPayment, Rental
from storefront.services import payments
from tests.storefront.helpers import balance, card_token, post_event, started_top_up


def test_a_card_top_up_is_charged_in_exact_cents_and_booked_only_by_the_webhook(app, customer, localstripe):
    payment_id, intent_id, charge = started_top_up(app, customer, "25.50", card_token(localstripe))
    assert charge.status == "succeeded" and intent_id.startswith("pi_")
    assert balance(app, customer) == "0.00"  # not yet: Stripe's word comes by webhook

    client = app.test_client()
    event = {"id": intent_id, "object": "payment_intent", "amount": 2550, "currency": "eur", "status": "succeeded"}
    assert post_event(client, "payment_intent.succeeded", event).get_json() == {"received": True, "replay": False}
    assert balance(app, customer) == "25.50"

    replay = post_event(client, "payment_intent.succeeded", event)
    assert replay.status_code == 200 and replay.get_json()["replay"] is True
    duplicate = post_event(client, "payment_intent.succeeded", event, event_id="evt_2")
    assert duplicate.status_code == 200
    assert balance(app, customer) == "25.50"
    with app.app_context():
        assert db.session().get(CardPayment, payment_id).status == "succeeded"


def test_a_declined_card_says_so_and_books_nothing(app, customer, localstripe):
    payment_id, intent_id, charge = started_top_up(app, customer, "25.00", card_token(localstripe, "4000000000000002"))
    assert charge is None and intent_id is None
    with app.app_context():
        payment = db.session().get(CardPayment, payment_id)
        assert payment.status == "failed" and "declined" in payment.failure_message
    assert balance(app, customer) == "0.00"


def test_a_badly_signed_webhook_is_refused_and_changes_nothing(app, customer, localstripe):
    _, intent_id, _ = started_top_up(app, customer, "25.00", card_token(localstripe))
    event = {"id": intent_id, "object": "payment_intent", "amount": 2500, "currency": "eur"}
    response = post_event(app.test_client(), "payment_intent.succeeded", event, secret="whsec_forged")
    assert response.status_code == 400
    assert balance(app, customer) == "0.00"


def test_stripe_unreachable_charges_nothing(app, customer):
    app.extensions["stripe"] = stripe.StripeClient(
        "sk_test_suite", base_addresses={"api": "http://127.0.0.1:9"}, max_network_retries=0)
    payment_id, _, charge = started_top_up(app, customer, "25.00", "tok_whatever")
    assert charge is None
    with app.app_context():
        assert "couldn't reach" in db.session().get(CardPayment, payment_id).failure_message


@pytest.mark.parametrize("amount, message", [("2", "between €5.00 and €1000.00"), ("lots", "amount in euros"),
                                             ("10.001", "to the cent")])
def test_top_up_amounts_are_checked(amount, message):
    with pytest.raises(payments.PaymentError, match=message):
        payments.parse_top_up_amount(amount)


def test_the_top_up_page_refuses_a_bad_amount_on_the_page(app, customer):
    client = app.test_client()
    client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    response = client.post("/payments/top-up", data={"amount": "2"})
    assert response.status_code == 422 and "between €5.00 and €1000.00" in response.get_data(as_text=True)


@pytest.fixture
def subscription_rental(stocked_app, customer):
    with stocked_app.app_context():
        session = db.session()
        with db.transaction(session):
            number = allocate(session, "US", "short")
            rental = Rental(user_id=customer.id, number_id=number.id, country_code="US", kind="short",
                            pricing_model="subscription", months=1, status="active", auto_renew=True,
                            paid_through=datetime(2026, 12, 1, tzinfo=timezone.utc), charged_total=1,
                            purchase_key="test-sub", stripe_subscription_id="sub_test")
            session.add(rental)
        return rental.id


def rental(app, rental_id) -> Rental:
    with app.app_context():
        return db.session().get(Rental, rental_id)


def invoice(period_end: datetime) -> dict:
    return {"id": "in_1", "object": "invoice", "subscription": "sub_test",
            "lines": {"object": "list", "data": [{"period": {"start": 0, "end": int(period_end.timestamp())}}]}}


def test_invoice_paid_pays_the_rental_through_the_next_month_once(stocked_app, subscription_rental):
    client = stocked_app.test_client()
    next_period_end = datetime(2027, 1, 1, tzinfo=timezone.utc)
    post_event(client, "invoice.paid", invoice(next_period_end), event_id="evt_inv")
    assert rental(stocked_app, subscription_rental).paid_through == next_period_end
    post_event(client, "invoice.paid", invoice(next_period_end + timedelta(days=31)), event_id="evt_inv")
    assert rental(stocked_app, subscription_rental).paid_through == next_period_end


def test_a_failed_renewal_makes_the_rental_past_due_and_tells_the_customer(stocked_app, subscription_rental):
    from storefront.jobs import run_jobs
    from storefront.mail import sent_messages

    post_event(stocked_app.test_client(), "invoice.payment_failed", invoice(datetime.now(timezone.utc)))
    post_event(stocked_app.test_client(), "invoice.payment_failed", invoice(datetime.now(timezone.utc)),
               event_id="evt_again")
    assert rental(stocked_app, subscription_rental).status == "past_due"
    with stocked_app.app_context():
        run_jobs(db.session(), datetime.now(timezone.utc))
    (notice,) = sent_messages(stocked_app.config["MAIL_DIR"])
    assert notice["To"] == "ada@example.com" and notice["Subject"].startswith("Payment failed for +1")


def test_a_deleted_subscription_ends_the_rental_at_period_end(stocked_app, subscription_rental):
    post_event(stocked_app.test_client(), "customer.subscription.deleted", {"id": "sub_test", "object": "subscription"})
    ended = rental(stocked_app, subscription_rental)
    assert ended.auto_renew is False and ended.ended_at == ended.paid_through
