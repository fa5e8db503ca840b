"""Importing claims and past recipients: refusals with row, column and reason in the
interface language, re-imports that change nothing, all-or-nothing writes, the store's
one subsidy moving to the claim filed first, and claims filed through the form."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from test_reconcile import P_UBN, Q_UBN, STAFF, World

import importers.tabular as tabular
from importers.claims import ClaimRefused, file_claims, import_claims
from office_tui.layouts import CLAIMS, PAST_RECIPIENTS
from importers.past_recipients import import_past_recipients
from models import Claim, Contract, ContractSolution, Invoice, PastRecipient, Store
from office_tui.claims.results import claim_results
from office_tui.core.i18n import set_language

STORE_A, STORE_B = "04595257", "22099131"


def row(**changes) -> dict:
    values = dict(
        claim_no="Q115-0001", provider_ubn=P_UBN, store_ubn=STORE_A, store_name="街角花店", industry="零售業",
        application_no="C110-1-0001", contract_start="114/10/01", contract_end="2026-09-30", contract_total="NT$24,000",
        terminated_on=None, invoice_no="AB12345678", invoice_date="114/10/01", invoice_amount="24,000",
        withholding_amount="24000", filed_on="115/10/10", declaration="是", receipt="Y", signed_contract="true",
        invoice_copy="1", existing_customer="否",
    )
    values.update(changes)
    return values


def write(path, rows: list[dict], layout=CLAIMS, extra: dict | None = None):
    fields = [c.field for c in layout.columns]
    table = [[layout.column(n).header for n in fields] + list(extra or {})]
    table += [[r.get(n) for n in fields] + list((extra or {}).values()) for r in rows]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([["" if v is None else v for v in line] for line in table])
    else:
        book = openpyxl.Workbook()
        for line in table:
            book.active.append(line)
        book.save(path)
    return path


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_good_file_goes_in_reconciled(world, tmp_path, suffix):
    path = write(tmp_path / f"claims{suffix}", [
        row(), row(claim_no="Q115-0002", store_ubn=STORE_B, invoice_no="AB12345679", invoice_amount="23,000",
                   application_no="C110-1-0001、C110-1-0002")])
    report = import_claims(world.engine, STAFF, path)
    assert (report.accepted, report.rejected, report.unchanged) == ([2, 3], [], [])
    results = {r.claim_no: r for r in claim_results(world.engine)}
    assert (results["Q115-0001"].status, results["Q115-0001"].subsidy) == ("incomplete", 24_000)
    assert results["Q115-0001"].flags == ("no_usage_log",)  # no usage import yet: it waits for the log
    assert results["Q115-0002"].flags == ("invoice_mismatch", "no_usage_log")
    with Session(world.engine) as s:
        store = s.scalar(select(Store).where(Store.ubn == STORE_A))
        assert (store.name, store.industry, store.operating) == ("街角花店", "零售業", True)
        contract = s.scalar(select(Contract).where(Contract.contract_no == "Q115-0001"))
        assert (contract.starts_on, contract.ends_on, contract.total, contract.subsidy, contract.subsidised) == (
            date(2025, 10, 1), date(2026, 9, 30), 24_000, 24_000, True)
    assert _count(world.engine, ContractSolution) == 3
    again = import_claims(world.engine, STAFF, path)
    assert (again.accepted, again.unchanged, again.rejected) == ([], [2, 3], [])


def test_bad_rows_are_refused_with_row_column_and_reason(world, tmp_path):
    path = write(tmp_path / "claims.xlsx", [
        row(store_ubn="04595258"),  # check digit
        row(claim_no="Q2", provider_ubn="1234"),
        row(claim_no="Q3", provider_ubn="22099131"),  # valid, not registered
        row(claim_no="Q4", contract_start="明年", contract_total="很多"),
        row(claim_no="Q5", application_no="C999-9-9999"),
        row(claim_no="Q6", contract_end="114/09/30"),
        row(claim_no="Q7", filed_on=None),
        row(claim_no="Q8"),
        row(claim_no="Q8", store_ubn=STORE_B),
    ])
    report = import_claims(world.engine, STAFF, path)
    assert report.accepted == [9]
    got = [(e.row, e.column) for e in report.rejected]
    assert got == [(2, "店家統編"), (3, "服務提供者統編"), (4, "服務提供者統編"), (5, "契約起日"), (5, "契約總額"),
                   (6, "申請編號"), (7, "契約迄日"), (8, "請款日期"), (10, "請款編號")]
    reasons = [e.reason for e in report.rejected]
    assert "22099131" in reasons[2] and "未登錄" in reasons[2]
    assert "C999-9-9999" in reasons[5]
    assert _count(world.engine, Claim) == 1


def test_the_report_speaks_english_when_asked(world, tmp_path):
    set_language("en")
    report = import_claims(world.engine, STAFF, write(tmp_path / "c.csv", [row(provider_ubn="22099131")]))
    assert report.rejected[0].reason == "No provider with UBN 22099131 is registered"


def test_a_stored_claim_with_other_content_is_refused(world, tmp_path):
    import_claims(world.engine, STAFF, write(tmp_path / "a.xlsx", [row()]))
    report = import_claims(world.engine, STAFF, write(tmp_path / "b.xlsx", [row(withholding_amount="1")]))
    assert [(e.row, e.column) for e in report.rejected] == [(2, "請款編號")]
    assert "請款表單" in report.rejected[0].reason


def test_a_failure_while_writing_leaves_nothing_behind(world, tmp_path, monkeypatch):
    real = tabular.execute_chunk

    def failing(connection, statement, rows):
        if "claim" in str(statement).split("(")[0]:
            raise RuntimeError("disk full")
        return real(connection, statement, rows)

    monkeypatch.setattr(tabular, "execute_chunk", failing)
    with pytest.raises(RuntimeError):
        import_claims(world.engine, STAFF, write(tmp_path / "c.xlsx", [row()]))
    assert [_count(world.engine, m) for m in (Store, Contract, Invoice, Claim)] == [0, 0, 0, 0]


def test_an_earlier_filed_claim_imported_later_takes_the_store_subsidy(world, tmp_path):
    """Provider Q files first (115/10/05) but its file reaches the office after P's."""
    import_claims(world.engine, STAFF, write(tmp_path / "p.xlsx", [row(filed_on="115/10/20")]))
    (first,) = claim_results(world.engine)
    assert "store_already_subsidised" not in first.flags
    import_claims(world.engine, STAFF, write(tmp_path / "q.xlsx", [row(
        claim_no="Q115-0900", provider_ubn=Q_UBN, application_no="C110-1-0003", invoice_no="CD12345678",
        filed_on="115/10/05")]))
    results = {r.claim_no: r for r in claim_results(world.engine)}
    assert "store_already_subsidised" not in results["Q115-0900"].flags
    assert "store_already_subsidised" in results["Q115-0001"].flags
    assert results["Q115-0001"].status == "rejected"
    with Session(world.engine) as s:
        held = s.scalars(select(Contract.contract_no).where(Contract.subsidised)).all()
    assert held == ["Q115-0900"]


