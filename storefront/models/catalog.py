"""Catalog tables: countries with their rates, and the pricing tables (SPEC §6)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from pricing import Money
from storefront import clock
from storefront.models.types import EUROS

MONEY = Numeric(10, 2)  # the bare amount, as the migrations create it
PERCENT = Numeric(5, 2)


class CountryRow(Base):
    __tablename__ = "catalog_countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    short_term_monthly: Mapped[Money] = mapped_column(EUROS)
    long_term_unit: Mapped[Money] = mapped_column(EUROS)
    setup_fee: Mapped[Money] = mapped_column(EUROS)
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class BundleFactorRow(Base):
    __tablename__ = "catalog_bundle_factors"

    tier_months: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    factor: Mapped[Decimal] = mapped_column(Numeric(8, 4))


class VolumeDiscountRow(Base):
    __tablename__ = "catalog_volume_discounts"

    min_months: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    percent: Mapped[Decimal] = mapped_column(PERCENT)


class LoyaltyRow(Base):
    """The loyalty policy: a single row."""

    __tablename__ = "catalog_loyalty"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    step_months: Mapped[int] = mapped_column(Integer)
    percent_per_step: Mapped[Decimal] = mapped_column(PERCENT)
    max_percent: Mapped[Decimal] = mapped_column(PERCENT)


class ReturnFeeRow(Base):
    __tablename__ = "catalog_return_fees"

    prior_returns: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    percent: Mapped[Decimal] = mapped_column(PERCENT)


class CatalogRevision(Base):
    """One row per change of the catalog: its id versions the cached catalog, and the
    snapshot keeps the history (who changed what, and restoring an earlier catalog).

    What a change replaced is the snapshot of the revision before it. `changed_by` is
    the admin who saved it in the editor; an import from the CLI has none.
    """

    __tablename__ = "catalog_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    source: Mapped[str] = mapped_column(String(200))
    snapshot: Mapped[dict] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(300))
    changed_by: Mapped["User | None"] = relationship(lazy="joined")  # noqa: F821
