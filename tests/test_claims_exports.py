"""申請補助總表, the payment list and the withholding list as .xlsx, reopened with openpyxl:
titles, headers, amounts as numbers, subtotals, and text kept as text (a UBN's leading
zero, a store named like a formula)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session
from test_reconcile import END, P_UBN, Q_UBN, STAFF, World

from exports.claims import write_claims_summary, write_payments, write_withholding
from models import Store
from office_tui.claims import approve_clean, mark_paid

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
    mark_paid(engine, STAFF, ["C"], paid_on=date(2026, 11, 18))
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
    assert a[6].value == "115/10/01"
    assert a[7].number_format == "#,##0"


def test_summary_of_one_provider(office, tmp_path):
    rows = _rows(write_claims_summary(office.engine, tmp_path / "q.xlsx", provider_ubn=Q_UBN, today=TODAY,
                                      date_style="iso"))
    assert [r[2] for r in rows[2:]] == ["C", "小計（1 件）", "合計（1 件）"]
    assert rows[2][6] == "2026-10-03"


def test_payment_list_to_pay_and_paid(office, tmp_path):
    rows = _rows(write_payments(office.engine, tmp_path / "pay.xlsx", today=TODAY))
    assert rows[0][0] == "撥款清單：已核定待撥款（115/11/20 製表，共 2 件）"
    assert [(r[2], r[7]) for r in rows[2:]] == [("A", 24_000), ("B", 30_000), ("合計（2 件）", 54_000)]
    paid = _rows(write_payments(office.engine, tmp_path / "paid.xlsx", paid=True, today=TODAY))
    assert [(r[2], r[6], r[7]) for r in paid[2:]] == [("C", "115/11/18", 24_000), ("合計（1 件）", None, 24_000)]


def test_withholding_list_compares_certificate_and_subsidy(office, tmp_path):
    rows = _rows(write_withholding(office.engine, tmp_path / "w.xlsx", today=TODAY))
    assert rows[1] == ["服務提供者統編", "服務提供者", "店家統編", "店家名稱", "請款編號", "補助金額",
                       "扣繳憑單金額", "金額相符"]
    assert sorted((r[4], r[5], r[6], r[7]) for r in rows[2:]) == [
        ("A", 24_000, 24_000, "是"), ("B", 30_000, 30_000, "是"), ("C", 24_000, 24_000, "是")]
