"""Idempotent API requests.

Revision ID: 0008_idempotency
Revises: 0007_api_tokens
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_idempotency"
down_revision = "0007_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_idempotent_requests_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_idempotent_requests"),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotent_requests_user_id_key"),
    )


def downgrade():
    op.drop_table("idempotent_requests")
