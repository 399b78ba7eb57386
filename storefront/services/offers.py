"""Offers from support (FAQ: "if it's gone, they'll try to find a similar one"): a number
like the one a customer wants back, or their own subscription number back as a
subscription. The customer sees the offer on My numbers and buys it as a new purchase
through the usual checkout, confirming the quote; nothing is charged by support.

An offer is shown while it is open, not expired, and its number still waits in the
state the offer needs (free for a similar number, cooling off for a reinstatement): once
anyone rents the number the offer simply disappears."""
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hardware import lifecycle
from hardware.inventory import in_stock_query
from hardware.models import PhoneNumber
from hardware.similar import similar_numbers
from storefront import clock
from storefront.db import transaction
from storefront.models import NumberOffer, Rental, User
from storefront.models import offers as states
from storefront.models import rentals as rental_states
from storefront.services import outbox
from storefront.services.rentals import RentalError

OFFER_PERIOD = timedelta(days=7)


def similar_for(session: Session, rental: Rental) -> list[PhoneNumber]:
    """Free numbers of the same country and kind, most like the rental's number first."""
    return similar_numbers(session, rental.number.e164, rental.country_code, rental.kind)


def waits_for_holder(session: Session, rental: Rental) -> bool:
    """Is the rental's number still in its cooling-off, kept for this former holder?"""
    if rental.status != rental_states.ENDED or rental.number.state != lifecycle.COOLING_OFF:
        return False
    newer = session.scalar(select(Rental.id).where(Rental.number_id == rental.number_id, Rental.id > rental.id).limit(1))
    return newer is None


def _billing_of(rental: Rental) -> str:
    return "subscription" if rental.pricing_model == rental_states.SUBSCRIPTION else "prepaid"


def offer_similar(session: Session, staff: User, rental: Rental, number_id: int,
                  now: datetime | None = None) -> NumberOffer:
    """Offer the former holder of `rental` the free number `number_id` instead."""
    now = now or clock.now()
    number = session.scalar(in_stock_query(rental.country_code, rental.kind).where(PhoneNumber.id == number_id))
    if number is None:
        raise RentalError("That number is no longer free. Please pick another one.")
    offer = NumberOffer(user_id=rental.user_id, number_id=number.id, former_rental_id=rental.id,
                        reason=states.SIMILAR, billing=_billing_of(rental), made_by=staff.id,
                        created_at=now, expires_at=now + OFFER_PERIOD)
    with transaction(session):
        session.add(offer)
        session.flush()
        outbox.queue_email(
            session, rental.user.email, f"A number like {rental.number.e164} for you",
            f"Your number {rental.number.e164} can't come back: it is no longer free. Our support team "
            f"found a similar one for you: {number.e164}.\n\n"
            f"See its price and buy it here (a new purchase, setup fee included), until "
            f"{offer.expires_at:%-d %B %Y}:\n{url_for('account.offer', offer_id=offer.id, _external=True)}\n\n"
            "We don't hold it for you: if someone else rents it first, ask us again.\n",
            key=f"offer:{offer.id}",
        )
    return offer


def offer_reinstatement(session: Session, staff: User, rental: Rental, now: datetime | None = None) -> NumberOffer:
    """A subscription number comes back as a subscription: its former holder pays the first
    charge by card (setup fee and prorated first month), then Stripe bills each 1st."""
    now = now or clock.now()
    if rental.pricing_model != rental_states.SUBSCRIPTION:
        raise RentalError("Only subscription numbers come back as a subscription; reinstate this one from credits.")
    if not waits_for_holder(session, rental):
        raise RentalError(f"{rental.number.e164} is not waiting for its former holder any more.")
    offer = NumberOffer(user_id=rental.user_id, number_id=rental.number_id, former_rental_id=rental.id,
                        reason=states.REINSTATE, billing="subscription", made_by=staff.id, created_at=now,
                        expires_at=min(now + OFFER_PERIOD, rental.number.cooling_off_until),
                        cooling_off_until=rental.number.cooling_off_until)
    with transaction(session):
        session.add(offer)
        session.flush()
        outbox.queue_email(
            session, rental.user.email, f"{rental.number.e164} can be yours again",
            f"Our support team can bring back your number {rental.number.e164} as a monthly subscription, "
            "paid by card: the setup fee and the rest of this month today, then the monthly price on the "
            "1st of each month.\n\n"
            f"See the amounts and pay here, until {offer.expires_at:%-d %B %Y}:\n"
            f"{url_for('account.offer', offer_id=offer.id, _external=True)}\n",
            key=f"offer:{offer.id}",
        )
    return offer


def _still_good(offer: NumberOffer, now: datetime) -> bool:
    if offer.status != states.OPEN or offer.expires_at <= now:
        return False
    wanted = lifecycle.COOLING_OFF if offer.reason == states.REINSTATE else lifecycle.AVAILABLE
    return offer.number.state == wanted


def open_offers(session: Session, user: User, now: datetime | None = None) -> list[NumberOffer]:
    """The customer's offers that can still be taken, newest first."""
    now = now or clock.now()
    offers = session.scalars(select(NumberOffer).where(NumberOffer.user_id == user.id,
                                                       NumberOffer.status == states.OPEN,
                                                       NumberOffer.expires_at > now)
                             .options(selectinload(NumberOffer.number))
                             .order_by(NumberOffer.id.desc())).all()
    return [offer for offer in offers if _still_good(offer, now)]


def offer_of(session: Session, user: User, offer_id: int, now: datetime | None = None) -> NumberOffer | None:
    offer = session.get(NumberOffer, offer_id)
    if offer is None or offer.user_id != user.id:
        return None
    return offer if _still_good(offer, now or clock.now()) else None


def reinstatement_for(session: Session, user_id: int, number_id: int | None,
                      now: datetime | None = None) -> NumberOffer | None:
    """The open offer that lets this customer take this cooling-off number back, if any."""
    if number_id is None:
        return None
    offer = session.scalar(select(NumberOffer).where(
        NumberOffer.user_id == user_id, NumberOffer.number_id == number_id,
        NumberOffer.reason == states.REINSTATE, NumberOffer.status == states.OPEN,
        NumberOffer.expires_at > (now or clock.now())).order_by(NumberOffer.id.desc()).limit(1))
    return offer
