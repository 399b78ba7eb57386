"""The admin's catalog editor: a draft of the whole catalog, its price preview, saving
it as a new revision, and the history of revisions (SPEC §5, §6).

A draft is the catalog document (the format `catalog import` reads) as the admin typed
it. Its fields are named by the same paths `validate_catalog` names in its errors
(`countries[2].long_term_unit`), so every error lands next to its field. Nothing of a
draft reaches the database until it is saved, through `import_catalog`.
"""
import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from pricing import (
    SHORT_TERM_MONTHS,
    TIERS,
    Catalog,
    CatalogError,
    FieldError,
    Money,
    catalog_to_dict,
    long_term_bundle,
    short_term_prepaid,
)
from storefront.models import CatalogRevision
from storefront.services.catalog import (
    CatalogChangedMeanwhile,
    current_catalog,
    current_revision,
    import_catalog,
    validate_catalog,
)

EDITOR_SOURCE = "catalog editor"
HISTORY_SHOWN = 50
ROW_FIELD = re.compile(r"^(countries|volume_discounts|return_fees)\[(\d+)\]\.(\w+)$")
WHOLE_FIELDS = {"min_months", "prior_returns", "step_months"}
COUNTRY_FIELDS = ("code", "name", "short_term_monthly", "long_term_unit", "setup_fee")
BLANK_ROWS = {
    "countries": {"code": "", "name": "", "short_term_monthly": "", "long_term_unit": "", "setup_fee": "0.00",
                  "retired": False},
    "volume_discounts": {"min_months": "", "percent": ""},
    "return_fees": {"prior_returns": "", "percent": ""},
}


