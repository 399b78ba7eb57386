"""The one module that talks to Stripe (official SDK): turning our amounts into Stripe
calls, and verifying webhooks.

Cards arrive as Stripe.js tokens and are saved on the customer as sources, then charged
with PaymentIntents (3-D Secure handled by Stripe.js on the page). This flow works the
same against real Stripe and against localstripe in development and tests.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import stripe
from flask import Flask, current_app

from pricing import Money
from storefront.problems import PAYMENT_REQUIRED, UNAVAILABLE, StorefrontError


class PaymentError(StorefrontError):
    """A payment did not go through; `message` is for the customer."""

    kind = PAYMENT_REQUIRED
    title = "Payment failed"


class CardDeclined(PaymentError):
    title = "Card declined"


class StripeUnavailable(PaymentError):
    kind = UNAVAILABLE
    title = "Card processor unreachable"


def to_cents(amount: Money) -> int:
    """Stripe counts in the currency's smallest unit: €16.00 → 1600."""
    cents = amount.rounded_to_cents().amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractions of a cent")
    return int(cents)


def from_cents(cents: int, currency: str = "EUR") -> Money:
    return Money(Decimal(cents) / 100, currency.upper())


@dataclass(frozen=True)
class Charge:
    payment_intent_id: str
    status: str                # succeeded | requires_action | processing
    client_secret: str


def _client() -> stripe.StripeClient:
    return current_app.extensions["stripe"]


def _call(action):
    """Run one Stripe call, turning its failures into errors a customer can read."""
    try:
        return action()
    except stripe.CardError as error:
        raise CardDeclined(error.user_message or "Your card was declined.") from error
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise StripeUnavailable(
            "We couldn't reach our card processor. Please try again in a minute."
        ) from error
    except stripe.StripeError as error:
        raise PaymentError(
            "The card payment could not be made. Please try again."
        ) from error


def create_customer(email: str, user_id: int) -> str:
    customer = _call(lambda: _client().v1.customers.create(
        params={"email": email, "metadata": {"user_id": str(user_id)}},
        options={"idempotency_key": f"customer-{user_id}"},
    ))
    return customer.id


def save_card(customer_id: str, card_token: str) -> str:
    """Attach the card behind a Stripe.js token to the customer and make it the card their
    subscriptions renew with; raises CardDeclined."""
    card = _call(lambda: _client().v1.customers.payment_sources.create(
        customer_id, params={"source": card_token}
    ))
    _call(lambda: _client().v1.customers.update(customer_id, params={"default_source": card.id}))
    return card.id


def charge(customer_id: str, card_id: str, amount: Money, description: str, metadata: dict,
           idempotency_key: str) -> Charge:
    intent = _call(lambda: _client().v1.payment_intents.create(
        params={
            "amount": to_cents(amount),
            "currency": amount.currency.lower(),
            "customer": customer_id,
            "payment_method": card_id,
            "confirm": True,
            "metadata": {"description": description, **{key: str(value) for key, value in metadata.items()}},
        },
        options={"idempotency_key": idempotency_key},
    ))
    if intent.status not in ("succeeded", "requires_action", "processing"):
        raise CardDeclined("Your card was declined.")
    return Charge(intent.id, intent.status, intent.client_secret)


@dataclass(frozen=True)
class CardSetup:
    setup_intent_id: str
    status: str                # requires_payment_method | requires_action | succeeded | canceled
    client_secret: str
    payment_method_id: str | None
    customer_id: str | None = None


def _setup(intent) -> CardSetup:
    return CardSetup(intent.id, intent.status, intent.client_secret, getattr(intent, "payment_method", None),
                     getattr(intent, "customer", None))


def start_card_setup(customer_id: str, idempotency_key: str) -> CardSetup:
    """A SetupIntent to save a card for charges made while the customer is away (top-ups
    of renewals). Stripe.js confirms it on the page with its client secret."""
    return _setup(_call(lambda: _client().v1.setup_intents.create(
        params={"customer": customer_id, "usage": "off_session", "payment_method_types": ["card"]},
        options={"idempotency_key": idempotency_key},
    )))


def confirm_card_setup(setup_intent_id: str, card: dict) -> CardSetup:
    """Confirm the SetupIntent from the server with the card's details: the no-JavaScript
    path against localstripe (development, tests). With real Stripe the page confirms it
    with Stripe.js, so card numbers never reach our server."""
    return _setup(_call(lambda: _client().v1.setup_intents.confirm(
        setup_intent_id, params={"payment_method_data": {"type": "card", "card": card}})))


