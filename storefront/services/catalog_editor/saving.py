"""Saving a draft: it becomes the catalog in force as a new revision, in one transaction,
or nothing changes and the admin is told why."""
from sqlalchemy.orm import Session

from pricing import Catalog
from storefront.models import CatalogRevision
from storefront.services.catalog import CatalogChangedMeanwhile, current_revision, import_catalog
from storefront.services.catalog_editor.draft import Draft, DraftNotSaved, check_draft

EDITOR_SOURCE = "catalog editor"


def save_draft(session: Session, draft: Draft, admin_id: int) -> Catalog:
    """Make the draft the catalog in force, in one transaction, or change nothing.

    Raises DraftNotSaved when a field is wrong, when the draft changes nothing, or when
    someone else saved the catalog since the draft was started (their change would be
    lost without anyone seeing it); the draft then compares with their catalog.
    """
    if draft.catalog is None:
        raise DraftNotSaved("Nothing was saved: please fix the fields marked below.")
    if current_revision(session) != draft.base_revision:
        _changed_meanwhile(session, draft)
    if not draft.changes:
        raise DraftNotSaved("Nothing was saved: the draft is the same as the catalog in force.")
    try:
        return import_catalog(session, draft.document, EDITOR_SOURCE, changed_by_id=admin_id,
                              note=draft.note or None, based_on=draft.base_revision)
    except CatalogChangedMeanwhile:
        # Someone saved in the very instant between the check above and this save.
        _changed_meanwhile(session, draft)


def _changed_meanwhile(session: Session, draft: Draft):
    latest = current_revision(session, fresh=True)
    revision = session.get(CatalogRevision, latest)
    who = revision.changed_by.email if revision.changed_by else revision.source
    draft.base_revision = latest
    check_draft(session, draft)
    raise DraftNotSaved(
        f"Nothing was saved: the catalog was changed by {who} at {revision.created_at:%H:%M} UTC while "
        "you were editing. Your draft is still here and the preview now compares it with their "
        "catalog: check it, then save again."
    )
