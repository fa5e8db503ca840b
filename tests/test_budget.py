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
from office_tui.claims.budget import budget
from office_tui.claims.results import claim_results
from office_tui.claims.actions import approve_clean, claw_back, edit_claim, mark_paid
from office_tui.core.config import Settings, claims_close_on, load_settings
from office_tui.views.dashboard import headline
from office_tui.core.errors import OfficeError


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
    status, amount, stored = _status(world.engine, "C")
    assert (status, amount, stored) == ("filed", None, "")  # the reason is worked out when shown, never stale
    assert _status(world.engine, "FLAGGED")[0] == "incomplete"
    figures = budget(world.engine, 50_000)
    assert (figures.committed, figures.paid, figures.remaining, figures.waiting) == (48_000, 0, 2_000, 1)
    (waiting,) = claim_results(world.engine, claim_nos=["C"], budget_total=50_000)
    reason = "待預算：剩餘補助金額 NT$2,000 不足支應本案 NT$24,000（依送件順序核定）"
    assert (waiting.status_reason, waiting.reasons) == (reason, (reason,))
    (covered,) = claim_results(world.engine, claim_nos=["C"], budget_total=80_000)  # the budget grew
    assert (covered.status_reason, covered.reasons) == ("", ())


def test_a_smaller_later_claim_does_not_jump_the_queue(world):
    _filed(world, ("A", 24_000, 1), ("B", 30_000, 2), ("C", 12_000, 3))
    result = approve_clean(world.engine, STAFF, budget_total=50_000)
    assert (result.approved, result.waiting) == (["A"], ["B", "C"])


def test_a_claim_exactly_covered_by_the_remainder_is_approved(world):
    _filed(world, ("A", 24_000, 1), ("B", 26_000, 2))
    assert approve_clean(world.engine, STAFF, budget_total=50_000).approved == ["A", "B"]
    assert budget(world.engine, 50_000).remaining == 0


def test_naming_a_later_claim_does_not_jump_the_queue_and_each_waiting_claim_has_its_own_figures(world):
    """Budget for one of A (filed first) and B: naming B leaves it waiting behind A."""
    _filed(world, ("A", 24_000, 1), ("B", 20_000, 2), ("C", 10_000, 3))
    named = approve_clean(world.engine, STAFF, budget_total=30_000, claim_nos=["B"])
    assert (named.approved, named.waiting, named.remaining) == ([], ["B"], 30_000)
    results = {r.claim_no: r for r in claim_results(world.engine, budget_total=30_000, date_style="iso")}
    assert results["A"].status_reason == ""  # covered: approvable
    assert results["B"].status_reason == (
        "待預算：剩餘補助金額 NT$30,000，依送件順序先支應較早送件的無異常請款 NT$24,000 後，不足支應本案 NT$20,000")
    assert results["C"].status_reason.endswith("NT$44,000 後，不足支應本案 NT$10,000")
    assert approve_clean(world.engine, STAFF, budget_total=30_000).approved == ["A"]
    again = approve_clean(world.engine, STAFF, budget_total=60_000)
    assert again.approved == ["B", "C"] and _status(world.engine, "B") == ("approved", 20_000, "")


def test_payment_moves_committed_to_paid(world):
    _filed(world, ("A", 24_000, 1), ("B", 20_000, 2))
    approve_clean(world.engine, STAFF)
    with pytest.raises(OfficeError) as refused:
        mark_paid(world.engine, STAFF, ["A", "NOPE"])
    assert refused.value.key == "claims.no_such_claim"
    assert mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 11, 20)) == ["A"]
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
    claw_back(world.engine, STAFF, "A", "撥款後查核發現為既有客戶續購", on=date(2026, 11, 20))
    assert _status(world.engine, "A") == ("clawed_back", 24_000, "撥款後查核發現為既有客戶續購")
    assert budget(world.engine).paid == 0 and budget(world.engine).remaining == 90_000_000
    with Session(world.engine) as s:
        assert s.scalar(select(Contract.existing_customer).join(Claim, Claim.contract_id == Contract.id)
                        .where(Claim.claim_no == "A"))
        reasons = s.scalars(select(AuditEntry.reason).where(AuditEntry.table_name == "claim",
                                                            AuditEntry.action == "update")).all()
    assert "撥款後查核發現為既有客戶續購" in reasons
    from office_tui.claims.reconcile import reconcile

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
    assert _status(world.engine, "A") == ("withdrawn", None, "店家已歇業")  # 撤銷核定: nothing was paid
    with Session(world.engine) as s:
        assert s.scalar(select(Claim.clawed_back_on).where(Claim.claim_no == "A")) is None
    assert budget(world.engine).committed == 0
    assert approve_clean(world.engine, STAFF).approved == []  # reconciliation does not bring it back
    with pytest.raises(OfficeError) as again:
        claw_back(world.engine, STAFF, "A", "again", renewal=False)
    assert again.value.key == "claims.not_granted"


