"""The audit log of staff actions: price changes, reinstatements, credit adjustments, copy
published. Staff read it at /staff/audit, newest first."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.db import transaction
from storefront.models import AuditEntry, User

PRICE_CHANGE = "price change"
REINSTATEMENT = "reinstatement"
CREDIT_ADJUSTMENT = "credit adjustment"
COPY_PUBLISHED = "copy published"
COMMAND_LINE = "command line"


def record(session: Session, actor: User | None, action: str, subject: str, detail: str = "") -> None:
    """One line of the log; `actor` None is the command line (an operator on the server)."""
    with transaction(session):
        session.add(AuditEntry(actor_id=actor.id if actor else None,
                               actor_email=actor.email if actor else COMMAND_LINE,
                               action=action, subject=subject[:200], detail=detail))


def entries(session: Session, before_id: int | None = None, limit: int = 50) -> list[AuditEntry]:
    """A page of the log, newest first; the next page starts before the last id shown."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
