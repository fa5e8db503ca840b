"""Outlier resolutions and decisions: an unresolved outlier blocks a decision, approval
lists the solution and records the Decision, each refusal comes back with its reason."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select
from test_committee import STAFF, build_office

from models import Application, AuditEntry, Decision, OutlierResolution
from office_tui.core.actor import Actor
from office_tui.core.db import read_session, write_session
from office_tui.committee.decisions import DecisionError, decide, resolve_outlier
from office_tui.core.errors import describe

DAY = date(2026, 11, 20)


@pytest.fixture
def office(engine):
    return build_office(engine)


def status_of(engine, number: str) -> str:
    with read_session(engine) as s:
        return s.exec(select(Application.status).where(Application.application_no == number)).one()


def run_decide(engine, numbers, outcome, doc_no="經商字第11500001號", actor=STAFF, incomplete_reason="", day=DAY):
    with write_session(engine, actor, reason="decide") as s:
        return decide(s, actor, numbers, outcome, day, doc_no, incomplete_reason=incomplete_reason)


R4_MISSING = "R4 未送出評分表，委員會同意依三份評分決議"  # C1: R4's sheet is a draft


def resolve(engine, app_no, reviewer_no, note, actor=STAFF):
    with write_session(engine, actor, reason=note) as s:
        return resolve_outlier(s, actor, app_no, reviewer_no, note)


def test_unresolved_outlier_blocks_then_resolution_allows(engine, office):
    [refused] = run_decide(engine, ["C2"], "approve")
    assert not refused.decided and refused.refusal.key == "decide.unresolved_outliers"
    assert "R3" in describe(refused.refusal)
    assert status_of(engine, "C2") == "eligible"

    resolve(engine, "C2", "R3", "委員說明評分理由，委員會討論後維持原評分。")
    [result] = run_decide(engine, ["C2"], "approve")
    assert result.decided and result.old == "eligible" and result.new == "listed"
    assert status_of(engine, "C2") == "listed"  # approved, then listed (上架) in the same transaction
    with read_session(engine) as s:
        decision = s.exec(select(Decision).where(Decision.application_id == office["C2"])).one()
        assert (decision.outcome, decision.decided_on, decision.doc_no) == ("approved", DAY, "經商字第11500001號")
        assert decision.rank == 2 and decision.score == pytest.approx(235 / 3)
        moves = [json.loads(e.changes)["status"] for e in s.exec(
            select(AuditEntry).where(AuditEntry.table_name == "application", AuditEntry.action == "update")
            .order_by(AuditEntry.id)) if "status" in json.loads(e.changes)]
        assert moves == [["eligible", "approved"], ["approved", "listed"]]


def test_resolution_rules(engine, office):
    with pytest.raises(DecisionError) as error:
        resolve(engine, "C2", "R1", "不是離群")
    assert error.value.key == "outlier.not_an_outlier"  # R1 is 12.5 from the others' mean
    with pytest.raises(DecisionError) as error:
        resolve(engine, "C2", "R3", "   ")
    assert error.value.key == "outlier.note_required"
    with pytest.raises(DecisionError) as error:
        resolve(engine, "C2", "R3", "委員自行決定", actor=Actor(None, "r3", "reviewer", reviewer_id=office["R3"]))
    assert error.value.key == "outlier.staff_only"
    with pytest.raises(DecisionError) as error:
        resolve(engine, "C2", "R9", "x")
    assert error.value.key == "outlier.no_such_reviewer"

    resolve(engine, "C2", "R3", "第一次討論")
    resolve(engine, "C2", "R3", "第二次討論：維持")  # re-resolving replaces the note
    with read_session(engine) as s:
        [kept] = s.exec(select(OutlierResolution)).all()
        assert kept.note == "第二次討論：維持"
        entries = s.exec(select(AuditEntry).where(AuditEntry.table_name == "outlierresolution")).all()
        assert [e.action for e in entries] == ["insert", "update"]
        assert json.loads(entries[1].changes)["note"] == ["第一次討論", "第二次討論：維持"]


def test_doc_no_required_to_approve_or_reject_but_not_to_waitlist(engine, office):
    for outcome in ("approve", "reject"):
        with pytest.raises(DecisionError) as error:
            run_decide(engine, ["C1"], outcome, doc_no=" ")
        assert error.value.key == "decide.doc_no_required"
    [result] = run_decide(engine, ["C1"], "waitlist", doc_no="", incomplete_reason=R4_MISSING)
    assert result.decided and status_of(engine, "C1") == "waitlisted"


def test_bulk_with_refusals_decides_the_others(engine, office):
    results = run_decide(engine, ["C1", "C6", "NOPE", "C4", "C2"], "waitlist", incomplete_reason=R4_MISSING)
    by_no = {r.application_no: r for r in results}
    assert [r.application_no for r in results] == ["C1", "C6", "NOPE", "C4", "C2"]
    assert by_no["C1"].decided and by_no["C1"].new == "waitlisted" and by_no["C1"].rank == 1
    assert by_no["C6"].refusal.key == "decide.no_sheets"
    assert by_no["NOPE"].refusal.key == "decide.no_such_application"
    assert by_no["C4"].refusal.key == "move.not_allowed"  # rejected is final
    assert by_no["C2"].refusal.key == "decide.unresolved_outliers"
    assert [status_of(engine, n) for n in ("C1", "C6", "C4", "C2")] == ["waitlisted", "eligible", "rejected", "eligible"]

    # A waitlisted application may still be approved; the Decision row is updated, not duplicated.
    [later] = run_decide(engine, ["C1"], "approve", doc_no="經商字第11500002號", incomplete_reason=R4_MISSING)
    assert later.decided and later.old == "waitlisted" and later.new == "listed"
    with read_session(engine) as s:
        [decision] = s.exec(select(Decision).where(Decision.application_id == office["C1"])).all()
        assert decision.outcome == "approved" and decision.doc_no == "經商字第11500002號"


def test_warning_when_approving_below_the_pass_line_and_members_cannot_decide(engine, office):
    with write_session(engine, STAFF, reason="fix") as s:
        app = s.get(Application, office["C4"])
        app.status = "waitlisted"  # C4's mean is 52.5: below the pass line of 70
        s.add(app)
    [result] = run_decide(engine, ["C4"], "approve")
    assert result.decided and "decide.warn_below_pass_line" in result.warnings
    with pytest.raises(DecisionError) as error:
        run_decide(engine, ["C1"], "approve", actor=Actor(None, "r1", "reviewer", reviewer_id=office["R1"]))
    assert error.value.key == "decide.staff_only"


@pytest.mark.parametrize("typed", ["r3", "Ｒ３", " R3 "])
def test_a_member_number_is_matched_however_typed(engine, office, typed):
    resolution = resolve(engine, "C2", typed, "維持原評分")
    assert resolution.reviewer_id == office["R3"]
    with read_session(engine) as s:
        from office_tui.committee.batch_tally import batch_tally

        assert batch_tally(s, 1).unresolved("C2") == []


def _rescore(engine, office, value):
    """Staff reopen R3's C2 sheet, key ``value`` everywhere and submit it again."""
    from test_committee import uniform

    from office_tui.committee.scoresheets import reopen_sheet, save_sheet

    with write_session(engine, STAFF, reason="委員更正") as s:
        reopen_sheet(s, STAFF, office["C2/R3"], "委員更正")
        save_sheet(s, STAFF, office["C2/R3"], uniform(value), "更正後", submit_now=True)


