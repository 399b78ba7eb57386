"""Stock counts kept up to date, so reading them costs the same at 100 numbers and at 100,000.

`hw_stock` holds, per country and kind, how many numbers are available. It changes in the
same transaction as the numbers themselves: every flush of the ORM that adds, deletes or
changes the state of a number adjusts it (`_count_changes`, a before_flush listener), and
allocation's conditional UPDATE claim adjusts it itself (`taken`). A counter row is locked
by the UPDATE until the transaction ends, so two sales in one country take turns on it for
the rest of their (short) transactions; they never count wrong.

An available long-term number is always on a SIM in an online gateway (a pulled SIM or an
offline gateway puts its number out of service), so the count is the stock. `recount`
rebuilds the table from the numbers themselves (migration, bulk loads, a check in the tests).
"""
from collections import Counter

from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hardware.lifecycle import AVAILABLE
from hardware.models import PhoneNumber, StockCount


def counts(session: Session, kind: str) -> dict[str, int]:
    """Available numbers per country (countries with none left out): one primary-key range read."""
    return dict(session.execute(
        select(StockCount.country_code, StockCount.available)
        .where(StockCount.kind == kind, StockCount.available > 0)
    ).tuples().all())


def adjust(session: Session, changes: Counter) -> None:
    """Add `changes[(country, kind)]` to each count, in the caller's transaction."""
    for (country_code, kind), delta in sorted(changes.items()):
        if not delta:
            continue
        where = (StockCount.country_code == country_code, StockCount.kind == kind)
        if session.execute(update(StockCount).where(*where).values(available=StockCount.available + delta)
                           .execution_options(synchronize_session=False)).rowcount:
            continue
        try:
            with session.begin_nested():
                session.execute(insert(StockCount).values(country_code=country_code, kind=kind, available=delta))
        except IntegrityError:  # another transaction made the row meanwhile
            session.execute(update(StockCount).where(*where).values(available=StockCount.available + delta)
                            .execution_options(synchronize_session=False))


def taken(session: Session, country_code: str, kind: str) -> None:
    """An available number was claimed by a statement the ORM doesn't see (allocation)."""
    adjust(session, Counter({(country_code, kind): -1}))


def recount(session: Session) -> dict[tuple[str, str], int]:
    """Count again from the numbers (every available number, by country and kind)."""
    rows = session.execute(
        select(PhoneNumber.country_code, PhoneNumber.kind, func.count())
        .where(PhoneNumber.state == AVAILABLE).group_by(PhoneNumber.country_code, PhoneNumber.kind)
    ).tuples().all()
    session.execute(delete(StockCount))
    if rows:
        session.execute(insert(StockCount), [{"country_code": c, "kind": k, "available": n} for c, k, n in rows])
    return {(c, k): n for c, k, n in rows}


@event.listens_for(Session, "before_flush")
def _count_changes(session: Session, _context, _instances) -> None:
    changes: Counter = Counter()
    for number in session.new:
        if isinstance(number, PhoneNumber) and number.state == AVAILABLE:
            changes[(number.country_code, number.kind)] += 1
    for number in session.deleted:
        if isinstance(number, PhoneNumber):
            before = inspect(number).attrs.state.history.deleted
            if (before[0] if before else number.state) == AVAILABLE:
                changes[(number.country_code, number.kind)] -= 1
    for number in session.dirty:
        if isinstance(number, PhoneNumber) and number not in session.deleted:
            history = inspect(number).attrs.state.history
            if not history.has_changes() or not history.deleted:
                continue
            was, now = history.deleted[0] == AVAILABLE, number.state == AVAILABLE
            if was != now:
                changes[(number.country_code, number.kind)] += 1 if now else -1
    if any(changes.values()):
        adjust(session, changes)
