"""Importing applications: every refusal with its row and column, providers once per UBN,
the cutoff, re-imports that change nothing, and a failure that leaves nothing behind."""

from __future__ import annotations

import csv
import gc
import json
from datetime import date, datetime, time, timezone

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

import importers.tabular as tabular
from importers.applications import ImportReport, RowError, import_applications
from office_tui.layouts import APPLICATIONS
from importers.tabular import ImportFileError
from models import Application, AuditEntry, Provider, QualificationCheck
from office_tui.core.actor import Actor
from office_tui.intake.batches import save_batch
from models.clock import OFFICE_TZ
from office_tui.intake.eligibility import checklist
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language

ACTOR = Actor(None, "staff", "staff")
CUTOFF = datetime(2021, 7, 8, 17, 0, tzinfo=OFFICE_TZ)
UBN_A, UBN_B, UBN_C = "22334451", "55667783", "88990013"


def row(**changes) -> dict:
    """A good applications row keyed by field; ``changes`` overrides (None: empty cell)."""
    values = dict(
        batch=1, application_no="C110-1-0001", company_name="雲翔資訊股份有限公司", ubn=UBN_A,
        business_items="I301010、I301020", registered_on="099/03/15", paid_in_capital="NT$3,000,000",
        website="https://www.demo.com.tw", address="臺北市中正區重慶南路一段122號", intro="提供中小型店家雲端解決方案。",
        capacity="11~100", owner_name="王大明", contact_name="陳小華", contact_email="contact@demo.com.tw",
        contact_mobile="0912345678", top_qualified="否", solution_name="雲端收銀 2.0", category="雲端收銀(POS)",
        price="30,000", term_months=12, renewal_offer="續約九折", video_url="https://youtu.be/demo", video_seconds=180,
        submitted_at="110/07/05 10:30",
    )
    values.update(changes)
    return values


def write(path, rows: list[dict], headers: dict[str, str] | None = None, drop=(), extra: dict | None = None):
    """An xlsx (or, by suffix, a csv with BOM) with the template's headers, or ``headers``
    (field → header text) for some; ``drop`` leaves columns out; ``extra`` adds columns."""
    fields = [c.field for c in APPLICATIONS.columns if c.field not in drop]
    titles = [(headers or {}).get(name, APPLICATIONS.column(name).header) for name in fields]
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


@pytest.fixture
def office(engine):
    save_batch(engine, None, 1, date(2021, 7, 1), CUTOFF)
    return engine


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def applications(engine) -> dict[str, Application]:
    with Session(engine) as session:
        return {a.application_no: a for a in session.scalars(select(Application))}


def providers(engine) -> dict[str, Provider]:
    with Session(engine) as session:
        return {p.ubn: p for p in session.scalars(select(Provider))}


def checklists(engine) -> dict[str, list[tuple]]:
    """Each provider's nine conditions as the office reads them: (condition, outcome,
    evidence, computed)."""
    with Session(engine) as session:
        return {p.ubn: [(e.condition, e.outcome, e.evidence, e.computed) for e in checklist(session, p)]
                for p in session.scalars(select(Provider))}


def open_conditions() -> list[tuple]:
    """Conditions 3–9 of a provider no one has recorded anything for."""
    return [(n, "unknown", "", False) for n in range(3, 10)]


def test_a_good_file_imports_every_row(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [
        row(),
        row(application_no="C110-1-0002", solution_name="會員集點 1.0", category="會員集點服務"),
        row(application_no="C110-1-0003", ubn=UBN_B, company_name="智匯科技有限公司", business_items="F401010",
            paid_in_capital=500_000, top_qualified="是"),
    ])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2, 3, 4]
    assert report.unchanged == [] and report.rejected == [] and report.unknown_columns == []
    stored = applications(office)
    first = stored["C110-1-0001"]
    assert (first.category, first.price, first.term_months, first.status, first.status_reason) == \
        ("pos", 30000, 12, "received", "")
    assert first.submitted_at == datetime(2021, 7, 5, 2, 30, tzinfo=timezone.utc)
    assert stored["C110-1-0002"].category == "loyalty"
    people = providers(office)
    assert set(people) == {UBN_A, UBN_B}
    a = people[UBN_A]
    assert (a.name, a.business_items, a.registered_on, a.paid_in_capital, a.capacity, a.top_qualified) == \
        ("雲翔資訊股份有限公司", "I301010,I301020", date(2010, 3, 15), 3_000_000, "11~100", False)
    assert people[UBN_B].top_qualified is True
    assert stored["C110-1-0001"].provider_id == stored["C110-1-0002"].provider_id == a.id


