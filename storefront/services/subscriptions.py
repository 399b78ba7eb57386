"""Short-term monthly subscriptions: the first charge (setup fee + prorated first month,
from `pricing`) is taken by us at purchase; Stripe renews the full fee on each 1st.

Order of work, so that a failure anywhere leaves no half-made rental and no charge
without a rental: hold the number and a pending rental → save the card → create the
subscription (first invoice on the 1st) → charge the first amount. If a step fails, the
steps before it are undone: subscription cancelled, number released, rental deleted.
"""
import logging
from datetime import datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hardware import lifecycle
from hardware.allocation import allocate, claim_cooling_off
from hardware.errors import OutOfStock
from pricing import first_renewal
from storefront import clock
from storefront.db import transaction
from storefront.models import CardPayment, Rental, User
from storefront.models import payments as payment_states
from storefront.models import rentals as rental_states
from storefront import stripe_gateway
from storefront.stripe_gateway import PaymentError, StripeUnavailable
from storefront.services.confirmations import queue_purchase_confirmation
from storefront.services import credits, offers
from storefront.services.accounts import require_verified
from storefront.services.catalog import current_catalog
from storefront.services.customers import customer_id_for
from storefront.services.quote_tokens import Checkout, QuoteChanged, QuoteExpired, confirm_quote, read_token

log = logging.getLogger(__name__)

UNCONFIRMED_MESSAGE = ("We lost contact with our card processor while taking your payment, so we "
                       "can't tell yet whether it went through. We're holding your number and will "
                       "settle it within minutes: either you get the number and are charged once, "
                       "or nothing is charged.")


def start_subscription(session: Session, user: User, checkout: Checkout, token: str,
                       now: datetime | None = None) -> CardPayment:
    """The card payment for a subscription checkout (read from its signed `token` by the
    caller, once); the same checkout gives the same payment.

    Raises QuoteChanged when the price moved since the customer saw it.
    """
    require_verified(user)
    earlier = session.scalar(select(CardPayment).where(CardPayment.checkout_key == checkout.key))
    if earlier is not None:
        return earlier
    quote = confirm_quote(current_catalog(session), checkout, (now or clock.now()).date())
    try:
        with transaction(session):
            payment = CardPayment(user_id=user.id, purpose=payment_states.SUBSCRIPTION_START,
                                  amount=quote.total, status=payment_states.STARTED,
                                  checkout_token=token, checkout_key=checkout.key)
            session.add(payment)
    except IntegrityError:
        return session.scalar(select(CardPayment).where(CardPayment.checkout_key == checkout.key))
    return payment


def _fail(session: Session, payment: CardPayment, message: str) -> None:
    with transaction(session):
        payment.status = payment_states.FAILED
        payment.failure_message = message


