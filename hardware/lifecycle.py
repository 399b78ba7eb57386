"""The lifecycle of a number: an explicit state machine, and the events it emits.

    available ─┬─> held ──> rented      (a reservation is fulfilled)
               └─> rented ─┬─> cooling_off ──> available   (after the cooling-off period)
                           │        ├───────> rented       (support reinstates it)
                           │        └───────> held         (its former holder's first card payment is confirmed)
                           └─> available                    (unused return, at once)
    held ──> cooling_off                                     (that payment failed: it waits for them again)
    any ──> out_of_service ──> back where it was             (gateway offline, SIM pulled)

A forbidden move raises ForbiddenTransition and changes nothing.
"""
from datetime import datetime, timedelta

from blinker import signal
from sqlalchemy import select
from sqlalchemy.orm import Session

from hardware.errors import ForbiddenTransition
from hardware.models import InventoryEvent, PhoneNumber

AVAILABLE = "available"
HELD = "held"
RENTED = "rented"
COOLING_OFF = "cooling_off"
OUT_OF_SERVICE = "out_of_service"

DEFAULT_COOLING_OFF = timedelta(days=30)

ALLOWED = {
    AVAILABLE: {HELD, RENTED},
    HELD: {RENTED, AVAILABLE, COOLING_OFF},
    RENTED: {COOLING_OFF, AVAILABLE},
    COOLING_OFF: {AVAILABLE, RENTED, HELD},
}

STATE_NAMES = {
    AVAILABLE: "available",
    HELD: "held for a reservation",
    RENTED: "rented",
    COOLING_OFF: "in its 30-day cooling-off",
    OUT_OF_SERVICE: "out of service",
}

# Sent with the number whenever it goes back to the available pool; the storefront
# subscribes to tell the number's partner.
returned_to_pool = signal("returned-to-pool")


def move(session: Session, number: PhoneNumber, to_state: str, now: datetime, reason: str) -> None:
    """Move `number` to `to_state` if its lifecycle allows it, recording why."""
    if to_state not in ALLOWED.get(number.state, set()):
        raise ForbiddenTransition(
            f"{number.e164} is {STATE_NAMES[number.state]} and cannot become {STATE_NAMES[to_state]}."
        )
    from_state = number.state
    number.state = to_state
    number.state_changed_at = now
    number.cooling_off_until = None
    session.add(InventoryEvent(kind="state_changed", number_id=number.id,
                               detail={"from": from_state, "to": to_state, "reason": reason}))
    if to_state == AVAILABLE:
        session.add(InventoryEvent(kind="returned_to_pool", number_id=number.id, detail={"reason": reason}))
        session.flush()
        returned_to_pool.send(number, session=session, reason=reason)


def start_cooling_off(session: Session, number: PhoneNumber, now: datetime,
                      period: timedelta = DEFAULT_COOLING_OFF, reason: str = "unrented") -> None:
    """Unrent or expiry: the number waits `period` for its former holder before it is free."""
    move(session, number, COOLING_OFF, now, reason)
    number.cooling_off_until = now + period


def release_cooled_off(session: Session, now: datetime) -> list[PhoneNumber]:
    """Numbers whose cooling-off has ended go back to the pool. Running it twice does nothing more."""
    # Claimed with row locks that a second, overlapping run skips (PostgreSQL): each number
    # is released, and its partner told, by one run only. (SQLite lets one writer at a time.)
    due = session.scalars(
        select(PhoneNumber)
        .where(PhoneNumber.state == COOLING_OFF, PhoneNumber.cooling_off_until <= now)
        .order_by(PhoneNumber.id)
        .with_for_update(skip_locked=True)
    ).all()
    for number in due:
        move(session, number, AVAILABLE, now, "cooling-off ended")
    return list(due)


def take_out_of_service(session: Session, number: PhoneNumber, now: datetime, reason: str) -> None:
    """Any state → out of service, remembering where to come back to."""
    if number.state == OUT_OF_SERVICE:
        return
    number.state_before_outage = number.state
    number.state = OUT_OF_SERVICE
    number.state_changed_at = now
    session.add(InventoryEvent(kind="out_of_service", number_id=number.id, detail={"reason": reason}))


def back_in_service(session: Session, number: PhoneNumber, now: datetime, reason: str) -> None:
    if number.state != OUT_OF_SERVICE:
        return
    number.state = number.state_before_outage or AVAILABLE
    number.state_before_outage = None
    number.state_changed_at = now
    session.add(InventoryEvent(kind="back_in_service", number_id=number.id, detail={"reason": reason}))
