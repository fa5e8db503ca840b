"""Score sheets: who may read and write which sheet, range checks, submit lock, reopen."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Application, Assignment, AuditEntry, Conflict, Provider, Reviewer, Score
from office_tui.core.actor import Actor
from office_tui.committee.conflicts import ConflictError
from office_tui.core.db import read_session, write_session
from office_tui.core.errors import OfficeError, describe
from office_tui.core.i18n import set_language
from office_tui.committee.rubric import RubricError, default_rubric
from office_tui.committee.scoresheets import (SheetError, counts, find_assignment, load_sheet, my_sheets, reopen_sheet,
                                    save_sheet, sheet_total)

STAFF = Actor(2, "staff", "staff")
FULL = {c.code: 80.0 for c in default_rubric().criteria}


def _open_sheet(engine, reviewer_no="R03"):
    """An eligible application's unsubmitted sheet of ``reviewer_no`` in the demo."""
    with read_session(engine) as s:
        reviewer = s.exec(select(Reviewer).where(Reviewer.reviewer_no == reviewer_no)).one()
        assignment = s.exec(
            select(Assignment).join(Application, Application.id == Assignment.application_id)
            .where(Assignment.reviewer_id == reviewer.id, Application.status == "eligible",
                   Assignment.sheet_status != "submitted")).first()
        assert assignment is not None
        return reviewer, assignment.id


def _member(reviewer):
    return Actor(None, reviewer.reviewer_no.lower(), "reviewer", reviewer_id=reviewer.id)


def test_member_sees_only_their_own_sheets(demo_engine):
    reviewer, _ = _open_sheet(demo_engine)
    with read_session(demo_engine) as s:
        own = my_sheets(s, _member(reviewer))
        everyone = my_sheets(s, STAFF)
        other = s.exec(select(Assignment).where(Assignment.reviewer_id != reviewer.id)).first()
        assert own and {r.reviewer_no for r in own} == {reviewer.reviewer_no}
        assert len(everyone) > len(own)
        with pytest.raises(SheetError) as refused:
            load_sheet(s, _member(reviewer), other.id)
        assert refused.value.key == "sheet.not_yours"
        assert sum(counts(s, _member(reviewer)).values()) == len(own)


def test_draft_then_submit_then_locked_then_reopened(demo_engine):
    reviewer, sheet_id = _open_sheet(demo_engine)
    me = _member(reviewer)
    with write_session(demo_engine, me, "draft") as s:
        sheet = save_sheet(s, me, sheet_id, {"T1": 70, "T2": 90}, "部分完成")
        assert sheet.status == "draft" and sheet.total is None and sheet.scores == {"T1": 70.0, "T2": 90.0}
    with pytest.raises(SheetError) as incomplete:
        with write_session(demo_engine, me, "submit") as s:
            save_sheet(s, me, sheet_id, {"T1": 70}, "", submit_now=True)
    assert incomplete.value.key == "sheet.incomplete" and "P4" in incomplete.value.params["codes"]
    with write_session(demo_engine, me, "submit") as s:
        sheet = save_sheet(s, me, sheet_id, FULL, "完整", submit_now=True)
        assert sheet.status == "submitted" and sheet.locked and sheet.total == pytest.approx(80.0)
    with pytest.raises(SheetError) as locked:
        with write_session(demo_engine, me, "change") as s:
            save_sheet(s, me, sheet_id, FULL | {"T1": 10}, "")
    assert locked.value.key == "sheet.locked"
    with pytest.raises(SheetError):
        with write_session(demo_engine, me, "reopen") as s:
            reopen_sheet(s, me, sheet_id, "我想改")  # members cannot reopen
    with write_session(demo_engine, STAFF, "委員來電更正 T1") as s:
        reopen_sheet(s, STAFF, sheet_id, "委員來電更正 T1")
    with read_session(demo_engine) as s:
        assert s.get(Assignment, sheet_id).sheet_status == "draft"
        audit = s.exec(select(AuditEntry).where(AuditEntry.table_name == "assignment",
                                                AuditEntry.reason == "委員來電更正 T1")).all()
        assert audit, "the reopening is in the audit log with its reason"


