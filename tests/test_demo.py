"""The demo office: deterministic, complete, and true to the programme's rules."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

import models as m
from models.clock import office_today
from office_tui.core.db import make_engine
from office_tui.demo import DemoError, load_demo
from office_tui.core.migrate import upgrade
from office_tui.core.programme import APPLICATION_STATUSES, BUDGET_TOTAL, SUBSIDY_CAP
from office_tui.core.ubn import is_valid_ubn

GRANTED = ("approved", "paid")
CJK = re.compile(r"[\u4e00-\u9fff]")
PINNED_TODAY = date(2026, 11, 20)


def _fresh_demo(path, seed: int):
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    counts = load_demo(engine, None, "small", seed=seed)
    return engine, counts


def _digest(engine) -> str:
    """A fingerprint of the content that matters (ids and salted hashes left out)."""
    queries = [
        select(m.Provider.ubn, m.Provider.name).order_by(m.Provider.ubn),
        select(m.Application.application_no, m.Application.status).order_by(m.Application.application_no),
        select(m.Store.ubn, m.Store.name).order_by(m.Store.ubn),
        select(m.Claim.claim_no, m.Claim.status, m.Claim.approved_amount).order_by(m.Claim.claim_no),
        select(func.count(), func.sum(m.UsageDaily.count)).select_from(m.UsageDaily),
    ]
    sha = hashlib.sha256()
    with Session(engine) as session:
        for query in queries:
            rows = session.execute(query).all()
            assert rows, f"no rows for {query}"
            sha.update(repr([tuple(row) for row in rows]).encode())
    return sha.hexdigest()


def _counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in m.metadata.sorted_tables}


# -- determinism ---------------------------------------------------------------------

def test_same_seed_same_office_other_seed_other_office(tmp_path):
    assert office_today() == PINNED_TODAY
    first, counts1 = _fresh_demo(tmp_path / "a.db", seed=1)
    second, counts2 = _fresh_demo(tmp_path / "b.db", seed=1)
    other, _ = _fresh_demo(tmp_path / "c.db", seed=2)
    try:
        assert counts1 == counts2
        assert counts1["application"] == 60 and counts1["store"] == 300
        assert counts1 == _counts(first)  # the counts returned are the rows stored
        assert _digest(first) == _digest(second)
        assert _digest(first) != _digest(other)
    finally:
        for engine in (first, second, other):
            engine.dispose()


# -- the loaded office ---------------------------------------------------------------

def test_every_table_has_rows(demo_engine):
    empty = [name for name, count in _counts(demo_engine).items() if count < 1]
    assert empty == []


def test_applications_cover_every_status(demo_engine):
    with Session(demo_engine) as session:
        statuses = set(session.scalars(select(m.Application.status).distinct()))
    assert statuses == set(APPLICATION_STATUSES)


def test_all_ubns_are_valid(demo_engine):
    with Session(demo_engine) as session:
        ubns = list(session.scalars(select(m.Provider.ubn))) + list(session.scalars(select(m.Store.ubn)))
    assert len(ubns) == 40 + 300
    assert [u for u in ubns if not is_valid_ubn(u)] == []


def test_subsidies_within_total_and_cap(demo_engine):
    with Session(demo_engine) as session:
        contracts = session.execute(select(m.Contract.contract_no, m.Contract.total, m.Contract.subsidy)).all()
    assert contracts
    assert [c for c in contracts if not 0 <= c.subsidy <= min(c.total, SUBSIDY_CAP)] == []


def test_granted_claims_within_budget_and_subsidy(demo_engine):
    with Session(demo_engine) as session:
        granted = session.execute(
            select(m.Claim.claim_no, m.Claim.approved_amount, m.Contract.subsidy)
            .join(m.Contract, m.Claim.contract_id == m.Contract.id)
            .where(m.Claim.status.in_(GRANTED))
        ).all()
    assert granted, "the demo should have granted claims"
    assert all(c.approved_amount is not None for c in granted)
    assert sum(c.approved_amount for c in granted) <= BUDGET_TOTAL
    assert [c for c in granted if c.approved_amount > c.subsidy] == []


def test_granted_claims_meet_the_claim_rules(demo_engine):
    """Invoice equal to the contract total, a usage log, a new customer, and the subsidy
    (pro rata by performed days for a terminated contract, rounded down)."""
    with Session(demo_engine) as session:
        rows = session.execute(
            select(m.Claim, m.Contract, m.Invoice)
            .join(m.Contract, m.Claim.contract_id == m.Contract.id)
            .join(m.Invoice, m.Claim.invoice_id == m.Invoice.id)
            .where(m.Claim.status.in_(GRANTED))
        ).all()
    assert rows
    wrong = []
    for claim, contract, invoice in rows:
        expected = contract.subsidy
        if contract.terminated_on:
            # both day counts include their first and last day (docs/rules/claims.md)
            expected = (contract.subsidy * ((contract.terminated_on - contract.starts_on).days + 1)
                        // ((contract.ends_on - contract.starts_on).days + 1))
        if (invoice.contract_id != contract.id or invoice.amount != contract.total or not claim.has_usage_log
                or contract.existing_customer or claim.approved_amount != expected):
            wrong.append(claim.claim_no)
    assert wrong == []


def test_one_subsidised_contract_per_store(demo_engine):
    with Session(demo_engine) as session:
        repeated = session.execute(
            select(m.Contract.store_id, func.count())
            .where(m.Contract.subsidised)
            .group_by(m.Contract.store_id)
            .having(func.count() > 1)
        ).all()
        subsidised = session.scalar(select(func.count()).select_from(m.Contract).where(m.Contract.subsidised))
    assert subsidised > 0
    assert repeated == []


def test_invoice_numbers_are_two_letters_and_eight_digits(demo_engine):
    with Session(demo_engine) as session:
        numbers = list(session.scalars(select(m.Invoice.invoice_no)))
    assert numbers
    assert [n for n in numbers if not re.fullmatch(r"[A-Z]{2}\d{8}", n)] == []


def test_granted_claims_filed_within_thirty_days_of_term_end(demo_engine):
    with Session(demo_engine) as session:
        rows = session.execute(
            select(m.Claim.claim_no, m.Claim.filed_on, m.Contract.ends_on, m.Contract.terminated_on)
            .join(m.Contract, m.Claim.contract_id == m.Contract.id)
            .where(m.Claim.status.in_(GRANTED))
        ).all()
    assert rows
    late = [r for r in rows if not timedelta(0) <= r.filed_on - (r.terminated_on or r.ends_on) <= timedelta(days=30)]
    assert late == []


def test_three_batches_and_correction_windows_falling_due(demo_engine):
    with Session(demo_engine) as session:
        numbers = sorted(session.scalars(select(m.Batch.number)))
        due = list(session.scalars(
            select(m.CorrectionNotice.due_on)
            .join(m.Application, m.CorrectionNotice.application_id == m.Application.id)
            .join(m.Batch, m.Application.batch_id == m.Batch.id)
            .where(m.Batch.number == 3, m.CorrectionNotice.status == "open")
        ))
    assert numbers == [1, 2, 3]
    assert due, "batch 3 should have open correction notices"
    assert any(d >= PINNED_TODAY for d in due)
    assert any(d < PINNED_TODAY for d in due)


def test_names_are_chinese(demo_engine):
    with Session(demo_engine) as session:
        names = (list(session.scalars(select(m.Provider.name))) + list(session.scalars(select(m.Store.name)))
                 + list(session.scalars(select(m.Reviewer.name))))
    assert names
    assert [n for n in names if not CJK.search(n)] == []


# -- refusing a non-empty database ---------------------------------------------------

def test_load_demo_refuses_a_non_empty_database(demo_engine):
    before = _counts(demo_engine)
    with pytest.raises(DemoError) as raised:
        load_demo(demo_engine, None, "small", seed=2)
    assert raised.value.key == "demo.not_empty"
    assert _counts(demo_engine) == before


def test_load_demo_refuses_a_database_with_only_a_store(engine):
    with Session(engine) as session:
        session.add(m.Store(ubn="04595257", name="街角花店", industry="零售業"))
        session.commit()
    before = _counts(engine)
    with pytest.raises(DemoError) as raised:
        load_demo(engine, None, "small", seed=1)
    assert raised.value.key == "demo.not_empty"
    assert _counts(engine) == before


def test_bulk_audit_entries_count_the_rows_loaded(demo_engine):
    """The tables loaded in bulk by the demo have one entry each; the usage came in through
    the importer, one entry per file and table, adding up to the rows (passes of the
    reconciliation have their own entries, counting the claims they changed)."""
    with Session(demo_engine) as session:
        entries = session.execute(select(m.AuditEntry.table_name, m.AuditEntry.changes)
                                  .where(m.AuditEntry.action == "bulk")).all()
    counts = _counts(demo_engine)
    loaded: dict[str, int] = {}
    for table, changes in entries:
        note = json.loads(changes)["note"][1]
        if not note.startswith("reconcile"):
            loaded[table] = loaded.get(table, 0) + json.loads(changes)["rows"][1]
    assert set(loaded) >= {"application", "store", "claim", "usagedaily", "usagecontribution"}
    assert {table: (n, counts[table]) for table, n in loaded.items() if n != counts[table]} == {}


def test_demo_after_an_admin_account_was_created(engine):
    from office_tui.core.auth import add_user
    from office_tui.opening import is_empty

    add_user(engine, None, "admin", "admin", "s3cret-horse")
    assert is_empty(engine)  # the app offers the demo here
    before = _counts(engine)
    try:
        counts = load_demo(engine, None, "small", seed=1)
    except DemoError as error:  # a clean refusal would do
        assert error.key == "demo.not_empty"
        assert _counts(engine) == before
    else:
        assert counts["application"] == 60
