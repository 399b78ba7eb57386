"""Keyset paging: one page of a list, and an opaque cursor for the next one.

Every list that grows with the business (a customer's numbers and ledger, staff pages, API
lists) is read a page at a time. A page is the first `size` rows *after* the last row of the
previous page in a fixed total order, so it costs the same at row 10 and at row 100,000 (an
OFFSET would read and throw away every row before it) and it neither skips nor repeats rows
when new ones arrive while someone pages.

Use:

    KEYS = (Key(Rental.started_at, descending=True), Key(Rental.id, descending=True))
    page = keyset_page(session, select(Rental).where(...), KEYS, request.args.get("cursor"), 50)
    page.items        # at most 50 rows
    page.next_cursor  # None on the last page; else pass it back as ?cursor=...

The keys must make the order total: end them with a unique column (the id). A key's value on
a row is read from the attribute of the same name (`Key.attribute`), or by `Key.value_of`
for an expression such as a CASE. A cursor that was tampered with or is garbage raises
InvalidRequest (a 400 / problem+json, never a 5xx).
"""
import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from pricing import FieldError
from storefront.problems import InvalidRequest

DEFAULT_SIZE = 50
MAX_SIZE = 200


@dataclass(frozen=True)
class Key:
    """One column (or expression) of the order; `value_of(row)` reads it from a fetched row."""

    expression: Any
    descending: bool = False
    value_of: Callable[[Any], Any] | None = None

    def read(self, row) -> Any:
        if self.value_of is not None:
            return self.value_of(row)
        return getattr(row, self.expression.key)


@dataclass
class Page:
    items: list = field(default_factory=list)
    next_cursor: str | None = None


def _encode(values: Sequence[Any]) -> str:
    plain = [{"t": value.isoformat()} if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, count: int, name: str) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != count:
            raise ValueError
        values = []
        for value in raw:
            if isinstance(value, dict):
                value = datetime.fromisoformat(value["t"])
            elif not isinstance(value, (int, str)) or isinstance(value, bool):
                raise ValueError
            values.append(value)
        return values
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidRequest([FieldError(name, "this cursor is not one we gave out; start from the first page")]) from error


def after(keys: Sequence[Key], values: Sequence[Any]):
    """The WHERE clause "comes after `values` in the order of `keys`" (mixed directions allowed)."""
    alternatives = []
    for index, key in enumerate(keys):
        equal = [keys[j].expression == values[j] for j in range(index)]
        beyond = key.expression < values[index] if key.descending else key.expression > values[index]
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives)


def page_size(raw: str | None, default: int = DEFAULT_SIZE, name: str = "limit") -> int:
    """A page size asked for in a query string, between 1 and MAX_SIZE."""
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIZE:
        raise InvalidRequest([FieldError(name, f"a whole number from 1 to {MAX_SIZE}")])
    return int(raw)


def keyset_page(session: Session, statement: Select, keys: Sequence[Key], cursor: str | None,
                size: int = DEFAULT_SIZE, cursor_name: str = "cursor") -> Page:
    """The page of `statement` after `cursor` (the first page when None/empty), in `keys` order."""
    if cursor:
        statement = statement.where(after(keys, _decode(cursor, len(keys), cursor_name)))
    order = [key.expression.desc() if key.descending else key.expression.asc() for key in keys]
    rows = list(session.scalars(statement.order_by(*order).limit(size + 1)))
    if len(rows) <= size:
        return Page(rows, None)
    rows = rows[:size]
    return Page(rows, _encode([key.read(rows[-1]) for key in keys]))