def test_new_providers_read_conditions_1_and_2_from_their_imported_data(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [
        row(), row(application_no="C110-1-0002", ubn=UBN_B, company_name="智匯科技有限公司",
                   business_items="F401010 一般進出口業", paid_in_capital=500_000)])
    import_applications(office, ACTOR, path)
    assert checklists(office) == {
        UBN_A: [(1, "met", "I301010、I301020", True), (2, "met", "NT$3,000,000", True), *open_conditions()],
        UBN_B: [(1, "unmet", "F401010", True), (2, "unmet", "NT$500,000", True), *open_conditions()],
    }
    # Nothing is stored for them: 1–2 are computed when read, 3–9 are staff's to record.
    assert count(office, QualificationCheck) == 0


BAD_CELLS = [
    ("ubn", "12345678", "公司統編", "統一編號 12345678 檢查碼不符"),
    ("ubn", "1234", "公司統編", "「1234」不是 8 位數字的統一編號"),
    ("category", "雲端 POS", "方案類別", "「雲端 POS」不是方案類別"),
    ("category", "CRM（客戶關係管理）", "方案類別", "不是方案類別"),
    ("term_months", 6, "契約月數", "契約月數 6 個月，少於 12 個月"),
    ("batch", 9, "批次", "查無第 9 批次"),
    ("price", "三萬元", "方案價格", "「三萬元」不是有效的金額"),
    ("price", "-30,000", "方案價格", "金額不可為負數"),
    ("price", 30000.5, "方案價格", "金額須為整數元"),
    ("paid_in_capital", "很多", "實收資本額", "不是有效的金額"),
    ("video_seconds", "三分鐘", "影片長度秒", "不是有效的秒數"),
    ("registered_on", "110/13/40", "設立登記日期", "「110/13/40」不是有效的日期"),
    ("submitted_at", "明天下午", "送出時間", "「明天下午」不是有效的日期時間"),
    ("top_qualified", "也許", "攻頂合格", "「也許」無法判讀"),
    ("solution_name", None, "方案名稱", "必填欄位未填寫"),
    ("company_name", "  ", "公司名稱", "必填欄位未填寫"),
    ("submitted_at", None, "送出時間", "必填欄位未填寫"),
    ("intro", "字" * 301, "公司簡介", "公司簡介 301 字，超過 300 字上限"),
    ("capacity", "很多家", "可服務能量上限", "不是可服務能量級距"),
    ("business_items", "資訊服務", "營業項目", "找不到營業項目代碼"),
    ("application_no", "C" * 33, "申請編號", "超過 32 字上限"),
    # Events that have happened: not after today (2026-11-20 Taipei, the pinned clock).
    ("submitted_at", "115/11/21 09:00", "送出時間", "申請送出日期 115/11/21 在今天（115/11/20）之後"),
    ("registered_on", "2026-11-21", "設立登記日期", "公司設立登記日期 115/11/21 在今天"),
    # Registered after it submitted (which would also pass it off as under a year old).
    ("registered_on", "110/07/06", "設立登記日期", "設立登記日期 110/07/06 晚於申請送出日 110/07/05"),
]


@pytest.mark.parametrize("name, value, column, reason", BAD_CELLS, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_CELLS)])
def test_each_bad_cell_refuses_its_row_with_the_row_number_and_column(office, tmp_path, name, value, column, reason):
    path = write(tmp_path / "apps.xlsx", [row(), row(**{"application_no": "C110-1-0002", name: value})])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2]
    assert [(e.row, e.column) for e in report.rejected] == [(3, column)]
    assert reason in report.rejected[0].reason
    assert set(applications(office)) == {"C110-1-0001"}


def test_the_message_reads_as_staff_would_say_it(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(), row(), row(), row(application_no="C110-1-0005", ubn="12345678")])
    report = import_applications(office, ACTOR, path)
    assert str(report.rejected[-1]) == "第 5 列「公司統編」：統一編號 12345678 檢查碼不符"


