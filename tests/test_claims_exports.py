"""申請補助總表, the payment list and the withholding list as .xlsx, reopened with openpyxl:
titles, headers, amounts as numbers, subtotals, and text kept as text (a UBN's leading
zero, a store named like a formula)."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session
from test_reconcile import END, P_UBN, Q_UBN, STAFF, World

from exports import list_sheet as xlsx
from exports.claims import write_claims_summary, write_payments, write_withholding
from models import Store
from office_tui.claims.actions import approve_clean, mark_paid

EVIL = '=HYPERLINK("http://evil.example","點我")'
TODAY = date(2026, 11, 20)


@pytest.fixture
def office(engine) -> World:
    world = World(engine)
    world.claim("A", store_ubn="04595257", filed_on=END + timedelta(days=1))
    world.claim("B", contract_total=36_000, filed_on=END + timedelta(days=2))
    world.claim("C", provider_ubn=Q_UBN, application_no="C110-1-0003", filed_on=END + timedelta(days=3))
    world.claim("D", invoice_amount=1, filed_on=END + timedelta(days=4))
    with Session(engine) as s:
        s.scalar(select(Store).where(Store.ubn == "04595257")).name = EVIL
        s.commit()
    approve_clean(engine, STAFF)
    mark_paid(engine, STAFF, ["C"], paid_on=TODAY)  # approved today (the pinned clock): paid the same day
    return world


def _rows(path) -> list[list]:
    return [[c.value for c in line] for line in load_workbook(path).active.iter_rows()]


def test_summary_per_provider_with_subtotals_and_total(office, tmp_path):
    path = write_claims_summary(office.engine, tmp_path / "summary", today=TODAY)
    assert path.name == "summary.xlsx"
    rows = _rows(path)
    assert rows[0][0] == "申請補助總表（115/11/20 製表，共 4 件）"
    assert rows[1] == ["服務提供者統編", "服務提供者", "請款編號", "店家統編", "店家名稱", "發票號碼", "請款日期",
                       "契約總額", "補助金額", "核定金額", "狀態"]
    p, q = sorted([P_UBN, Q_UBN])
    body = [r[:3] + r[7:] for r in rows[2:]]
    expected_p = [[P_UBN, "雲翔資訊股份有限公司", "A", 24_000, 24_000, 24_000, "核定"],
                  [P_UBN, "雲翔資訊股份有限公司", "B", 36_000, 30_000, 30_000, "核定"],
                  [P_UBN, "雲翔資訊股份有限公司", "D", 24_000, 24_000, None, "待補件"],
                  [P_UBN, "雲翔資訊股份有限公司", "小計（3 件）", 84_000, 78_000, 54_000, None]]
    expected_q = [[Q_UBN, "好點子科技有限公司", "C", 24_000, 24_000, 24_000, "已撥款"],
                  [Q_UBN, "好點子科技有限公司", "小計（1 件）", 24_000, 24_000, 24_000, None]]
    assert body == (expected_p + expected_q if p == P_UBN else expected_q + expected_p) + [
        [None, None, "合計（4 件）", 108_000, 102_000, 78_000, None]]
    sheet = load_workbook(path).active
    a = next(line for line in sheet.iter_rows(min_row=3) if line[2].value == "A")
    assert a[3].value == "04595257" and a[3].data_type == "s"  # the leading zero stays
    assert a[4].value == EVIL and a[4].data_type == "s" and a[4].quotePrefix
    assert a[6].value == "115/10/01" and a[6].data_type == "s"
    assert a[7].number_format == "#,##0" and not a[7].font.bold
    # Subtotals and the grand total in bold, their amounts still numbers in #,##0.
    for line in sheet.iter_rows(min_row=3):
        total = line[2].value.startswith(("小計", "合計"))
        assert line[2].font.bold == total and line[8].font.bold == total
        assert line[8].data_type == "n" and line[8].number_format == "#,##0"
    assert sheet["A1"].font.bold and sheet["A2"].font.bold and sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$1:$2"  # title and header on every printed page
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")  # A4


def test_summary_of_one_provider(office, tmp_path):
    rows = _rows(write_claims_summary(office.engine, tmp_path / "q.xlsx", provider_ubn=Q_UBN, today=TODAY,
                                      date_style="iso"))
    assert [r[2] for r in rows[2:]] == ["C", "小計（1 件）", "合計（1 件）"]
    assert rows[2][6] == "2026-10-03"


def test_payment_list_to_pay_and_paid(office, tmp_path):
    rows = _rows(write_payments(office.engine, tmp_path / "pay.xlsx", today=TODAY))
    assert rows[0][0] == "撥款清單：已核定待撥款（115/11/20 製表，共 2 件）"
    assert [(r[2], r[7]) for r in rows[2:]] == [("A", 24_000), ("B", 30_000), ("合計（2 件）", 54_000)]
    paid_path = write_payments(office.engine, tmp_path / "paid.xlsx", paid=True, today=TODAY)
    paid = _rows(paid_path)
    assert [(r[2], r[6], r[7]) for r in paid[2:]] == [("C", "115/11/20", 24_000), ("合計（1 件）", None, 24_000)]
    sheet = load_workbook(paid_path).active
    assert sheet["C4"].font.bold and sheet["H4"].font.bold and not sheet["C3"].font.bold
    assert sheet["H3"].number_format == sheet["H4"].number_format == "#,##0"


def test_withholding_list_compares_certificate_and_subsidy(office, tmp_path):
    rows = _rows(write_withholding(office.engine, tmp_path / "w.xlsx", today=TODAY))
    assert rows[1] == ["服務提供者統編", "服務提供者", "店家統編", "店家名稱", "請款編號", "補助金額",
                       "扣繳憑單金額", "金額相符"]
    assert sorted((r[4], r[5], r[6], r[7]) for r in rows[2:]) == [
        ("A", 24_000, 24_000, "是"), ("B", 30_000, 30_000, "是"), ("C", 24_000, 24_000, "是")]
    sheet = load_workbook(tmp_path / "w.xlsx").active
    a = next(line for line in sheet.iter_rows(min_row=3) if line[4].value == "A")
    assert a[2].value == "04595257" and a[2].data_type == "s"
    assert a[3].value == EVIL and a[3].data_type == "s" and a[3].quotePrefix
    assert a[5].number_format == a[6].number_format == "#,##0"
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)


def _sheet_xml(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_the_fast_body_is_what_openpyxl_writes_cell_by_cell(office, tmp_path, monkeypatch):
    """The list writer serializes a list's body itself (openpyxl's own way is most of the
    time of a 100,000-claim summary): the sheet's XML must be exactly openpyxl's."""
    fast = write_claims_summary(office.engine, tmp_path / "fast.xlsx", today=TODAY)
    monkeypatch.setattr(xlsx, "RAW_BODY", False)
    slow = write_claims_summary(office.engine, tmp_path / "slow.xlsx", today=TODAY)
    assert _sheet_xml(fast) == _sheet_xml(slow)
    assert b't="inlineStr"' in _sheet_xml(fast) and "小計".encode() in _sheet_xml(fast)


@pytest.mark.parametrize("fast", [True, False])
def test_the_fast_body_types_edge_values_as_openpyxl_does(tmp_path, monkeypatch, fast):
    rows = [(" lead", "trail ", "a & b < c > d", "", "]]>", "\u3000全形"),
            (True, False, 2 ** 70, 1e300, float("nan"), Decimal("3.25")),
            ("x" * 40_000, None, "#DIV/0!", "=1+1", -5, 0.1)]

    def write(name, raw):
        monkeypatch.setattr(xlsx, "RAW_BODY", raw)
        book = xlsx.new_list_book()
        xlsx.add_list_sheet(book, "x", list("abcdef"), rows, number_formats={2: "#,##0", 5: "0.00"},
                            wrap_columns=(1,), bold_rows=(1,))
        return xlsx.save_book(book, tmp_path / name)

    path = write("fast.xlsx" if fast else "slow.xlsx", fast)
    if fast:
        assert _sheet_xml(path) == _sheet_xml(write("slow.xlsx", False))
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[2]] == [" lead", "trail ", "a & b < c > d", None, "]]>", "\u3000全形"]
    assert sheet["A3"].value is True and sheet["C3"].value == pytest.approx(2 ** 70) and sheet["C3"].font.bold
    assert len(sheet["A4"].value) == 32_767  # cut where openpyxl cuts
    assert sheet["D4"].value == "=1+1" and sheet["D4"].data_type == "s" and sheet["D4"].quotePrefix


# -- text an .xlsx cannot hold ---------------------------------------------------------

BELL = "雲翔\x07資訊\x01"  # as an import before the control-character check let in


@pytest.mark.parametrize("fast", [True, False])
def test_control_characters_are_written_as_replacement_characters(tmp_path, monkeypatch, fast):
    """Every kind of cell the list writer makes — plain, quoted, wrapped, text-typed,
    bold, the title, the header, the sheet's name — with U+FFFD for the character, and
    the fast body still byte for byte what openpyxl writes."""
    rows = [(BELL, "=\x02公式", "第一行\n第二\x0b行", 123, "x\x1f"),
            ("trail\x1f", "#N/A\x03", "\t\x04", "04595257\x05", None),
            ("小計\x06", None, None, 5, "ok")]

    def write(name, raw):
        monkeypatch.setattr(xlsx, "RAW_BODY", raw)
        book = xlsx.new_list_book()
        xlsx.add_list_sheet(book, "名單\x07", ["名稱\x08", "b", "c", "d", "e"], rows, title="標題\x0e",
                            text_columns=(3,), wrap_columns=(2,), bold_rows=(2,))
        return xlsx.save_book(book, tmp_path / name)

    path = write("fast.xlsx" if fast else "slow.xlsx", fast)
    if fast:
        assert _sheet_xml(path) == _sheet_xml(write("slow.xlsx", False))
    book = load_workbook(path)
    sheet = book.active
    assert book.sheetnames == ["名單_"]
    assert (sheet["A1"].value, sheet["A2"].value) == ("標題\ufffd", "名稱\ufffd")
    assert [c.value for c in sheet[3]] == ["雲翔\ufffd資訊\ufffd", "=\ufffd公式", "第一行\n第二\ufffd行", "123",
                                           "x\ufffd"]
    assert sheet["B3"].quotePrefix and sheet["C3"].alignment.wrap_text
    assert [c.value for c in sheet[4]][:4] == ["trail\ufffd", "#N/A\ufffd", "\t\ufffd", "04595257\ufffd"]
    assert sheet["A5"].value == "小計\ufffd" and sheet["A5"].font.bold


def test_a_claims_list_of_a_store_named_with_a_bell_is_written(office, tmp_path):
    with Session(office.engine) as s:
        s.scalar(select(Store).where(Store.ubn == "04595257")).name = BELL
        s.commit()
    for write in (write_claims_summary, write_payments, write_withholding):
        rows = _rows(write(office.engine, tmp_path / f"{write.__name__}.xlsx", today=TODAY))
        assert "雲翔\ufffd資訊\ufffd" in [cell for line in rows for cell in line]


# -- claws-back and the provider asked for ---------------------------------------------

def test_a_clawed_back_claim_is_listed_but_not_counted_as_granted(office, tmp_path):
    from office_tui.claims.budget import budget
    from office_tui.claims.actions import claw_back

    claw_back(office.engine, STAFF, "C", "發現為續約", on=TODAY)
    rows = _rows(write_claims_summary(office.engine, tmp_path / "s.xlsx", today=TODAY))
    by_no = {r[2]: r for r in rows[2:]}
    assert (by_no["C"][9], by_no["C"][10]) == (0, "已追回")  # listed: its approved amount came back
    q_total = next(r for r in rows[2:] if r[0] == Q_UBN and r[2].startswith("小計"))
    assert q_total[7:10] == [24_000, 24_000, 0]
    grand = rows[-1]
    assert grand[2] == "合計（4 件）" and grand[9] == 54_000  # A and B, approved; C came back
    assert grand[9] == budget(office.engine).granted


def test_the_summary_of_an_unknown_provider_is_refused(office, tmp_path):
    from office_tui.core.errors import OfficeError, describe

    with pytest.raises(OfficeError) as refused:
        write_claims_summary(office.engine, tmp_path / "none.xlsx", provider_ubn="99999999", today=TODAY)
    assert describe(refused.value) == "找不到統編 99999999 的服務提供者，未匯出任何檔案。"
    assert not (tmp_path / "none.xlsx").exists()
