"""Scale: maintained stock counts, indexes of the hot queries, remembered reminders

Each index is justified by an EXPLAIN in README.md ("Performance notes").

Revision ID: 0019_i19_scale
Revises: 0018_i14_console
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op


revision = '0019_i19_scale'
down_revision = '0018_i14_console'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hw_stock',
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('country_code', 'kind', name=op.f('pk_hw_stock'))
    )
    op.execute("INSERT INTO hw_stock (country_code, kind, available) "
               "SELECT country_code, kind, count(*) FROM hw_numbers WHERE state = 'available' "
               "GROUP BY country_code, kind")
    op.create_index('ix_hw_numbers_country_kind_state_id', 'hw_numbers', ['country_code', 'kind', 'state', 'id'])
    op.create_index('ix_hw_events_number_id_created_at', 'hw_events', ['number_id', 'created_at'])
    op.create_index('ix_credit_ledger_user_id_created_at_id', 'credit_ledger', ['user_id', 'created_at', 'id'])
    op.create_index('ix_rentals_user_id_started_at_id', 'rentals', ['user_id', 'started_at', 'id'])
    op.create_index('ix_rentals_status_paid_through', 'rentals', ['status', 'paid_through'])
    with op.batch_alter_table('rentals') as batch:
        batch.add_column(sa.Column('reminded', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('rentals') as batch:
        batch.drop_column('reminded')
    op.drop_index('ix_rentals_status_paid_through', table_name='rentals')
    op.drop_index('ix_rentals_user_id_started_at_id', table_name='rentals')
    op.drop_index('ix_credit_ledger_user_id_created_at_id', table_name='credit_ledger')
    op.drop_index('ix_hw_events_number_id_created_at', table_name='hw_events')
    op.drop_index('ix_hw_numbers_country_kind_state_id', table_name='hw_numbers')
    op.drop_table('hw_stock')
