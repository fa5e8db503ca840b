"""Importing a folder of submitted documents: every status, kind and warning; the copies
kept under their hash; re-import adds nothing; no broken file stops the import."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

import bombs
import pdfs
from importers.documents import import_documents, import_summary
from models import Application, Document
from office_tui.core.actor import Actor
from office_tui.core.config import data_dir
from office_tui.core.db import read_session, write_session
from office_tui.core.i18n import set_language
from pdfs import APPLICANT_UBN, FIRST, OTHER_UBN, SECOND

ACTOR = Actor(None, "tester", "staff")
UNMATCHED = "C999-9-9999"


def _files() -> dict[str, bytes]:
    """The test folder: relative path → bytes."""
    u = APPLICANT_UBN
    first = {
        "年度損益及稅額計算表.pdf": pdfs.tax_return(u, 109),
        "401申報書.pdf": pdfs.vat_401(u, 110, (3, 4)),
        "營業稅繳納證明.pdf": pdfs.payment_proof(u, 110, (3, 4)),
        "實績_合約.pdf": pdfs.contract(u, OTHER_UBN),
        "ISO證書.pdf": pdfs.certificate(),
        "申請書.pdf": pdfs.application_form(u),
        "附件2.pdf": pdfs.tech_spec(),
        "附件3.pdf": pdfs.promo_plan(),
        "簡報.pdf": pdfs.deck_pdf(),
        "簡報.pptx": pdfs.pptx(),
        "掃描_繳納證明.pdf": pdfs.image_only_pdf(),
        "加密.pdf": pdfs.encrypted_pdf(u),
        "截斷.pdf": pdfs.truncated_pdf(u),
        "不是PDF.pdf": pdfs.not_pdf(),
        "亂碼.pdf": pdfs.cid_pdf(),
        "私用字.pdf": pdfs.private_use_pdf(),
        "損益表_字型錯誤.pdf": pdfs.wrong_map_pdf(u),
        "他人統編.pdf": pdfs.tax_return(OTHER_UBN, 109),
        "舊年度.pdf": pdfs.tax_return(u, 108),
        "會議紀錄.pdf": pdfs.minutes(),
        "空檔.pdf": b"",
        "申請書_副本.pdf": pdfs.application_form(u),
        "無統編.pdf": pdfs.cjk_pdf([["營業稅繳納證明", "所屬期間：110年3月至4月", "業已繳納"]]),
        "無年度.pdf": pdfs.cjk_pdf([["年度損益及稅額計算表", f"統一編號：{u}", "課稅所得額 1,000"]]),
        "申請書_v2.pdf": pdfs.promo_plan(300),
        "合併.pdf": pdfs.combined(u),
        "部分掃描.pdf": pdfs.partly_scanned(u),
        "投影片.pdf": pdfs.pptx("另一份簡報"),
        "膨脹.pdf": bombs.pdf_bomb(64 * bombs.MIB),  # inflates past the limit: too_large
        "說明.pdf": pdfs.docx(),
        "附件/技術特性說明書.pdf": pdfs.tech_spec() + b"\n",  # nested, other bytes
        "Thumbs.db": b"junk",
        ".DS_Store": b"junk",
        "~$申請書.docx": b"lock",
    }
    files = {f"{FIRST}/{name}": data for name, data in first.items()}
    files[f"{SECOND} 好點子資訊/年度損益及稅額計算表.pdf"] = pdfs.tax_return(OTHER_UBN, 109)
    files[f"{UNMATCHED}/申請書.pdf"] = pdfs.application_form(u)
    files["說明文件.pdf"] = pdfs.minutes()
    return files


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / FIRST / "資料夾.pdf").mkdir()  # a directory named .pdf
    return root


@pytest.fixture
def office(engine):
    return pdfs.seed_applications(engine)


@pytest.fixture
def folder(tmp_path) -> Path:
    return _write(tmp_path / "incoming", _files())


@pytest.fixture
def imported(engine, office, folder):
    results = import_documents(engine, ACTOR, folder)
    return {r.file: r for r in results}


def _r(imported, name, app=FIRST):
    return imported[f"{app}/{name}"]


def _rows(engine) -> list[Document]:
    with read_session(engine) as session:
        return list(session.exec(select(Document).order_by(Document.id)).all())


EXPECTED = {
    # name: (status, kind, warnings)
    "年度損益及稅額計算表.pdf": ("ok", "tax_return", []),
    "401申報書.pdf": ("ok", "vat_return_401", []),
    "營業稅繳納證明.pdf": ("ok", "tax_payment_proof", []),
    "實績_合約.pdf": ("ok", "track_record", []),
    "ISO證書.pdf": ("ok", "other_cert", []),
    "申請書.pdf": ("ok", "application_form", []),
    "附件2.pdf": ("ok", "tech_spec", []),
    "附件3.pdf": ("ok", "promo_plan", []),
    "簡報.pdf": ("ok", "deck_pdf", []),
    "簡報.pptx": ("ok", "deck_ppt", []),
    "掃描_繳納證明.pdf": ("no_text", "tax_payment_proof", ["kind_from_name"]),
    "加密.pdf": ("encrypted", "unknown", []),
    "截斷.pdf": ("corrupt", "unknown", []),
    "不是PDF.pdf": ("not_pdf", "unknown", []),
    "亂碼.pdf": ("no_text", "unknown", ["unreadable_text", "unknown_kind"]),
    "私用字.pdf": ("no_text", "unknown", ["unreadable_text", "unknown_kind"]),
    "損益表_字型錯誤.pdf": ("no_text", "tax_return", ["unreadable_text", "kind_from_name"]),
    "他人統編.pdf": ("ok", "tax_return", ["ubn_mismatch"]),
    "舊年度.pdf": ("ok", "tax_return", ["outdated"]),
    "會議紀錄.pdf": ("ok", "unknown", ["unknown_kind"]),
    "空檔.pdf": ("corrupt", "unknown", []),
    "申請書_副本.pdf": ("ok", "application_form", ["duplicate"]),
    "無統編.pdf": ("ok", "tax_payment_proof", ["no_ubn"]),
    "無年度.pdf": ("ok", "tax_return", ["no_period"]),
    "申請書_v2.pdf": ("ok", "promo_plan", ["name_mismatch"]),
    "合併.pdf": ("ok", "application_form", ["combined"]),
    "部分掃描.pdf": ("ok", "vat_return_401", ["pages_without_text"]),
    "投影片.pdf": ("ok", "deck_ppt", ["wrong_extension"]),
    "膨脹.pdf": ("too_large", "unknown", []),
    "說明.pdf": ("not_pdf", "unknown", []),
    "附件/技術特性說明書.pdf": ("ok", "tech_spec", []),
}


def test_every_file_gets_its_status_kind_and_warnings(imported):
    got = {name: (_r(imported, name).status, _r(imported, name).kind, _r(imported, name).warnings)
           for name in EXPECTED}
    assert got == EXPECTED


def test_every_status_kind_and_warning_occurs(imported):
    from office_tui.documents.kinds import KINDS
    from office_tui.documents.reading import STATUSES, WARNINGS

    statuses = {r.status for r in imported.values()}
    kinds = {r.kind for r in imported.values()}
    warnings = {w for r in imported.values() for w in r.warnings}
    assert statuses == set(STATUSES)
    assert kinds == set(KINDS)
    # unreadable_pages needs a page pdfminer fails on: test_a_page_that_fails_is_a_warning
    assert warnings == set(WARNINGS) - {"unreadable_pages"}


def test_skipped_files_and_directories_are_not_reported(imported):
    names = set(imported)
    assert not any(n.endswith(("Thumbs.db", ".DS_Store", "~$申請書.docx", "資料夾.pdf")) for n in names)
    assert len(imported) == len(EXPECTED) + 3


def test_unmatched_folder_and_loose_files(imported, engine):
    unmatched = imported[f"{UNMATCHED}/申請書.pdf"]
    assert (unmatched.status, unmatched.kind, unmatched.application_no) == ("unmatched", "application_form", None)
    assert UNMATCHED in unmatched.reason
    loose = imported["說明文件.pdf"]
    assert (loose.status, loose.application_no) == ("unmatched", None)
    rows = {r.id: r for r in _rows(engine)}
    assert rows[unmatched.document_id].application_id is None
    assert rows[loose.document_id].application_id is None


def test_folder_named_number_and_company_matches(imported, office):
    result = imported[f"{SECOND} 好點子資訊/年度損益及稅額計算表.pdf"]
    assert (result.application_no, result.status, result.warnings) == (SECOND, "ok", [])


def test_json_shape(imported):
    for result in imported.values():
        shape = result.as_json()
        assert list(shape) == ["file", "application_no", "kind", "status", "warnings", "reason"]
        assert isinstance(shape["warnings"], list) and shape["reason"]
    json.dumps([r.as_json() for r in imported.values()], ensure_ascii=False)
    assert _r(imported, "附件/技術特性說明書.pdf").as_json()["file"] == f"{FIRST}/附件/技術特性說明書.pdf"


def test_reasons_say_what_was_found(imported):
    assert "年度損益及稅額計算表" in _r(imported, "年度損益及稅額計算表.pdf").reason
    assert "2 頁" in _r(imported, "年度損益及稅額計算表.pdf").reason
    assert "密碼" in _r(imported, "加密.pdf").reason
    assert "不完整" in _r(imported, "截斷.pdf").reason
    assert "0 位元組" in _r(imported, "空檔.pdf").reason
    assert "純文字檔" in _r(imported, "不是PDF.pdf").reason
    assert "Word" in _r(imported, "說明.pdf").reason
    assert "掃描" in _r(imported, "掃描_繳納證明.pdf").reason
    assert "亂碼" in _r(imported, "亂碼.pdf").reason
    mismatch = _r(imported, "他人統編.pdf").reason
    assert OTHER_UBN in mismatch and APPLICANT_UBN in mismatch
    assert "108 年度" in _r(imported, "舊年度.pdf").reason and "109 年度" in _r(imported, "舊年度.pdf").reason
    assert "「申請書.pdf」" in _r(imported, "申請書_副本.pdf").reason


def test_rows_hold_what_was_found(engine, imported):
    rows = {r.id: r for r in _rows(engine)}
    tax = rows[_r(imported, "年度損益及稅額計算表.pdf").document_id]
    assert tax.application_id is not None and tax.file_name == "年度損益及稅額計算表.pdf"
    assert (tax.pages, tax.kind, tax.status, tax.triage) == (2, "tax_return", "ok", "pending")
    assert tax.ubns_found == APPLICANT_UBN
    assert tax.dates_found == "2020-01-01,2020-12-31,2021-05-20"
    assert tax.text_preview.startswith("年度損益及稅額計算表")
    assert tax.original_path == str(Path(tax.original_path).resolve()) and tax.original_path.endswith(
        f"{FIRST}/年度損益及稅額計算表.pdf")
    assert tax.reason == _r(imported, "年度損益及稅額計算表.pdf").reason
    contract = rows[_r(imported, "實績_合約.pdf").document_id]
    assert contract.ubns_found == f"{OTHER_UBN},{APPLICANT_UBN}"
    old = rows[_r(imported, "舊年度.pdf").document_id]
    assert old.warnings == "outdated"
    scan = rows[_r(imported, "掃描_繳納證明.pdf").document_id]
    assert (scan.pages, scan.text_preview) == (1, "")
    assert scan.warnings == "kind_from_name"
    assert len(rows) == len(imported) - 1  # 副本.pdf is the same row as 申請書.pdf
    assert _r(imported, "申請書_副本.pdf").document_id == _r(imported, "申請書.pdf").document_id


def test_copies_are_kept_under_their_hash(engine, imported, folder):
    store = data_dir() / "documents"
    rows = _rows(engine)
    for row in rows:
        original = Path(row.original_path).read_bytes()
        assert row.sha256 == hashlib.sha256(original).hexdigest()
        assert row.size_bytes == len(original)
        stored = Path(row.stored_path)
        assert stored.parent == store / row.sha256[:2]
        assert stored.name.startswith(row.sha256)
        assert stored.read_bytes() == original
    assert not list(store.glob(".incoming-*"))


def test_reimport_adds_no_rows(engine, office, folder, imported):
    before = _rows(engine)
    again = import_documents(engine, ACTOR, folder)
    after = _rows(engine)
    assert [r.id for r in after] == [r.id for r in before]
    assert all("duplicate" in r.warnings for r in again)
    for result in again:
        first = imported[result.file]
        assert (result.document_id, result.kind, result.status) == (first.document_id, first.kind, first.status)


def test_reimport_leaves_triage_decisions(engine, office, folder, imported):
    from office_tui.documents.triage import accept

    doc_id = _r(imported, "申請書.pdf").document_id
    accept(engine, ACTOR, doc_id)
    import_documents(engine, ACTOR, folder)
    with read_session(engine) as session:
        assert session.get(Document, doc_id).triage == "accepted"


def test_unmatched_files_move_to_their_application_once_it_exists(engine, office, tmp_path):
    root = tmp_path / "later"
    (root / "C110-1-0003").mkdir(parents=True)
    (root / "C110-1-0003" / "申請書.pdf").write_bytes(pdfs.application_form(APPLICANT_UBN))
    [first] = import_documents(engine, ACTOR, root)
    assert first.status == "unmatched"
    with write_session(engine, None) as session:
        template = session.exec(select(Application).where(Application.application_no == FIRST)).one()
        session.add(Application(application_no="C110-1-0003", batch_id=template.batch_id,
                                provider_id=template.provider_id, solution_name="第二個方案", category="crm",
                                submitted_at=template.submitted_at))
    [second] = import_documents(engine, ACTOR, root)
    assert (second.status, second.kind, second.application_no) == ("ok", "application_form", "C110-1-0003")
    assert second.document_id == first.document_id
    assert len(_rows(engine)) == 1


def test_progress_is_reported_per_file(engine, office, folder):
    seen = []
    results = import_documents(engine, ACTOR, folder, progress=lambda done, total, file: seen.append((done, total, file)))
    assert [s[0] for s in seen] == list(range(1, len(results) + 1))
    assert {s[1] for s in seen} == {len(results)}
    assert sorted(s[2] for s in seen) == sorted(r.file for r in results)


def test_imports_are_audited(engine, office, folder):
    from models import AuditEntry

    import_documents(engine, ACTOR, folder)
    with read_session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.table_name == "document")).all()
    assert entries and all(e.username == "tester" and e.reason.startswith("import documents") for e in entries)


def test_reasons_follow_the_interface_language(engine, office, tmp_path):
    set_language("en")
    root = tmp_path / "en"
    (root / FIRST).mkdir(parents=True)
    (root / FIRST / "a.pdf").write_bytes(pdfs.tax_return(APPLICANT_UBN, 108))
    (root / FIRST / "b.pdf").write_bytes(pdfs.encrypted_pdf(APPLICANT_UBN))
    results = {r.file: r for r in import_documents(engine, ACTOR, root)}
    assert results[f"{FIRST}/a.pdf"].reason.startswith("Read as Annual income tax return")
    assert "not the latest period" in results[f"{FIRST}/a.pdf"].reason
    assert "password-protected" in results[f"{FIRST}/b.pdf"].reason
    assert "Imported 2 file(s)" in import_summary(list(results.values()))


def test_summary_counts(imported):
    text = import_summary(list(imported.values()))
    assert text.startswith(f"已匯入 {len(imported)} 個檔案")


def test_a_page_that_fails_is_a_warning(engine, office, tmp_path, monkeypatch):
    import pdfplumber.page

    real = pdfplumber.page.Page.extract_text

    def flaky(self, *args, **kwargs):
        if self.page_number == 2:
            raise ValueError("broken content stream")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pdfplumber.page.Page, "extract_text", flaky)
    root = tmp_path / "flaky"
    (root / FIRST).mkdir(parents=True)
    (root / FIRST / "稅.pdf").write_bytes(pdfs.tax_return(APPLICANT_UBN, 109))
    [result] = import_documents(engine, ACTOR, root)
    assert (result.status, result.kind, result.warnings) == ("ok", "tax_return", ["unreadable_pages"])
    assert "第 2 頁" in result.reason


def test_a_missing_folder_is_an_office_error(engine, tmp_path):
    from office_tui.core.errors import OfficeError, describe

    with pytest.raises(OfficeError) as caught:
        import_documents(engine, ACTOR, tmp_path / "nowhere")
    assert "nowhere" in describe(caught.value)


def test_an_unreadable_file_is_reported(engine, office, tmp_path, monkeypatch):
    root = tmp_path / "locked"
    (root / FIRST).mkdir(parents=True)
    locked = root / FIRST / "繳納證明.pdf"
    locked.write_bytes(pdfs.payment_proof(APPLICANT_UBN, 110, (3, 4)))
    real_open = Path.open

    def no_access(self, *args, **kwargs):  # as chmod 000 would, also when tests run as root
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", no_access)
    [first] = import_documents(engine, ACTOR, root)
    [second] = import_documents(engine, ACTOR, root)
    assert (first.status, first.kind) == ("corrupt", "tax_payment_proof")
    assert "Permission denied" in first.reason
    assert second.warnings == ["duplicate"] and len(_rows(engine)) == 1
    assert _rows(engine)[0].stored_path is None


def test_no_traceback_and_nothing_on_stderr(tmp_path, db_url, engine, office):
    """In a plain process (no logging set up, as the CLI runs): the broken files print
    nothing — pdfminer's warnings would otherwise land on the terminal."""
    root = tmp_path / "broken"
    broken = {"空.pdf": b"", "截斷.pdf": pdfs.truncated_pdf(APPLICANT_UBN), "加密.pdf": pdfs.encrypted_pdf(APPLICANT_UBN),
              "亂碼.pdf": pdfs.cid_pdf(), "垃圾.pdf": os.urandom(3000), "頭.pdf": b"%PDF-1.7\n" + os.urandom(3000),
              "文字.pdf": pdfs.not_pdf(), "假簡報.pptx": b"PK\x03\x04broken", "掃描.pdf": pdfs.image_only_pdf()}
    _write(root, {f"{FIRST}/{name}": data for name, data in broken.items()})
    code = (
        "import json, sys\n"
        "from importers.documents import import_documents\n"
        "from office_tui.core.db import make_engine\n"
        f"results = import_documents(make_engine({db_url!r}), None, {str(root)!r})\n"
        "print(json.dumps([r.as_json() for r in results], ensure_ascii=False))\n"
    )
    env = {**os.environ, "OFFICE_TUI_DATA_DIR": str(data_dir())}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[1], check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    results = {r["file"].split("/")[-1]: r for r in json.loads(done.stdout)}
    assert {name: r["status"] for name, r in results.items()} == {
        "空.pdf": "corrupt", "截斷.pdf": "corrupt", "加密.pdf": "encrypted", "亂碼.pdf": "no_text",
        "垃圾.pdf": "not_pdf", "頭.pdf": "corrupt", "文字.pdf": "not_pdf", "假簡報.pptx": "not_pdf",
        "掃描.pdf": "no_text"}
