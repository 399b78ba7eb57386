"""Finding 6: five parallel posts of one card top-up charge the card once and credit once
(the payment is claimed with a conditional UPDATE before Stripe is called). Runs on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL, with real threads on one app."""
import threading
import time

from storefront import stripe_gateway
from storefront.models import CardPayment
from storefront import db
from tests.storefront.helpers import balance, card_token, post_event, started_top_up


def test_five_parallel_card_posts_make_one_charge_and_one_credit(app, customer, localstripe, monkeypatch):
    payment_id, _, _ = started_top_up(app, customer, "25.00")
    tokens = [card_token(localstripe) for _ in range(5)]
    charges = []
    real_save_card, real_charge = stripe_gateway.save_card, stripe_gateway.charge

    def slow_save_card(*args, **kwargs):
        time.sleep(0.3)  # Stripe is not instant: every racing request is inside by now
        return real_save_card(*args, **kwargs)

    def counted_charge(*args, **kwargs):
        made = real_charge(*args, **kwargs)
        charges.append(made)
        return made

    monkeypatch.setattr(stripe_gateway, "save_card", slow_save_card)
    monkeypatch.setattr(stripe_gateway, "charge", counted_charge)
    clients = []
    for _ in tokens:
        client = app.test_client()
        client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})
        clients.append(client)
    start = threading.Barrier(len(tokens))
    answers = []

    def pay(client, token):
        start.wait()
        answers.append(client.post(f"/payments/{payment_id}/card", data={"card_token": token}).status_code)

    threads = [threading.Thread(target=pay, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302] * 5  # every post is answered with the payment's page
    assert len(charges) == 1
    intent_id = charges[0].payment_intent_id
    event = {"id": intent_id, "object": "payment_intent", "amount": 2500, "currency": "eur", "status": "succeeded"}
    post_event(app.test_client(), "payment_intent.succeeded", event)
    assert balance(app, customer) == "25.00"
    with app.app_context():
        assert db.session().get(CardPayment, payment_id).status == "succeeded"