def unresolved(engine, app_no="C2"):
    from office_tui.committee.batch_tally import batch_tally

    with read_session(engine) as s:
        return batch_tally(s, 1).unresolved(app_no)


def test_a_resolution_lapses_when_the_reopened_sheet_s_total_changes(engine, office):
    resolve(engine, "C2", "R3", "委員會討論後維持原評分")
    _rescore(engine, office, 95)  # reopened and submitted again, the same total: still settled
    assert unresolved(engine) == []
    _rescore(engine, office, 90)  # a new total, still 20 from the others' 70: to be discussed again
    assert unresolved(engine) == ["R3"]
    with read_session(engine) as s:
        assert s.exec(select(OutlierResolution)).all() == []
        [gone] = s.exec(select(AuditEntry).where(AuditEntry.table_name == "outlierresolution",
                                                 AuditEntry.action == "delete")).all()
        assert json.loads(gone.changes)["note"][0] == "委員會討論後維持原評分"  # the audit log keeps it
    [refused] = run_decide(engine, ["C2"], "approve")
    assert refused.refusal.key == "decide.unresolved_outliers"
    resolve(engine, "C2", "R3", "再次討論：維持 90 分")
    [result] = run_decide(engine, ["C2"], "approve")
    assert result.decided


def test_a_conflicted_member_is_never_an_outlier_to_settle(engine, office):
    with write_session(engine, STAFF, reason="moved") as s:
        from models import Reviewer

        r3 = s.get(Reviewer, office["R3"])
        r3.affiliation = "22334451"  # C2's provider's UBN: R3's 95 no longer counts
        s.add(r3)
    with pytest.raises(DecisionError) as error:
        resolve(engine, "C2", "R3", "維持")
    assert error.value.key == "outlier.not_an_outlier"
    [result] = run_decide(engine, ["C2"], "approve")
    assert result.decided and result.score == pytest.approx(70)


