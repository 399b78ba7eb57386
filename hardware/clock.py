"""The time hardware code stamps rows with (`created_at`, `state_changed_at` defaults).

Hardware functions take `now` as a parameter wherever they decide something by it; this
is only for column defaults, which cannot take one. It reads the real time unless
someone above (storefront's clock) installed another source with `use`, so tests that
travel in time move hardware rows too, and `hardware` still imports nothing above it.
"""
from datetime import datetime, timezone
from collections.abc import Callable


def _real() -> datetime:
    return datetime.now(timezone.utc)


_source: Callable[[], datetime] = _real


def use(source: Callable[[], datetime]) -> None:
    global _source
    _source = source


def now() -> datetime:
    return _source()