def test_past_recipients_make_a_store_ineligible(world, tmp_path):
    import_claims(world.engine, STAFF, write(tmp_path / "c.xlsx", [row()]))
    path = write(tmp_path / "past.csv", [
        {"store_ubn": STORE_A, "store_name": "街角花店", "programme": "中小型店家數位轉型補助方案"},
        {"store_ubn": "1234", "store_name": "錯誤", "programme": ""},
        {"store_ubn": STORE_A, "store_name": "街角花店", "programme": "中小型店家數位轉型補助方案"},
    ], layout=PAST_RECIPIENTS)
    report = import_past_recipients(world.engine, STAFF, path)
    assert (report.accepted, report.unchanged, [(e.row, e.column) for e in report.rejected]) == (
        [2], [4], [(3, "店家統編")])
    assert _count(world.engine, PastRecipient) == 1
    (result,) = claim_results(world.engine)
    assert result.status == "rejected" and "store_ineligible" in result.flags
    assert "曾受補助（中小型店家數位轉型補助方案）" in result.reasons[0]
    assert import_past_recipients(world.engine, STAFF, path).unchanged == [2, 4]


def test_the_claim_form_files_one_claim_or_nothing(world):
    good = {**row(), "contract_start": date(2025, 10, 1), "contract_end": date(2026, 9, 30)}
    with pytest.raises(ClaimRefused) as refused:
        file_claims(world.engine, STAFF, [good, {**good, "claim_no": "Q2", "store_ubn": "1"}], "表單送件")
    assert refused.value.key == "claims.refused"
    assert [(e.row, e.column) for e in refused.value.report.rejected] == [(2, "店家統編")]
    assert _count(world.engine, Claim) == 0
    report = file_claims(world.engine, STAFF, [good], "表單送件")
    assert report.accepted == [1] and _count(world.engine, Claim) == 1


