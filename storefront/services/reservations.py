"""Reservations (SPEC §2 rule 7, §4): in a country without long-term stock a customer
picks a bundle and we hold its price today (bundle + setup fee) on their credits. When
stock arrives, waiting reservations are served oldest first: the hold becomes the
purchase and the rental starts. Cancelling releases the whole hold at once."""
import hashlib
from datetime import datetime

from flask import current_app

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hardware.allocation import allocate
from hardware.errors import OutOfStock
from hardware.inventory import in_stock_query
from hardware.models import LONG
from pricing import Money, Quote, UnknownCountry, reservation_hold
from storefront import clock
from storefront.db import transaction
from storefront.models import Rental, Reservation, User
from storefront.models import rentals as rental_states
from storefront.models import reservations as states
from storefront.models.credits import HOLD, HOLD_RELEASE, PURCHASE
from storefront.services import credits, documents, notifications
from storefront.services.catalog import current_catalog
from storefront.services.purchases import add_months
from storefront.services.quote_tokens import confirm_price
from storefront.services.rentals import RentalError


def hold_quote(session: Session, country_code: str, tier_months: int) -> Quote:
    return reservation_hold(current_catalog(session), country_code, tier_months)


def reservations_of(session: Session, user: User) -> list[Reservation]:
    return list(session.scalars(select(Reservation).where(Reservation.user_id == user.id)
                                .order_by(Reservation.created_at.desc(), Reservation.id.desc())))


def reservation_of(session: Session, user: User, reservation_id: int) -> Reservation | None:
    reservation = session.get(Reservation, reservation_id)
    return reservation if reservation is not None and reservation.user_id == user.id else None


def queue_position(session: Session, reservation: Reservation) -> int | None:
    """1 for the next in line in its country; None once it is no longer waiting."""
    if reservation.status != states.WAITING:
        return None
    ahead = session.scalar(select(func.count()).select_from(Reservation).where(
        Reservation.country_code == reservation.country_code, Reservation.status == states.WAITING,
        (Reservation.created_at < reservation.created_at)
        | ((Reservation.created_at == reservation.created_at) & (Reservation.id < reservation.id)),
    ))
    return ahead + 1


def in_stock(session: Session, country_code: str) -> bool:
    return session.scalar(in_stock_query(country_code, LONG).limit(1)) is not None


def place(session: Session, user: User, country_code: str, tier_months: int, seen_hold: Money, key: str,
          now: datetime | None = None) -> Reservation:
    """Hold the bundle's price on credits; the same `key` places one reservation.

    Raises RentalError if the country has stock (buy it instead), QuoteChanged if the price moved,
    InsufficientCredits if the credits don't cover the hold.
    """
    # Every key is the customer's own: another customer's request with the same key text
    # neither finds this reservation nor is blocked by it.
    key = customer_key(user.id, key)
    earlier = _own_reservation(session, user, key)
    if earlier is not None:
        return earlier
    try:
        current_catalog(session).country_on_sale(country_code)
    except UnknownCountry as error:
        raise RentalError(error.message) from error
    quote = confirm_price(seen_hold, hold_quote(session, country_code, tier_months))
    if in_stock(session, quote.country):
        raise RentalError("Numbers are in stock in this country again: you can buy one straight away.")
    bundle = quote.line("bundle")
    try:
        with transaction(session):
            reservation = Reservation(user_id=user.id, country_code=quote.country, tier_months=quote.tier_months,
                                      hold_amount=quote.total, bundle_amount=bundle.amount,
                                      status=states.WAITING, key=key, created_at=now or clock.now())
            session.add(reservation)
            session.flush()
            credits.book(session, user.id, -quote.total, HOLD, f"hold:{reservation.id}",
                         f"Hold for a {quote.tier_months}-month bundle in {quote.country}",
                         reference=f"reservation {reservation.id}")
    except IntegrityError:
        earlier = _own_reservation(session, user, key)
        if earlier is None:
            raise
        return earlier
    return reservation


