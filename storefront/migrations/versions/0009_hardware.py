"""Inventory: partners, gateways, slots, SIMs, numbers, events

Revision ID: 0009_hardware
Revises: 0008_idempotency
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op


revision = '0009_hardware'
down_revision = '0008_idempotency'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hw_gateways',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hw_gateways')),
    sa.UniqueConstraint('name', name=op.f('uq_hw_gateways_name'))
    )
    op.create_table('hw_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('notify_url', sa.String(length=500), nullable=False),
    sa.Column('shared_secret', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hw_partners')),
    sa.UniqueConstraint('name', name=op.f('uq_hw_partners_name'))
    )
    op.create_table('hw_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gateway_id'], ['hw_gateways.id'], name=op.f('fk_hw_slots_gateway_id_hw_gateways')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hw_slots')),
    sa.UniqueConstraint('gateway_id', 'position', name='uq_hw_slots_gateway_id_position')
    )
    op.create_table('hw_sims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iccid', sa.String(length=22), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['slot_id'], ['hw_slots.id'], name=op.f('fk_hw_sims_slot_id_hw_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hw_sims')),
    sa.UniqueConstraint('iccid', name=op.f('uq_hw_sims_iccid')),
    sa.UniqueConstraint('slot_id', name=op.f('uq_hw_sims_slot_id'))
    )
    op.create_table('hw_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('e164', sa.String(length=16), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('sim_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_before_outage', sa.String(length=20), nullable=True),
    sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cooling_off_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('messages_sent', sa.Integer(), nullable=False),
    sa.Column('messages_received', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['hw_partners.id'], name=op.f('fk_hw_numbers_partner_id_hw_partners')),
    sa.ForeignKeyConstraint(['sim_id'], ['hw_sims.id'], name=op.f('fk_hw_numbers_sim_id_hw_sims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hw_numbers')),
    sa.UniqueConstraint('e164', name=op.f('uq_hw_numbers_e164')),
    sa.UniqueConstraint('sim_id', name=op.f('uq_hw_numbers_sim_id'))
    )
    with op.batch_alter_table('hw_numbers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hw_numbers_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_hw_numbers_state'), ['state'], unique=False)

    op.create_table('hw_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('number_id', sa.Integer(), nullable=True),
    sa.Column('gateway_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['gateway_id'], ['hw_gateways.id'], name=op.f('fk_hw_events_gateway_id_hw_gateways')),
    sa.ForeignKeyConstraint(['number_id'], ['hw_numbers.id'], name=op.f('fk_hw_events_number_id_hw_numbers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hw_events'))
    )


def downgrade():
    op.drop_table('hw_events')
    with op.batch_alter_table('hw_numbers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hw_numbers_state'))
        batch_op.drop_index(batch_op.f('ix_hw_numbers_country_code'))

    op.drop_table('hw_numbers')
    op.drop_table('hw_sims')
    op.drop_table('hw_slots')
    op.drop_table('hw_partners')
    op.drop_table('hw_gateways')