def pay_subscription(session: Session, user: User, payment: CardPayment, card_token: str, secret_key: str,
                     now: datetime | None = None) -> stripe_gateway.Charge | None:
    """Charge the first amount and start the subscription; None if it did not go through
    (the payment then says why, and nothing is charged or rented)."""
    from storefront.services.payments import claim_for_charging

    if not claim_for_charging(session, payment):
        return None
    now = now or clock.now()
    try:
        # Confirmed again on the day of paying: the prorated first month depends on that day.
        checkout = read_token(secret_key, payment.checkout_token)
        quote = confirm_quote(current_catalog(session), checkout, now.date())
    except (QuoteExpired, QuoteChanged) as error:
        _fail(session, payment, error.message)
        return None
    request = checkout.request
    renewal = datetime.combine(first_renewal(now.date()), time(), timezone.utc)
    try:
        with transaction(session):
            # A subscription number its former holder takes back (an offer from support) leaves
            # its cooling-off; any other comes from stock.
            if offers.reinstatement_for(session, user.id, checkout.number_id, now) is not None:
                number = claim_cooling_off(session, checkout.number_id)
            else:
                number = allocate(session, request.country, request.kind, checkout.number_id, to_state=lifecycle.HELD,
                                  holder=checkout.holder)
            rental = Rental(
                user_id=user.id, number_id=number.id, country_code=request.country, kind=request.kind,
                pricing_model=rental_states.SUBSCRIPTION, months=1, status=rental_states.PENDING_PAYMENT,
                auto_renew=True, started_at=now, paid_through=renewal, charged_total=quote.total,
                purchase_key=checkout.key,
            )
            session.add(rental)
            session.flush()
            payment.rental_id = rental.id
    except OutOfStock as error:
        _fail(session, payment, error.message)
        return None

    subscription_id = None
    may_have_charged = False  # once the subscription is asked for, a lost answer hides what Stripe did
    try:
        customer_id = customer_id_for(session, user)
        card_id = stripe_gateway.save_card(customer_id, card_token)
        may_have_charged = True
        monthly_fee = current_catalog(session).country(request.country).short_term_monthly
        subscription_id = stripe_gateway.subscribe_monthly(
            customer_id, monthly_fee, f"Phone number {number.e164}", renewal,
            {"rental_id": rental.id, "user_id": user.id}, idempotency_key=f"subscription-{rental.id}",
        )
        charge = stripe_gateway.charge(
            customer_id, card_id, quote.total, f"{number.e164}: setup fee and first month",
            {"purpose": payment_states.SUBSCRIPTION_START, "payment_id": payment.id, "rental_id": rental.id},
            idempotency_key=f"card-payment-{payment.id}",
        )
    except StripeUnavailable as error:
        if not may_have_charged:
            with transaction(session):
                undo_subscription_start(session, payment, subscription_id, error.message)
            return None
        # Stripe went away mid-call: it may have made the subscription or taken the money
        # without our hearing it. Keep the number held; `jobs run` asks Stripe and settles.
        with transaction(session):
            rental.stripe_subscription_id = subscription_id
            payment.status = payment_states.UNCONFIRMED
            payment.failure_message = UNCONFIRMED_MESSAGE
        return None
    except PaymentError as error:
        with transaction(session):
            undo_subscription_start(session, payment, subscription_id, error.message)
        return None
    with transaction(session):
        payment.payment_intent_id = charge.payment_intent_id
        rental.stripe_subscription_id = subscription_id
        if charge.status == "succeeded":
            activate(session, payment, now)
        else:
            payment.status = payment_states.PROCESSING
    return charge


def activate(session: Session, payment: CardPayment, now: datetime) -> None:
    """The first charge went through: the rental starts (once, however often we hear it)."""
    rental = session.get(Rental, payment.rental_id)
    payment.status = payment_states.SUCCEEDED
    if rental is not None and rental.status == rental_states.PENDING_PAYMENT:
        rental.status = rental_states.ACTIVE
        lifecycle.move(session, rental.number, lifecycle.RENTED, now, "subscription started")
        # The first card charge: in the history and invoiced; the purchase confirmation (with
        # the invoice's link) is its e-mail (once: the keys are the payment's and the rental's).
        credits.record_card_charge(session, payment.user_id, payment.amount, f"card-charge:payment-{payment.id}",
                                   f"{rental.number.e164}: setup fee and first month of the subscription",
                                   reference=rental.number.e164, notify=False)
        queue_purchase_confirmation(session, rental)


def undo_subscription_start(session: Session, payment: CardPayment, subscription_id: str | None,
                            message: str) -> None:
    """The first charge failed: cancel what was started, free the number, forget the rental.

    Runs inside the caller's transaction.
    """
    if subscription_id:
        try:
            stripe_gateway.cancel_subscription(subscription_id)
        except PaymentError:
            # Still in its free period until the 1st: operations must cancel it by hand.
            log.error("could not cancel subscription %s after a failed first charge", subscription_id)
    rental = session.get(Rental, payment.rental_id) if payment.rental_id else None
    if rental is not None and rental.status == rental_states.PENDING_PAYMENT:
        now = clock.now()
        taking_back = offers.reinstatement_for(session, rental.user_id, rental.number_id, now)
        if taking_back is not None and taking_back.cooling_off_until and taking_back.cooling_off_until > now:
            # Its former holder's payment failed: the number waits for them as before.
            lifecycle.start_cooling_off(session, rental.number, now, taking_back.cooling_off_until - now,
                                        reason="first payment failed")
        else:
            lifecycle.move(session, rental.number, lifecycle.AVAILABLE, now, "first payment failed")
        payment.rental_id = None
        session.flush()
        session.delete(rental)
    payment.status = payment_states.FAILED
    payment.failure_message = message
