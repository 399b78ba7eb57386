"""Copy editor: landing sections and FAQ entries with their versions

Revision ID: 0012_copy
Revises: 0011_card_payments
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op


revision = '0012_copy'
down_revision = '0011_card_payments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('copy_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=20), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_copy_blocks')),
    sa.UniqueConstraint('slug', name=op.f('uq_copy_blocks_slug'))
    )
    op.create_table('copy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_copy_versions_author_id_users')),
    sa.ForeignKeyConstraint(['block_id'], ['copy_blocks.id'], name=op.f('fk_copy_versions_block_id_copy_blocks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_copy_versions'))
    )
    with op.batch_alter_table('copy_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_copy_versions_block_id'), ['block_id'], unique=False)


def downgrade():
    with op.batch_alter_table('copy_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_copy_versions_block_id'))
    op.drop_table('copy_versions')
    op.drop_table('copy_blocks')
