"""The import dialog and the triage queue, driven by keys."""

from __future__ import annotations

from datetime import date, datetime

import pdfs
from apphelpers import figures_loaded, make_app, press_to_screen, wait_for
from openpyxl import load_workbook
from sqlalchemy import func, select
from textual.widgets import Input

from exports.templates import write_template
from models import Application, Document
from office_tui.core.actor import Actor
from office_tui.intake.batches import save_batch
from models.clock import OFFICE_TZ
from office_tui.core.db import read_session

CLERK = Actor(None, "clerk", "staff")  # no user row in these databases


def _applications_file(path):
    write_template("applications", path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    good = {"批次": 1, "申請編號": "C110-1-0001", "公司名稱": "雲翔資訊股份有限公司", "公司統編": "04595257",
            "營業項目": "I301010", "實收資本額": "NT$5,000,000", "方案名稱": "雲端收銀", "方案類別": "雲端收銀(POS)",
            "方案價格": "12,000", "契約月數": 12, "影片長度秒": 180, "送出時間": "110/07/05 10:00"}
    bad = dict(good, **{"申請編號": "C110-1-0002", "公司統編": "12345678"})
    for row in (good, bad):
        sheet.append([row.get(h) for h in headers])
    book.save(path)


async def test_import_dialog_imports_good_rows_and_lists_the_refused(engine, db_url, tmp_path):
    save_batch(engine, CLERK, 1, date(2021, 7, 1), datetime(2021, 7, 8, 17, 0, tzinfo=OFFICE_TZ))
    path = tmp_path / "第1批次.xlsx"
    _applications_file(path)
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "1", "ApplicationsScreen", "#rows")
        await press_to_screen(pilot, "i", "ImportScreen", "#path")
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        report = app.screen.query_one("#report")
        await wait_for(pilot, lambda: report.row_count > 0)
        assert "12345678" in " ".join(str(c) for c in report.get_row_at(0))
        assert "3" in str(report.get_row_at(0)[0])  # the spreadsheet's row number
        await press_to_screen(pilot, "escape", "ApplicationsScreen")
        table = app.screen.query_one("#rows")
        await wait_for(pilot, lambda: table.row_count == 1)
    with read_session(engine) as s:
        assert s.scalars(select(Application.application_no)).all() == ["C110-1-0001"]


async def test_import_dialog_says_when_the_path_is_wrong(engine, db_url, tmp_path):
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "1", "ApplicationsScreen", "#rows")
        await press_to_screen(pilot, "i", "ImportScreen", "#path")
        app.screen.query_one("#path", Input).value = str(tmp_path / "nowhere.xlsx")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "找不到檔案" in str(app.screen.query_one("#summary").render()))


def _documents_folder(root):
    folder = root / pdfs.FIRST
    folder.mkdir(parents=True)
    (folder / "損益表.pdf").write_bytes(pdfs.tax_return(pdfs.APPLICANT_UBN, 109))
    (folder / "繳納證明.pdf").write_bytes(pdfs.payment_proof(pdfs.APPLICANT_UBN, 110, (3, 4)))
    (folder / "實績.pdf").write_bytes(pdfs.contract(pdfs.APPLICANT_UBN, "22099131"))
    return root


async def test_triage_keys_accept_mark_deficient_and_skip(engine, db_url, tmp_path):
    pdfs.seed_applications(engine)
    folder = _documents_folder(tmp_path / "docs")
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "2", "TriageScreen", "#facts")
        await wait_for(pilot, lambda: "沒有待審查" in str(app.screen.query_one("#triage-position").render()))
        # import the folder from the queue screen
        await press_to_screen(pilot, "i", "ImportScreen", "#path")
        app.screen.query_one("#path", Input).value = str(folder)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#report").row_count == 3, timeout=30)
        await press_to_screen(pilot, "escape", "TriageScreen")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.ids) == 3 and screen.facts is not None)
        first = screen.facts.id
        await pilot.press("a")
        await wait_for(pilot, lambda: _triage(engine, first) == "accepted")
        await wait_for(pilot, lambda: screen.facts is not None and screen.facts.id != first)
        second = screen.facts.id
        await press_to_screen(pilot, "d", "ReasonScreen", "#reason")
        app.screen.query_one("#reason", Input).value = "繳納證明期別不是最近一期"
        await pilot.press("enter")
        await wait_for(pilot, lambda: _triage(engine, second) == "deficient")
        await wait_for(pilot, lambda: screen.facts is not None and screen.facts.id not in (first, second))
        third = screen.facts.id
        await pilot.press("s")
        await wait_for(pilot, lambda: _triaged_at(engine, third) is not None)
    assert _triage(engine, third) == "pending"
    with read_session(engine) as s:
        reason = s.scalar(select(Document.triage_reason).where(Document.id == second))
        assert reason == "繳納證明期別不是最近一期"
        assert s.scalar(select(func.count()).select_from(Document)) == 3


def _triage(engine, doc_id):
    with read_session(engine) as s:
        return s.scalar(select(Document.triage).where(Document.id == doc_id))


def _triaged_at(engine, doc_id):
    with read_session(engine) as s:
        return s.scalar(select(Document.triaged_at).where(Document.id == doc_id))


async def test_accepting_a_warned_document_asks_to_confirm_each_warning(engine, db_url, tmp_path):
    from office_tui.documents.triage import document_facts

    pdfs.seed_applications(engine)
    folder = tmp_path / "docs" / pdfs.FIRST
    folder.mkdir(parents=True)
    (folder / "損益表.pdf").write_bytes(pdfs.tax_return("22099131", 109))  # another company's UBN
    from importers.documents import import_documents

    import_documents(engine, CLERK, tmp_path / "docs")
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "2", "TriageScreen", "#facts")
        screen = app.screen
        await wait_for(pilot, lambda: screen.facts is not None)
        doc_id = screen.facts.id
        assert "ubn_mismatch" in screen.facts.warnings
        await press_to_screen(pilot, "a", "ConfirmScreen", "#confirm-text")
        assert "統編不符" in str(app.screen.query_one("#confirm-text").render())
        await press_to_screen(pilot, "n", "TriageScreen")
        await pilot.pause(0.3)
        assert _triage(engine, doc_id) == "pending"  # not accepted without the confirmation
        await press_to_screen(pilot, "a", "ConfirmScreen", "#confirm-text")
        await pilot.press("y")
        await wait_for(pilot, lambda: _triage(engine, doc_id) == "accepted")
    facts = document_facts(engine, doc_id)
    assert "ubn_mismatch" in facts.confirmed and "tax_return" not in facts.missing
