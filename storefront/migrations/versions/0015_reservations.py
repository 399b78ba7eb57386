"""Reservations

Revision ID: 0015_reservations
Revises: 0014_outbox
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op


revision = '0015_reservations'
down_revision = '0014_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('tier_months', sa.Integer(), nullable=False),
    sa.Column('hold_amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('bundle_amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.String(length=200), nullable=True),
    sa.Column('rental_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['rental_id'], ['rentals.id'], name=op.f('fk_reservations_rental_id_rentals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reservations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations')),
    sa.UniqueConstraint('key', name=op.f('uq_reservations_key'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservations_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservations_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('reservations')