def test_every_problem_of_a_row_is_reported(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(ubn="12345678", price="abc", term_months=3)])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == []
    assert sorted(e.column for e in report.rejected) == ["公司統編", "契約月數", "方案價格"]
    assert report.rejected_rows == [2]
    assert "退回 1 列" in report.summary()


def test_a_video_of_the_wrong_length_is_not_an_import_error(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(video_seconds=90), row(application_no="C110-1-0002", video_seconds=None,
                                                                     video_url=None)])
    assert import_applications(office, ACTOR, path).accepted == [2, 3]
    assert applications(office)["C110-1-0002"].video_seconds is None


def test_a_file_mixing_good_and_bad_rows_imports_the_good_ones_only(office, tmp_path):
    rows = [row(application_no=f"C110-1-{n:04d}") for n in range(1, 7)]
    rows[1]["category"] = "不存在"
    rows[4]["ubn"] = "04595258"
    path = write(tmp_path / "apps.xlsx", rows)
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2, 4, 5, 7]
    assert [e.row for e in report.rejected] == [3, 6]
    assert sorted(applications(office)) == ["C110-1-0001", "C110-1-0003", "C110-1-0004", "C110-1-0006"]


def test_an_application_number_twice_in_the_file(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(), row(solution_name="另一個方案")])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2]
    assert report.rejected == [RowError(3, "申請編號", "申請編號 C110-1-0001 與第 2 列重複")]


def test_an_application_number_already_stored_with_other_content(office, tmp_path):
    import_applications(office, ACTOR, write(tmp_path / "first.xlsx", [row()]))
    report = import_applications(office, ACTOR, write(tmp_path / "second.xlsx", [row(price=45000)]))
    assert report.accepted == [] and report.unchanged == []
    assert report.rejected == [RowError(2, "申請編號", "申請編號 C110-1-0001 已存在，且內容與系統中的資料不同")]
    assert applications(office)["C110-1-0001"].price == 30000


def audit_log(engine) -> list[tuple]:
    with Session(engine) as session:
        return [(e.action, e.table_name, e.changes, e.reason) for e in session.scalars(select(AuditEntry))]


def test_importing_the_same_file_again_changes_nothing(office, tmp_path):
    rows = [row(application_no=f"C110-1-{n:04d}", ubn=ubn, company_name=name) for n, (ubn, name) in enumerate(
        [(UBN_A, "雲翔資訊股份有限公司"), (UBN_A, "雲翔資訊股份有限公司"), (UBN_B, "智匯科技有限公司")], start=1)]
    rows.append(row(application_no="C110-1-0009", term_months=6))
    path = write(tmp_path / "apps.xlsx", rows)
    first = import_applications(office, ACTOR, path)
    assert first.accepted == [2, 3, 4]
    before = ({m: count(office, m) for m in (Application, Provider, QualificationCheck)}, audit_log(office),
              {no: (a.id, a.status, a.created_at) for no, a in applications(office).items()})
    second = import_applications(office, ACTOR, path)
    assert second.accepted == [] and second.unchanged == [2, 3, 4]
    assert [e.row for e in second.rejected] == [5]  # still refused, for the same reason
    after = ({m: count(office, m) for m in (Application, Provider, QualificationCheck)}, audit_log(office),
             {no: (a.id, a.status, a.created_at) for no, a in applications(office).items()})
    assert after == before


def test_a_stored_application_whose_status_moved_on_is_still_unchanged(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row()])
    import_applications(office, ACTOR, path)
    with Session(office) as session:
        app = session.scalars(select(Application)).one()
        app.status = "eligible"
        session.add(app)
        session.commit()
    assert import_applications(office, ACTOR, path).unchanged == [2]


