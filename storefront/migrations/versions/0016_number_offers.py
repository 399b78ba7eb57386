"""Number offers: support offers a similar number, or a subscription number back

Revision ID: 0016_number_offers
Revises: 0015_reservations
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op


revision = '0016_number_offers'
down_revision = '0015_reservations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('number_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number_id', sa.Integer(), nullable=False),
    sa.Column('former_rental_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('billing', sa.String(length=20), nullable=False),
    sa.Column('made_by', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cooling_off_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['former_rental_id'], ['rentals.id'], name=op.f('fk_number_offers_former_rental_id_rentals')),
    sa.ForeignKeyConstraint(['made_by'], ['users.id'], name=op.f('fk_number_offers_made_by_users')),
    sa.ForeignKeyConstraint(['number_id'], ['hw_numbers.id'], name=op.f('fk_number_offers_number_id_hw_numbers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_number_offers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_number_offers'))
    )
    with op.batch_alter_table('number_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_number_offers_number_id'), ['number_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_number_offers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('number_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_number_offers_user_id'))
        batch_op.drop_index(batch_op.f('ix_number_offers_number_id'))
    op.drop_table('number_offers')
