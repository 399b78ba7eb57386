"""Per-process caches: values kept for a while, keyed, forgotten on demand.

Each app (each server process, each test's app) has its own caches, found by name with
`cache_of(app, name)`. An entry's age is measured on the storefront clock
(`clock.monotonic()`), so tests expire caches with `clock.advance(seconds=...)`.
Reads and writes are thread-safe; a full cache (`max_entries`) starts over empty.
"""
import threading
from typing import Any
from collections.abc import Callable, Hashable, Iterable

from flask import Flask
from sqlalchemy import event, inspect

from storefront import clock

_MISSING = object()
_created = threading.Lock()


class Cache:
    def __init__(self, max_entries: int | None = None):
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, max_age: float | None = None, default=None):
        """The value kept under `key` if it is younger than `max_age` seconds (any age
        when None); `default` otherwise. A `max_age` of 0 or less never hits."""
        with self._lock:
            entry = self._entries.get(key, _MISSING)
        if entry is _MISSING:
            return default
        stored_at, value = entry
        if max_age is not None and not clock.monotonic() - stored_at < max_age:
            return default
        return value

    def put(self, key: Hashable, value, stored_at: float | None = None):
        """Keep `value` under `key`, aged from `stored_at` (a `clock.monotonic()` reading,
        e.g. taken before asking the database) or from now."""
        with self._lock:
            if self.max_entries is not None and key not in self._entries and len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (clock.monotonic() if stored_at is None else stored_at, value)
        return value

    def remember(self, key: Hashable, max_age: float | None, compute: Callable[[], Any]):
        """The kept value if fresh enough, else `compute()`, kept."""
        value = self.get(key, max_age, _MISSING)
        if value is _MISSING:
            value = self.put(key, compute())
        return value

    def forget(self, key: Hashable = _MISSING) -> None:
        """Forget `key`, or everything."""
        with self._lock:
            if key is _MISSING:
                self._entries.clear()
            else:
                self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def cache_of(app: Flask, name: str, max_entries: int | None = None) -> Cache:
    """The app's cache called `name`, made on first use."""
    caches = app.extensions.get("caches")
    if caches is None or name not in caches:
        with _created:
            caches = app.extensions.setdefault("caches", {})
            if name not in caches:
                caches[name] = Cache(max_entries)
    return caches[name]


# Forgetting what a commit changed ---------------------------------------------------------
#
# A cache is forgotten when this process commits a change to one of the tables its values
# are made from (a page kept for visitors: catalog, copy and stock), not on every commit: a
# purchase of a short-term number must not empty the FAQ's cache. Which tables a transaction
# wrote is gathered from the session's flushes (ORM objects) and from ORM-enabled
# INSERT/UPDATE/DELETE statements (e.g. allocation's conditional UPDATE claim).

_TOUCHED = "storefront_touched_tables"


def _note(session, tables) -> None:
    session.info.setdefault(_TOUCHED, set()).update(tables)


def track_writes(sessions) -> None:
    """Make sessions of `sessions` (a sessionmaker) remember the tables each transaction writes."""
    if getattr(sessions, "_storefront_tracked", False):
        return
    sessions._storefront_tracked = True

    @event.listens_for(sessions, "after_flush")
    def flushed(session, _context):
        _note(session, {mapper_table.name
                        for obj in (*session.new, *session.dirty, *session.deleted)
                        for mapper_table in inspect(obj).mapper.tables})

    @event.listens_for(sessions, "do_orm_execute")
    def executed(state):
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if table is not None:
                _note(state.session, {getattr(table, "name", str(table))})

    @event.listens_for(sessions, "after_transaction_end")
    def ended(session, transaction):
        # After every after_commit listener has run (or after a rollback): start afresh.
        if transaction.parent is None:
            session.info.pop(_TOUCHED, None)


def forget_on_commit(app: Flask, sessions, name: str, table_prefixes: Iterable[str]) -> None:
    """Forget the app's cache `name` whenever a session of `sessions` commits a write to a table
    whose name starts with one of `table_prefixes` ("hw_" for all of the hardware tables)."""
    prefixes = tuple(table_prefixes)
    track_writes(sessions)

    @event.listens_for(sessions, "after_commit")
    def committed(session):
        if any(table.startswith(prefixes) for table in session.info.get(_TOUCHED, ())):
            cache_of(app, name).forget()