def test_the_cutoff_instant_is_on_time_and_one_second_later_is_late(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [
        row(application_no="C110-1-0001", submitted_at="110/07/08 17:00:00"),
        row(application_no="C110-1-0002", submitted_at="110/07/08 17:00:01"),
        row(application_no="C110-1-0003", submitted_at=datetime(2021, 7, 8, 17, 0, 0)),  # an xlsx date-time cell
        row(application_no="C110-1-0004", submitted_at=datetime(2021, 7, 8, 17, 0, 1)),
        row(application_no="C110-1-0005", submitted_at="2021-07-08 16:59"),
    ])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2, 3, 4, 5, 6]  # a late submission is kept, not refused
    stored = applications(office)
    statuses = {no: (a.status, a.status_reason) for no, a in stored.items()}
    assert statuses == {
        "C110-1-0001": ("received", ""), "C110-1-0002": ("not_accepted", "逾時不予受理"),
        "C110-1-0003": ("received", ""), "C110-1-0004": ("not_accepted", "逾時不予受理"),
        "C110-1-0005": ("received", ""),
    }


def test_one_provider_per_ubn_with_several_applications(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [
        row(application_no="C110-1-0001", company_name="雲翔資訊股份有限公司（台北）"),
        row(application_no="C110-1-0002", company_name="雲翔資訊股份有限公司(台北)", address="另一個地址"),
    ])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2, 3]
    assert count(office, Provider) == 1
    assert checklists(office) == {  # the first row registers
        UBN_A: [(1, "met", "I301010、I301020", True), (2, "met", "NT$3,000,000", True), *open_conditions()]}
    stored = applications(office)
    assert stored["C110-1-0001"].provider_id == stored["C110-1-0002"].provider_id
    assert providers(office)[UBN_A].address == "臺北市中正區重慶南路一段122號"  # the first row registers


def test_the_same_ubn_under_another_name_has_already_applied(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [
        row(application_no="C110-1-0001"),
        row(application_no="C110-1-0002", company_name="別家資訊有限公司"),
    ])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2]
    assert report.rejected == [RowError(3, "公司統編", f"公司統編(帳號)：{UBN_A}，已申請過！")]
    # Registered before this file, too.
    later = import_applications(office, ACTOR, write(tmp_path / "later.xlsx", [
        row(application_no="C110-1-0007", company_name="別家資訊有限公司"),
        row(application_no="C110-1-0008")]))
    assert later.accepted == [3]
    assert [(e.row, e.reason) for e in later.rejected] == [(2, f"公司統編(帳號)：{UBN_A}，已申請過！")]
    assert count(office, Provider) == 1


def test_english_headers(office, tmp_path):
    headers = {c.field: c.alias.upper().replace("_", " ") for c in APPLICATIONS.columns}
    path = write(tmp_path / "apps.xlsx", [row(), row(application_no="C110-1-0002", ubn="1234")], headers=headers)
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2]
    assert report.rejected[0].column == "UBN"  # the header as the file has it
    set_language("en")
    report = import_applications(office, ACTOR, path)
    assert report.rejected[0].reason == '"1234" is not an 8-digit UBN'
    assert str(report.rejected[0]) == 'Row 3, "UBN": "1234" is not an 8-digit UBN'


def test_csv_with_bom(office, tmp_path):
    path = write(tmp_path / "apps.csv", [row(), row(application_no="C110-1-0002", price="NT$ 1,200")])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2, 3]
    assert applications(office)["C110-1-0002"].price == 1200


@pytest.mark.parametrize("registered", ["099/03/15", "99/3/15", "099.03.15", "99年3月15日", "民國99年3月15日",
                                        "中華民國99年03月15日", "0990315", "990315", "2010-03-15", 990315,
                                        datetime(2010, 3, 15)])
def test_roc_dates_in_every_form(office, tmp_path, registered):
    path = write(tmp_path / "apps.xlsx", [row(registered_on=registered)])
    assert import_applications(office, ACTOR, path).accepted == [2]
    assert providers(office)[UBN_A].registered_on == date(2010, 3, 15)


@pytest.mark.parametrize("submitted", ["110/07/05 10:30", "110/7/5 10:30:00", "110.07.05 10:30", "110年7月5日 10:30",
                                       "1100705 10:30", "2021-07-05 10:30", "2021-07-05T10:30:00",
                                       datetime(2021, 7, 5, 10, 30)])
