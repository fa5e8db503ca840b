"""Importing paper score sheets: conflicted pairs refused with the reason, unassigned pairs
assigned, values range-checked by row and column, full rows submitted and partial ones
kept as drafts, submitted sheets locked, re-imports unchanged, a bad file writes nothing."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import select
from test_committee import CODES, STAFF, build_office

from importers.scores import import_scores
from importers.tabular import ImportFileError
from models import Assignment, AuditEntry, Score
from office_tui.core.db import read_session, write_session
from office_tui.committee.scoresheets import reopen_sheet


@pytest.fixture
def office(engine):
    return build_office(engine)


def write_csv(path, rows: list[dict], headers: list[str] | None = None):
    headers = headers or ["申請編號", "委員編號", *CODES, "評語"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path


def full(app_no, reviewer_no, value=80, **changes) -> dict:
    row = {"申請編號": app_no, "委員編號": reviewer_no, **{c: value for c in CODES}, "評語": "紙本評分"}
    row.update(changes)
    return row


def sheet(engine, ids, app_no, reviewer_no):
    with read_session(engine) as s:
        found = s.exec(select(Assignment).where(Assignment.application_id == ids[app_no],
                                                Assignment.reviewer_id == ids[f"R{reviewer_no[1:]}"])).first()
        if found is None:
            return None, {}
        return found, dict(s.exec(select(Score.criterion, Score.value).where(Score.assignment_id == found.id)).all())


def counts(engine):
    with read_session(engine) as s:
        return (s.exec(select(func.count()).select_from(Assignment)).one(),
                s.exec(select(func.count()).select_from(Score)).one(),
                s.exec(select(func.count()).select_from(AuditEntry)).one())


def test_rows_are_checked_and_written(engine, office, tmp_path):
    partial = {"申請編號": "C6", "委員編號": "R2", "T1": 70, "T2": "７５", "評語": ""}
    path = write_csv(tmp_path / "scores.csv", [
        full("C2", "R5"),                    # row 2: R5 declared a conflict with C2's provider
        full("C6", "R1", 88),                # row 3: unassigned, unconflicted → assigned and submitted
        partial,                             # row 4: partial → a draft
        full("C6", "R3", T3=120, P2="abc"),  # row 5: out of range, not a number
        full("C3", "R2"),                    # row 6: not eligible
        full("C6", "R9"),                    # row 7: no such member
        full("C6", "R1", 88),                # row 8: the same pair again
        full("D2", "R4", 90),                # row 9: batch 2 (its own rubric), unassigned
    ])
    report = import_scores(engine, STAFF, path)
    assert report.accepted == [3, 4, 9]
    by_row = {}
    for error in report.rejected:
        by_row.setdefault(error.row, []).append(error)
    assert sorted(by_row) == [2, 5, 6, 7, 8]
    [conflict] = by_row[2]
    assert conflict.column == "委員編號" and "R5" in conflict.reason and "22334451" in conflict.reason
    assert [(e.column, "120" in e.reason or "abc" in e.reason) for e in by_row[5]] == [("T3", True), ("P2", True)]
    assert by_row[6][0].column == "申請編號" and "C3" in by_row[6][0].reason
    assert by_row[7][0].column == "委員編號" and "R9" in by_row[7][0].reason
    assert "3" in by_row[8][0].reason  # repeats row 3

    made, scores = sheet(engine, office, "C6", "R1")
    assert made.sheet_status == "submitted" and made.submitted_at is not None and made.comment == "紙本評分"
    assert scores == {c: 88 for c in CODES}
    draft, scores = sheet(engine, office, "C6", "R2")
    assert draft.sheet_status == "draft" and scores == {"T1": 70, "T2": 75}
    assert sheet(engine, office, "C2", "R5")[0] is None and sheet(engine, office, "C6", "R3")[0] is None
    assert sheet(engine, office, "D2", "R4")[0].sheet_status == "submitted"

    # Importing the same file again changes nothing.
    before = counts(engine)
    again = import_scores(engine, STAFF, path)
    assert again.accepted == [] and again.unchanged == [3, 4, 9]
    assert sorted({e.row for e in again.rejected}) == [2, 5, 6, 7, 8]
    from office_tui.core.actor import Actor
    from office_tui.core.errors import OfficeError

    member = Actor(None, "r1", "reviewer", reviewer_id=office["R1"])
    with pytest.raises(OfficeError) as error:
        import_scores(engine, member, write_csv(tmp_path / "ok.csv", [full("C6", "R1")]))
    assert error.value.key == "tally.import_staff_only"
    assert counts(engine) == before


def test_submitted_sheet_is_locked_until_reopened(engine, office, tmp_path):
    path = write_csv(tmp_path / "changed.csv", [full("C1", "R1", 85)])  # C1/R1 was submitted at 80
    report = import_scores(engine, STAFF, path)
    assert report.accepted == [] and len(report.rejected) == 1
    assert report.rejected[0].row == 2 and "sheets reopen" in report.rejected[0].reason
    assert sheet(engine, office, "C1", "R1")[1]["T1"] == 80

    same = import_scores(engine, STAFF, write_csv(tmp_path / "same.csv", [full("C1", "R1", 80, 評語="R1 評語")]))
    assert same.unchanged == [2] and same.rejected == []

    with write_session(engine, STAFF, reason="紙本更正") as s:
        reopen_sheet(s, STAFF, office["C1/R1"], "紙本更正")
    report = import_scores(engine, STAFF, path)
    assert report.accepted == [2]
    found, scores = sheet(engine, office, "C1", "R1")
    assert found.sheet_status == "submitted" and scores["T1"] == 85


def test_partial_row_keeps_the_draft_s_other_scores_and_full_row_submits_it(engine, office, tmp_path):
    # C1/R4 is a draft at 90 everywhere; a partial row changes only T1.
    report = import_scores(engine, STAFF, write_csv(tmp_path / "p.csv", [{"申請編號": "C1", "委員編號": "R4", "T1": 60}]))
    assert report.accepted == [2]
    found, scores = sheet(engine, office, "C1", "R4")
    assert found.sheet_status == "draft" and scores["T1"] == 60 and scores["T2"] == 90 and len(scores) == 13
    assert found.comment == "R4 評語"  # an empty comment cell keeps the sheet's comment


def test_chinese_label_headers_in_xlsx(engine, office, tmp_path):
    from office_tui.committee.rubric import default_rubric

    labels = {c.code: c.zh for c in default_rubric().criteria}
    book = openpyxl.Workbook()
    book.active.append(["申請編號", "委員編號", *(labels[c] for c in CODES)])
    book.active.append(["C6", "R4", *([77.5] * len(CODES))])
    book.save(tmp_path / "scores.xlsx")
    report = import_scores(engine, STAFF, tmp_path / "scores.xlsx")
    assert report.accepted == [2] and report.unknown_columns == []
    found, scores = sheet(engine, office, "C6", "R4")
    assert found.sheet_status == "submitted" and scores == {c: 77.5 for c in CODES}


def test_a_bad_file_writes_nothing(engine, office, tmp_path):
    before = counts(engine)
    missing = write_csv(tmp_path / "missing.csv", [full("C6", "R1")], headers=["申請編號", "委員編號", *CODES[:-1]])
    with pytest.raises(ImportFileError) as error:
        import_scores(engine, STAFF, missing)
    assert error.value.key == "import.file.missing_columns" and "P4" in error.value.params["columns"]
    no_member = write_csv(tmp_path / "nomember.csv", [full("C6", "R1")], headers=["申請編號", *CODES])
    with pytest.raises(ImportFileError):
        import_scores(engine, STAFF, no_member)
    (tmp_path / "scores.txt").write_text("x")
    with pytest.raises(ImportFileError):
        import_scores(engine, STAFF, tmp_path / "scores.txt")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportFileError):
        import_scores(engine, STAFF, broken)
    from office_tui.core.actor import Actor
    from office_tui.core.errors import OfficeError

    member = Actor(None, "r1", "reviewer", reviewer_id=office["R1"])
    with pytest.raises(OfficeError) as error:
        import_scores(engine, member, write_csv(tmp_path / "ok.csv", [full("C6", "R1")]))
    assert error.value.key == "tally.import_staff_only"
    assert counts(engine) == before


def test_member_numbers_are_matched_however_typed(engine, office, tmp_path):
    path = write_csv(tmp_path / "typed.csv", [
        full("C6", "r1", 88),      # row 2: lower case
        full("C6", "Ｒ２", 77),    # row 3: full width
        full("C6", " r1 ", 88),    # row 4: the same member as row 2
        full("C2", "ｒ５"),        # row 5: R5's conflict still refuses it, by the stored number
    ])
    report = import_scores(engine, STAFF, path)
    assert report.accepted == [2, 3]
    by_row = {e.row: e for e in report.rejected}
    assert sorted(by_row) == [4, 5] and "2" in by_row[4].reason
    assert "R5" in by_row[5].reason and "22334451" in by_row[5].reason
    assert sheet(engine, office, "C6", "R1")[0].sheet_status == "submitted"
    assert sheet(engine, office, "C6", "R2")[1] == {c: 77 for c in CODES}
    again = import_scores(engine, STAFF, write_csv(tmp_path / "again.csv", [full("C6", "R1", 88)]))
    assert again.unchanged == [2]


def test_an_out_of_range_score_reads_as_typed(engine, office, tmp_path):
    report = import_scores(engine, STAFF, write_csv(tmp_path / "range.csv", [full("C6", "R1", T3=101, P1="100.5")]))
    assert [(e.column, e.reason) for e in report.rejected] == [
        ("T3", "T3 的分數 101 超出範圍（0–100）。"), ("P1", "P1 的分數 100.5 超出範圍（0–100）。")]


def _more_members(engine, numbers=("R6", "R7", "R8", "R9", "R10")):
    """Ten active members for batch 1's three eligible applications: the default load cap
    is ⌈3 × 5 / 10⌉ = 2, and R1 already has 2 sheets there (C1, C2)."""
    from models import Reviewer

    with write_session(engine, STAFF, reason="test members") as s:
        s.add_all(Reviewer(reviewer_no=n, name=f"委員{n}") for n in numbers)


def test_each_assignment_a_paper_sheet_makes_is_said_row_by_row(engine, office, tmp_path):
    _more_members(engine)
    report = import_scores(engine, STAFF, write_csv(tmp_path / "s.csv", [full("C6", "R6"), full("C1", "R2", 82)]))
    assert report.accepted == [2] and report.assigned == [
        {"row": 2, "application_no": "C6", "reviewer_no": "R6", "load": 1, "cap": 2}]
    [note] = report.notes
    assert note.row == 2 and "R6" in note.reason and "C6" in note.reason and "上限 2" in note.reason
    assert any(line.startswith("第 2 列：委員 R6 原未分派 C6") for line in report.lines())
    assert report.to_json()["assigned"][0]["reviewer_no"] == "R6"


def test_a_member_at_the_load_cap_is_not_assigned_by_a_paper_sheet_unless_allowed(engine, office, tmp_path):
    _more_members(engine)
    path = write_csv(tmp_path / "s.csv", [full("C6", "R1", 88)])
    report = import_scores(engine, STAFF, path)
    assert report.accepted == [] and report.assigned == []
    [refused] = report.rejected
    assert refused.column == "委員編號" and "R1" in refused.reason and "上限 2" in refused.reason
    assert "--allow-over-cap" in refused.reason
    assert sheet(engine, office, "C6", "R1") == (None, {})
    allowed = import_scores(engine, STAFF, path, allow_over_cap=True)
    assert allowed.accepted == [2] and allowed.assigned[0]["load"] == 3
    assert "超過分派上限" in allowed.notes[0].reason
    assert sheet(engine, office, "C6", "R1")[0].sheet_status == "submitted"
