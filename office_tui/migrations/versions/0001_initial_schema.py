"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('appmeta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_appmeta'))
    )
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=8), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=True),
    sa.Column('rubric', sa.Text(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch')),
    sa.UniqueConstraint('number', name=op.f('uq_batch_number'))
    )
    op.create_table('pastrecipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_ubn', sa.String(length=8), nullable=False),
    sa.Column('store_name', sa.String(), nullable=False),
    sa.Column('programme', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pastrecipient'))
    )
    with op.batch_alter_table('pastrecipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pastrecipient_store_ubn'), ['store_ubn'], unique=False)

    op.create_table('provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ubn', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('business_items', sa.String(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('paid_in_capital', sa.Integer(), nullable=False),
    sa.Column('website', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('intro', sa.String(length=300), nullable=False),
    sa.Column('capacity', sa.String(), nullable=False),
    sa.Column('owner_name', sa.String(), nullable=False),
    sa.Column('owner_title', sa.String(), nullable=False),
    sa.Column('contact_name', sa.String(), nullable=False),
    sa.Column('contact_email', sa.String(), nullable=False),
    sa.Column('contact_phone', sa.String(), nullable=False),
    sa.Column('contact_mobile', sa.String(), nullable=False),
    sa.Column('top_qualified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider')),
    sa.UniqueConstraint('ubn', name=op.f('uq_provider_ubn'))
    )
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_name'), ['name'], unique=False)

    op.create_table('reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_no', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('affiliation', sa.String(), nullable=False),
    sa.Column('email', sa.String(), nullable=False),
    sa.Column('expertise', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer')),
    sa.UniqueConstraint('reviewer_no', name=op.f('uq_reviewer_reviewer_no'))
    )
    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_no', sa.String(length=32), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('solution_name', sa.String(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('renewal_offer', sa.String(), nullable=False),
    sa.Column('video_url', sa.String(), nullable=False),
    sa.Column('video_seconds', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('status_reason', sa.String(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price >= 0', name=op.f('ck_application_price_not_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_application_batch_id_batch')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_application_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('application_no', name=op.f('uq_application_application_no'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_batch_status', ['batch_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_status'), ['status'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('ubn', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_conflict_reviewer_id_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict')),
    sa.UniqueConstraint('reviewer_id', 'ubn', name=op.f('uq_conflict_reviewer_id_ubn'))
    )
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_ubn'), ['ubn'], unique=False)

    op.create_table('district',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('city', sa.String(), nullable=False),
    sa.Column('organisation', sa.String(), nullable=False),
    sa.Column('approved_store_count', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_district_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district')),
    sa.UniqueConstraint('name', name=op.f('uq_district_name'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=True),
    sa.Column('os_account', sa.String(length=64), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_user_reviewer_id_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('os_account', name=op.f('uq_user_os_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('sheet_status', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_assignment_application_id_application')),
    sa.ForeignKeyConstraint(['assigned_by'], ['user.id'], name=op.f('fk_assignment_assigned_by_user')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_assignment_reviewer_id_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name=op.f('uq_assignment_application_id_reviewer_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('row_key', sa.String(length=64), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_auditentry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auditentry'))
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_at'), ['at'], unique=False)
        batch_op.create_index('ix_auditentry_table_row', ['table_name', 'row_key'], unique=False)

    op.create_table('calendaroverride',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('announcement', sa.String(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_calendaroverride_created_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendaroverride')),
    sa.UniqueConstraint('day', name=op.f('uq_calendaroverride_day'))
    )
    op.create_table('correctionnotice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('corrected_on', sa.Date(), nullable=True),
    sa.Column('closed_reason', sa.String(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_correctionnotice_application_id_application')),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_correctionnotice_created_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correctionnotice'))
    )
    with op.batch_alter_table('correctionnotice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correctionnotice_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_correctionnotice_status_due', ['status', 'due_on'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('doc_no', sa.String(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_decision_application_id_application')),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], name=op.f('fk_decision_decided_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('application_id', name=op.f('uq_decision_application_id'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('original_path', sa.String(), nullable=False),
    sa.Column('stored_path', sa.String(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('warnings', sa.String(), nullable=False),
    sa.Column('ubns_found', sa.String(), nullable=False),
    sa.Column('dates_found', sa.String(), nullable=False),
    sa.Column('text_preview', sa.Text(), nullable=False),
    sa.Column('triage', sa.String(length=16), nullable=False),
    sa.Column('triage_reason', sa.String(), nullable=False),
    sa.Column('triaged_by', sa.Integer(), nullable=True),
    sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_document_application_id_application')),
    sa.ForeignKeyConstraint(['triaged_by'], ['user.id'], name=op.f('fk_document_triaged_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)

    op.create_table('outlierresolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_outlierresolution_application_id_application')),
    sa.ForeignKeyConstraint(['resolved_by'], ['user.id'], name=op.f('fk_outlierresolution_resolved_by_user')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_outlierresolution_reviewer_id_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlierresolution')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name=op.f('uq_outlierresolution_application_id_reviewer_id'))
    )
    with op.batch_alter_table('outlierresolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outlierresolution_application_id'), ['application_id'], unique=False)

    op.create_table('qualificationcheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('condition', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_qualificationcheck_provider_id_provider')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_qualificationcheck_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualificationcheck')),
    sa.UniqueConstraint('provider_id', 'condition', name=op.f('uq_qualificationcheck_provider_id_condition'))
    )
    with op.batch_alter_table('qualificationcheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualificationcheck_provider_id'), ['provider_id'], unique=False)

    op.create_table('store',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ubn', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('industry', sa.String(length=16), nullable=False),
    sa.Column('city', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('owner_name', sa.String(), nullable=False),
    sa.Column('is_sme', sa.Boolean(), nullable=False),
    sa.Column('operating', sa.Boolean(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_store_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store')),
    sa.UniqueConstraint('ubn', name=op.f('uq_store_ubn'))
    )
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_store_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_store_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_store_name'), ['name'], unique=False)

    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_no', sa.String(length=32), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('subsidy', sa.Integer(), nullable=False),
    sa.Column('subsidised', sa.Boolean(), nullable=False),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('existing_customer', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_contract_term_positive')),
    sa.CheckConstraint('subsidy >= 0 AND subsidy <= 30000', name=op.f('ck_contract_subsidy_within_cap')),
    sa.CheckConstraint('subsidy <= total', name=op.f('ck_contract_subsidy_within_total')),
    sa.CheckConstraint('total >= 0', name=op.f('ck_contract_total_not_negative')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_provider_id_provider')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_contract_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('contract_no', name=op.f('uq_contract_contract_no'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_store_id'), ['store_id'], unique=False)
        batch_op.create_index('uq_contract_subsidised_store', ['store_id'], unique=True, sqlite_where=sa.text('subsidised'), postgresql_where=sa.text('subsidised'))

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_score_value_not_negative')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_score_assignment_id_assignment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score')),
    sa.UniqueConstraint('assignment_id', 'criterion', name=op.f('uq_score_assignment_id_criterion'))
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('usagedaily',
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_usagedaily_store_id_store')),
    sa.PrimaryKeyConstraint('store_id', 'day', name=op.f('pk_usagedaily'))
    )
    op.create_table('contractsolution',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_contractsolution_application_id_application')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contractsolution_contract_id_contract')),
    sa.PrimaryKeyConstraint('contract_id', 'application_id', name=op.f('pk_contractsolution'))
    )
    with op.batch_alter_table('contractsolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contractsolution_application_id'), ['application_id'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_no', sa.String(length=10), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('electronic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_invoice_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('invoice_no', name=op.f('uq_invoice_invoice_no'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_contract_id'), ['contract_id'], unique=False)

    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_no', sa.String(length=32), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.Column('approved_amount', sa.Integer(), nullable=True),
    sa.Column('withholding_amount', sa.Integer(), nullable=False),
    sa.Column('has_declaration', sa.Boolean(), nullable=False),
    sa.Column('has_receipt', sa.Boolean(), nullable=False),
    sa.Column('has_signed_contract', sa.Boolean(), nullable=False),
    sa.Column('has_invoice_copy', sa.Boolean(), nullable=False),
    sa.Column('has_usage_log', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.String(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_claim_contract_id_contract')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_claim_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim')),
    sa.UniqueConstraint('claim_no', name=op.f('uq_claim_claim_no')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_claim_invoice_id'))
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index('ix_claim_status_filed', ['status', 'filed_on'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_status_filed')
        batch_op.drop_index(batch_op.f('ix_claim_contract_id'))

    op.drop_table('claim')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_contract_id'))

    op.drop_table('invoice')
    with op.batch_alter_table('contractsolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contractsolution_application_id'))

    op.drop_table('contractsolution')
    op.drop_table('usagedaily')
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_assignment_id'))

    op.drop_table('score')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index('uq_contract_subsidised_store', sqlite_where=sa.text('subsidised'), postgresql_where=sa.text('subsidised'))
        batch_op.drop_index(batch_op.f('ix_contract_store_id'))
        batch_op.drop_index(batch_op.f('ix_contract_provider_id'))

    op.drop_table('contract')
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_name'))
        batch_op.drop_index(batch_op.f('ix_store_industry'))
        batch_op.drop_index(batch_op.f('ix_store_district_id'))
        batch_op.drop_index(batch_op.f('ix_store_city'))

    op.drop_table('store')
    with op.batch_alter_table('qualificationcheck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualificationcheck_provider_id'))

    op.drop_table('qualificationcheck')
    with op.batch_alter_table('outlierresolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlierresolution_application_id'))

    op.drop_table('outlierresolution')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_application_id'))

    op.drop_table('document')
    op.drop_table('decision')
    with op.batch_alter_table('correctionnotice', schema=None) as batch_op:
        batch_op.drop_index('ix_correctionnotice_status_due')
        batch_op.drop_index(batch_op.f('ix_correctionnotice_application_id'))

    op.drop_table('correctionnotice')
    op.drop_table('calendaroverride')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index('ix_auditentry_table_row')
        batch_op.drop_index(batch_op.f('ix_auditentry_at'))

    op.drop_table('auditentry')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_application_id'))

    op.drop_table('assignment')
    op.drop_table('user')
    op.drop_table('district')
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_ubn'))
        batch_op.drop_index(batch_op.f('ix_conflict_reviewer_id'))

    op.drop_table('conflict')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_status'))
        batch_op.drop_index(batch_op.f('ix_application_provider_id'))
        batch_op.drop_index('ix_application_batch_status')

    op.drop_table('application')
    op.drop_table('reviewer')
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_name'))

    op.drop_table('provider')
    with op.batch_alter_table('pastrecipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pastrecipient_store_ubn'))

    op.drop_table('pastrecipient')
    op.drop_table('batch')
    op.drop_table('appmeta')