def test_roc_date_times(office, tmp_path, submitted):
    path = write(tmp_path / "apps.xlsx", [row(submitted_at=submitted)])
    assert import_applications(office, ACTOR, path).accepted == [2]
    assert applications(office)["C110-1-0001"].submitted_at == datetime(2021, 7, 5, 2, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("price, expected", [("NT$30,000", 30000), ("NT$ 30,000", 30000), ("30,000", 30000),
                                             (30000, 30000), ("ＮＴ＄１２，５００", 12500), ("12,500元", 12500)])
def test_money_with_nt_dollars_and_commas(office, tmp_path, price, expected):
    path = write(tmp_path / "apps.xlsx", [row(price=price, paid_in_capital=price)])
    assert import_applications(office, ACTOR, path).accepted == [2]
    assert applications(office)["C110-1-0001"].price == expected
    assert providers(office)[UBN_A].paid_in_capital == expected


@pytest.mark.parametrize("category, code", [("CRM(客戶關係管理)", "crm"), ("客戶訂位/預約服務", "booking"), ("其他", "other"),
                                            ("hr", "hr"), ("POS", "pos"), ("Cloud inventory", "inventory"),
                                            ("booking / reservations", "booking")])
def test_categories_by_programme_name_code_or_english_label(office, tmp_path, category, code):
    path = write(tmp_path / "apps.xlsx", [row(category=category)])
    assert import_applications(office, ACTOR, path).accepted == [2]
    assert applications(office)["C110-1-0001"].category == code


def test_a_ubn_typed_as_a_number_gets_its_leading_zero_back(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(ubn=4595257)])
    assert import_applications(office, ACTOR, path).accepted == [2]
    assert set(providers(office)) == {"04595257"}


def test_unknown_columns_are_reported_not_fatal(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(), row(application_no="C110-1-0002", term_months=6)],
                 extra={"備註": "急件", "承辦人": "林"})
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2]
    assert report.unknown_columns == ["備註", "承辦人"]
    assert report.lines() == ["匯入完成：新增 1 列、未變更 0 列、退回 1 列。",
                              "第 3 列「契約月數」：契約月數 6 個月，少於 12 個月",
                              "無法辨識的欄位（已略過）：備註、承辦人"]


def test_optional_columns_may_be_left_out(office, tmp_path):
    optional = [c.field for c in APPLICATIONS.columns if not c.required]
    path = write(tmp_path / "apps.xlsx", [row()], drop=optional)
    assert import_applications(office, ACTOR, path).accepted == [2]
    provider = providers(office)[UBN_A]
    assert (provider.website, provider.registered_on, provider.top_qualified) == ("", None, False)


def test_a_missing_required_column_imports_nothing(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(), row(application_no="C110-1-0002")], drop=("category", "price"))
    with pytest.raises(ImportFileError) as failed:
        import_applications(office, ACTOR, path)
    assert describe(failed.value) == "「apps.xlsx」缺少必要欄位：方案類別、方案價格；未匯入任何資料。"
    assert count(office, Application) == count(office, Provider) == 0


def test_a_corrupt_xlsx_is_a_clear_error(office, tmp_path):
    path = tmp_path / "apps.xlsx"
    path.write_bytes(b"PK\x03\x04garbage" * 10)
    with pytest.raises(ImportFileError) as failed:
        import_applications(office, ACTOR, path)
    assert describe(failed.value) == "無法讀取「apps.xlsx」：檔案已損毀，或不是 Excel（.xlsx）檔。"


def test_a_failure_while_writing_leaves_nothing_behind(office, tmp_path, monkeypatch):
    rows = [row(application_no=f"C110-1-{n:04d}", ubn=ubn, company_name=f"公司{ubn}")
            for n, ubn in enumerate([UBN_A, UBN_B, UBN_C, UBN_A, UBN_B, UBN_C], start=1)]
    path = write(tmp_path / "apps.xlsx", rows)
    audit_before = audit_log(office)
    calls = []
    real = tabular.execute_chunk

    def fail_after_the_first_chunk(connection, statement, chunk):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(connection, statement, chunk)

    monkeypatch.setattr(tabular, "INSERT_CHUNK", 2)
    monkeypatch.setattr(tabular, "execute_chunk", fail_after_the_first_chunk)
    with pytest.raises(RuntimeError):
        import_applications(office, ACTOR, path)
    assert calls == [2, 1]  # the first chunk did go in before the failure
    assert gc.isenabled()  # the collector, paused over the rows, is back on
    for model in (Application, Provider, QualificationCheck):
        assert count(office, model) == 0
    assert audit_log(office) == audit_before
    monkeypatch.undo()
    assert import_applications(office, ACTOR, path).accepted == [2, 3, 4, 5, 6, 7]  # and it can be done again


