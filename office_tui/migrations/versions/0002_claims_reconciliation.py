"""claims reconciliation: subsidy and flags on claims, new claim statuses, invoice
numbers stored as filed

- claim: ``subsidy`` (NT$ due) and ``flags`` (comma-joined codes) written by the
  reconciliation pass; ``approved_on`` and ``clawed_back_on``; one granted claim per
  contract (partial unique index); status ``checking`` folds into ``filed`` (待審).
- invoice: the number is no longer unique and may be longer than 10 characters, so that
  a duplicate or malformed number is kept and flagged rather than refused.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

GRANTED = sa.text("status IN ('approved', 'paid')")


def upgrade() -> None:
    op.execute("UPDATE claim SET status = 'filed' WHERE status = 'checking'")
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subsidy', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('flags', sa.String(length=400), server_default='', nullable=False))
        batch_op.add_column(sa.Column('approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('clawed_back_on', sa.Date(), nullable=True))
        batch_op.create_index('uq_claim_granted_contract', ['contract_id'], unique=True,
                              sqlite_where=GRANTED, postgresql_where=GRANTED)
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_invoice_invoice_no'), type_='unique')
        batch_op.alter_column('invoice_no', existing_type=sa.String(length=10), type_=sa.String(length=32),
                              existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_invoice_invoice_no'), ['invoice_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_invoice_no'))
        batch_op.alter_column('invoice_no', existing_type=sa.String(length=32), type_=sa.String(length=10),
                              existing_nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_invoice_invoice_no'), ['invoice_no'])
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('uq_claim_granted_contract', sqlite_where=GRANTED, postgresql_where=GRANTED)
        batch_op.drop_column('clawed_back_on')
        batch_op.drop_column('approved_on')
        batch_op.drop_column('flags')
        batch_op.drop_column('subsidy')
    op.execute("UPDATE claim SET status = 'rejected' WHERE status IN ('incomplete', 'clawed_back')")
