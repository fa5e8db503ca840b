"""usage files: imported system logs, each file's share of the daily counts, spot checks

- usagefile: one imported log file (name, content hash, kind, encoding, who, when, rows,
  events, stores, days, first and last day; replace; removed by whom and when). The
  same content is in at most once while it is in (a partial unique index).
- usagecontribution: per file and store, its daily counts (JSON array from first_day;
  -1 where it has none) and, for a file that replaced, the counts it replaced; what
  makes removing a file exact (office_tui.usage.files).
- spotcheckdraw, spotcheck: reproducible spot-check draws (seed recorded) and each drawn
  claim's result (pass / fail, note, date).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa



revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

IN = sa.text("removed_at IS NULL")


def upgrade() -> None:
    op.create_table('usagefile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('encoding', sa.String(length=16), nullable=False),
    sa.Column('replace', sa.Boolean(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('stores', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_by', sa.String(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_usagefile_imported_by_id_user')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['user.id'], name=op.f('fk_usagefile_removed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usagefile'))
    )
    with op.batch_alter_table('usagefile', schema=None) as batch_op:
        batch_op.create_index('uq_usagefile_sha256_in', ['sha256'], unique=True, sqlite_where=IN, postgresql_where=IN)

    op.create_table('usagecontribution',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('replaced', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['usagefile.id'], name=op.f('fk_usagecontribution_file_id_usagefile')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_usagecontribution_store_id_store')),
    sa.PrimaryKeyConstraint('file_id', 'store_id', name=op.f('pk_usagecontribution'))
    )
    with op.batch_alter_table('usagecontribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usagecontribution_store_id'), ['store_id'], unique=False)

    op.create_table('spotcheckdraw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('min_per_provider', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('drawn_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['user.id'], name=op.f('fk_spotcheckdraw_drawn_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spotcheckdraw'))
    )
    op.create_table('spotcheck',
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.CheckConstraint("result IS NULL OR result IN ('pass', 'fail')", name=op.f('ck_spotcheck_result_known')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_spotcheck_claim_id_claim')),
    sa.ForeignKeyConstraint(['draw_id'], ['spotcheckdraw.id'], name=op.f('fk_spotcheck_draw_id_spotcheckdraw')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_spotcheck_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('draw_id', 'claim_id', name=op.f('pk_spotcheck'))
    )
    with op.batch_alter_table('spotcheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spotcheck_claim_id'), ['claim_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('spotcheck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spotcheck_claim_id'))
    op.drop_table('spotcheck')
    op.drop_table('spotcheckdraw')
    with op.batch_alter_table('usagecontribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usagecontribution_store_id'))
    op.drop_table('usagecontribution')
    with op.batch_alter_table('usagefile', schema=None) as batch_op:
        batch_op.drop_index('uq_usagefile_sha256_in', sqlite_where=IN, postgresql_where=IN)
    op.drop_table('usagefile')
