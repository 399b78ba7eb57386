"""Catalog editor: retired countries, and who changed the catalog and why

Revision ID: 0013_catalog_editor
Revises: 0012_copy
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op


revision = '0013_catalog_editor'
down_revision = '0012_copy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('catalog_countries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('catalog_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f('ix_catalog_revisions_changed_by_id'), ['changed_by_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_catalog_revisions_changed_by_id_users'), 'users', ['changed_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('catalog_revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_catalog_revisions_changed_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_catalog_revisions_changed_by_id'))
        batch_op.drop_column('note')
        batch_op.drop_column('changed_by_id')

    with op.batch_alter_table('catalog_countries', schema=None) as batch_op:
        batch_op.drop_column('retired')
