"""The catalog in the database: validate, import, export, and the current catalog.

Every price the storefront shows or charges is computed by `pricing` from the catalog
returned by `current_catalog`, which is cached per catalog revision.

Each process keeps its own copy. Whether it is still the one in force is asked of the
database (the newest revision number, one small query) on every charge; for pages and
quotes that only show prices, `catalog_for_display` trusts an answer younger than
CATALOG_RECHECK_SECONDS (default 1 s), so most of them need no database round trip. An
import in another process is therefore shown within that time (an import in this
process at once), and a customer who saw an older price is asked again at checkout
(quote tokens), never charged it.
"""
from dataclasses import dataclass
from decimal import Decimal

import pycountry
from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, select, text
from sqlalchemy.orm import Session

from pricing import Catalog, CatalogError, FieldError, catalog_to_dict, parse_catalog
from storefront import caching, clock
from storefront.db import transaction
from storefront.problems import UNAVAILABLE, StorefrontError
from storefront.models import (
    BundleFactorRow,
    CatalogRevision,
    CountryRow,
    LoyaltyRow,
    ReturnFeeRow,
    VolumeDiscountRow,
)


class CatalogMissing(StorefrontError):
    kind = UNAVAILABLE
    title = "Catalog not loaded"
    message = "No catalog has been loaded yet: run `flask --app storefront catalog import FILE`."

    def __init__(self, message: str = message):
        super().__init__(message)


def validate_catalog(data) -> Catalog:
    """The one validation for every way a catalog arrives (a file, the admin editor).

    `pricing` checks the shape, the money and the tables; the ISO country list is
    checked here because it is data from a package, not a pricing rule.
    """
    errors: list[FieldError] = []
    catalog = None
    try:
        catalog = parse_catalog(data)
    except CatalogError as error:
        errors.extend(error.errors)
    countries = data.get("countries") if isinstance(data, dict) else None
    for index, country in enumerate(countries if isinstance(countries, list) else []):
        code = country.get("code") if isinstance(country, dict) else None
        if isinstance(code, str) and len(code) == 2 and code.isupper():
            if pycountry.countries.get(alpha_2=code) is None:
                errors.append(
                    FieldError(f"countries[{index}].code", f"'{code}' is not an ISO 3166 country code")
                )
    if errors:
        raise CatalogError(errors)
    return catalog


class CatalogChangedMeanwhile(StorefrontError):
    """Someone saved another catalog after the one this change was based on."""

    def __init__(self, message: str = "Someone saved another catalog meanwhile. Please look at it and make your change again."):
        super().__init__(message)


# Any fixed number: the PostgreSQL advisory lock every catalog save takes in turn.
CATALOG_SAVE_LOCK = 640_201


def import_catalog(
    session: Session, data, source: str, changed_by_id: int | None = None, note: str | None = None,
    based_on: int | None = None,
) -> Catalog:
    """Replace the catalog with `data` in one transaction, or change nothing.

    The new revision invalidates every process's cached catalog and keeps the snapshot
    for the history, with who saved it (an admin in the editor; none for the CLI) and why.
    With `based_on`, raises CatalogChangedMeanwhile (saving nothing) unless that revision
    is still the newest: saves take turns (SQLite's write lock, PostgreSQL's advisory
    lock), so two admins saving at the same instant can't both get through.
    """
    catalog = validate_catalog(data)
    with transaction(session):
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_SAVE_LOCK})
        if based_on is not None and current_revision(session, fresh=True) != based_on:
            raise CatalogChangedMeanwhile()
        for table in (BundleFactorRow, VolumeDiscountRow, LoyaltyRow, ReturnFeeRow):
            session.execute(delete(table))
        codes = {country.code for country in catalog.countries}
        session.execute(delete(CountryRow).where(CountryRow.code.not_in(codes)))
        for country in catalog.countries:
            session.merge(
                CountryRow(
                    code=country.code,
                    name=country.name,
                    short_term_monthly=country.short_term_monthly,
                    long_term_unit=country.long_term_unit,
                    setup_fee=country.setup_fee,
                    retired=country.retired,
                )
            )
        session.add_all(
            BundleFactorRow(tier_months=tier, factor=factor)
            for tier, factor in catalog.bundle_factors.items()
        )
        session.add_all(
            VolumeDiscountRow(min_months=row.min_months, percent=row.percent)
            for row in catalog.volume_discounts
        )
        session.add(
            LoyaltyRow(
                id=1,
                step_months=catalog.loyalty.step_months,
                percent_per_step=catalog.loyalty.percent_per_step,
                max_percent=catalog.loyalty.max_percent,
            )
        )
        session.add_all(
            ReturnFeeRow(prior_returns=row.prior_returns, percent=row.percent)
            for row in catalog.return_fees
        )
        session.add(
            CatalogRevision(
                source=source[:200],
                snapshot=catalog_to_dict(catalog),
                changed_by_id=changed_by_id,
                note=note[:300] if note else None,
            )
        )
    if has_app_context():
        caching.cache_of(current_app, "catalog").forget()  # this process sees it at once
    return catalog


