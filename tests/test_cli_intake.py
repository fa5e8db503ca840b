"""Intake from the shell: ubn check, applications list and set-status, provider check."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import Session

from models import Application
from office_tui.core.db import make_engine
from test_cli import run_cli


def test_ubn_check_prints_each_number_and_exits_one_on_any_invalid():
    ok = run_cli("ubn", "check", "04595257", "76397250")  # the second is valid only under the 2023 rule
    assert ok.returncode == 0
    assert ok.stdout.splitlines() == ["04595257\t有效", "76397250\t有效"]
    bad = run_cli("--lang", "en", "ubn", "check", "04595257", "12345678")
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == ["04595257\tvalid", "12345678\tinvalid"]


def test_applications_list_json_shape_and_filters(demo_url):
    result = run_cli("--db", demo_url, "applications", "list", "--batch", "3", "--status", "eligible", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(set(r) == {"application_no", "ubn", "company_name", "solution_name", "category",
                                   "status", "status_reason"} for r in rows)
    assert {r["status"] for r in rows} == {"eligible"} and all(r["application_no"].startswith("C115-3-") for r in rows)


def test_set_status_moves_many_and_refuses_with_the_reason(demo_url):
    engine = make_engine(demo_url)
    with Session(engine) as s:
        received = s.scalars(select(Application.application_no).where(Application.status == "received")).all()
        listed = s.scalars(select(Application.application_no).where(Application.status == "listed")).first()
    result = run_cli("--db", demo_url, "applications", "set-status", *received, "qualification_review",
                     "--reason", "第3批次資格審查")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= len(received)
    refused = run_cli("--db", demo_url, "applications", "set-status", listed, "eligible", "--reason", "x")
    assert refused.returncode == 1
    assert "不能由 上架 改為 資格符合" in refused.stderr and "Traceback" not in refused.stderr
    no_reason = run_cli("--db", demo_url, "applications", "set-status", listed, "delisted", "--reason", " ")
    assert no_reason.returncode == 2
    with Session(engine) as s:
        moved = s.scalars(select(Application.status).where(Application.application_no.in_(received))).all()
    assert set(moved) == {"qualification_review"}


def test_provider_check_records_staff_conditions_only(demo_url):
    engine = make_engine(demo_url)
    from models import Provider, QualificationCheck

    with Session(engine) as s:
        provider = s.scalars(select(Provider)).first()
    ok = run_cli("--db", demo_url, "provider", "check", provider.ubn, "5", "unmet", "--evidence", "經濟部停權名單")
    assert ok.returncode == 0, ok.stderr
    computed = run_cli("--db", demo_url, "provider", "check", provider.ubn, "2", "met", "--evidence", "x")
    assert computed.returncode == 2
    with Session(engine) as s:
        check = s.scalars(select(QualificationCheck).where(QualificationCheck.provider_id == provider.id,
                                                           QualificationCheck.condition == 5)).one()
    assert (check.outcome, check.evidence) == ("unmet", "經濟部停權名單")


def test_template_then_import_applications_json(tmp_path, engine, db_url, shell_admin):
    from datetime import date, datetime

    from openpyxl import load_workbook

    from office_tui.intake.batches import save_batch
    from models.clock import OFFICE_TZ

    save_batch(engine, None, 1, date(2021, 7, 1), datetime(2021, 7, 8, 17, 0, tzinfo=OFFICE_TZ))
    path = tmp_path / "apps.xlsx"
    made = run_cli("template", "applications", "-o", str(path))
    assert made.returncode == 0, made.stderr
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = {"批次": 1, "申請編號": "C110-1-0001", "公司名稱": "雲翔資訊股份有限公司", "公司統編": "04595257",
           "營業項目": "I301010", "實收資本額": 5_000_000, "方案名稱": "雲端收銀", "方案類別": "雲端收銀(POS)",
           "方案價格": 12_000, "契約月數": 12, "送出時間": "110/07/08 17:00:01"}
    sheet.append([row.get(h) for h in headers])
    sheet.append([dict(row, 申請編號="C110-1-0002", 契約月數=6).get(h) for h in headers])
    book.save(path)
    result = run_cli("--db", db_url, "import", "applications", str(path), "--json")
    assert result.returncode == 1, result.stderr  # a row was refused: the good one went in all the same
    report = json.loads(result.stdout)
    assert report["accepted"] == [2]
    assert [(r["row"], r["column"]) for r in report["rejected"]] == [(3, "契約月數")]
    with Session(engine) as s:
        late = s.scalars(select(Application)).one()
    assert (late.status, late.status_reason) == ("not_accepted", "逾時不予受理")  # one second past 17:00
    again = json.loads(run_cli("--db", db_url, "import", "applications", str(path), "--json").stdout)
    assert again["accepted"] == [] and again["unchanged"] == [2]


def test_import_documents_json(tmp_path, engine, db_url, shell_admin):
    import pdfs

    pdfs.seed_applications(engine)
    folder = tmp_path / "docs" / pdfs.FIRST
    folder.mkdir(parents=True)
    (folder / "損益表.pdf").write_bytes(pdfs.tax_return(pdfs.APPLICANT_UBN, 109))
    (folder / "壞掉.pdf").write_bytes(pdfs.truncated_pdf(pdfs.APPLICANT_UBN))
    result = run_cli("--db", db_url, "import", "documents", str(tmp_path / "docs"), "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["file"]: r for r in json.loads(result.stdout)}
    assert set(rows[f"{pdfs.FIRST}/損益表.pdf"]) == {"file", "application_no", "kind", "status", "warnings", "reason"}
    assert (rows[f"{pdfs.FIRST}/損益表.pdf"]["kind"], rows[f"{pdfs.FIRST}/損益表.pdf"]["status"]) == ("tax_return", "ok")
    assert rows[f"{pdfs.FIRST}/壞掉.pdf"]["status"] == "corrupt"
    missing = run_cli("--db", db_url, "import", "documents", str(tmp_path / "none"))
    assert missing.returncode == 1 and "找不到資料夾" in missing.stderr