def test_each_table_written_gets_one_bulk_audit_entry_naming_file_rows_and_ids(office, tmp_path):
    path = write(tmp_path / "batch1.xlsx", [row(), row(application_no="C110-1-0002"),
                                            row(application_no="C110-1-0003", ubn="12345678"),
                                            row(application_no="C110-1-0004", ubn=UBN_B, company_name="智匯科技有限公司")])
    import_applications(office, ACTOR, path)
    with Session(office) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "bulk")).all()
        ids = sorted(session.scalars(select(Application.id)))
    assert sorted(e.table_name for e in entries) == ["application", "provider"]
    assert {e.username for e in entries} == {"staff"}
    assert {e.reason for e in entries} == {"import applications batch1.xlsx"}
    notes = {e.table_name: json.loads(e.changes) for e in entries}
    assert notes["application"]["rows"] == [None, 3]
    assert notes["application"]["note"][1] == f"batch1.xlsx rows 2-3,5 → application id {ids[0]}-{ids[-1]}"
    assert notes["provider"]["rows"] == [None, 2]


def test_the_audit_note_gives_ids_and_rows_as_runs_with_their_gaps(engine):
    from sqlalchemy import Column, Integer, MetaData, Table, insert

    from importers.applications import _id_runs, _ranges, _runs

    assert _ranges(_runs([7, 2, 4, 3, 10])) == "2-4,7,10"
    table = Table("ids", MetaData(), Column("id", Integer, primary_key=True))
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(insert(table), [{"id": n} for n in (1, 2, 3, 5, 6, 9, 12, 13)])
        assert _ranges(_id_runs(connection, table.c.id, 1)) == "2-3,5-6,9,12-13"
        assert _id_runs(connection, table.c.id, 13) == []


def test_progress_is_reported_up_to_the_total(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(application_no=f"C110-1-{n:04d}") for n in range(1, 6)])
    seen = []
    import_applications(office, ACTOR, path, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 5)
    assert seen[-1] == (5, 5)
    assert all(done <= total for done, total in seen)


def test_the_collector_is_paused_while_the_rows_go_in_and_only_then(office, tmp_path, monkeypatch):
    collecting = []
    real = tabular.execute_chunk

    def insert(connection, statement, rows):
        collecting.append(gc.isenabled())
        real(connection, statement, rows)

    monkeypatch.setattr(tabular, "execute_chunk", insert)
    import_applications(office, ACTOR, write(tmp_path / "apps.xlsx", [row()]))
    assert collecting == [False, False]  # the provider, the application
    assert gc.isenabled()


def test_the_report_as_json(office, tmp_path):
    path = write(tmp_path / "apps.xlsx", [row(), row(application_no="C110-1-0002", term_months=6)],
                 extra={"備註": ""})
    report = import_applications(office, ACTOR, path)
    assert isinstance(report, ImportReport)
    assert json.loads(json.dumps(report.to_json(), ensure_ascii=False)) == {
        "accepted": [2],
        "rejected": [{"row": 3, "column": "契約月數", "reason": "契約月數 6 個月，少於 12 個月"}],
        "unchanged": [],
        "unknown_columns": ["備註"],
    }