def has_catalog(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(CatalogRevision)) > 0


_REVISION = "catalog_revision"


def current_revision(session: Session, fresh: bool = False) -> int | None:
    """The newest catalog revision, read once per transaction: a buy asks several times (quote,
    charge, terms, answer) and is priced by one catalog. A revision added in this session
    forgets the reading (`_forget_revision`); `fresh` reads it again (a save that has just
    taken the save lock must see a revision another admin committed meanwhile)."""
    transaction = session.get_transaction()
    known = session.info.get(_REVISION)
    if not fresh and transaction is not None and known is not None and known[0] is transaction:
        return known[1]
    revision = session.scalar(select(func.max(CatalogRevision.id)))
    session.info[_REVISION] = (session.get_transaction(), revision)
    return revision


@event.listens_for(Session, "after_flush")
def _forget_revision(session: Session, _context) -> None:
    if any(isinstance(added, CatalogRevision) for added in session.new):
        session.info.pop(_REVISION, None)


@dataclass(frozen=True)
class _Cached:
    revision: int
    catalog: Catalog


def current_catalog(session: Session, max_age: float = 0.0) -> Catalog:
    """The catalog in force, rebuilt from the tables only when a new revision exists.

    The newest revision number is read from the database unless this process confirmed
    it less than `max_age` seconds ago (0, the default: always read it; charges must).
    The cache lives on the app, so each process (and each test's app) has its own.
    """
    cache = caching.cache_of(current_app, "catalog")
    cached: _Cached | None = cache.get("current", max_age)
    if cached is not None:
        return cached.catalog
    checked_at = clock.monotonic()  # the age counts from when the database confirmed it
    revision = current_revision(session)
    if revision is None:
        raise CatalogMissing(CatalogMissing.message)
    cached = cache.get("current")
    if cached is None or cached.revision != revision:
        cached = _Cached(revision, parse_catalog(_document_from_tables(session)))
    # One object swapped in whole, so a concurrent reader never sees half an update.
    return cache.put("current", cached, stored_at=checked_at).catalog


def cached_revision() -> int:
    """The revision of the catalog this process last read (after `current_catalog`): a key
    for anything derived from prices, so it is recomputed when the catalog changes."""
    return caching.cache_of(current_app, "catalog").get("current").revision


def catalog_for_display(session: Session) -> Catalog:
    """The catalog for showing prices (pages, quotes): at most CATALOG_RECHECK_SECONDS old."""
    return current_catalog(session, max_age=current_app.config.get("CATALOG_RECHECK_SECONDS", 0.0))


def export_catalog(session: Session) -> dict:
    return catalog_to_dict(current_catalog(session))


def _text(value: Decimal) -> str:
    return format(value, "f")


def _document_from_tables(session: Session) -> dict:
    loyalty = session.get(LoyaltyRow, 1)
    return {
        "currency": "EUR",
        "bundle_factors": {
            str(row.tier_months): _text(row.factor)
            for row in session.scalars(select(BundleFactorRow).order_by(BundleFactorRow.tier_months))
        },
        "volume_discounts": [
            {"min_months": row.min_months, "percent": _text(row.percent)}
            for row in session.scalars(select(VolumeDiscountRow).order_by(VolumeDiscountRow.min_months))
        ],
        "loyalty": {
            "step_months": loyalty.step_months,
            "percent_per_step": _text(loyalty.percent_per_step),
            "max_percent": _text(loyalty.max_percent),
        },
        "return_fees": [
            {"prior_returns": row.prior_returns, "percent": _text(row.percent)}
            for row in session.scalars(select(ReturnFeeRow).order_by(ReturnFeeRow.prior_returns))
        ],
        "countries": [
            {
                "code": row.code,
                "name": row.name,
                "short_term_monthly": row.short_term_monthly.as_string(),
                "long_term_unit": row.long_term_unit.as_string(),
                "setup_fee": row.setup_fee.as_string(),
                "retired": row.retired,
            }
            for row in session.scalars(select(CountryRow).order_by(CountryRow.name))
        ],
    }
