"""Card payments: credit top-ups, and Stripe's webhook events (SPEC §7).

Credits are booked only when Stripe says the payment succeeded (the webhook), exactly
once: each event id is recorded, and the ledger entry's key is the PaymentIntent's id.
"""
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pricing import Money
from storefront import clock
from storefront.db import transaction
from storefront.models import CardPayment, ProcessedStripeEvent, Rental, StripeCustomer, User
from storefront.models import credits as ledger_kinds
from storefront.models import payments as payment_states
from storefront.models import rentals as rental_states
from storefront import stripe_gateway
from storefront.stripe_gateway import PaymentError
from storefront.services import credits, notifications, outbox, subscriptions
from storefront.services.accounts import require_verified
from storefront.services.customers import customer_id_for

log = logging.getLogger(__name__)

# A claim older than this whose request never finished (the worker died) is settled by `jobs run`.
CHARGING_GIVEN_UP_AFTER = timedelta(minutes=15)

MIN_TOP_UP = Money.eur("5.00")
MAX_TOP_UP = Money.eur("1000.00")


def parse_top_up_amount(raw: str | None) -> Money:
    try:
        amount = Money.eur((raw or "").strip().replace(",", "."))
    except (ValueError, InvalidOperation) as error:
        raise PaymentError(f"Please enter an amount in euros, like 25 or 25.50 (not “{raw}”).") from error
    if amount.amount != amount.amount.quantize(Decimal("0.01")):
        raise PaymentError("Please enter the amount to the cent at most.")
    if not MIN_TOP_UP <= amount <= MAX_TOP_UP:
        raise PaymentError(f"Top-ups are between {MIN_TOP_UP} and {MAX_TOP_UP}.")
    return amount.rounded_to_cents()