# -- contract dates and amounts, the industry ------------------------------------------

def test_a_termination_outside_the_contract_term_is_refused(world, tmp_path):
    path = write(tmp_path / "claims.xlsx", [
        row(terminated_on="2026-10-01"),  # the day after the contract's end
        row(claim_no="Q2", store_ubn=STORE_B, invoice_no="AB12345679", terminated_on="114/09/30"),  # before its start
        row(claim_no="Q3", store_ubn="10458575", invoice_no="AB12345670", terminated_on="114/10/01"),  # its first day
        row(claim_no="Q4", store_ubn="12345676", invoice_no="AB12345671", terminated_on="2026-09-30"),  # its last day
    ])
    report = import_claims(world.engine, STAFF, path)
    assert report.accepted == [4, 5]
    assert [(e.row, e.column) for e in report.rejected] == [(2, "終止日"), (3, "終止日")]
    assert "晚於契約迄日" in report.rejected[0].reason and "早於契約起日" in report.rejected[1].reason
    assert _count(world.engine, Claim) == 2


@pytest.mark.parametrize("total", ["0", "NT$0", 0])
def test_a_contract_total_of_nothing_is_refused(world, tmp_path, total):
    report = import_claims(world.engine, STAFF, write(tmp_path / "claims.xlsx", [row(contract_total=total)]))
    assert [(e.row, e.column) for e in report.rejected] == [(2, "契約總額")]
    assert report.rejected[0].reason == "契約總額須大於 NT$0"
    assert _count(world.engine, Claim) == 0


def test_an_empty_industry_is_refused_another_one_is_flagged_not_refused(world, tmp_path):
    path = write(tmp_path / "claims.csv", [row(industry="  "),
                                           row(claim_no="Q2", store_ubn=STORE_B, invoice_no="AB12345679", industry="製造業")])
    report = import_claims(world.engine, STAFF, path)
    assert report.accepted == [3]
    assert [(e.row, e.column, e.reason) for e in report.rejected] == [(2, "行業別", "必填欄位未填寫")]
    (result,) = claim_results(world.engine)
    assert result.claim_no == "Q2" and "store_ineligible" in result.flags


@pytest.mark.parametrize("name, column", [("store_name", "店家名稱"), ("industry", "行業別"), ("claim_no", "請款編號"),
                                          ("invoice_no", "發票號碼")])
def test_a_control_character_in_a_claim_cell_is_refused(world, tmp_path, name, column):
    value = {"store_name": "街角\x07花店", "industry": "零售業\x01", "claim_no": "Q\x1b1",
             "invoice_no": "AB1234\x005678"}[name]
    report = import_claims(world.engine, STAFF, write(tmp_path / "claims.csv", [row(**{name: value})]))
    assert [(e.row, e.column) for e in report.rejected] == [(2, column)]
    assert "控制字元" in report.rejected[0].reason
    assert _count(world.engine, Store) == 0


# -- the store's name and industry -----------------------------------------------------

def _store(engine, ubn=STORE_A) -> tuple[str, str]:
    with Session(engine) as s:
        store = s.scalar(select(Store).where(Store.ubn == ubn))
        return store.name, store.industry


def test_reimporting_a_claim_with_its_store_corrected_updates_the_store(world, tmp_path):
    from models import AuditEntry

    import_claims(world.engine, STAFF, write(tmp_path / "a.xlsx", [row(industry="製造業", store_name="街角花舖")]))
    (before,) = claim_results(world.engine)
    assert "store_ineligible" in before.flags
    report = import_claims(world.engine, STAFF, write(tmp_path / "b.xlsx", [row()]))
    assert (report.accepted, report.updated, report.unchanged, report.rejected) == ([], [2], [], [])
    assert report.changed  # nothing added, yet the lists showing the store must reload
    assert report.stores_updated == [{"store_ubn": STORE_A, "row": 2, "name": ["街角花舖", "街角花店"],
                                      "industry": ["製造業", "零售業"]}]
    assert report.to_json()["updated"] == [2]
    assert report.summary() == "匯入完成：新增 0 列、更新 1 列、未變更 0 列、退回 0 列。"
    assert "第 2 列更新店家 04595257：名稱「街角花舖」→「街角花店」、行業別「製造業」→「零售業」" in report.lines()
    assert _store(world.engine) == ("街角花店", "零售業")
    (after,) = claim_results(world.engine)
    assert "store_ineligible" not in after.flags  # reconciled before the import committed
    with Session(world.engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "store", AuditEntry.action == "update")).one()
    assert "街角花舖" in entry.changes and "零售業" in entry.changes and entry.reason == "import claims b.xlsx"
    again = import_claims(world.engine, STAFF, write(tmp_path / "b.xlsx", [row()]))
    assert (again.updated, again.unchanged, again.stores_updated) == ([], [2], [])
    assert not again.changed


