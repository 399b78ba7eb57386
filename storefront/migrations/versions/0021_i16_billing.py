"""Billing: running balance on ledger entries, card charges, billing details, e-mail
verification, numbered billing documents, HTML e-mails

Revision ID: 0021_i16_billing
Revises: 0020_i15_terms
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op


revision = '0021_i16_billing'
down_revision = '0020_i15_terms'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.add_column(sa.Column('balance_after', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('card_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.create_index('ix_credit_ledger_user_id_id', ['user_id', 'id'], unique=False)
    # Existing entries get their running balance once (a correlated sum; new ones are written at booking).
    op.execute(
        "UPDATE credit_ledger SET balance_after = (SELECT SUM(earlier.amount) FROM credit_ledger AS earlier "
        "WHERE earlier.user_id = credit_ledger.user_id AND earlier.id <= credit_ledger.id)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('billing_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('billing_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('billing_country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('vat_id', sa.String(length=20), nullable=True))
    # Accounts made before verification existed keep paying as before.
    op.execute("UPDATE users SET email_verified_at = created_at")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))
    op.create_table('document_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_document_counters'))
    )
    op.create_table('billing_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ledger_entry_id', sa.Integer(), nullable=False),
    sa.Column('refers_to_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('vat_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reverse_charge', sa.Boolean(), nullable=False),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('customer', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['credit_ledger.id'],
                            name=op.f('fk_billing_documents_ledger_entry_id_credit_ledger')),
    sa.ForeignKeyConstraint(['refers_to_id'], ['billing_documents.id'],
                            name=op.f('fk_billing_documents_refers_to_id_billing_documents')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_billing_documents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_documents')),
    sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_billing_documents_ledger_entry_id')),
    sa.UniqueConstraint('number', name=op.f('uq_billing_documents_number'))
    )
    with op.batch_alter_table('billing_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_documents_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('billing_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_documents_user_id'))
    op.drop_table('billing_documents')
    op.drop_table('document_counters')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('html_body')
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in ('vat_id', 'billing_country', 'billing_address', 'billing_name', 'email_verified_at'):
            batch_op.drop_column(column)
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_ledger_user_id_id')
        batch_op.drop_column('card_amount')
        batch_op.drop_column('balance_after')
