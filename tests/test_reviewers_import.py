"""Importing the committee roster: new members, updates by number, unchanged rows,
declared conflicts (each UBN checked), refusals with row/column/reason, one transaction."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from sqlmodel import select

import importers.reviewers as reviewers_import
from office_tui.layouts import REVIEWERS
from importers.reviewers import import_reviewers
from importers.tabular import ImportFileError
from models import AuditEntry, Conflict, Reviewer
from office_tui.core.actor import Actor
from office_tui.core.db import read_session
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language
from office_tui.core.ubn import make_ubn

ACTOR = Actor(None, "staff", "staff")
UBN_A, UBN_B = make_ubn("2233445"), make_ubn("0459525")  # the second has a leading zero


def member(**changes) -> dict:
    values = dict(reviewer_no="R01", name="王大明", affiliation="國立臺灣大學資訊管理學系", email="wang@ntu.edu.tw",
                  expertise="雲端收銀(POS)、資安", conflict_ubns=f"{UBN_A}、{UBN_B}")
    values.update(changes)
    return values


def write(path, rows: list[dict], headers: dict[str, str] | None = None, extra: dict | None = None):
    fields = [c.field for c in REVIEWERS.columns]
    titles = [(headers or {}).get(name, REVIEWERS.column(name).header) for name in fields]
    extra = extra or {}
    table = [titles + list(extra)] + [[r.get(name) for name in fields] + list(extra.values()) for r in rows]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([["" if v is None else v for v in line] for line in table])
    else:
        book = openpyxl.Workbook()
        for line in table:
            book.active.append(line)
        book.save(path)
    return path


def stored(engine) -> dict[str, tuple]:
    with read_session(engine) as session:
        conflicts: dict[int, list] = {}
        for c in session.exec(select(Conflict).order_by(Conflict.ubn)):
            conflicts.setdefault(c.reviewer_id, []).append((c.ubn, c.source))
        return {r.reviewer_no: (r.name, r.affiliation, r.email, r.expertise, r.active, conflicts.get(r.id, []))
                for r in session.exec(select(Reviewer))}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_members_and_declared_conflicts_go_in(engine, tmp_path, suffix):
    path = write(tmp_path / f"roster{suffix}", [member(), member(reviewer_no="r02", name="李小美", email=None,
                                                                   affiliation=None, expertise=None, conflict_ubns=None)])
    report = import_reviewers(engine, ACTOR, path)
    assert report.to_json() == {"accepted": [2, 3], "rejected": [], "unchanged": [], "unknown_columns": [],
                                "updated": [], "warnings": []}
    assert stored(engine) == {
        "R01": ("王大明", "國立臺灣大學資訊管理學系", "wang@ntu.edu.tw", "雲端收銀(POS),資安", True,
                sorted([(UBN_A, "declared"), (UBN_B, "declared")])),
        "R02": ("李小美", "", "", "", True, []),
    }
    assert report.summary() == "匯入完成：新增 2 位委員、更新 0 位、未變更 0 列、退回 0 列。"


def test_reimport_updates_by_number_and_reports_unchanged_rows(engine, tmp_path):
    import_reviewers(engine, ACTOR, write(tmp_path / "a.xlsx", [member(), member(reviewer_no="R02", name="李小美")]))
    third = make_ubn("5566778")
    path = write(tmp_path / "b.xlsx", [member(), member(reviewer_no="R02", name="李小美", email="lee@x.org.tw",
                                                         conflict_ubns=f"{UBN_A},{third}")])
    report = import_reviewers(engine, ACTOR, path)
    assert (report.accepted, report.unchanged) == ([3], [2])
    assert (report.updated, report.added) == ([3], [])  # R02 was on the roster: updated, not added
    assert report.summary() == "匯入完成：新增 0 位委員、更新 1 位、未變更 1 列、退回 0 列。"
    after = stored(engine)
    assert after["R02"][2] == "lee@x.org.tw"
    # Added, never withdrawn by an import: UBN_B stays declared.
    assert {u for u, _ in after["R02"][5]} == {UBN_A, UBN_B, third}
    again = import_reviewers(engine, ACTOR, path)
    assert (again.accepted, again.unchanged) == ([], [2, 3])
    assert len(stored(engine)) == 2


def test_bad_rows_name_row_column_and_reason(engine, tmp_path):
    path = write(tmp_path / "bad.xlsx", [
        member(),
        member(reviewer_no=None),  # row 3
        member(reviewer_no="R03", name="  "),  # row 4
        member(reviewer_no="R04", conflict_ubns="12345678、1234"),  # row 5: checksum, format
        member(reviewer_no="R01", name="重複"),  # row 6
        member(reviewer_no="R 0 5?"),  # row 7
        member(reviewer_no="R06", email="not-an-email"),  # row 8
    ], headers={"conflict_ubns": "conflict_ubns"}, extra={"備註": "x"})
    report = import_reviewers(engine, ACTOR, path)
    assert report.accepted == [2]
    rejected = [(e.row, e.column, e.reason) for e in report.rejected]
    assert rejected == [
        (3, "委員編號", "必填欄位未填寫"),
        (4, "姓名", "必填欄位未填寫"),
        (5, "conflict_ubns", "統一編號 12345678 檢查碼不符"),
        (5, "conflict_ubns", "「1234」不是 8 位數字的統一編號"),
        (6, "委員編號", "委員編號 R01 與第 2 列重複"),
        (7, "委員編號", "委員編號「R 0 5?」不合格式：限英數字，最多 16 字元"),
        (8, "Email", "「not-an-email」不是有效的 Email"),
    ]
    assert report.unknown_columns == ["備註"]
    assert set(stored(engine)) == {"R01"}
    assert str(report.rejected[0]) == "第 3 列「委員編號」：必填欄位未填寫"


def test_english_reasons(engine, tmp_path):
    set_language("en")
    report = import_reviewers(engine, ACTOR, write(tmp_path / "x.csv", [member(), member(email="nope")]))
    assert [(e.row, e.reason) for e in report.rejected] == [(3, "\"nope\" is not a valid email address")]


def test_a_missing_required_column_imports_nothing(engine, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["委員編號", "服務單位"])
    book.active.append(["R01", "工研院"])
    book.save(tmp_path / "short.xlsx")
    with pytest.raises(ImportFileError) as failed:
        import_reviewers(engine, ACTOR, tmp_path / "short.xlsx")
    assert "姓名" in describe(failed.value)
    assert stored(engine) == {}


def test_a_failure_part_way_leaves_nothing(engine, tmp_path, monkeypatch):
    path = write(tmp_path / "roster.xlsx", [member(), member(reviewer_no="R02")])
    class Exploding:  # the second member's conflicts cannot be written
        def __getattr__(self, name):
            return getattr(Conflict, name)

        def __call__(self, **kwargs):
            if kwargs["reviewer_id"] > 1:
                raise RuntimeError("disk full")
            return Conflict(**kwargs)

    monkeypatch.setattr(reviewers_import, "Conflict", Exploding())
    with pytest.raises(RuntimeError):
        import_reviewers(engine, ACTOR, path)
    assert stored(engine) == {}


def test_every_change_is_audited_with_the_file(engine, tmp_path):
    import_reviewers(engine, ACTOR, write(tmp_path / "roster.xlsx", [member()]))
    with read_session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.table_name.in_(["reviewer", "conflict"]))).all()
    assert {e.table_name for e in entries} == {"reviewer", "conflict"}
    assert all(e.reason == "import reviewers roster.xlsx" and e.username == "staff" for e in entries)


def test_progress_is_reported(engine, tmp_path):
    seen = []
    import_reviewers(engine, ACTOR, write(tmp_path / "roster.xlsx", [member()]),
                     progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] == 0 and seen[-1] == (1, 1)


def test_a_conflict_the_import_creates_warns_of_each_assignment(engine, tmp_path):
    """build_office: R1–R5 at 國立大學; R1, R2 and R3 scored C2, whose provider is
    「=HYPERLINK 科技」 (UBN 22334451)."""
    from test_committee import build_office

    build_office(engine)
    rows = [dict(reviewer_no="R1", name="委員1", affiliation="=HYPERLINK 科技"),  # now C2's provider
            dict(reviewer_no="r2", name="委員2", affiliation="國立大學", conflict_ubns="22334451"),  # declared now
            dict(reviewer_no="Ｒ４", name="委員4", affiliation="國立大學"),  # unchanged
            dict(reviewer_no="R6", name="委員6", affiliation="=HYPERLINK 科技")]  # new, never assigned
    report = import_reviewers(engine, ACTOR, write(tmp_path / "roster.csv", rows))
    assert (report.accepted, report.updated, report.unchanged, report.added) == ([2, 3, 5], [2, 3], [4], [5])
    assert report.warnings == [
        "注意：委員 R1 須迴避 C2：服務單位即申請廠商 =HYPERLINK 科技（統編 22334451）。"
        " 此委員已被分派審查 C2，其評分表不予計入；請移除該分派：office-tui assign remove C2 R1",
        "注意：委員 R2 須迴避 C2：已申報迴避 =HYPERLINK 科技（統編 22334451；-）。"
        " 此委員已被分派審查 C2，其評分表不予計入；請移除該分派：office-tui assign remove C2 R2"]
    assert report.to_json()["warnings"] == report.warnings and report.to_json()["updated"] == [2, 3]
    assert report.summary() == ("匯入完成：新增 1 位委員、更新 2 位、未變更 1 列、退回 0 列。"
                                "另有 2 筆分派現屬利益迴避，評分不予計入，請移除。")
    assert report.lines()[1:3] == report.warnings
    assert set(stored(engine)) == {"R1", "R2", "R3", "R4", "R5", "R6"}

    set_language("en")
    again = import_reviewers(engine, ACTOR, write(tmp_path / "again.csv", [
        dict(reviewer_no="R3", name="委員3", affiliation="國立大學", conflict_ubns="22334451")]))
    assert again.warnings == [
        "Note: Member R3 must not review C2: declared a conflict with =HYPERLINK 科技 (UBN 22334451; -)."
        " The member is already assigned to C2, and that sheet no longer counts; remove the assignment:"
        " office-tui assign remove C2 R3"]
    unchanged = import_reviewers(engine, ACTOR, write(tmp_path / "again.csv", [
        dict(reviewer_no="R3", name="委員3", affiliation="國立大學", conflict_ubns="22334451")]))
    assert unchanged.warnings == [] and unchanged.unchanged == [2]