def start_top_up(session: Session, user: User, amount: Money, return_to: str | None = None) -> CardPayment:
    require_verified(user)
    with transaction(session):
        payment = CardPayment(user_id=user.id, purpose=payment_states.TOP_UP, amount=amount,
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
    if not claim_for_charging(session, payment):
        return None
    may_have_charged = False
    try:
        customer_id = customer_id_for(session, user)
        card_id = stripe_gateway.save_card(customer_id, card_token)
        may_have_charged = True
        charge = stripe_gateway.charge(
            customer_id, card_id, payment.amount, "Credit top-up",
            {"purpose": payment_states.TOP_UP, "payment_id": payment.id, "user_id": user.id},
            idempotency_key=f"card-payment-{payment.id}",
        )
    except PaymentError as error:
        with transaction(session):
            if may_have_charged and isinstance(error, stripe_gateway.StripeUnavailable):
                # The answer to the charge was lost: settled by the webhook or `jobs run`.
                payment.status = payment_states.UNCONFIRMED
                payment.failure_message = TOP_UP_UNCONFIRMED
            else:
                payment.status = payment_states.FAILED
                payment.failure_message = error.message
        return None
    with transaction(session):
        payment.payment_intent_id = charge.payment_intent_id
        payment.status = payment_states.PROCESSING
    return charge


def claim_for_charging(session: Session, payment: CardPayment) -> bool:
    """Move a started payment to `charging` with one conditional UPDATE, committed before any
    call to Stripe: of parallel posts for one payment exactly one gets True and charges."""
    with transaction(session):
        claimed = session.execute(
            update(CardPayment).where(CardPayment.id == payment.id, CardPayment.status == payment_states.STARTED)
            .values(status=payment_states.CHARGING)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
    session.refresh(payment)
    return claimed


TOP_UP_UNCONFIRMED = ("We lost contact with our card processor while taking your payment, so we can't "
                      "tell yet whether it went through. If it did, your credits appear within minutes; "
                      "if not, nothing is charged.")


def settle_unconfirmed(session: Session, now: datetime | None = None) -> int:
    """Settle the card payments whose outcome Stripe's lost answer didn't tell us.

    For each, ask Stripe whether it charged the card for it: if so, the top-up is booked or
    the number's rental starts (as the webhook would have); if not, anything begun for it
    (a subscription) is cancelled, the held number goes back and the payment fails, with
    nothing charged. A payment Stripe still can't be asked about waits for the next run.
    Returns how many were settled.
    """
    now = now or clock.now()
    settled = 0
    # A payment left `charging` by a worker that died mid-call is as unknown as an unconfirmed one.
    stuck = now - CHARGING_GIVEN_UP_AFTER
    waiting = session.scalars(select(CardPayment).where(
        (CardPayment.status == payment_states.UNCONFIRMED)
        | ((CardPayment.status == payment_states.CHARGING) & (CardPayment.created_at < stuck))
    ).order_by(CardPayment.id)).all()
    for payment in waiting:
        customer = session.get(StripeCustomer, payment.user_id)
        rental = session.get(Rental, payment.rental_id) if payment.rental_id else None
        try:
            charge = stripe_gateway.find_payment(customer.customer_id, payment.id) if customer else None
            subscriptions_made = (stripe_gateway.live_subscriptions(customer.customer_id, rental.id)
                                  if customer and rental else [])
            charged = charge is not None and charge.status in ("succeeded", "processing")
            if not charged:
                for subscription_id in subscriptions_made:
                    stripe_gateway.cancel_subscription(subscription_id)
        except PaymentError:
            if payment.created_at > now - UNCONFIRMED_GIVEN_UP_AFTER:
                log.warning("card payment %s still unconfirmed: Stripe unreachable", payment.id)
                continue
            # Stripe has kept erroring for too long: stop holding the number (or the top-up),
            # and have a person check Stripe's dashboard for a charge to refund.
            with transaction(session):
                _give_up(session, payment, rental)
            settled += 1
            continue
        with transaction(session):
            if charged:
                _settle_charged(session, payment, rental, charge, subscriptions_made, now)
            elif payment.purpose == payment_states.SUBSCRIPTION_START:
                subscriptions.undo_subscription_start(session, payment, None, NOT_CHARGED)
            else:
                payment.status = payment_states.FAILED
                payment.failure_message = NOT_CHARGED
        settled += 1
    return settled


# How long a payment may stay unconfirmed while Stripe keeps answering with errors.
UNCONFIRMED_GIVEN_UP_AFTER = timedelta(hours=24)
SUPPORT_ADDRESS = "support@numbers.example"
GAVE_UP = ("We couldn't confirm this payment with our card processor. Nothing more will happen with it; "
           "if your card was charged, our support team refunds it.")


def _give_up(session: Session, payment: CardPayment, rental: Rental | None) -> None:
    if payment.purpose == payment_states.SUBSCRIPTION_START:
        subscriptions.undo_subscription_start(session, payment, rental.stripe_subscription_id if rental else None,
                                              GAVE_UP)
    else:
        payment.status = payment_states.FAILED
        payment.failure_message = GAVE_UP
    user = session.get(User, payment.user_id)
    outbox.queue_email(
        session, SUPPORT_ADDRESS, f"Card payment {payment.id} given up: check Stripe",
        f"Card payment {payment.id} ({payment.purpose}, {payment.amount}) of {user.email if user else '?'} stayed "
        f"unconfirmed since {payment.created_at:%Y-%m-%d %H:%M} UTC because Stripe kept answering with errors.\n\n"
        "We gave it up: the number (if any) is free again and nothing was booked. Please look for a charge "
        f"with metadata payment_id={payment.id} in Stripe's dashboard and refund it if there is one.\n",
        key=f"payment-given-up:{payment.id}",
    )


NOT_CHARGED = "We couldn't reach our card processor to take your payment. Please try again."


def _settle_charged(session, payment, rental, charge, subscriptions_made, now) -> None:
    payment.payment_intent_id = charge.payment_intent_id
    payment.failure_message = None
    payment.status = payment_states.PROCESSING
    if rental is not None and subscriptions_made and not rental.stripe_subscription_id:
        rental.stripe_subscription_id = subscriptions_made[0]
    if charge.status != "succeeded":
        return  # the webhook finishes it
    if payment.purpose == payment_states.SUBSCRIPTION_START:
        subscriptions.activate(session, payment, now)
    else:
        _book_top_up(session, payment, charge.payment_intent_id, payment.amount)


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


def _payment_for_intent(session: Session, intent) -> CardPayment | None:
    payment = session.scalar(select(CardPayment).where(CardPayment.payment_intent_id == intent.id))
    if payment is not None:
        return payment
    # Our charge call's answer was lost (payment unconfirmed): the intent names the payment.
    payment_id = stripe_gateway.metadata(intent).get("payment_id")
    if payment_id and payment_id.isdigit():
        payment = session.get(CardPayment, int(payment_id))
        if payment is not None and payment.status in (payment_states.UNCONFIRMED, payment_states.CHARGING):
            payment.payment_intent_id = intent.id
            payment.failure_message = None
            payment.status = payment_states.PROCESSING
            return payment
    return None


def _payment_intent_succeeded(session: Session, intent) -> None:
    payment = _payment_for_intent(session, intent)
    if payment is None:
        return
    if payment.purpose == payment_states.SUBSCRIPTION_START:
        subscriptions.activate(session, payment, clock.now())
        return
    _book_top_up(session, payment, intent.id, stripe_gateway.from_cents(intent.amount, intent.currency))


def _book_top_up(session: Session, payment: CardPayment, intent_id: str, received: Money) -> None:
    # Once per intent (the entry's key), whether the webhook or `jobs run` hears of it first.
    credits.book(session, payment.user_id, received, ledger_kinds.TOP_UP, f"top-up:{intent_id}",
                 "Card top-up", reference=intent_id)
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
    paid = int(getattr(invoice, "amount_paid", 0) or 0)
    if paid > 0:
        # The card charge goes into the billing history with its invoice and e-mail.
        charged = stripe_gateway.from_cents(paid, getattr(invoice, "currency", "eur") or "eur")
        credits.record_card_charge(
            session, rental.user_id, charged, f"card-charge:{invoice.id}",
            f"{rental.number.e164}: monthly fee until {period_end:%-d %B %Y}", reference=rental.number.e164,
        )


def _invoice_payment_failed(session: Session, invoice) -> None:
    rental = _subscription_rental(session, getattr(invoice, "subscription", None))
    if rental is not None and rental.status == rental_states.ACTIVE:
        rental.status = rental_states.PAST_DUE
        notifications.account_event(session, rental.user, "subscription_failed", key=f"invoice-failed:{invoice.id}",
                                    number=rental.number.e164)


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