def test_out_of_range_is_refused_and_nothing_changes(demo_engine):
    reviewer, sheet_id = _open_sheet(demo_engine)
    me = _member(reviewer)
    with read_session(demo_engine) as s:
        before = s.exec(select(Score.criterion, Score.value).where(Score.assignment_id == sheet_id)).all()
    with pytest.raises(RubricError) as wrong:
        with write_session(demo_engine, me, "draft") as s:
            save_sheet(s, me, sheet_id, {"T1": 101}, "")
    assert wrong.value.key == "rubric.out_of_range"
    assert describe(wrong.value) == "T1 的分數 101 超出範圍（0–100）。"  # never "101.0 … 0–100.0"
    with read_session(demo_engine) as s:
        assert s.exec(select(Score.criterion, Score.value).where(Score.assignment_id == sheet_id)).all() == before
    with pytest.raises(RubricError) as fraction, write_session(demo_engine, me, "draft") as s:
        save_sheet(s, me, sheet_id, {"P2": 100.5}, "")
    set_language("en")
    assert describe(fraction.value) == "Score 100.5 for P2 is out of range (0–100)."


def test_conflict_declared_after_assignment_blocks_scoring(demo_engine):
    reviewer, sheet_id = _open_sheet(demo_engine)
    me = _member(reviewer)
    with write_session(demo_engine, STAFF, "member declared a link") as s:
        assignment = s.get(Assignment, sheet_id)
        app = s.get(Application, assignment.application_id)
        ubn = s.get(Provider, app.provider_id).ubn
        s.add(Conflict(reviewer_id=reviewer.id, ubn=ubn, source="declared", note="配偶任職"))
    with pytest.raises(ConflictError) as refused:
        with write_session(demo_engine, me, "draft") as s:
            save_sheet(s, me, sheet_id, {"T1": 50}, "")
    assert refused.value.key == "conflict.declared" and refused.value.params["ubn"] == ubn


def test_sheet_total_weights_stages_equally():
    rubric = default_rubric()
    scores = {c.code: (90.0 if c.code.startswith("T") else 60.0) for c in rubric.criteria}
    assert sheet_total(rubric, scores) == pytest.approx(75.0)


def test_a_decided_applications_sheet_cannot_be_reopened(engine):
    from test_committee import STAFF as OFFICE
    from test_committee import build_office

    ids = build_office(engine)  # C4 rejected, R1's sheet submitted; C3 received; C1 eligible
    for app_no, key in (("C4", "sheet.reopen_decided"), ("C3", "sheet.not_before_committee")):
        with pytest.raises(SheetError) as refused, write_session(engine, OFFICE, "reopen") as s:
            reopen_sheet(s, OFFICE, find_assignment(s, app_no, "R1").id, "更正")
        assert refused.value.key == key
    assert describe(refused.value) == "C3 已不在審查階段，評分表不能再修改。"
    with pytest.raises(SheetError) as refused, write_session(engine, OFFICE, "reopen") as s:
        reopen_sheet(s, OFFICE, ids["C4/R1"], "更正")
    assert describe(refused.value) == "C4 已決定（未核定），其評分表是決定的依據，不能退回重開。"
    set_language("en")
    with pytest.raises(SheetError) as refused, write_session(engine, OFFICE, "reopen") as s:
        reopen_sheet(s, OFFICE, ids["C4/R1"], "correction")
    assert describe(refused.value) == (
        "C4 has been decided (Rejected); its sheets are the record of that decision and cannot be reopened.")
    with read_session(engine) as s:
        assert s.get(Assignment, ids["C4/R1"]).sheet_status == "submitted"
    with write_session(engine, OFFICE, "reopen") as s:  # still before the committee: allowed
        reopen_sheet(s, OFFICE, ids["C1/R1"], "更正")


@pytest.mark.parametrize("typed", ["R1", "r1", " Ｒ１ ", "ｒ1"])
def test_a_sheet_is_found_by_the_member_number_however_typed(engine, typed):
    from test_committee import build_office

    ids = build_office(engine)
    with read_session(engine) as s:
        assert find_assignment(s, "C1", typed).id == ids["C1/R1"]
        with pytest.raises(SheetError) as missing:
            find_assignment(s, "C1", "R5")  # a member, not on C1
        assert missing.value.key == "sheet.no_assignment"
        with pytest.raises(OfficeError) as unknown:
            find_assignment(s, "C1", "R9")  # no such member: named as unknown
        assert unknown.value.key == "reviewer.not_found"
