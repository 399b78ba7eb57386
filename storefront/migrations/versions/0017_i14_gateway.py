"""Messages (per rental), gateway credentials, heartbeats, the pool numbers' gateway

Revision ID: 0017_i14_gateway
Revises: 0016_number_offers
Create Date: 2026-12-03 12:03:09.373782
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_i14_gateway'
down_revision = '0016_number_offers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gateway_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['gateway_id'], ['hw_gateways.id'], name=op.f('fk_gateway_tokens_gateway_id_hw_gateways')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_gateway_tokens_token_hash'))
    )
    with op.batch_alter_table('gateway_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_tokens_gateway_id'), ['gateway_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rental_id', sa.Integer(), nullable=False),
    sa.Column('number_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('gateway_id', sa.Integer(), nullable=True),
    sa.Column('gateway_message_id', sa.String(length=100), nullable=True),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('failure_reason', sa.String(length=300), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('body_purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['gateway_id'], ['hw_gateways.id'], name=op.f('fk_messages_gateway_id_hw_gateways')),
    sa.ForeignKeyConstraint(['number_id'], ['hw_numbers.id'], name=op.f('fk_messages_number_id_hw_numbers')),
    sa.ForeignKeyConstraint(['rental_id'], ['rentals.id'], name=op.f('fk_messages_rental_id_rentals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('gateway_id', 'gateway_message_id', name='uq_messages_gateway_id_gateway_message_id')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_messages_gateway_id_status_id', ['gateway_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_messages_rental_id_id', ['rental_id', 'id'], unique=False)

    with op.batch_alter_table('hw_gateways', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('silent_since', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('hw_numbers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pool_gateway_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_hw_numbers_pool_gateway_id'), ['pool_gateway_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_hw_numbers_pool_gateway_id_hw_gateways'), 'hw_gateways', ['pool_gateway_id'], ['id'])



def downgrade():
    with op.batch_alter_table('hw_numbers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hw_numbers_pool_gateway_id_hw_gateways'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_hw_numbers_pool_gateway_id'))
        batch_op.drop_column('pool_gateway_id')

    with op.batch_alter_table('hw_gateways', schema=None) as batch_op:
        batch_op.drop_column('silent_since')
        batch_op.drop_column('last_heartbeat_at')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_rental_id_id')
        batch_op.drop_index('ix_messages_gateway_id_status_id')
        batch_op.drop_index('ix_messages_created_at')

    op.drop_table('messages')
    with op.batch_alter_table('gateway_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_tokens_gateway_id'))

    op.drop_table('gateway_tokens')
