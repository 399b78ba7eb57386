"""Stripe's answer to a charge lost on the way back: the payment waits as unconfirmed and
is settled from what Stripe actually did (the webhook, or `jobs run` asking Stripe)."""
from storefront import db
from storefront.models import CardPayment
from storefront import stripe_gateway
from storefront.services import payments
from tests.storefront.helpers import balance, card_token, post_event, started_top_up

LOST = "We couldn't reach our card processor. Please try again in a minute."


def lose_the_answer(monkeypatch, charge_first: bool):
    real_charge = stripe_gateway.charge

    def charge(*args, **kwargs):
        if charge_first:
            real_charge(*args, **kwargs)
        raise stripe_gateway.StripeUnavailable(LOST)

    monkeypatch.setattr(stripe_gateway, "charge", charge)


def status(app, payment_id) -> tuple[str, str | None]:
    with app.app_context():
        payment = db.session().get(CardPayment, payment_id)
        return payment.status, payment.failure_message


def test_a_charge_made_but_unheard_of_is_booked_once_by_the_jobs(app, customer, localstripe, monkeypatch):
    lose_the_answer(monkeypatch, charge_first=True)
    payment_id, _, charge = started_top_up(app, customer, "25.00", card_token(localstripe))
    assert charge is None
    state, message = status(app, payment_id)
    assert state == "unconfirmed" and "can't tell yet" in message
    assert balance(app, customer) == "0.00"
    with app.app_context():
        assert payments.settle_unconfirmed(db.session()) == 1
        assert payments.settle_unconfirmed(db.session()) == 0
    assert status(app, payment_id) == ("succeeded", None)
    assert balance(app, customer) == "25.00"


def test_the_webhook_finds_an_unconfirmed_payment_by_its_metadata(app, customer, localstripe, monkeypatch):
    lose_the_answer(monkeypatch, charge_first=False)
    payment_id, _, _ = started_top_up(app, customer, "25.00", card_token(localstripe))
    intent = {"id": "pi_lost", "object": "payment_intent", "amount": 2500, "currency": "eur",
              "metadata": {"payment_id": str(payment_id), "purpose": "top_up"}}
    assert post_event(app.test_client(), "payment_intent.succeeded", intent, "evt_lost").status_code == 200
    assert status(app, payment_id)[0] == "succeeded"
    assert balance(app, customer) == "25.00"


def test_a_charge_stripe_never_made_fails_with_nothing_charged(app, customer, localstripe, monkeypatch):
    lose_the_answer(monkeypatch, charge_first=False)
    payment_id, _, _ = started_top_up(app, customer, "25.00", card_token(localstripe))
    assert status(app, payment_id)[0] == "unconfirmed"
    with app.app_context():
        assert payments.settle_unconfirmed(db.session()) == 1
    state, message = status(app, payment_id)
    assert state == "failed" and "couldn't reach" in message
    assert balance(app, customer) == "0.00"