# -- what a decision must rest on --------------------------------------------------------------
def test_deciding_with_sheets_missing_needs_the_reason_which_is_kept(engine, office):
    [refused] = run_decide(engine, ["C1"], "approve")
    assert refused.refusal.key == "decide.sheets_missing" and status_of(engine, "C1") == "eligible"
    message = describe(refused.refusal)
    assert "3／4" in message and "R4" in message and "--incomplete-reason" in message
    assert (refused.sheets_submitted, refused.sheets_assigned) == (3, 4)
    [result] = run_decide(engine, ["C1"], "approve", incomplete_reason=R4_MISSING)
    assert result.decided and result.incomplete_reason == R4_MISSING
    with read_session(engine) as s:
        decision = s.exec(select(Decision).where(Decision.application_id == office["C1"])).one()
        assert decision.incomplete_reason == R4_MISSING
        reasons = [e.reason for e in s.exec(select(AuditEntry).where(AuditEntry.table_name == "application"))]
    assert any(R4_MISSING in reason and "3／4" in reason for reason in reasons)


def test_a_complete_application_needs_no_reason_and_keeps_none(engine, office):
    resolve(engine, "C2", "R3", "維持原評分")
    [result] = run_decide(engine, ["C2"], "approve", incomplete_reason="用不到")
    assert result.decided and result.incomplete_reason == ""
    assert (result.sheets_submitted, result.sheets_assigned) == (3, 3)
    with read_session(engine) as s:
        assert s.exec(select(Decision.incomplete_reason).where(Decision.application_id == office["C2"])).one() == ""


def test_a_decision_date_after_today_is_refused(engine, office):
    from office_tui.core.dates import FutureDateError

    with pytest.raises(FutureDateError) as error:
        run_decide(engine, ["C1"], "waitlist", incomplete_reason=R4_MISSING, day=date(2026, 11, 21))
    assert "115/11/21" in describe(error.value) and "今天" in describe(error.value)
    assert status_of(engine, "C1") == "eligible"


def test_a_decision_date_before_the_submission_is_refused(engine, office):
    [refused] = run_decide(engine, ["C1"], "waitlist", incomplete_reason=R4_MISSING, day=date(2021, 6, 30))
    assert refused.refusal.key == "decide.before_submission"
    assert status_of(engine, "C1") == "eligible"
