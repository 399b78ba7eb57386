"""Forwarding of a number's messages; forwards in the outbox name their rental

Revision ID: 0018_i14_console
Revises: 0017_i14_gateway
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op


revision = '0018_i14_console'
down_revision = '0017_i14_gateway'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('forwardings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rental_id', sa.Integer(), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=True),
    sa.Column('signing_secret', sa.String(length=100), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rental_id'], ['rentals.id'], name=op.f('fk_forwardings_rental_id_rentals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forwardings')),
    sa.UniqueConstraint('rental_id', name=op.f('uq_forwardings_rental_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rental_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_rental_id'), ['rental_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_rental_id_rentals'), 'rentals', ['rental_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_rental_id_rentals'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_rental_id'))
        batch_op.drop_column('rental_id')
    op.drop_table('forwardings')
