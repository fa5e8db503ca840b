"""one granted claim per store, in the database

One subsidy per store, ever (FAQ 12): a claim may become approved or paid only when no
other claim of the same store (through any contract, any provider) is approved or paid.
A partial unique index cannot say this (the store is on the contract, not the claim),
so two triggers do: on insert and on a change of status or contract.

SQLite only, like the reconciliation pass itself; other databases keep the rule in the
application (office_tui.claims.actions.approve_clean).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CONDITION = """
NEW.status IN ('approved', 'paid') AND EXISTS (
    SELECT 1 FROM claim c JOIN contract k ON k.id = c.contract_id
    WHERE c.id <> NEW.id AND c.status IN ('approved', 'paid')
      AND k.store_id = (SELECT store_id FROM contract WHERE id = NEW.contract_id))
"""
RAISE = "SELECT RAISE(ABORT, 'one subsidy per store: another claim of this store is approved or paid');"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE TRIGGER claim_one_subsidy_per_store_insert BEFORE INSERT ON claim"
               f" WHEN {CONDITION} BEGIN {RAISE} END")
    op.execute(f"CREATE TRIGGER claim_one_subsidy_per_store_update BEFORE UPDATE OF status, contract_id ON claim"
               f" WHEN {CONDITION} BEGIN {RAISE} END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS claim_one_subsidy_per_store_update")
    op.execute("DROP TRIGGER IF EXISTS claim_one_subsidy_per_store_insert")
