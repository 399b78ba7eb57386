"""Catalog: countries, pricing tables and catalog revisions.

Revision ID: 0001_catalog
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_catalog"
down_revision = None
branch_labels = None
depends_on = None

MONEY = sa.Numeric(10, 2)
PERCENT = sa.Numeric(5, 2)


def upgrade():
    op.create_table(
        "catalog_countries",
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("short_term_monthly", MONEY, nullable=False),
        sa.Column("long_term_unit", MONEY, nullable=False),
        sa.Column("setup_fee", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_catalog_countries"),
    )
    op.create_table(
        "catalog_bundle_factors",
        sa.Column("tier_months", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("factor", sa.Numeric(8, 4), nullable=False),
        sa.PrimaryKeyConstraint("tier_months", name="pk_catalog_bundle_factors"),
    )
    op.create_table(
        "catalog_volume_discounts",
        sa.Column("min_months", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("percent", PERCENT, nullable=False),
        sa.PrimaryKeyConstraint("min_months", name="pk_catalog_volume_discounts"),
    )
    op.create_table(
        "catalog_loyalty",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step_months", sa.Integer(), nullable=False),
        sa.Column("percent_per_step", PERCENT, nullable=False),
        sa.Column("max_percent", PERCENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_loyalty"),
    )
    op.create_table(
        "catalog_return_fees",
        sa.Column("prior_returns", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("percent", PERCENT, nullable=False),
        sa.PrimaryKeyConstraint("prior_returns", name="pk_catalog_return_fees"),
    )
    op.create_table(
        "catalog_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_revisions"),
    )


def downgrade():
    for table in (
        "catalog_revisions",
        "catalog_return_fees",
        "catalog_loyalty",
        "catalog_volume_discounts",
        "catalog_bundle_factors",
        "catalog_countries",
    ):
        op.drop_table(table)
