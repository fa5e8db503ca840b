"""The committee's tally read from the database: which applications, which sheets, the
batch's own rubric — numbers computed by hand. Also the builder the decision, score
import and CLI tests share (``build_office``)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models import Application, Assignment, Batch, Conflict, Provider, Reviewer, Score
from office_tui.core.actor import Actor
from office_tui.committee.batch_tally import TallyError, batch_tally
from office_tui.core.db import read_session, write_session
from office_tui.committee.rubric import DEFAULT_PATH, default_rubric

STAFF = Actor(None, "staff", "staff")
CODES = [c.code for c in default_rubric().criteria]
SUBMITTED_AT = datetime(2021, 7, 20, 2, 0, tzinfo=timezone.utc)

# Batch 2's rubric: technical 80 %, plan 20 %, pass line 75.
OVERRIDE = (DEFAULT_PATH.read_text(encoding="utf-8")
            .replace("pass_line = 70", "pass_line = 75")
            .replace('en = "Technical review"\nweight = 50', 'en = "Technical review"\nweight = 80')
            .replace('en = "Plan review"\nweight = 50', 'en = "Plan review"\nweight = 20'))


def uniform(value: float) -> dict[str, float]:
    """A sheet with every criterion at ``value``: its total is ``value`` under any weights."""
    return {code: value for code in CODES}


def build_office(engine) -> dict[str, int]:
    """Two batches, providers, members R1–R5 and sheets:

    batch 1 (default rubric)
      C1 eligible: R1 80, R2 82, R3 78 submitted; R4 a draft (90 everywhere) → missing R4
      C2 eligible: R1 70, R2 70, R3 95 → R3 is an outlier (25 from the others' 70)
      C3 received, with a submitted sheet: not before the committee → not in the tally
      C4 rejected (decided), R1 50, R2 55 → in the tally
      C5 listed, no assignments → not in the tally
      C6 eligible, nobody assigned → in the tally, no rank
    batch 2 (technical 80 %, plan 20 %, pass line 75)
      D1 eligible: R1 T* 100 / P* 0 → 80 (50 under the default rubric)
    R5 declared a conflict with C2's provider (UBN 22334451).
    """
    ids: dict[str, int] = {}
    with write_session(engine, STAFF, reason="test data") as s:
        for number, rubric in ((1, None), (2, OVERRIDE)):
            batch = Batch(number=number, opens_on=date(2021, 7, 1), rubric=rubric,
                          closes_at=datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc))
            s.add(batch)
            s.flush()
            ids[f"batch{number}"] = batch.id
        providers = {}
        for key, ubn, name in (("p1", "04595257", "雲翔資訊股份有限公司"), ("p2", "22334451", "=HYPERLINK 科技"),
                               ("p3", "55667783", "好店雲有限公司")):
            provider = Provider(ubn=ubn, name=name, paid_in_capital=3_000_000)
            s.add(provider)
            s.flush()
            providers[key] = provider.id
        apps = (("C1", 1, "p1", "eligible"), ("C2", 1, "p2", "eligible"), ("C3", 1, "p1", "received"),
                ("C4", 1, "p3", "rejected"), ("C5", 1, "p3", "listed"), ("C6", 1, "p3", "eligible"),
                ("D1", 2, "p1", "eligible"), ("D2", 2, "p2", "eligible"))
        for number, batch, provider, status in apps:
            app = Application(application_no=number, batch_id=ids[f"batch{batch}"], provider_id=providers[provider],
                              solution_name=f"方案 {number}", category="pos", price=30_000,
                              submitted_at=SUBMITTED_AT, status=status)
            s.add(app)
            s.flush()
            ids[number] = app.id
        for n in range(1, 6):
            reviewer = Reviewer(reviewer_no=f"R{n}", name=f"委員{n}", affiliation="國立大學")
            s.add(reviewer)
            s.flush()
            ids[f"R{n}"] = reviewer.id
        s.add(Conflict(reviewer_id=ids["R5"], ubn="22334451", note="曾任顧問"))
        sheets = [("C1", "R1", 80, "submitted"), ("C1", "R2", 82, "submitted"), ("C1", "R3", 78, "submitted"),
                  ("C1", "R4", 90, "draft"), ("C2", "R1", 70, "submitted"), ("C2", "R2", 70, "submitted"),
                  ("C2", "R3", 95, "submitted"), ("C3", "R1", 99, "submitted"), ("C4", "R1", 50, "submitted"),
                  ("C4", "R2", 55, "submitted"),
                  ("D1", "R1", {**{c: 100 for c in CODES if c.startswith("T")},
                                **{c: 0 for c in CODES if c.startswith("P")}}, "submitted")]
        for app_no, reviewer_no, values, status in sheets:
            sheet = Assignment(application_id=ids[app_no], reviewer_id=ids[reviewer_no], sheet_status=status,
                               comment=f"{reviewer_no} 評語", submitted_at=SUBMITTED_AT if status == "submitted" else None)
            s.add(sheet)
            s.flush()
            ids[f"{app_no}/{reviewer_no}"] = sheet.id
            scores = values if isinstance(values, dict) else uniform(values)
            s.add_all(Score(assignment_id=sheet.id, criterion=c, value=v) for c, v in scores.items())
    return ids


@pytest.fixture
def office(engine):
    return build_office(engine)


def tally_of(engine, batch_no=1, method="mean"):
    with read_session(engine) as session:
        return batch_tally(session, batch_no, method)


def test_only_eligible_and_decided_applications_with_sheets_appear(engine, office):
    board = tally_of(engine)
    assert [r.application_no for r in board.rows] == ["C1", "C2", "C4", "C6"]  # in rank order; C6 unranked
    assert [r.rank for r in board.rows] == [1, 2, 3, None]
    assert board.info["C4"].status == "rejected" and board.info["C1"].status == "eligible"
    assert board.info["C2"].company == "=HYPERLINK 科技" and board.info["C2"].ubn == "22334451"
    assert board.info["C1"].decision is None
    assert board.reviewers == ["R1", "R2", "R3", "R4"]


def test_hand_computed_numbers_and_drafts_count_as_missing(engine, office):
    board = tally_of(engine)
    c1 = board.row("C1")
    assert c1.totals == pytest.approx({"R1": 80, "R2": 82, "R3": 78})
    assert c1.mean == pytest.approx(80) and c1.median == pytest.approx(80) and c1.stdev == pytest.approx(2)
    assert c1.missing == ["R4"]  # the draft (90 everywhere) is not counted
    assert c1.at_pass_line == 3 and c1.passed
    assert "R4" not in board.sheets["C1"] and board.sheets["C1"]["R2"] == uniform(82)
    assert board.comments[("C1", "R1")] == "R1 評語" and ("C1", "R4") not in board.comments

    c2 = board.row("C2")
    assert c2.mean == pytest.approx(235 / 3) and c2.outliers == ["R3"]
    assert board.unresolved("C2") == ["R3"] and board.unresolved("C1") == []
    assert board.row("C4").mean == pytest.approx(52.5) and not board.row("C4").passed
    c6 = board.row("C6")
    assert c6.mean is None and c6.rank is None and c6.missing == [] and c6.to_json()["passed"] is False


def test_rank_sum_method(engine, office):
    board = tally_of(engine, method="ranksum")
    # R1 ranks C1 (80) 1, C2 (70) 2, C4 (50) 3; R2 ranks C1 1, C2 2, C4 3; R3: C2 (95) 1, C1 (78) 2.
    # Members scored different sets, so the mean rank decides: C1 4/3, C2 5/3, C4 3.
    assert board.row("C1").rank_sum == 4 and board.row("C2").rank_sum == 5 and board.row("C4").rank_sum == 6
    assert board.row("C1").mean_rank == pytest.approx(4 / 3)
    assert [r.application_no for r in board.rows if r.rank] == ["C1", "C2", "C4"]


def test_a_batch_rubric_changes_totals_and_the_pass_line(engine, office):
    board = tally_of(engine, batch_no=2)
    d1 = board.row("D1")
    assert d1.totals == {"R1": pytest.approx(80)}  # 80 % × 100 + 20 % × 0; 50 under the default
    assert board.rubric.pass_line == 75 and d1.passed
    assert [r.application_no for r in board.rows] == ["D1", "D2"] and board.row("D2").mean is None
    assert default_rubric().total(board.sheets["D1"]["R1"]) == pytest.approx(50)


def test_resolutions_are_read(engine, office):
    from models import OutlierResolution

    with write_session(engine, STAFF, reason="test") as s:
        s.add(OutlierResolution(application_id=office["C2"], reviewer_id=office["R3"], note="維持原評分"))
    board = tally_of(engine)
    assert board.resolutions == {("C2", "R3"): "維持原評分"} and board.unresolved("C2") == []


def test_unknown_batch_or_method_is_refused(engine, office):
    with pytest.raises(TallyError) as error:
        tally_of(engine, batch_no=9)
    assert error.value.key == "tally.no_such_batch"
    with pytest.raises(TallyError):
        tally_of(engine, method="median")


def test_reopened_sheet_drops_out_of_the_tally(engine, office):
    with write_session(engine, STAFF, reason="reopen") as s:
        sheet = s.get(Assignment, office["C2/R3"])
        sheet.sheet_status = "draft"
        s.add(sheet)
    board = tally_of(engine)
    assert board.row("C2").missing == ["R3"] and board.row("C2").outliers == []
    with read_session(engine) as s:
        assert s.exec(select(Application.status).where(Application.application_no == "C2")).one() == "eligible"


# -- conflicts found after a sheet was scored ------------------------------------------


def _set_affiliation(engine, reviewer_no: str, affiliation: str) -> None:
    with write_session(engine, STAFF, reason="moved") as s:
        reviewer = s.exec(select(Reviewer).where(Reviewer.reviewer_no == reviewer_no)).one()
        reviewer.affiliation = affiliation
        s.add(reviewer)


def test_a_conflicted_members_sheet_never_counts_and_is_not_missing(engine, office):
    from office_tui.committee.batch_tally import submitted_totals

    with write_session(engine, STAFF, reason="test data") as s:
        s.add(Assignment(application_id=office["C2"], reviewer_id=office["R5"]))  # declared, assigned anyway
    _set_affiliation(engine, "R1", "=HYPERLINK 科技")  # R1 now works for C2's provider; scored 70 before
    board = tally_of(engine)
    c2 = board.row("C2")
    assert c2.totals == pytest.approx({"R2": 70, "R3": 95}) and c2.mean == pytest.approx(82.5)
    assert c2.missing == []  # R5's untouched sheet is not awaited either
    assert "R1" not in board.sheets["C2"] and ("C2", "R1") not in board.comments
    assert list(board.conflicted) == [("C2", "R1"), ("C2", "R5")]
    assert board.conflicted[("C2", "R1")].source == "affiliation"
    assert board.conflicted[("C2", "R5")].note == "曾任顧問"
    assert board.row("C1").totals["R1"] == pytest.approx(80)  # R1 still counts where free of conflict
    assert "R5" not in board.reviewers and "R1" in board.reviewers
    assert [r.application_no for r in board.rows][:2] == ["C2", "C1"]  # 82.5 now ranks above 80
    with read_session(engine) as s:
        c2_app = s.get(Application, office["C2"])
        assert submitted_totals(s, c2_app, default_rubric()) == pytest.approx({"R2": 70, "R3": 95})
    # The 評審總表 says 迴避 in R1's column for C2, and keeps R1's total for C1.
    from exports.summary import headers, summary_rows

    cells = {r[1]: dict(zip(headers(board.reviewers), r)) for r in summary_rows(board)}
    assert cells["C2"]["R1"] == "迴避" and cells["C1"]["R1"] == pytest.approx(80)


def test_a_conflicted_assignment_can_be_removed_with_its_scores(engine, office):
    from models import AuditEntry, OutlierResolution
    from office_tui.core.errors import OfficeError, describe
    from office_tui.committee.assignment import remove_assignment, remove_conflicted_assignment

    with write_session(engine, STAFF, reason="test data") as s:
        s.add(OutlierResolution(application_id=office["C2"], reviewer_id=office["R3"], note="維持"))
    _set_affiliation(engine, "R3", "=HYPERLINK科技")  # spaces aside, C2's provider
    with write_session(engine, STAFF, reason="not conflicted") as s:
        assert remove_conflicted_assignment(s, STAFF, "C1", "R1") is None  # nothing changed
        with pytest.raises(OfficeError) as refused:
            remove_assignment(s, STAFF, "C1", "R1")
        assert refused.value.key == "assign.has_scores"
    with write_session(engine, STAFF, reason="unassign C2 r3") as s:
        removed = remove_assignment(s, STAFF, "C2", "ｒ３")
    assert (removed.application_no, removed.reviewer_no, removed.sheet_status, removed.scores) == (
        "C2", "R3", "submitted", len(CODES))
    assert "服務單位即申請廠商" in removed.reason
    with read_session(engine) as s:
        assert s.get(Assignment, office["C2/R3"]) is None
        assert s.exec(select(Score).where(Score.assignment_id == office["C2/R3"])).all() == []
        assert s.exec(select(OutlierResolution)).all() == []
        deleted = s.exec(select(AuditEntry).where(AuditEntry.action == "delete")).all()
        assert {e.table_name for e in deleted} == {"score", "assignment", "outlierresolution"}
        assert len(deleted) == len(CODES) + 2
        assert all(e.reason.startswith("利益迴避：移除委員 R3 對 C2 的分派與評分。") for e in deleted)
    board = tally_of(engine)
    assert board.conflicted == {} and board.row("C2").outliers == []
    with pytest.raises(OfficeError) as refused, write_session(engine, STAFF, reason="again") as s:
        remove_assignment(s, STAFF, "C2", "R3")
    assert describe(refused.value) == "委員 R3 未被分派審查 C2。"