def test_a_withdrawn_claim_no_longer_holds_the_stores_one_subsidy(world):
    """The store's other claim (through another contract) may then be granted."""
    a = world.claim("A", filed_on=END + timedelta(days=1))
    approve_clean(world.engine, STAFF)
    world.claim("B", store_ubn=a["store_ubn"], contract_total=20_000, filed_on=END + timedelta(days=2))
    (b,) = claim_results(world.engine, claim_nos=["B"])
    assert b.flags == ("store_already_subsidised",)  # A, approved, holds it
    claw_back(world.engine, STAFF, "A", "契約無效", renewal=False)
    (b,) = claim_results(world.engine, claim_nos=["B"])
    assert (b.status, b.flags) == ("filed", ())


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
    from office_tui.core.config import config_path

    assert load_settings().budget_total == 90_000_000 == Settings().budget_total
    assert claims_close_on(load_settings()) is None
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('budget_total = 60000000\nclaims_close_on = "115/12/31"\n', encoding="utf-8")
    settings = load_settings()
    assert settings.budget_total == 60_000_000
    assert claims_close_on(settings) == date(2026, 12, 31)
    config_path().write_text('claims_close_on = 2026-12-30\n', encoding="utf-8")  # a TOML date
    assert claims_close_on(load_settings()) == date(2026, 12, 30)
    config_path().write_text('budget_total = "lots"\n', encoding="utf-8")
    with pytest.raises(OfficeError) as refused:  # never a silent fall-back to NT$90,000,000
        load_settings()
    assert refused.value.key == "error.bad_budget_total"


def test_a_payment_date_before_the_approval_is_refused(world):
    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF, today=date(2026, 11, 20))
    with pytest.raises(OfficeError) as early:
        mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 11, 19))
    assert early.value.key == "claims.paid_before_approval"
    assert _status(world.engine, "A")[0] == "approved"
    assert mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 11, 20)) == ["A"]  # the same day is fine


@pytest.mark.parametrize(("changes", "key"), [
    ({"terminated_on": END + timedelta(days=1)}, "claims.terminated_outside_term"),
    ({"terminated_on": date(2025, 9, 30)}, "claims.terminated_outside_term"),
    ({"contract_total": 0}, "claims.total_not_positive"),
])
def test_a_correction_keeps_the_contract_sane(world, changes, key):
    _filed(world, ("A", 24_000, 1))
    with pytest.raises(OfficeError) as refused:
        edit_claim(world.engine, STAFF, "A", "補件", **changes)
    assert refused.value.key == key
    assert _status(world.engine, "A")[0] == "filed"
    edited = edit_claim(world.engine, STAFF, "A", "提前終止", terminated_on=END)  # the last day: still the term
    assert edited.subsidy == 24_000


# -- records that must rest on what happened ----------------------------------------------------
def test_a_payment_or_claw_back_dated_after_today_is_refused(world):
    from office_tui.core.dates import FutureDateError
    from office_tui.core.errors import describe

    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF)
    with pytest.raises(FutureDateError) as future:
        mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 11, 21))  # today is 2026-11-20 (pinned)
    assert "撥款日期 115/11/21 在今天（115/11/20）之後" in describe(future.value)
    assert _status(world.engine, "A")[0] == "approved"  # not 已撥款
    mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 11, 20))
    with pytest.raises(FutureDateError):
        claw_back(world.engine, STAFF, "A", "續購", on=date(2026, 12, 1))
    assert _status(world.engine, "A")[0] == "paid"


def test_a_claw_back_before_the_payment_is_refused(world):
    _filed(world, ("A", 24_000, 1))
    approve_clean(world.engine, STAFF, today=date(2026, 11, 18))
    mark_paid(world.engine, STAFF, ["A"], paid_on=date(2026, 11, 19))
    with pytest.raises(OfficeError) as early:
        claw_back(world.engine, STAFF, "A", "續購", on=date(2026, 11, 18))
    assert early.value.key == "claims.clawed_back_before_paid"


def test_a_correction_cannot_refile_or_invoice_in_the_future(world):
    from office_tui.core.dates import FutureDateError

    world.claim("A", invoice_amount=1)  # incomplete: open to correction
    for field in ("filed_on", "invoice_date"):
        with pytest.raises(FutureDateError):
            edit_claim(world.engine, STAFF, "A", "補件", **{field: date(2026, 11, 21)})


def test_an_approved_claim_whose_store_has_since_closed_is_not_paid(world):
    _filed(world, ("A", 24_000, 1), ("B", 20_000, 2))
    approve_clean(world.engine, STAFF)
    with Session(world.engine) as s:  # A's store stops trading after the approval
        from models import Store

        store = s.scalar(select(Store).join(Contract, Contract.store_id == Store.id)
                         .join(Claim, Claim.contract_id == Contract.id).where(Claim.claim_no == "A"))
        store.operating = False
        s.add(store)
        s.commit()
    with pytest.raises(OfficeError) as refused:
        mark_paid(world.engine, STAFF, ["A", "B"])
    assert refused.value.key == "claims.pay_flagged" and "A" in refused.value.params["claims"]
    assert [_status(world.engine, n)[0] for n in ("A", "B")] == ["approved", "approved"]
    assert mark_paid(world.engine, STAFF, ["B"]) == ["B"]


def test_approving_a_claim_number_that_does_not_exist_names_it(world):
    _filed(world, ("A", 24_000, 1))
    with pytest.raises(OfficeError) as refused:
        approve_clean(world.engine, STAFF, claim_nos=["A", "Q9999999"])
    assert refused.value.key == "claims.no_such_claim" and refused.value.params["claim_no"] == "Q9999999"
    assert _status(world.engine, "A")[0] == "filed"
