"""Saved cards for automatic top-ups of renewals

Revision ID: 0020_i15_terms
Revises: 0019_i19_scale
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op


revision = '0020_i15_terms'
down_revision = '0019_i19_scale'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_cards',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('setup_intent_id', sa.String(length=100), nullable=False),
    sa.Column('payment_method_id', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('auto_top_up', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_cards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_saved_cards')),
    sa.UniqueConstraint('setup_intent_id', name=op.f('uq_saved_cards_setup_intent_id'))
    )


def downgrade():
    op.drop_table('saved_cards')
