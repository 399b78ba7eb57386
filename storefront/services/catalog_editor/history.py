"""The history of catalog revisions, newest first, each with what it changed."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.models import CatalogRevision
from storefront.services.catalog_editor.changes import Difference, catalog_differences

HISTORY_SHOWN = 50


@dataclass(frozen=True)
class HistoryEntry:
    revision: CatalogRevision
    differences: list[Difference]
    is_current: bool


def catalog_history(session: Session, limit: int = HISTORY_SHOWN) -> list[HistoryEntry]:
    """The latest revisions, newest first, each with what it changed from the one before."""
    revisions = list(session.scalars(
        select(CatalogRevision).order_by(CatalogRevision.id.desc()).limit(limit + 1)
    ))
    entries = []
    for index, revision in enumerate(revisions[:limit]):
        if index + 1 < len(revisions):
            differences = catalog_differences(revisions[index + 1].snapshot, revision.snapshot)
        else:
            count = len(revision.snapshot.get("countries", []))
            differences = [Difference("First catalog", None, f"{count} countries with their prices and tables")]
        entries.append(HistoryEntry(revision, differences, index == 0))
    return entries