def customer_key(user_id: int, key: str) -> str:
    """`key` scoped by its customer, hashed when it would not fit the column."""
    scoped = f"{user_id}:{key}"
    return scoped if len(scoped) <= 100 else f"{user_id}:{hashlib.sha256(key.encode()).hexdigest()}"


def _own_reservation(session: Session, user: User, key: str) -> Reservation | None:
    return session.scalar(select(Reservation).where(Reservation.key == key, Reservation.user_id == user.id))


def _release(session: Session, reservation: Reservation, now: datetime, reason: str) -> None:
    credits.book(session, reservation.user_id, reservation.hold_amount, HOLD_RELEASE,
                 f"hold-release:{reservation.id}", f"Hold released: {reason}",
                 reference=f"reservation {reservation.id}")
    reservation.status = states.CANCELLED
    reservation.closed_at = now
    reservation.close_reason = reason


def cancel(session: Session, reservation: Reservation, now: datetime | None = None) -> None:
    """The whole hold goes back to the credits at once."""
    if reservation.status != states.WAITING:
        raise RentalError("This reservation is no longer waiting, so there is nothing to cancel.")
    with transaction(session):
        session.refresh(reservation, with_for_update=True)
        if reservation.status == states.WAITING:
            _release(session, reservation, now or clock.now(), "cancelled by the customer")


def fulfil_waiting(session: Session, country_code: str | None = None, now: datetime | None = None) -> int:
    """Serve waiting reservations oldest first while stock lasts; returns how many became rentals.

    Each reservation is its own transaction: the hold becomes the purchase, the number is
    taken and the rental starts, or nothing happens. A reservation whose customer no
    longer has an active account is cancelled and its hold released.
    """
    now = now or clock.now()
    query = select(Reservation.id).where(Reservation.status == states.WAITING)
    if country_code:
        query = query.where(Reservation.country_code == country_code)
    served = 0
    for reservation_id in session.scalars(query.order_by(Reservation.created_at, Reservation.id)).all():
        with transaction(session):
            reservation = session.get(Reservation, reservation_id, with_for_update=True, populate_existing=True)
            if reservation.status != states.WAITING:
                continue
            if not reservation.user.is_active:
                _release(session, reservation, now, "the account is closed")
                continue
            try:
                number = allocate(session, reservation.country_code, LONG)
            except OutOfStock:
                continue
            _start_rental(session, reservation, number, now)
            served += 1
    return served


def _start_rental(session: Session, reservation: Reservation, number, now: datetime) -> None:
    hold = reservation.hold_amount
    # One e-mail for both entries: "your reserved number is ready" (below).
    credits.book(session, reservation.user_id, hold, HOLD_RELEASE, f"hold-release:{reservation.id}",
                 "Hold released: your reserved number arrived", reference=f"reservation {reservation.id}",
                 notify=False)
    purchase = credits.book(session, reservation.user_id, -hold, PURCHASE, f"purchase:reservation-{reservation.id}",
                            f"{number.e164}: {reservation.tier_months}-month bundle (reserved)", reference=number.e164,
                            notify=False)
    rental = Rental(user_id=reservation.user_id, number_id=number.id, country_code=reservation.country_code,
                    kind=LONG, pricing_model=rental_states.BUNDLE, tier_months=reservation.tier_months,
                    status=rental_states.ACTIVE, auto_renew=True, started_at=now,
                    paid_through=add_months(now, reservation.tier_months), charged_total=reservation.hold_amount,
                    bundle_paid=reservation.bundle_amount, purchase_key=f"reservation-{reservation.id}")
    session.add(rental)
    session.flush()
    reservation.status = states.FULFILLED
    reservation.closed_at = now
    reservation.rental_id = rental.id
    notifications.account_event(
        session, reservation.user, "reservation_fulfilled", key=f"reservation-fulfilled:{reservation.id}",
        reservation=reservation, number=number.e164, rental=rental, charged=hold,
        document_link=_document_link(session, purchase),
    )


def _document_link(session: Session, entry) -> str | None:
    document = documents.documents_of(session, entry.user_id, [entry.id]).get(entry.id)
    return notifications.document_url(current_app.config["PUBLIC_URL"], document) if document else None

