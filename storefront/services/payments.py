"""Card payments: credit top-ups, and Stripe's webhook events (SPEC §7).

Credits are booked only when Stripe says the payment succeeded (the webhook), exactly
once: each event id is recorded, and the ledger entry's key is the PaymentIntent's id.
"""
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pricing import Money
from storefront.db import transaction
from storefront.models import CardPayment, ProcessedStripeEvent, Rental, User
from storefront.models import credits as ledger_kinds
from storefront.models import payments as payment_states
from storefront.models import rentals as rental_states
from storefront.payments import stripe_gateway
from storefront.payments.stripe_gateway import PaymentError
from storefront.services import credits, outbox, subscriptions
from storefront.services.customers import customer_id_for

MIN_TOP_UP = Money.of("5.00")
MAX_TOP_UP = Money.of("1000.00")


def parse_top_up_amount(raw: str | None) -> Money:
    try:
        amount = Money.of((raw or "").strip().replace(",", "."))
    except (ValueError, InvalidOperation) as error:
        raise PaymentError(f"Please enter an amount in euros, like 25 or 25.50 (not “{raw}”).") from error
    if amount.amount != amount.amount.quantize(Decimal("0.01")):
        raise PaymentError("Please enter the amount to the cent at most.")
    if not MIN_TOP_UP <= amount <= MAX_TOP_UP:
        raise PaymentError(f"Top-ups are between {MIN_TOP_UP} and {MAX_TOP_UP}.")
    return amount.rounded_to_cents()


def start_top_up(session: Session, user: User, amount: Money, return_to: str | None = None) -> CardPayment:
    with transaction(session):
        payment = CardPayment(user_id=user.id, purpose=payment_states.TOP_UP, amount=amount.amount,
                              status=payment_states.STARTED, return_to=return_to)
        session.add(payment)
    return payment


def payment_of(session: Session, user: User, payment_id: int) -> CardPayment | None:
    payment = session.get(CardPayment, payment_id)
    return payment if payment is not None and payment.user_id == user.id else None


def pay_top_up(session: Session, user: User, payment: CardPayment, card_token: str) -> stripe_gateway.Charge | None:
    """Charge the card for a started top-up. Credits follow when Stripe confirms (webhook).

    A declined card or an unreachable Stripe marks the attempt failed with the reason;
    nothing is booked.
    """
    if payment.status != payment_states.STARTED:
        return None
    try:
        customer_id = customer_id_for(session, user)
        card_id = stripe_gateway.save_card(customer_id, card_token)
        charge = stripe_gateway.charge(
            customer_id, card_id, Money(payment.amount), "Credit top-up",
            {"purpose": payment_states.TOP_UP, "payment_id": payment.id, "user_id": user.id},
            idempotency_key=f"card-payment-{payment.id}",
        )
    except PaymentError as error:
        with transaction(session):
            payment.status = payment_states.FAILED
            payment.failure_message = error.message
        return None
    with transaction(session):
        payment.payment_intent_id = charge.payment_intent_id
        payment.status = payment_states.PROCESSING
    return charge


def handle_event(session: Session, event) -> bool:
    """Apply one verified Stripe event; False if it was handled before (a replay)."""
    try:
        with transaction(session):
            session.add(ProcessedStripeEvent(event_id=event.id, type=event.type))
            session.flush()
            handler = HANDLERS.get(event.type)
            if handler is not None:
                handler(session, event.data.object)
    except IntegrityError:
        return False
    return True


def _payment_intent_succeeded(session: Session, intent) -> None:
    payment = session.scalar(select(CardPayment).where(CardPayment.payment_intent_id == intent.id))
    if payment is None:
        return
    if payment.purpose == payment_states.SUBSCRIPTION_START:
        subscriptions.activate(session, payment, datetime.now(timezone.utc))
        return
    received = stripe_gateway.from_cents(intent.amount, intent.currency)
    credits.book(session, payment.user_id, received, ledger_kinds.TOP_UP, f"top-up:{intent.id}",
                 "Card top-up", reference=intent.id)
    payment.status = payment_states.SUCCEEDED


def _payment_intent_failed(session: Session, intent) -> None:
    payment = session.scalar(select(CardPayment).where(CardPayment.payment_intent_id == intent.id))
    if payment is None or payment.status == payment_states.SUCCEEDED:
        return
    error = getattr(intent, "last_payment_error", None)
    message = (getattr(error, "message", None) if error else None) or "Your card was declined."
    if payment.purpose == payment_states.SUBSCRIPTION_START:
        rental = session.get(Rental, payment.rental_id) if payment.rental_id else None
        subscriptions.undo_subscription_start(session, payment, rental.stripe_subscription_id if rental else None,
                                              message)
        return
    payment.status = payment_states.FAILED
    payment.failure_message = message


def _subscription_rental(session: Session, subscription_id: str | None) -> Rental | None:
    if not subscription_id:
        return None
    return session.scalar(select(Rental).where(Rental.stripe_subscription_id == subscription_id))


def _invoice_paid(session: Session, invoice) -> None:
    """A renewal on the 1st: the rental is paid through the end of the invoiced period."""
    rental = _subscription_rental(session, getattr(invoice, "subscription", None))
    if rental is None:
        return
    period_end = datetime.fromtimestamp(invoice.lines.data[0].period.end, timezone.utc)
    rental.paid_through = max(rental.paid_through, period_end)
    rental.status = rental_states.ACTIVE


def _invoice_payment_failed(session: Session, invoice) -> None:
    rental = _subscription_rental(session, getattr(invoice, "subscription", None))
    if rental is not None and rental.status == rental_states.ACTIVE:
        rental.status = rental_states.PAST_DUE
        outbox.queue_email(
            session, rental.user.email, f"Payment failed for {rental.number.e164}",
            f"We couldn't charge your card for this month's fee of {rental.number.e164}.\n\n"
            "The number keeps working while our card processor tries again over the next days. "
            "Please check your card, or give the number back from My numbers if you no longer need it.\n",
            key=f"invoice-failed:{invoice.id}",
        )


def _subscription_deleted(session: Session, subscription) -> None:
    """The subscription is over: the rental runs to the end of what was paid, then ends."""
    rental = _subscription_rental(session, subscription.id)
    if rental is not None and rental.ended_at is None:
        rental.auto_renew = False
        rental.ended_at = rental.paid_through


HANDLERS = {
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_failed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "customer.subscription.deleted": _subscription_deleted,
}
