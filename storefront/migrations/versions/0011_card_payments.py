"""Card payments

Revision ID: 0011_card_payments
Revises: 0010_credits_rentals
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op


revision = '0011_card_payments'
down_revision = '0010_credits_rentals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stripe_events',
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_stripe_events'))
    )
    op.create_table('card_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=100), nullable=True),
    sa.Column('failure_message', sa.String(length=300), nullable=True),
    sa.Column('return_to', sa.String(length=500), nullable=True),
    sa.Column('checkout_token', sa.Text(), nullable=True),
    sa.Column('checkout_key', sa.String(length=100), nullable=True),
    sa.Column('rental_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rental_id'], ['rentals.id'], name=op.f('fk_card_payments_rental_id_rentals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_card_payments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_payments')),
    sa.UniqueConstraint('checkout_key', name=op.f('uq_card_payments_checkout_key')),
    sa.UniqueConstraint('payment_intent_id', name=op.f('uq_card_payments_payment_intent_id'))
    )
    with op.batch_alter_table('card_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_payments_user_id'), ['user_id'], unique=False)

    op.create_table('stripe_customers',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stripe_customers_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_stripe_customers')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_stripe_customers_customer_id'))
    )


def downgrade():
    op.drop_table('stripe_customers')
    with op.batch_alter_table('card_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_payments_user_id'))

    op.drop_table('card_payments')
    op.drop_table('stripe_events')
