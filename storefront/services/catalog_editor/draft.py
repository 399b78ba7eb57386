"""The draft: the catalog document as the admin typed it, started from the catalog in force,
an earlier revision or the editor's form, checked as `catalog import` checks a file and
compared with the catalog in force after every edit."""
import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from pricing import TIERS, Catalog, CatalogError, FieldError, catalog_to_dict
from storefront.models import CatalogRevision
from storefront.problems import StorefrontError
from storefront.services.catalog import current_catalog, current_revision, validate_catalog
from storefront.services.catalog_editor.changes import Difference, catalog_differences
from storefront.services.catalog_editor.impact import repriced_countries, repriced_renewals
from storefront.services.catalog_editor.form import BLANK_ROWS, COUNTRY_FIELDS, document_from_form
from storefront.services.catalog_editor.price_preview import CountryPreview, price_preview
from storefront.formatting import when


class DraftNotSaved(StorefrontError):
    """The draft cannot be saved as it is; the message says why and what to do."""

    title = "Draft not saved"


@dataclass
class Draft:
    """The editor's state: the document as typed, and what it would change."""

    document: dict
    base_revision: int
    live_codes: frozenset[str]
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    catalog: Catalog | None = None
    preview: list[CountryPreview] = field(default_factory=list)
    changes: list[Difference] = field(default_factory=list)
    restored_from: CatalogRevision | None = None
    # Saving reprices this many automatic renewals (None until the draft is valid and changes something).
    repriced_renewals: int | None = None

    @property
    def bundle_factor_rows(self) -> list[tuple[int, str]]:
        """Every tier with its factor as typed, also a tier left blank."""
        return [(tier, self.document["bundle_factors"].get(str(tier), "")) for tier in TIERS]

    def field_paths(self) -> list[str]:
        """Every input of the editor, named as validation names its errors."""
        paths = [f"bundle_factors.{tier}" for tier in TIERS]
        paths += [f"loyalty.{key}" for key in ("step_months", "percent_per_step", "max_percent")]
        for index, _ in enumerate(self.document["volume_discounts"]):
            paths += [f"volume_discounts[{index}].min_months", f"volume_discounts[{index}].percent"]
        for index, _ in enumerate(self.document["return_fees"]):
            paths += [f"return_fees[{index}].prior_returns", f"return_fees[{index}].percent"]
        for index, _ in enumerate(self.document["countries"]):
            paths += [f"countries[{index}].{key}" for key in COUNTRY_FIELDS + ("retired",)]
        return paths

    @property
    def general_errors(self) -> list[str]:
        """Errors about a whole table rather than one input (e.g. a missing 0-returns row)."""
        fields = set(self.field_paths())
        return [f"{path}: {message}" for path, messages in self.errors.items() if path not in fields
                for message in messages]


def check_draft(session: Session, draft: Draft) -> Draft:
    """Validate the draft as `catalog import` does, and compare it with the catalog in force."""
    errors = []
    try:
        draft.catalog = validate_catalog(draft.document)
    except CatalogError as error:
        errors.extend(error.errors)
    codes = {row.get("code") for row in draft.document["countries"]}
    for code in sorted(draft.live_codes - codes):
        # Rentals there must go on: the editor retires a country, it never removes one.
        errors.append(FieldError("countries", f"{code} is missing: retire a country instead of removing it"))
    draft.errors = {}
    for error in errors:
        draft.errors.setdefault(error.field, []).append(error.message)
    if errors:
        draft.catalog = None
        return draft
    live = current_catalog(session)
    draft.preview = price_preview(live, draft.catalog)
    draft.changes = catalog_differences(catalog_to_dict(live), catalog_to_dict(draft.catalog))
    if draft.changes:
        draft.repriced_renewals = repriced_renewals(session, repriced_countries(live, draft.catalog, draft.preview))
    return draft


def _live_codes(session: Session) -> frozenset[str]:
    return frozenset(country.code for country in current_catalog(session).countries)


def live_draft(session: Session) -> Draft:
    """A draft that starts as the catalog in force."""
    document = catalog_to_dict(current_catalog(session))
    return check_draft(session, Draft(document, current_revision(session), _live_codes(session)))


def restored_draft(session: Session, revision_id: int) -> Draft:
    """A draft that is an earlier catalog. Countries added since are kept, retired."""
    revision = session.get(CatalogRevision, revision_id)
    if revision is None:
        raise DraftNotSaved(f"There is no catalog revision {revision_id}.")
    # Taken as it was stored: should it break a rule made since, the editor names the field.
    document = copy.deepcopy(revision.snapshot)
    listed = {country["code"] for country in document["countries"]}
    for country in catalog_to_dict(current_catalog(session))["countries"]:
        if country["code"] not in listed:
            document["countries"].append({**country, "retired": True})
    draft = Draft(document, current_revision(session), _live_codes(session),
                  note=f"Restored the catalog of {when(revision.created_at, time=True)} (revision {revision.id})",
                  restored_from=revision)
    return check_draft(session, draft)


def form_draft(session: Session, form: Mapping[str, str]) -> Draft:
    """The draft the editor's form describes, checked and previewed."""
    try:
        base_revision = int(form.get("base_revision", ""))
    except ValueError:
        base_revision = current_revision(session)
    draft = Draft(document_from_form(form), base_revision, _live_codes(session),
                  note=(form.get("note") or "").strip())
    return check_draft(session, draft)


def add_row(session: Session, draft: Draft, table: str) -> Draft:
    draft.document[table].append(dict(BLANK_ROWS[table]))
    return check_draft(session, draft)


def remove_row(session: Session, draft: Draft, table: str, index: int) -> Draft:
    rows = draft.document[table]
    if 0 <= index < len(rows) and not (table == "countries" and rows[index].get("code") in draft.live_codes):
        del rows[index]
    return check_draft(session, draft)
