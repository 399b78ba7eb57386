"""Automatic top-up for renewals: a card saved with a Stripe SetupIntent is charged,
off-session, exactly what a long-term renewal lacks in credits, so the number renews
instead of ending. Only through storefront/stripe_gateway.py."""
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from pricing import Money
from storefront.db import transaction
from storefront.models import CardPayment, SavedCard, User
from storefront.models import credits as ledger_kinds
from storefront.models import payments as payment_states
from storefront.models import saved_cards as card_states
from storefront import stripe_gateway
from storefront.services import credits
from storefront.services.customers import customer_id_for
from storefront.stripe_gateway import PaymentError


def saved_card(session: Session, user_id: int) -> SavedCard | None:
    return session.get(SavedCard, user_id)


def will_top_up(session: Session, user_id: int) -> bool:
    card = saved_card(session, user_id)
    return card is not None and card.status == card_states.ACTIVE and card.auto_top_up


def start_saving(session: Session, user: User) -> stripe_gateway.CardSetup:
    """A new SetupIntent for this customer (a card saved before is replaced once it succeeds)."""
    customer_id = customer_id_for(session, user)
    setup = stripe_gateway.start_card_setup(customer_id, f"setup-{user.id}-{secrets.token_urlsafe(8)}")
    with transaction(session):
        card = saved_card(session, user.id)
        if card is None:
            session.add(SavedCard(user_id=user.id, setup_intent_id=setup.setup_intent_id, status=card_states.PENDING))
        elif card.status != card_states.ACTIVE:
            card.setup_intent_id = setup.setup_intent_id
    return setup


def finish_saving(session: Session, user: User, setup_intent_id: str, card_details: dict | None = None) -> SavedCard:
    """Stripe.js confirmed the SetupIntent on the page (or, without a browser, the card's
    details confirm it here: localstripe only). Raises PaymentError if it did not succeed."""
    setup = (stripe_gateway.confirm_card_setup(setup_intent_id, card_details) if card_details
             else stripe_gateway.card_setup(setup_intent_id))
    if setup.customer_id != customer_id_for(session, user):  # someone else's SetupIntent: not theirs to save
        raise PaymentError("Your card could not be saved. Please try again.")
    if setup.status != "succeeded" or not setup.payment_method_id:
        raise PaymentError("Your card could not be saved. Please try again.")
    with transaction(session):
        card = saved_card(session, user.id)
        if card is None:
            card = SavedCard(user_id=user.id, setup_intent_id=setup_intent_id)
            session.add(card)
        card.setup_intent_id = setup_intent_id
        card.payment_method_id = setup.payment_method_id
        card.status = card_states.ACTIVE
        card.auto_top_up = True
    return card


def set_auto_top_up(session: Session, user: User, on: bool) -> None:
    card = saved_card(session, user.id)
    if card is None or card.status != card_states.ACTIVE:
        raise PaymentError("Save a card first.")
    with transaction(session):
        card.auto_top_up = on


def top_up_for_renewal(session: Session, user: User, missing: Money, key: str, description: str) -> bool:
    """Charge the saved card exactly `missing` and book it as a top-up; True if the credits
    are there now. A decline, an authentication the bank wants, or Stripe unreachable: False
    (nothing booked; the renewal then ends the number as before)."""
    card = saved_card(session, user.id)
    if not will_top_up(session, user.id):
        return False
    try:
        charge = stripe_gateway.charge_off_session(customer_id_for(session, user), card.payment_method_id, missing,
                                                   {"purpose": "auto_top_up", "user_id": user.id, "key": key}, key)
    except PaymentError:
        return False
    if charge.status != "succeeded":
        return False
    with transaction(session):
        payment = session.scalar(select(CardPayment).where(CardPayment.payment_intent_id == charge.payment_intent_id))
        if payment is None:
            payment = CardPayment(user_id=user.id, purpose=payment_states.TOP_UP, amount=missing,
                                  status=payment_states.SUCCEEDED, payment_intent_id=charge.payment_intent_id)
            session.add(payment)
        # The same key the webhook books a top-up with: it is booked once, whoever is first.
        credits.book(session, user.id, missing, ledger_kinds.TOP_UP, f"top-up:{charge.payment_intent_id}",
                     f"Automatic card top-up: {description}", reference=charge.payment_intent_id)
        payment.status = payment_states.SUCCEEDED
    return True