class DraftNotSaved(Exception):
    """The draft cannot be saved as it is; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Comparing two catalogs -------------------------------------------------------------

@dataclass(frozen=True)
class Compared:
    """One figure now and in the draft; `None` where the country has no such figure."""

    old: Money | None
    new: Money | None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def difference(self) -> Money | None:
        return self.new - self.old if self.old is not None and self.new is not None else None


@dataclass(frozen=True)
class TierPreview:
    tier_months: int
    total: Compared
    effective_monthly: Compared


@dataclass(frozen=True)
class CountryPreview:
    code: str
    name: str
    is_new: bool
    retired: tuple[bool, bool]
    bundles: tuple[TierPreview, ...]
    short_term: tuple[tuple[int, Compared], ...]
    setup_fee: Compared

    @property
    def changed(self) -> bool:
        figures = [self.setup_fee] + [compared for _, compared in self.short_term]
        figures += [tier.total for tier in self.bundles] + [tier.effective_monthly for tier in self.bundles]
        return self.is_new or self.retired[0] != self.retired[1] or any(f.changed for f in figures)


def _prices(catalog: Catalog, code: str) -> dict:
    """Every figure of the preview for one country: bundles, 1–12 months, setup fee;
    empty for a country the catalog does not have (a new one, seen from the live catalog)."""
    if code not in {country.code for country in catalog.countries}:
        return {}
    bundles = {tier: long_term_bundle(catalog, code, tier) for tier in TIERS}
    short_term = {months: short_term_prepaid(catalog, code, months) for months in SHORT_TERM_MONTHS}
    setup_fee = catalog.country(code).setup_fee
    return {
        "bundle": {tier: quote.line("bundle").amount for tier, quote in bundles.items()},
        "effective": {tier: quote.effective_monthly for tier, quote in bundles.items()},
        # The rental price without the one-time setup fee, which the preview shows apart.
        "short": {months: quote.total - setup_fee for months, quote in short_term.items()},
        "setup_fee": setup_fee,
        "retired": catalog.country(code).retired,
    }


def price_preview(live: Catalog, draft: Catalog) -> list[CountryPreview]:
    """For each country whose prices the draft changes: every figure now and in the draft."""
    previews = []
    for country in draft.countries:
        old, new = _prices(live, country.code), _prices(draft, country.code)

        def compared(kind, key=None):
            pick = (lambda prices: prices.get(kind)) if key is None else (lambda prices: prices.get(kind, {}).get(key))
            return Compared(pick(old), pick(new))

        preview = CountryPreview(
            code=country.code,
            name=country.name,
            is_new=not old,
            retired=(bool(old.get("retired")), country.retired),
            bundles=tuple(
                TierPreview(tier, compared("bundle", tier), compared("effective", tier)) for tier in TIERS
            ),
            short_term=tuple((months, compared("short", months)) for months in SHORT_TERM_MONTHS),
            setup_fee=compared("setup_fee"),
        )
        if preview.changed:
            previews.append(preview)
    return previews


@dataclass(frozen=True)
class Difference:
    """One value changed between two catalog documents, in words for staff."""

    what: str
    old: str | None
    new: str | None


def _same(old, new) -> bool:
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except (InvalidOperation, ValueError):
        return old == new


def _money(value) -> str | None:
    return None if value is None else str(Money.eur(str(value)))


def _percent(value) -> str | None:
    return None if value is None else f"{format(Decimal(str(value)).normalize(), 'f')} %"


def _compare(differences, what, old, new, shown=str) -> None:
    if old is None and new is None or (old is not None and new is not None and _same(old, new)):
        return
    differences.append(Difference(what, None if old is None else shown(old), None if new is None else shown(new)))


def _rows(document: dict | None, table: str, key: str) -> dict:
    return {row[key]: row["percent"] for row in (document or {}).get(table, [])}


def catalog_differences(before: dict | None, after: dict) -> list[Difference]:
    """What changed from catalog document `before` to `after` (both as catalog_to_dict writes them)."""
    differences: list[Difference] = []
    old_countries = {country["code"]: country for country in (before or {}).get("countries", [])}
    new_countries = {country["code"]: country for country in after.get("countries", [])}
    for code, new in new_countries.items():
        old = old_countries.get(code)
        label = f"{new['name']} ({code})"
        if old is None:
            summary = (f"short-term {_money(new['short_term_monthly'])} a month, long-term unit "
                       f"{_money(new['long_term_unit'])}, setup fee {_money(new['setup_fee'])}")
            differences.append(Difference(f"{label} added", None, summary))
            continue
        _compare(differences, f"{label}: name", old["name"], new["name"])
        _compare(differences, f"{label}: short-term monthly rate", old["short_term_monthly"], new["short_term_monthly"], _money)
        _compare(differences, f"{label}: long-term unit", old["long_term_unit"], new["long_term_unit"], _money)
        _compare(differences, f"{label}: setup fee", old["setup_fee"], new["setup_fee"], _money)
        was_retired, is_retired = bool(old.get("retired")), bool(new.get("retired"))
        if was_retired != is_retired:
            differences.append(Difference(
                f"{label}: new sales",
                "retired" if was_retired else "on sale",
                "retired" if is_retired else "on sale",
            ))
    for code, old in old_countries.items():
        if code not in new_countries:
            differences.append(Difference(f"{old['name']} ({code}) removed", old["name"], None))
    for tier in TIERS:
        _compare(differences, f"Bundle factor, {tier} months",
                 (before or {}).get("bundle_factors", {}).get(str(tier)), after["bundle_factors"].get(str(tier)))
    for table, key, label in (
        ("volume_discounts", "min_months", "Volume discount from {} months"),
        ("return_fees", "prior_returns", "Return fee after {} earlier returns"),
    ):
        old_rows, new_rows = _rows(before, table, key), _rows(after, table, key)
        for row_key in sorted(old_rows.keys() | new_rows.keys()):
            _compare(differences, label.format(row_key), old_rows.get(row_key), new_rows.get(row_key), _percent)
    old_loyalty, new_loyalty = (before or {}).get("loyalty", {}), after["loyalty"]
    _compare(differences, "Loyalty: months per step", old_loyalty.get("step_months"), new_loyalty["step_months"])
    _compare(differences, "Loyalty: percent per step", old_loyalty.get("percent_per_step"),
             new_loyalty["percent_per_step"], _percent)
    _compare(differences, "Loyalty: at most", old_loyalty.get("max_percent"), new_loyalty["max_percent"], _percent)
    return differences


# --- The draft ---------------------------------------------------------------------------

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


def _typed(fields: dict) -> dict:
    """Fields as validation reads them: blank ones left out (so they are "missing"),
    whole numbers as ints, anything else kept as typed for the error message."""
    document = {}
    for key, raw in fields.items():
        text = (raw or "").strip()
        if not text:
            continue
        document[key] = int(text) if key in WHOLE_FIELDS and re.fullmatch(r"-?\d+", text) else text
    return document


def document_from_form(form: Mapping[str, str]) -> dict:
    """The catalog document of the editor's form (fields named `countries[0].code`, …)."""
    rows: dict[str, dict[int, dict]] = {"countries": {}, "volume_discounts": {}, "return_fees": {}}
    for name in form:
        match = ROW_FIELD.match(name)
        if match:
            table, index, key = match.group(1), int(match.group(2)), match.group(3)
            rows[table].setdefault(index, {})[key] = form.get(name, "")

    def ordered(table):
        return [rows[table][index] for index in sorted(rows[table])]

    return {
        "currency": "EUR",
        "bundle_factors": _typed({str(tier): form.get(f"bundle_factors.{tier}") for tier in TIERS}),
        "volume_discounts": [
            _typed({"min_months": row.get("min_months"), "percent": row.get("percent")})
            for row in ordered("volume_discounts")
        ],
        "loyalty": _typed({key: form.get(f"loyalty.{key}") for key in ("step_months", "percent_per_step", "max_percent")}),
        "return_fees": [
            _typed({"prior_returns": row.get("prior_returns"), "percent": row.get("percent")})
            for row in ordered("return_fees")
        ],
        "countries": [
            {
                "code": (row.get("code") or "").strip().upper(),
                "name": (row.get("name") or "").strip(),
                **_typed({key: row.get(key) for key in ("short_term_monthly", "long_term_unit", "setup_fee")}),
                "retired": row.get("retired") == "1",
            }
            for row in ordered("countries")
        ],
    }


