"""Credits ledger and rentals

Revision ID: 0010_credits_rentals
Revises: 0009_hardware
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op


revision = '0010_credits_rentals'
down_revision = '0009_hardware'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credit_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_credit_ledger_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_ledger')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_credit_ledger_idempotency_key'))
    )
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_ledger_user_id'), ['user_id'], unique=False)

    op.create_table('rentals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('pricing_model', sa.String(length=20), nullable=False),
    sa.Column('tier_months', sa.Integer(), nullable=True),
    sa.Column('months', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_through', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('charged_total', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('bundle_paid', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('purchase_key', sa.String(length=100), nullable=False),
    sa.Column('legacy_monthly_rate', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('legacy_months', sa.Integer(), nullable=True),
    sa.Column('legacy_discount_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('stripe_subscription_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['number_id'], ['hw_numbers.id'], name=op.f('fk_rentals_number_id_hw_numbers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rentals_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rentals')),
    sa.UniqueConstraint('purchase_key', name=op.f('uq_rentals_purchase_key'))
    )
    with op.batch_alter_table('rentals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rentals_number_id'), ['number_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rentals_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('rentals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rentals_user_id'))
        batch_op.drop_index(batch_op.f('ix_rentals_number_id'))

    op.drop_table('rentals')
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_ledger_user_id'))

    op.drop_table('credit_ledger')
