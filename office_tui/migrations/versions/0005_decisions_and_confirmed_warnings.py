"""the reason for deciding with sheets missing; the warnings confirmed on accepting a document

- decision: ``incomplete_reason`` — why staff decided an application some of whose
  assigned members had not submitted their sheet ('' when every sheet was in).
- document: ``warnings_confirmed`` — the warnings staff confirmed when they accepted it.
  A document accepted before this revision with warnings has none confirmed: it counts
  towards the checklist again once staff accept it with its warnings confirmed
  (docs/rules/documents.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incomplete_reason', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings_confirmed', sa.String(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('warnings_confirmed')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('incomplete_reason')
