"""The committee's exports — 核定名單, members' score sheets, 評審總表 — reopened with
openpyxl and read cell by cell; and the write-only list path they share."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from openpyxl import Workbook, load_workbook

from exports.approvals import approval_rows, export_approvals, write_approvals
from exports.scoresheets import export_scoresheets
from exports.summary import export_summary
from exports.list_sheet import add_list_sheet, list_width, new_list_book, save_book, sheet_name
from exports.xlsx import display_width
from models import Application, Assignment, Batch, Decision, OutlierResolution, Provider, Reviewer, Score
from office_tui.core.actor import Actor
from office_tui.committee.batch_tally import batch_tally
from office_tui.core.db import read_session, write_session
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import set_language
from office_tui.committee.rubric import default_rubric

EVIL = '=HYPERLINK("http://x","y")'
PHONE = "+886 2 2345 6789 數位有限公司"
DASH = "-abc 雲端股份有限公司"
AT = "@SUM(A1)"
STAFF = Actor(None, "tester", "staff")
CRITERIA = [c.code for c in default_rubric().criteria]  # T1…T9, P1…P4
TECH = [c for c in CRITERIA if c.startswith("T")]
PLAN = [c for c in CRITERIA if c.startswith("P")]
PROGRAMME = "建構零售暨服務業數據共享創新服務計畫"

# application_no, company, ubn, solution, category, price, status, decision (outcome, rank, day)
APPS = [
    ("A115-1-0001", "雲翔資訊股份有限公司", "04595257", "雲端收銀 Plus", "pos", 36000, "listed",
     ("approved", 2, date(2026, 11, 20))),
    ("A115-1-0002", EVIL, "12345675", "=1+1 會員集點", "loyalty", 1234567, "approved",
     ("approved", 1, date(2026, 11, 20))),
    ("A115-1-0003", PHONE, "00000019", "-排班小幫手", "hr", 0, "delisted", ("approved", 3, date(2026, 11, 19))),
    ("A115-1-0004", DASH, "22099131", "@預約", "booking", 5000, "approved", ("approved", None, date(2026, 11, 18))),
    ("A115-1-0005", AT, "55555555", "進銷存 Pro", "inventory", 8800, "rejected", ("rejected", 4, date(2026, 11, 20))),
    ("A115-1-0006", "好點子有限公司", "10458575", "行銷通", "marketing", 9900, "waitlisted",
     ("waitlisted", 5, date(2026, 11, 20))),
    ("A115-1-0007", "尚未決議有限公司", "23456789", "開店平台", "shop", 12000, "eligible", None),
]
# reviewer_no, name, {application_no: (scores, sheet_status, comment)}
MEMBERS = [
    ("R01", "王大明", {"A115-1-0001": (80, "submitted", "架構完整"), "A115-1-0002": (90, "submitted", "=1+1"),
                      "A115-1-0007": ({"T1": 70, "T2": 60}, "draft", "")}),
    ("R02", "李[委員]:*?/\\有一個非常非常非常非常非常長的名字的人", {"A115-1-0001": (61, "submitted", ""),
                                                         "A115-1-0002": (62, "submitted", "")}),
    ("R03", "陳小華", {"A115-1-0001": (100, "submitted", ""), "A115-1-0007": ({}, "assigned", "")}),
]


def build(engine) -> None:
    """Batch 1 (APPS, MEMBERS' sheets, an outlier discussed), batch 2 with one approval."""
    with write_session(engine, STAFF, "test data") as s:
        closes = datetime(2026, 10, 1, 9, tzinfo=timezone.utc)
        batches = [Batch(number=n, opens_on=date(2026, 9, 1), closes_at=closes) for n in (1, 2)]
        s.add_all(batches)
        s.flush()
        apps = {}
        for app_no, company, ubn, solution, category, price, status, decision in APPS:
            provider = Provider(ubn=ubn, name=company)
            s.add(provider)
            s.flush()
            app = Application(application_no=app_no, batch_id=batches[0].id, provider_id=provider.id,
                              solution_name=solution, category=category, price=price, status=status,
                              submitted_at=closes)
            s.add(app)
            s.flush()
            apps[app_no] = app
            if decision:
                outcome, rank, day = decision
                s.add(Decision(application_id=app.id, outcome=outcome, rank=rank, decided_on=day, doc_no="經商字第1號"))
        other = Provider(ubn="87654321", name="別批資訊有限公司")
        s.add(other)
        s.flush()
        second = Application(application_no="A115-2-0001", batch_id=batches[1].id, provider_id=other.id,
                             solution_name="別批方案", category="crm", price=100, status="listed", submitted_at=closes)
        s.add(second)
        s.flush()
        s.add(Decision(application_id=second.id, outcome="approved", rank=1, decided_on=date(2026, 11, 1)))
        for reviewer_no, name, sheets in MEMBERS:
            reviewer = Reviewer(reviewer_no=reviewer_no, name=name)
            s.add(reviewer)
            s.flush()
            for app_no, (scores, sheet_status, comment) in sheets.items():
                assignment = Assignment(application_id=apps[app_no].id, reviewer_id=reviewer.id,
                                        sheet_status=sheet_status, comment=comment)
                s.add(assignment)
                s.flush()
                values = scores if isinstance(scores, dict) else {c: scores for c in CRITERIA}
                s.add_all(Score(assignment_id=assignment.id, criterion=c, value=v) for c, v in values.items())
            if reviewer_no == "R03":
                s.add(OutlierResolution(application_id=apps["A115-1-0001"].id, reviewer_id=reviewer.id,
                                        note="委員說明理由"))


def text_cells_are_text(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
                if cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, cell.coordinate


def print_setup_is_a4_landscape(sheet, header_rows: str = "$1:$2", frozen: str = "A3") -> None:
    assert sheet.freeze_panes == frozen
    assert sheet.print_title_rows == header_rows
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


# -- 核定名單 -------------------------------------------------------------------------


def test_approval_list_cell_by_cell(engine, tmp_path):
    build(engine)
    path, n = export_approvals(engine, 1, tmp_path / "approvals")
    assert n == 4 and path == tmp_path / "approvals.xlsx"
    sheet = load_workbook(path).active
    assert sheet.title == "核定名單"
    assert sheet["A1"].value == f"{PROGRAMME} 第1批 雲端解決方案核定名單"
    assert [c.value for c in sheet[2]] == ["序號", "服務提供者", "統一編號", "方案名稱", "方案類別", "方案價格", "核定日期"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    # decision rank, then unranked; rejected, waitlisted, undecided and batch 2 left out;
    # delisted stays (it was approved)
    assert rows == [
        [1, EVIL, "12345675", "=1+1 會員集點", "會員集點服務", 1234567, "115/11/20"],
        [2, "雲翔資訊股份有限公司", "04595257", "雲端收銀 Plus", "雲端收銀(POS)", 36000, "115/11/20"],
        [3, PHONE, "00000019", "-排班小幫手", "HR(人力資源管理)", 0, "115/11/19"],
        [4, DASH, "22099131", "@預約", "客戶訂位/預約服務", 5000, "115/11/18"],
    ]
    for row in sheet.iter_rows(min_row=3):
        seq, company, ubn, solution, category, price, day = row
        assert seq.data_type == "n" and price.data_type == "n" and price.number_format == "#,##0"
        assert all(c.data_type == "s" for c in (company, ubn, solution, category, day))
    assert sheet["B3"].quotePrefix and sheet["D3"].quotePrefix and sheet["B5"].quotePrefix
    assert sheet["B6"].quotePrefix and sheet["D6"].quotePrefix
    assert not sheet["B4"].quotePrefix and sheet["C4"].value == "04595257"
    text_cells_are_text(sheet)
    print_setup_is_a4_landscape(sheet)
    assert sheet["A2"].font.bold and not sheet["B4"].font.bold
    assert sheet.column_dimensions["B"].width >= display_width("雲翔資訊股份有限公司")
    assert sheet.column_dimensions["E"].width >= display_width("客戶訂位/預約服務")
    assert sheet.column_dimensions["A"].width < display_width(sheet["A1"].value)  # the title does not widen A


def test_approval_list_in_english_and_empty(engine, tmp_path):
    build(engine)
    set_language("en")
    sheet = load_workbook(export_approvals(engine, 2, tmp_path / "en.xlsx")[0]).active
    assert sheet["A1"].value == "Retail & Service Data-Sharing Innovation Programme: batch 2, approved cloud solutions"
    assert [c.value for c in sheet[2]] == ["No.", "Service provider", "UBN", "Solution", "Category", "Price",
                                           "Approved on"]
    assert [c.value for c in sheet[3]] == [1, "別批資訊有限公司", "87654321", "別批方案", "CRM", 100, "115/11/01"]
    with read_session(engine) as s:
        with pytest.raises(OfficeError) as unknown:
            approval_rows(s, 9)
    assert unknown.value.key == "export.batch_unknown"
    path = write_approvals([], tmp_path / "none.xlsx", batch_no=3)
    empty = load_workbook(path).active
    assert empty.max_row == 2 and empty.freeze_panes == "A3"


# -- 委員評分表 -----------------------------------------------------------------------


def test_one_sheet_per_member_with_only_their_own_scores(engine, tmp_path):
    build(engine)
    path, n = export_scoresheets(engine, 1, tmp_path / "sheets.xlsx")
    assert n == 7
    book = load_workbook(path)
    long_name = book.sheetnames[1]
    assert book.sheetnames[0] == "R01 王大明" and book.sheetnames[2] == "R03 陳小華"
    assert long_name.startswith("R02 李_委員_____") and len(long_name) == 31
    assert not set("[]:*?/\\") & set(long_name)

    r01 = book["R01 王大明"]
    assert r01["A1"].value == f"{PROGRAMME} 第1批 評分表：R01 王大明"
    heads = [c.value for c in r01[2]]
    assert heads[:4] == ["申請編號", "服務提供者", "方案名稱", "T1 大量連線"]
    assert heads[-6:] == ["P4 服務能量", "技術審查", "計畫審查", "總分", "評分狀態", "評語"]
    rows = [[c.value for c in row] for row in r01.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == ["A115-1-0001", "A115-1-0002", "A115-1-0007"]
    assert rows[0] == ["A115-1-0001", "雲翔資訊股份有限公司", "雲端收銀 Plus", *[80] * 13, 80, 80, 80, "已送出", "架構完整"]
    assert rows[1][1] == EVIL and rows[1][-1] == "=1+1" and rows[1][-4] == 90
    # a draft shows what was keyed; stage scores and the total wait for every criterion
    assert rows[2][3:5] == [70, 60] and rows[2][5:16] == [None] * 11
    assert rows[2][16:19] == [None, None, None] and rows[2][19] == "草稿"
    assert r01.cell(row=3, column=17).number_format == "0.00"
    numbers = {c.value for row in r01.iter_rows(min_row=3) for c in row if isinstance(c.value, (int, float))}
    assert numbers == {80, 90, 70, 60}  # never R02's 61/62 nor R03's 100
    text_cells_are_text(r01)
    print_setup_is_a4_landscape(r01)
    assert r01.cell(row=3, column=21).alignment.wrap_text  # the comment wraps
    assert heads[10] == "T8 流量驗證與數據提供的合理性" and r01["K2"].alignment.wrap_text  # a long header wraps
    assert r01.column_dimensions["K"].width < display_width(heads[10])

    r02 = book[long_name]
    assert {c.value for row in r02.iter_rows(min_row=3) for c in row if isinstance(c.value, (int, float))} == {61, 62}
    r03 = [[c.value for c in row] for row in book["R03 陳小華"].iter_rows(min_row=3)]
    assert [r[0] for r in r03] == ["A115-1-0001", "A115-1-0007"] and r03[1][-2] == "未填"


def test_scoresheets_of_a_batch_without_assignments_is_an_error(engine, tmp_path):
    build(engine)
    with pytest.raises(OfficeError) as empty:
        export_scoresheets(engine, 2, tmp_path / "none.xlsx")
    assert empty.value.key == "export.scoresheets_empty"
    assert not (tmp_path / "none.xlsx").exists()


def test_scoresheets_in_english_use_the_rubric_english_labels(engine, tmp_path):
    build(engine)
    set_language("en")
    path, _ = export_scoresheets(engine, 1, tmp_path / "en.xlsx")
    heads = [c.value for c in load_workbook(path)["R01 王大明"][2]]
    assert heads[0] == "Application" and heads[-3:] == ["Total", "Sheet", "Comment"]
    assert heads[3].startswith("T1 ") and not any("\u4e00" <= ch <= "\u9fff" for ch in heads[3])


# -- 評審總表 -------------------------------------------------------------------------


def test_summary_follows_the_tally(engine, tmp_path):
    build(engine)
    path, n = export_summary(engine, 1, tmp_path / "summary.xlsx")
    with read_session(engine) as s:
        tally = batch_tally(s, 1, "mean")
    assert n == len(tally.rows)
    sheet = load_workbook(path).active
    assert sheet["A1"].value == f"{PROGRAMME} 第1批 評審總表（排名依平均分數）"
    heads = [c.value for c in sheet[2]]
    assert heads == ["名次", "申請編號", "服務提供者", "統一編號", "方案名稱", "R01", "R02", "R03", "平均", "中位數",
                     "截尾平均", "標準差", "序位和", "平均序位", "達及格人數", "是否通過", "離群委員", "決議"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == [r.application_no for r in tally.rows]
    first = rows["A115-1-0001"]  # 80, 61, 100: mean 80.33…, R03 the outlier, discussed
    assert [c.value for c in first[5:8]] == [80, 61, 100]
    assert first[8].value == pytest.approx((80 + 61 + 100) / 3) and first[8].number_format == "0.00"
    assert first[9].value == 80 and first[14].value == 2 and first[15].value == "是"
    assert "R03（已討論）" in first[16].value and first[17].value == "核定"
    assert first[3].value == "04595257" and first[3].data_type == "s"
    second = rows["A115-1-0002"]  # 90, 62; R03 not assigned: blank
    assert [c.value for c in second[5:8]] == [90, 62, None] and second[2].value == EVIL
    undecided = rows["A115-1-0007"]  # a draft and an untouched sheet: no totals, no rank, no decision
    assert undecided[0].value is None and [c.value for c in undecided[5:9]] == [None] * 4
    assert undecided[15].value == "否" and undecided[17].value is None
    text_cells_are_text(sheet)
    print_setup_is_a4_landscape(sheet)


def test_summary_by_rank_sum_names_the_method(engine, tmp_path):
    build(engine)
    set_language("en")
    path, _ = export_summary(engine, 1, tmp_path / "ranksum.xlsx", method="ranksum")
    sheet = load_workbook(path).active
    assert sheet["A1"].value.endswith("(ranked by rank sum)")
    assert sheet["P2"].value == "Passed"


# -- the write-only list path ---------------------------------------------------------


def test_list_sheet_types_every_cell_and_shares_styles(tmp_path):
    book = new_list_book()
    add_list_sheet(book, "x", ["code", "name", "n", "note"], [
        ("04595257", "#N/A", 1.5, "第一行\n第二行比較長一些"),
        (123, "\t=tab", 2, None),
        (date(2026, 11, 20), "-", Workbook, "ok"),
    ], title="=TITLE", number_formats={2: "#,##0.0"}, text_columns=(0,), wrap_columns=(3,), landscape=False)
    add_list_sheet(book, "y", ["a"], [])
    sheet = load_workbook(save_book(book, tmp_path / "list")).active
    assert [c.value for c in sheet["A"]] == ["=TITLE", "code", "04595257", "123", "2026-11-20"]
    assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix and sheet["A1"].font.bold
    assert sheet["A4"].data_type == "s" and sheet["A4"].number_format == "@"
    assert sheet["B3"].value == "#N/A" and sheet["B3"].data_type == "s"  # not an error cell
    assert sheet["B4"].value == "\t=tab" and sheet["B4"].quotePrefix and sheet["B5"].quotePrefix
    assert sheet["C3"].value == 1.5 and sheet["C3"].number_format == "#,##0.0" and sheet["C5"].data_type == "s"
    assert sheet["D3"].alignment.wrap_text and not sheet["D3"].font.bold
    assert sheet.column_dimensions["D"].width == display_width("第二行比較長一些") + 2
    assert sheet.page_setup.orientation == "portrait" and sheet.freeze_panes == "A3"
    text_cells_are_text(sheet)
    assert load_workbook(tmp_path / "list.xlsx")["y"].freeze_panes == "A2"


def test_list_width_is_never_narrower_than_the_display_width():
    for text in ("abc", "雲翔資訊", "Café …", "ＡＢＣ全形", "한국어", "𠀋字", "mixed 中文 text"):
        assert list_width(text) >= display_width(text)
    assert list_width("雲端收銀 Plus") == display_width("雲端收銀 Plus")


def test_sheet_names_excel_accepts():
    assert sheet_name("R01 王大明") == "R01 王大明"
    assert sheet_name("a[b]c:d*e?f/g\\h") == "a_b_c_d_e_f_g_h"
    assert len(sheet_name("R" * 40)) == 31
    assert sheet_name("R01 王", ["r01 王"]) == "R01 王~2"
    assert sheet_name("R" * 40, ["R" * 31]) == "R" * 29 + "~2"


# -- text from the database an .xlsx cannot hold -------------------------------------

def test_every_committee_export_writes_names_with_control_characters(engine, tmp_path):
    """Names stored before imports refused control characters (a bell, U+0001) no longer
    make 核定名單, 評審總表, 評分表 or 審查分派表 fail: each is written as U+FFFD."""
    from sqlmodel import select

    from exports.assignments import write_assignments
    from office_tui.committee.assignment import assignment_rows

    build(engine)
    with write_session(engine, STAFF, "舊資料") as s:
        s.exec(select(Provider).where(Provider.ubn == "04595257")).one().name = "雲翔\x07資訊"
        s.exec(select(Reviewer).where(Reviewer.reviewer_no == "R01")).one().name = "王\x01大明"
        s.exec(select(Application).where(Application.application_no == "A115-1-0002")).one().solution_name = "會員\x1b集點"
    approvals, _ = export_approvals(engine, 1, tmp_path / "approvals.xlsx")
    summary, _ = export_summary(engine, 1, tmp_path / "summary.xlsx")
    sheets, _ = export_scoresheets(engine, 1, tmp_path / "sheets.xlsx")
    with read_session(engine) as s:
        rows = assignment_rows(s, 1)
    assignments = write_assignments(rows, tmp_path / "assign.xlsx", 1)

    def texts(path):
        return {c.value for sheet in load_workbook(path) for line in sheet.iter_rows() for c in line}

    assert {"雲翔\ufffd資訊", "會員\ufffd集點"} <= texts(approvals)
    assert {"雲翔\ufffd資訊", "會員\ufffd集點"} <= texts(summary)
    assert "王\ufffd大明" in texts(assignments) and "雲翔\ufffd資訊" in texts(assignments)
    book = load_workbook(sheets)
    assert "R01 王_大明" in book.sheetnames
    assert book["R01 王_大明"]["A1"].value.endswith("R01 王\ufffd大明")
