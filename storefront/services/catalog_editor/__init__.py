"""The admin's catalog editor: a draft of the whole catalog, its price preview, saving
it as a new revision, and the history of revisions (SPEC §5, §6).

A draft is the catalog document (the format `catalog import` reads) as the admin typed
it (`form`). Its fields are named by the same paths `validate_catalog` names in its errors
(`countries[2].long_term_unit`), so every error lands next to its field. After every edit
the draft is checked and compared with the catalog in force (`draft`, `price_preview`,
`changes`). Nothing of a draft reaches the database until it is saved, through
`import_catalog` (`saving`). `history` lists the revisions with what each changed.
"""
from storefront.services.catalog_editor.changes import Difference, catalog_differences
from storefront.services.catalog_editor.draft import (
    Draft,
    DraftNotSaved,
    add_row,
    form_draft,
    live_draft,
    remove_row,
    restored_draft,
)
from storefront.services.catalog_editor.form import document_from_form
from storefront.services.catalog_editor.history import HistoryEntry, catalog_history
from storefront.services.catalog_editor.price_preview import CountryPreview, price_preview
from storefront.services.catalog_editor.saving import save_draft

__all__ = [
    "CountryPreview", "Difference", "Draft", "DraftNotSaved", "HistoryEntry", "add_row", "catalog_differences",
    "catalog_history", "document_from_form", "form_draft", "live_draft", "price_preview", "remove_row",
    "restored_draft", "save_draft",
]
