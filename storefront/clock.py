"""The one clock: every "now" and "today" in the storefront comes from here.

`now()` is an aware UTC datetime, `today()` its date, `monotonic()` the seconds the
caches measure their age in. Tests travel in time with the `clock` fixture
(`clock.set(datetime(...))`, `clock.advance(days=31)`): it freezes this clock, moves it
only when told, and resets it after the test. The state is module-level (not per
thread), so a live server thread in the browser tests sees the same time as the test.
"""
import threading
import time
from datetime import date, datetime, timedelta, timezone

import hardware.clock

_lock = threading.Lock()
_frozen: datetime | None = None  # None: the real time
_tick: float | None = None  # monotonic() while frozen


def now() -> datetime:
    frozen = _frozen
    return frozen if frozen is not None else datetime.now(timezone.utc)


def today() -> date:
    return now().date()


def monotonic() -> float:
    tick = _tick
    return tick if tick is not None else time.monotonic()


def set(moment: datetime) -> None:  # noqa: A001 - reads as clock.set(...)
    """Freeze the clock at `moment` (aware); caches' age stays where it was."""
    if moment.tzinfo is None:
        raise ValueError("the clock is set to an aware datetime (tzinfo=timezone.utc)")
    global _frozen, _tick
    with _lock:
        _frozen = moment.astimezone(timezone.utc)
        if _tick is None:
            _tick = time.monotonic()


def advance(**delta) -> None:
    """Move the clock forward by `timedelta(**delta)`; caches age by as much."""
    step = timedelta(**delta)
    global _frozen, _tick
    with _lock:
        _frozen = (_frozen if _frozen is not None else datetime.now(timezone.utc)) + step
        _tick = (_tick if _tick is not None else time.monotonic()) + step.total_seconds()


def freeze() -> None:
    set(now())


def reset() -> None:
    """Back to the real time."""
    global _frozen, _tick
    with _lock:
        _frozen = None
        _tick = None


hardware.clock.use(now)
