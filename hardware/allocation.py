"""Taking a number for a buyer so that no number is ever given to two buyers.

Each candidate is claimed with a conditional UPDATE (`... WHERE state = 'available'`):
on PostgreSQL a concurrent claim of the same row waits for the first transaction and
then finds the row taken (rowcount 0); SQLite serialises writers. The caller's
transaction commits the claim together with the rental it is for.
"""
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from hardware import clock, lifecycle
from hardware.errors import ForbiddenTransition, OutOfStock
from hardware.inventory import in_stock_query
from hardware.models import InventoryEvent, PhoneNumber

CANDIDATES_PER_ROUND = 10


def _claim(session: Session, number_id: int, to_state: str, now: datetime,
           from_state: str = lifecycle.AVAILABLE) -> bool:
    result = session.execute(
        update(PhoneNumber)
        .where(PhoneNumber.id == number_id, PhoneNumber.state == from_state)
        .values(state=to_state, state_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def allocate(session: Session, country_code: str, kind: str, number_id: int | None = None,
             to_state: str = lifecycle.RENTED) -> PhoneNumber:
    """Claim one in-stock number of that country and kind (or exactly `number_id`).

    Raises OutOfStock when none is free (or the chosen one was taken meanwhile).
    """
    if to_state not in lifecycle.ALLOWED[lifecycle.AVAILABLE]:
        raise ForbiddenTransition(f"An available number cannot become {to_state}.")
    now = clock.now()
    query = in_stock_query(country_code, kind).with_only_columns(PhoneNumber.id).order_by(PhoneNumber.id)
    if number_id is not None:
        candidates = session.scalars(query.where(PhoneNumber.id == number_id)).all()
        if not candidates or not _claim(session, number_id, to_state, now):
            raise OutOfStock("That number was just taken by someone else. Please pick another one.")
        return _claimed(session, number_id, to_state)
    while True:
        candidates = session.scalars(query.limit(CANDIDATES_PER_ROUND)).all()
        if not candidates:
            raise OutOfStock(f"No {'long' if kind == 'long' else 'short'}-term numbers are left in {country_code.upper()}.")
        for candidate in candidates:
            if _claim(session, candidate, to_state, now):
                return _claimed(session, candidate, to_state)


def claim_cooling_off(session: Session, number_id: int, to_state: str = lifecycle.HELD) -> PhoneNumber:
    """Take a number out of its cooling-off for its former holder (the storefront checks who
    that is). Raises OutOfStock if it is no longer cooling off."""
    if to_state not in lifecycle.ALLOWED[lifecycle.COOLING_OFF]:
        raise ForbiddenTransition(f"A cooling-off number cannot become {to_state}.")
    if not _claim(session, number_id, to_state, clock.now(), from_state=lifecycle.COOLING_OFF):
        raise OutOfStock("That number is no longer waiting for you.")
    number = _claimed(session, number_id, to_state, from_state=lifecycle.COOLING_OFF)
    number.cooling_off_until = None
    return number


def _claimed(session: Session, number_id: int, to_state: str, from_state: str = lifecycle.AVAILABLE) -> PhoneNumber:
    number = session.get(PhoneNumber, number_id, populate_existing=True)
    session.add(InventoryEvent(kind="state_changed", number_id=number_id,
                               detail={"from": from_state, "to": to_state, "reason": "allocated"}))
    return number
