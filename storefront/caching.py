"""Per-process caches: values kept for a while, keyed, forgotten on demand.

Each app (each server process, each test's app) has its own caches, found by name with
`cache_of(app, name)`. An entry's age is measured on the storefront clock
(`clock.monotonic()`), so tests expire caches with `clock.advance(seconds=...)`.
Reads and writes are thread-safe; a full cache (`max_entries`) starts over empty.
"""
import threading
from typing import Any
from collections.abc import Callable, Hashable

from flask import Flask

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
