"""The billing history: every money event of a customer (credit entries and card charges
of subscriptions), newest first, with the running balance stored on each entry.

Pages are keyset-paged on the entry id over the (user_id, id) index: a page costs one
range scan, however long the history; the documents of a page come in one more query.
"""
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from pricing import FieldError
from storefront.models import LedgerEntry
from storefront.models.credits import HISTORY_KINDS, KIND_NAMES
from storefront.problems import InvalidRequest
from storefront.services.documents import documents_of

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class HistoryFilter:
    kinds: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    def as_args(self) -> dict:
        args = {}
        if self.kinds:
            args["kind"] = list(self.kinds)
        if self.since:
            args["from"] = self.since.isoformat()
        if self.until:
            args["to"] = self.until.isoformat()
        return args


def _date(raw: str | None, field: str, errors: list) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(FieldError(field, f"“{raw[:20]}” is not a date like 2026-12-31."))
        return None


def parse_filter(kinds: list[str], since: str | None, until: str | None) -> HistoryFilter:
    """The filter of a request's arguments; InvalidRequest names what is wrong."""
    errors = []
    unknown = [kind for kind in kinds if kind and kind not in HISTORY_KINDS]
    if unknown:
        errors.append(FieldError("kind", f"Unknown kind “{unknown[0][:30]}”; kinds are {', '.join(HISTORY_KINDS)}."))
    start, end = _date(since, "from", errors), _date(until, "to", errors)
    if start and end and start > end:
        errors.append(FieldError("to", "The end date is before the start date."))
    if errors:
        raise InvalidRequest(errors)
    return HistoryFilter(tuple(kind for kind in kinds if kind), start, end)


def parse_cursor(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidRequest([FieldError("cursor", "This page link is not valid; start from the first page.")])
    return int(raw)


def _query(user_id: int, history: HistoryFilter):
    query = select(LedgerEntry).where(LedgerEntry.user_id == user_id)
    if history.kinds:
        query = query.where(LedgerEntry.kind.in_(history.kinds))
    if history.since:
        query = query.where(LedgerEntry.created_at >= datetime.combine(history.since, time(), timezone.utc))
    if history.until:
        query = query.where(LedgerEntry.created_at < datetime.combine(history.until + timedelta(days=1), time(),
                                                                      timezone.utc))
    return query.order_by(LedgerEntry.id.desc())


@dataclass
class HistoryPage:
    entries: list[LedgerEntry]
    documents: dict
    next_cursor: str | None


def page(session: Session, user_id: int, history: HistoryFilter, before: int | None = None,
         limit: int = PAGE_SIZE) -> HistoryPage:
    query = _query(user_id, history)
    if before is not None:
        query = query.where(LedgerEntry.id < before)
    rows = list(session.scalars(query.limit(limit + 1)))
    entries = rows[:limit]
    more = len(rows) > limit
    return HistoryPage(entries, documents_of(session, user_id, [entry.id for entry in entries]),
                       str(entries[-1].id) if more and entries else None)


CSV_HEADER = ("date", "kind", "description", "credits", "card", "balance", "document")


def csv_rows(session: Session, user_id: int, history: HistoryFilter, chunk: int = 500) -> Iterator[str]:
    """The CSV export, a chunk of rows at a time (keyset, so a long history streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    before = None
    while True:
        batch = page(session, user_id, history, before, chunk)
        for entry in batch.entries:
            document = batch.documents.get(entry.id)
            writer.writerow((entry.created_at.isoformat(), KIND_NAMES.get(entry.kind, entry.kind),
                             _safe_cell(entry.description),
                             "" if entry.kind == "card_charge" else entry.amount.as_string(),
                             entry.card_amount.as_string() if entry.card_amount is not None else "",
                             entry.balance_after.as_string() if entry.balance_after is not None else "",
                             document.number if document else ""))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if batch.next_cursor is None:
            return
        before = int(batch.next_cursor)


def _safe_cell(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def entry_json(entry: LedgerEntry, document) -> dict:
    return {
        "id": entry.id, "kind": entry.kind, "description": entry.description,
        "amount": entry.amount.as_string(),
        "card_amount": entry.card_amount.as_string() if entry.card_amount is not None else None,
        "balance_after": entry.balance_after.as_string() if entry.balance_after is not None else None,
        "created_at": entry.created_at.isoformat(),
        "document": document.number if document else None,
    }