def card_setup(setup_intent_id: str) -> CardSetup:
    return _setup(_call(lambda: _client().v1.setup_intents.retrieve(setup_intent_id)))


def charge_off_session(customer_id: str, payment_method_id: str, amount: Money, metadata: dict,
                       idempotency_key: str) -> Charge:
    """Charge a saved card while the customer is away (an automatic top-up). Stripe may
    still ask for authentication: then the status is `requires_action` and nothing is taken."""
    params = {
        "amount": to_cents(amount),
        "currency": amount.currency.lower(),
        "customer": customer_id,
        "payment_method": payment_method_id,
        "confirm": True,
        "metadata": {key: str(value) for key, value in metadata.items()},
    }
    off_session = current_app.config.get("STRIPE_OFF_SESSION")
    if off_session is None:  # localstripe (an API base of our own) refuses the parameter: see README
        off_session = not current_app.config.get("STRIPE_API_BASE")
    if off_session:
        params["off_session"] = True
    intent = _call(lambda: _client().v1.payment_intents.create(params=params,
                                                               options={"idempotency_key": idempotency_key}))
    return Charge(intent.id, intent.status, intent.client_secret)


def payment_intent_status(payment_intent_id: str) -> str:
    return _call(lambda: _client().v1.payment_intents.retrieve(payment_intent_id)).status


def subscribe_monthly(customer_id: str, monthly_fee: Money, product_name: str, first_renewal: datetime,
                      metadata: dict, idempotency_key: str) -> str:
    """A monthly subscription whose first invoice is on `first_renewal` (the 1st), with
    Stripe's own proration off: the prorated first month is charged by us (rule 5)."""
    plan = _call(lambda: _client().v1.plans.create(
        params={"amount": to_cents(monthly_fee), "currency": monthly_fee.currency.lower(),
                "interval": "month", "product": {"name": product_name}},
        options={"idempotency_key": f"{idempotency_key}-plan"},
    ))
    subscription = _call(lambda: _client().v1.subscriptions.create(
        params={
            "customer": customer_id,
            "items": [{"plan": plan.id}],
            # A trial ending on the 1st anchors the billing cycle there.
            "trial_end": int(first_renewal.timestamp()),
            "proration_behavior": "none",
            "metadata": {key: str(value) for key, value in metadata.items()},
        },
        options={"idempotency_key": idempotency_key},
    ))
    return subscription.id


def metadata(stripe_object) -> dict:
    """A Stripe object's metadata as a plain dict (empty when it has none)."""
    found = getattr(stripe_object, "metadata", None)
    return found.to_dict() if hasattr(found, "to_dict") else dict(found or {})


def find_payment(customer_id: str, payment_id: int) -> Charge | None:
    """The payment intent charged to this customer for our card payment `payment_id`, if
    Stripe made one: how we learn the outcome of a charge whose answer never reached us."""
    charges = _call(lambda: _client().v1.charges.list(params={"customer": customer_id, "limit": 100})).data
    for intent_id in dict.fromkeys(charge.payment_intent for charge in charges if charge.payment_intent):
        intent = _call(lambda intent_id=intent_id: _client().v1.payment_intents.retrieve(intent_id))
        if metadata(intent).get("payment_id") == str(payment_id):
            return Charge(intent.id, intent.status, intent.client_secret)
    return None


def live_subscriptions(customer_id: str, rental_id: int) -> list[str]:
    """This customer's subscriptions not cancelled that were made for our rental `rental_id`."""
    subscriptions = _call(lambda: _client().v1.subscriptions.list(params={"customer": customer_id})).data
    return [subscription.id for subscription in subscriptions
            if metadata(subscription).get("rental_id") == str(rental_id)
            and subscription.status not in ("canceled", "incomplete_expired")]


def cancel_subscription(subscription_id: str) -> None:
    _call(lambda: _client().v1.subscriptions.cancel(subscription_id))


def verify_webhook(payload: bytes, signature: str | None):
    """The event, if the payload is signed with our webhook secret; else ValueError."""
    try:
        return stripe.Webhook.construct_event(payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise ValueError("bad webhook signature or payload") from error


def init_app(app: Flask) -> None:
    base = app.config.get("STRIPE_API_BASE")
    options = {"base_addresses": {"api": base}} if base else {}
    app.extensions["stripe"] = stripe.StripeClient(app.config["STRIPE_SECRET_KEY"], max_network_retries=1, **options)