def test_a_later_claim_for_a_stored_store_renames_it(world, tmp_path):
    import_claims(world.engine, STAFF, write(tmp_path / "a.xlsx", [row()]))
    report = import_claims(world.engine, STAFF, write(tmp_path / "b.xlsx", [row(
        claim_no="Q115-0900", provider_ubn=Q_UBN, application_no="C110-1-0003", invoice_no="CD12345678",
        store_name="街角花店（二店）")]))
    assert report.accepted == [2] and report.updated == []
    assert report.stores_updated == [{"store_ubn": STORE_A, "row": 2, "name": ["街角花店", "街角花店（二店）"]}]
    assert _store(world.engine) == ("街角花店（二店）", "零售業")


def test_a_file_giving_one_store_two_industries_or_names_is_refused_for_that_store(world, tmp_path):
    path = write(tmp_path / "claims.xlsx", [
        row(),
        row(claim_no="Q2", invoice_no="AB12345679", industry="餐飲業"),
        row(claim_no="Q3", store_ubn=STORE_B, invoice_no="AB12345670", store_name="老街雜貨（總店）"),
        row(claim_no="Q4", store_ubn=STORE_B, invoice_no="AB12345671", store_name="老街雜貨(總店) "),  # width only
        row(claim_no="Q5", store_ubn="10458575", invoice_no="AB12345672", store_name="巷口咖啡"),
        row(claim_no="Q6", store_ubn="10458575", invoice_no="AB12345673", store_name="巷尾咖啡"),
    ])
    report = import_claims(world.engine, STAFF, path)
    assert report.accepted == [4, 5]
    assert [(e.row, e.column) for e in report.rejected] == [(2, "行業別"), (3, "行業別"), (6, "店家名稱"),
                                                             (7, "店家名稱")]
    assert "第 2 列：零售業；第 3 列：餐飲業" in report.rejected[0].reason
    assert "巷口咖啡" in report.rejected[2].reason and "巷尾咖啡" in report.rejected[2].reason
    with Session(world.engine) as s:
        assert set(s.scalars(select(Store.ubn))) == {STORE_B}


def test_a_past_recipient_with_a_control_character_is_refused(world, tmp_path):
    path = write(tmp_path / "past.csv", [
        {"store_ubn": STORE_A, "store_name": "街角\x07花店", "programme": "中小型店家數位轉型補助方案"},
        {"store_ubn": STORE_B, "store_name": "老街雜貨", "programme": "中小型\x01"},
        {"store_ubn": "10458575", "store_name": "巷口咖啡", "programme": "中小型店家數位轉型補助方案"},
    ], layout=PAST_RECIPIENTS)
    report = import_past_recipients(world.engine, STAFF, path)
    assert report.accepted == [4]
    assert [(e.row, e.column) for e in report.rejected] == [(2, "店家名稱"), (3, "計畫")]
    assert all("控制字元" in e.reason for e in report.rejected)


@pytest.mark.parametrize("name, column", [("filed_on", "請款日期"), ("invoice_date", "發票日期")])
def test_a_filing_or_invoice_dated_after_today_is_refused(world, tmp_path, name, column):
    report = import_claims(world.engine, STAFF, write(tmp_path / "c.csv", [row(**{name: "115/11/21"})]))
    assert report.accepted == [] and [(e.row, e.column) for e in report.rejected] == [(2, column)]
    assert "115/11/21 在今天（115/11/20）之後" in report.rejected[0].reason
    assert _count(world.engine, Claim) == 0
    with pytest.raises(ClaimRefused):  # the claim form files through the same rules
        file_claims(world.engine, STAFF, [{**row(), name: date(2026, 11, 21)}], "表單")
