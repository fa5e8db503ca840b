"""The notices list as .xlsx, reopened with openpyxl and read cell by cell."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from exports.notices import default_file_name, write_notices
from exports.xlsx import display_width
from office_tui.core.i18n import set_language
from office_tui.notices.correction import NoticeRow

EVIL = '=HYPERLINK("http://evil.example","點我")'
ROWS = [
    NoticeRow(7, "C110-1-0001", "雲翔資訊股份有限公司", "documents", date(2021, 9, 8), date(2021, 9, 11), "open",
              "營業稅繳納證明（繳納證明.pdf）：期別不是最近一期\n缺年度損益及稅額計算表", None, "today"),
    NoticeRow(8, "C110-1-0002", EVIL, "deck", date(2021, 2, 9), date(2021, 2, 19), "corrected",
              "缺簡報（PDF）", date(2021, 2, 17), "closed"),
    NoticeRow(9, "C110-1-0003", "+886 好點子有限公司", "documents", date(2021, 6, 11), date(2021, 6, 17), "lapsed",
              "-缺實績證明", None, "closed"),
]


def test_cells_title_header_roc_dates_and_text(tmp_path):
    path = write_notices(ROWS, tmp_path / "notices.xlsx", today=date(2021, 9, 10))
    book = load_workbook(path)
    sheet = book.active
    assert sheet.title == "補正通知"
    assert sheet["A1"].value == "補正通知清單（110/09/10 製表，共 3 筆）"
    assert [c.value for c in sheet[2]] == ["申請編號", "公司名稱", "通知類別", "收受通知日", "補正期限", "期限狀況",
                                           "補正狀態", "補正完成日", "補正項目"]
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$1:$2"  # title and header on every printed page
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")  # A4
    assert sheet["A2"].font.bold
    assert [c.value for c in sheet[3]] == [
        "C110-1-0001", "雲翔資訊股份有限公司", "資格文件", "110/09/08", "110/09/11", "今日到期", "待補正", None,
        "營業稅繳納證明（繳納證明.pdf）：期別不是最近一期\n缺年度損益及稅額計算表"]
    assert [c.value for c in sheet[4]] == [
        "C110-1-0002", EVIL, "會議簡報", "110/02/09", "110/02/19", "已結案", "已補正", "110/02/17", "缺簡報（PDF）"]
    assert [c.value for c in sheet[5]][:2] == ["C110-1-0003", "+886 好點子有限公司"]
    assert sheet["I5"].value == "-缺實績證明"
    assert sheet.max_row == 5


def test_a_company_name_like_a_formula_stays_text(tmp_path):
    sheet = load_workbook(write_notices(ROWS, tmp_path / "n.xlsx")).active
    evil = sheet["B4"]
    assert evil.data_type == "s" and evil.value == EVIL
    assert evil.quotePrefix  # stays text when someone edits the cell in Excel
    assert sheet["B5"].data_type == "s" and sheet["B5"].quotePrefix
    assert sheet["I5"].quotePrefix
    assert not sheet["B3"].quotePrefix
    # no cell anywhere holds a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_dates_are_text_in_the_office_form_and_iso_on_request(tmp_path):
    sheet = load_workbook(write_notices(ROWS, tmp_path / "roc.xlsx")).active
    # Text as written, not an Excel date (the writer does not need the "@" format for that).
    assert sheet["E3"].value == "110/09/11" and sheet["E3"].data_type == "s" and not sheet["E3"].is_date
    iso = load_workbook(write_notices(ROWS, tmp_path / "iso.xlsx", date_style="iso", today=date(2021, 9, 10))).active
    assert iso["D3"].value == "2021-09-08" and iso["H4"].value == "2021-02-17"
    assert "2021-09-10" in iso["A1"].value


def test_columns_fit_the_chinese_text_and_the_title_does_not_widen_a(tmp_path):
    sheet = load_workbook(write_notices(ROWS, tmp_path / "w.xlsx")).active
    assert sheet.column_dimensions["B"].width >= display_width("雲翔資訊股份有限公司")  # 20 columns, not 10
    assert sheet.column_dimensions["A"].width < display_width(sheet["A1"].value)
    assert sheet["I3"].alignment.wrap_text


def test_suffix_english_headers_and_an_empty_list(tmp_path):
    set_language("en")
    path = write_notices([], tmp_path / "sub" / "list", today=date(2021, 9, 10))
    assert path == tmp_path / "sub" / "list.xlsx" and path.exists()
    sheet = load_workbook(path).active
    assert (sheet["A2"].value, sheet["E2"].value, sheet["H2"].value) == ("Application", "Due", "Corrected on")
    assert sheet.max_row == 2 and "0 rows" in sheet["A1"].value


def test_default_file_name_carries_the_day():
    assert default_file_name(date(2026, 11, 20)) == "補正通知_1151120.xlsx"
    assert default_file_name(date(2026, 11, 20), "iso") == "補正通知_20261120.xlsx"