def test_many_rows_across_chunks(office, tmp_path, monkeypatch):
    """Providers met in one chunk are known in the next; ids map across chunks."""
    real_chunks = tabular.Sheet.chunks
    monkeypatch.setattr(tabular.Sheet, "chunks", lambda self, size=7: real_chunks(self, 7))
    ubns = [UBN_A, UBN_B, UBN_C, "04595257", "11223340"]
    capital = [3_000_000, 500_000, 1_000_000, 999_999, 2_500_000]
    rows = [row(application_no=f"C110-1-{n:04d}", ubn=ubns[n % 5], company_name=f"公司{ubns[n % 5]}",
                paid_in_capital=capital[n % 5], submitted_at=datetime.combine(date(2021, 7, 1 + n % 9), time(9, n % 60)))
            for n in range(40)]
    report = import_applications(office, ACTOR, write(tmp_path / "apps.xlsx", rows))
    assert report.accepted == list(range(2, 42))
    assert count(office, Provider) == 5 and count(office, QualificationCheck) == 0
    assert checklists(office) == {
        ubn: [(1, "met", "I301010、I301020", True),
              (2, "met" if money >= 1_000_000 else "unmet", f"NT${money:,}", True), *open_conditions()]
        for ubn, money in zip(ubns, capital)}
    stored = applications(office)
    people = {p.id: p.ubn for p in providers(office).values()}
    assert all(people[stored[f"C110-1-{n:04d}"].provider_id] == ubns[n % 5] for n in range(40))
    late = [no for no, a in stored.items() if a.status == "not_accepted"]
    assert late == [f"C110-1-{n:04d}" for n in range(40) if 1 + n % 9 == 9]


# -- control characters ------------------------------------------------------------
# An .xlsx cannot hold most C0 control characters: a name carrying one (a bell pasted
# along from elsewhere) made every later export of it fail. One-line cells refuse them;
# free text keeps tab and line breaks and drops the rest. (A csv: openpyxl would not
# write such a test file either.)

@pytest.mark.parametrize("name, column, value, where", [
    ("company_name", "公司名稱", "雲翔\x07資訊股份有限公司", "U+0007（第 3 個字）"),
    ("company_name", "公司名稱", "雲翔資訊\x01股份有限公司", "U+0001（第 5 個字）"),
    ("solution_name", "方案名稱", "雲端\n收銀", "U+000A（第 3 個字）"),
    ("owner_name", "負責人姓名", "王\t大明", "U+0009（第 2 個字）"),
    ("address", "公司地址", "臺北市\x0b中正區", "U+000B（第 4 個字）"),
    ("application_no", "申請編號", "C110-1-\x1b0002", "U+001B（第 8 個字）"),
    ("contact_email", "聯絡人Email", "a\x7f@demo.com.tw", "U+007F（第 2 個字）"),
])
def test_a_control_character_in_a_one_line_cell_refuses_the_row(office, tmp_path, name, column, value, where):
    path = write(tmp_path / "apps.csv", [row(), row(**{"application_no": "C110-1-0002", name: value})])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2]
    assert [(e.row, e.column) for e in report.rejected] == [(3, column)]
    assert "控制字元" in report.rejected[0].reason and where in report.rejected[0].reason
    assert "\ufffd" in report.rejected[0].reason and not any(c < " " for c in report.rejected[0].reason)
    assert set(applications(office)) == {"C110-1-0001"}


def test_control_characters_are_refused_among_many_plain_rows(office, tmp_path):
    """The plain-text fast path (a chunk of clean cells) must still catch the odd one."""
    rows = [row(application_no=f"C110-1-{n:04d}") for n in range(1, 40)]
    rows[30]["company_name"] = "雲翔資訊股份有限公司\x07"  # trailing, not stripped as space
    report = import_applications(office, ACTOR, write(tmp_path / "apps.csv", rows))
    assert [(e.row, e.column) for e in report.rejected] == [(32, "公司名稱")]
    assert len(report.accepted) == 38


def test_an_english_report_names_the_control_character(office, tmp_path):
    set_language("en")
    report = import_applications(office, ACTOR, write(tmp_path / "apps.csv", [row(company_name="A\x01B Ltd")]))
    assert report.rejected[0].column == "公司名稱"
    assert "control character U+0001 (character 2)" in report.rejected[0].reason


def test_free_text_keeps_tabs_and_line_breaks_and_drops_other_control_characters(office, tmp_path):
    path = write(tmp_path / "apps.csv", [row(intro="第一行\x07\r\n第二行\x0b第三行\t結束\x01",
                                             renewal_offer="續約\x08九折\n再送一個月")])
    report = import_applications(office, ACTOR, path)
    assert report.accepted == [2] and report.rejected == []
    with Session(office) as session:
        provider = session.scalar(select(Provider))
        application = session.scalar(select(Application))
    assert provider.intro == "第一行\r\n第二行\n第三行\t結束"  # Word's line break (U+000B) is a line break
    assert application.renewal_offer == "續約九折\n再送一個月"