def _check(session: Session, draft: Draft) -> Draft:
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
    return draft


def _live_codes(session: Session) -> frozenset[str]:
    return frozenset(country.code for country in current_catalog(session).countries)


def live_draft(session: Session) -> Draft:
    """A draft that starts as the catalog in force."""
    document = catalog_to_dict(current_catalog(session))
    return _check(session, Draft(document, current_revision(session), _live_codes(session)))


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
                  note=f"Restored the catalog of {revision.created_at:%d %b %Y, %H:%M} UTC (revision {revision.id})",
                  restored_from=revision)
    return _check(session, draft)


def form_draft(session: Session, form: Mapping[str, str]) -> Draft:
    """The draft the editor's form describes, checked and previewed."""
    try:
        base_revision = int(form.get("base_revision", ""))
    except ValueError:
        base_revision = current_revision(session)
    draft = Draft(document_from_form(form), base_revision, _live_codes(session),
                  note=(form.get("note") or "").strip())
    return _check(session, draft)


def add_row(session: Session, draft: Draft, table: str) -> Draft:
    draft.document[table].append(dict(BLANK_ROWS[table]))
    return _check(session, draft)


def remove_row(session: Session, draft: Draft, table: str, index: int) -> Draft:
    rows = draft.document[table]
    if 0 <= index < len(rows) and not (table == "countries" and rows[index].get("code") in draft.live_codes):
        del rows[index]
    return _check(session, draft)


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
    latest = current_revision(session)
    revision = session.get(CatalogRevision, latest)
    who = revision.changed_by.email if revision.changed_by else revision.source
    draft.base_revision = latest
    _check(session, draft)
    raise DraftNotSaved(
        f"Nothing was saved: the catalog was changed by {who} at {revision.created_at:%H:%M} UTC while "
        "you were editing. Your draft is still here and the preview now compares it with their "
        "catalog: check it, then save again."
    )


# --- History -----------------------------------------------------------------------------

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
