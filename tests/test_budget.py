"""The budget and what staff do with claims: approvals in filing order within the budget
(a claim the remainder cannot cover waits, with the reason), payment, claw-back, and
corrections — each audited with its reason; the dashboard's budget figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session
from test_reconcile import END, STAFF, Q_UBN, World

from models import AuditEntry, Claim, Contract
from office_tui.budget import budget
from office_tui.claim_results import claim_results
from office_tui.claims import approve_clean, claw_back, edit_claim, mark_paid
from office_tui.config import Settings, claims_close_on, load_settings
from office_tui.dashboard import headline
from office_tui.errors import OfficeError


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def _status(engine, claim_no: str) -> tuple:
    with Session(engine) as s:
        c = s.scalar(select(Claim).where(Claim.claim_no == claim_no))
        return c.status, c.approved_amount, c.status_reason


def _filed(world: World, *specs) -> None:
    """Claims (number, total, days after the end filed), clean otherwise."""
    for number, total, days in specs:
        world.claim(number, contract_total=total, filed_on=END + timedelta(days=days))


def test_approvals_go_in_filing_order_and_the_first_uncovered_claim_waits(world):
    _filed(world, ("C", 24_000, 3), ("A", 24_000, 1), ("B", 24_000, 2))
    world.claim("FLAGGED", invoice_amount=1, filed_on=END)
    result = approve_clean(world.engine, STAFF, budget_total=50_000, today=date(2026, 11, 20))
    assert (result.approved, result.amount, result.waiting, result.remaining) == (["A", "B"], 48_000, ["C"], 2_000)
    assert _status(world.engine, "A")[:2] == ("approved", 24_000)
    status, amount, reason = _status(world.engine, "C")
    assert (status, amount) == ("filed", None)
    assert reason == "剩餘補助金額 NT$2,000 不足支應本案 NT$24,000（依送件順序核定），待預算"
    assert _status(world.engine, "FLAGGED")[0] == "incomplete"
    figures = budget(world.engine, 50_000)
    assert (figures.committed, figures.paid, figures.remaining, figures.waiting) == (48_000, 0, 2_000, 1)
    (waiting,) = claim_results(world.engine, claim_nos=["C"])
    assert waiting.reasons == (reason,)


def test_a_smaller_later_claim_does_not_jump_the_queue(world):
    _filed(world, ("A", 24_000, 1), ("B", 30_000, 2), ("C", 12_000, 3))
    result = approve_clean(world.engine, STAFF, budget_total=50_000)
    assert (result.approved, result.waiting) == (["A"], ["B", "C"])


def test_a_claim_exactly_covered_by_the_remainder_is_approved(world):
    _filed(world, ("A", 24_000, 1), ("B", 26_000, 2))
    assert approve_clean(world.engine, STAFF, budget_total=50_000).approved == ["A", "B"]
    assert budget(world.engine, 50_000).remaining == 0


def test_approving_named_claims_and_again_once_the_budget_grows(world):
    _filed(world, ("A", 24_000, 1), ("B", 24_000, 2))
    assert approve_clean(world.engine, STAFF, budget_total=30_000, claim_nos=["B"]).approved == ["B"]
    assert approve_clean(world.engine, STAFF, budget_total=30_000).waiting == ["A"]
    again = approve_clean(world.engine, STAFF, budget_total=60_000)
    assert again.approved == ["A"] and _status(world.engine, "A") == ("approved", 24_000, "")


def test_payment_moves_committed_to_paid(world):
    _filed(world, ("A", 24_000, 1), ("B", 20_000, 2))
    approve_clean(world.engine, STAFF)
    with pytest.raises(OfficeError) as refused:
        mark_paid(world.engine, STAFF, ["A", "NOPE"])
    assert refused.value.key == "claims.no_such_claim"
    assert mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 12, 1)) == ["A"]
    figures = budget(world.engine)
    assert (figures.total, figures.committed, figures.paid, figures.remaining) == (
        90_000_000, 20_000, 24_000, 90_000_000 - 44_000)
    with pytest.raises(OfficeError) as again:
        mark_paid(world.engine, STAFF, ["A"])
    assert again.value.key == "claims.not_approved"
    assert mark_paid(world.engine, STAFF) == ["B"]  # every approved one


def test_claw_back_of_a_paid_renewal_returns_the_money_and_is_audited(world):
    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF)
    mark_paid(world.engine, STAFF, ["A"])
    with pytest.raises(OfficeError) as no_reason:
        claw_back(world.engine, STAFF, "A", "  ")
    assert no_reason.value.key == "claims.reason_required"
    claw_back(world.engine, STAFF, "A", "撥款後查核發現為既有客戶續購", on=date(2026, 12, 10))
    assert _status(world.engine, "A") == ("clawed_back", 24_000, "撥款後查核發現為既有客戶續購")
    assert budget(world.engine).paid == 0 and budget(world.engine).remaining == 90_000_000
    with Session(world.engine) as s:
        assert s.scalar(select(Contract.existing_customer).join(Claim, Claim.contract_id == Contract.id)
                        .where(Claim.claim_no == "A"))
        reasons = s.scalars(select(AuditEntry.reason).where(AuditEntry.table_name == "claim",
                                                            AuditEntry.action == "update")).all()
    assert "撥款後查核發現為既有客戶續購" in reasons
    from office_tui.reconcile import reconcile

    reconcile(world.engine, STAFF)
    (after,) = claim_results(world.engine, claim_nos=["A"])
    assert (after.status, after.flags) == ("clawed_back", ("existing_customer",))
    with pytest.raises(OfficeError) as twice:
        claw_back(world.engine, STAFF, "A", "again")
    assert twice.value.key == "claims.not_granted"


def test_claw_back_of_an_approved_claim_releases_the_commitment(world):
    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF)
    claw_back(world.engine, STAFF, "A", "續購")
    assert _status(world.engine, "A") == ("rejected", None, "續購")
    assert budget(world.engine).committed == 0
    assert approve_clean(world.engine, STAFF).approved == []  # the renewal flag keeps it out


def test_withdrawing_an_approval_for_another_reason_stays_withdrawn(world):
    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF)
    claw_back(world.engine, STAFF, "A", "店家已歇業", renewal=False)
    assert _status(world.engine, "A")[0] == "clawed_back" and _status(world.engine, "A")[2] == "店家已歇業"
    assert budget(world.engine).committed == 0
    assert approve_clean(world.engine, STAFF).approved == []  # reconciliation does not bring it back


def test_a_correction_reconciles_and_is_audited_with_its_reason(world):
    world.claim("A", declaration="否", withholding_amount=1)
    assert _status(world.engine, "A")[0] == "incomplete"
    claim = edit_claim(world.engine, STAFF, "A", "補件：聲明書及扣繳憑單", has_declaration=True,
                       withholding_amount=24_000)
    assert (claim.status, claim.flags) == ("filed", "")
    with Session(world.engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "claim", AuditEntry.action == "update")
                          .order_by(AuditEntry.id.desc())).first()
    assert entry.reason == "補件：聲明書及扣繳憑單" and "has_declaration" in entry.changes
    refiled = edit_claim(world.engine, STAFF, "A", "重新送件", filed_on=END + timedelta(days=31))
    assert (refiled.status, refiled.flags) == ("rejected", "filed_late")
    with pytest.raises(OfficeError) as unknown:
        edit_claim(world.engine, STAFF, "A", "x", status="paid")
    assert unknown.value.key == "claims.unknown_field"


def test_a_granted_claim_cannot_be_edited(world):
    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF)
    with pytest.raises(OfficeError) as refused:
        edit_claim(world.engine, STAFF, "A", "改金額", withholding_amount=1)
    assert refused.value.key == "claims.not_open"


def test_a_store_keeps_one_subsidy_through_approval(world):
    store = "70000019"
    world.claim("A", store_ubn=store, filed_on=END + timedelta(days=1))
    world.claim("B", store_ubn=store, provider_ubn=Q_UBN, application_no="C110-1-0003",
                filed_on=END + timedelta(days=2))
    assert approve_clean(world.engine, STAFF).approved == ["A"]


def test_dashboard_shows_committed_paid_and_remaining_of_the_setting(world):
    _filed(world, ("A", 24_000, 1), ("B", 20_000, 2))
    approve_clean(world.engine, STAFF)
    mark_paid(world.engine, STAFF, ["A"])
    figures = headline(world.engine, budget_total=1_000_000)
    assert (figures.budget_total, figures.budget_committed, figures.budget_paid, figures.budget_remaining) == (
        1_000_000, 20_000, 24_000, 956_000)
    assert figures.stores_approved == 2


def test_budget_total_and_claims_deadline_are_settings(isolated_office):
    from office_tui.config import config_path

    assert load_settings().budget_total == 90_000_000 == Settings().budget_total
    assert claims_close_on(load_settings()) is None
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('budget_total = 60000000\nclaims_close_on = "115/12/31"\n', encoding="utf-8")
    settings = load_settings()
    assert settings.budget_total == 60_000_000
    assert claims_close_on(settings) == date(2026, 12, 31)
    config_path().write_text('budget_total = "lots"\nclaims_close_on = 2026-12-30\n', encoding="utf-8")
    settings = load_settings()
    assert settings.budget_total == 90_000_000
    assert claims_close_on(settings) == date(2026, 12, 30)
