"""Finding 17: a card payment left unconfirmed because Stripe keeps answering with errors is
given up after a bounded time (24 hours): nothing stays held, and support is told."""
from datetime import timedelta

from storefront import db, stripe_gateway
from storefront.mail import sent_messages
from storefront.models import CardPayment
from storefront.services import payments
from tests.storefront.helpers import card_token, started_top_up


def test_an_unconfirmable_payment_is_given_up_after_a_day_and_support_is_told(app, customer, localstripe,
                                                                             monkeypatch, clock):
    def unreachable(*args, **kwargs):
        raise stripe_gateway.StripeUnavailable("down")

    monkeypatch.setattr(stripe_gateway, "charge", unreachable)
    payment_id, _, _ = started_top_up(app, customer, "25.00", card_token(localstripe))
    monkeypatch.setattr(stripe_gateway, "find_payment", unreachable)
    with app.app_context():
        assert db.session().get(CardPayment, payment_id).status == "unconfirmed"
        assert payments.settle_unconfirmed(db.session(), clock.now() + timedelta(hours=1)) == 0
        assert db.session().get(CardPayment, payment_id).status == "unconfirmed"
        assert payments.settle_unconfirmed(db.session(), clock.now() + timedelta(hours=25)) == 1
        payment = db.session().get(CardPayment, payment_id)
        assert payment.status == "failed" and "support team refunds" in payment.failure_message
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    (mail,) = sent_messages(app.config["MAIL_DIR"])
    assert mail["To"] == payments.SUPPORT_ADDRESS and f"payment_id={payment_id}" in mail.get_content()
