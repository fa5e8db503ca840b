"""Files that try to hurt the importers (README "Hostile files"): names that are not
UTF-8, a folder 1,000 deep, a link out of the folder, decompression bombs (with the peak
memory of the process that meets them measured), numbers typed full-width, and PDFs
pdfplumber finds no pages in though other readers open them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

import bombs
import pdfs
from importers.documents import import_documents
from models import Application, Document
from office_tui.core.actor import Actor
from office_tui.core.config import data_dir
from office_tui.core.db import read_session
from office_tui.core.filenames import lossless, path_bytes, readable
from pdfs import APPLICANT_UBN, FIRST, SECOND
from test_cli import REPO, run_cli

ACTOR = Actor(None, "tester", "staff")
FIXTURES = Path(__file__).parent / "fixtures"
MEMORY_CEILING_MB = 500

# 申請書.pdf as Windows in Taiwan names it (Big5), and a name that is no encoding at all.
BIG5_NAME = "申請書.pdf".encode("cp950")
JUNK_NAME = b"\xff\xfe\x80scan.pdf"


@pytest.fixture
def office(engine):
    pdfs.seed_applications(engine)
    return engine


def _documents(engine) -> list[Document]:
    with read_session(engine) as session:
        return list(session.exec(select(Document).order_by(Document.id)))


# -- names, depth, links -------------------------------------------------------------------


def test_names_that_are_not_utf8_are_kept_and_shown(office, tmp_path):
    """A zip from zh-TW Windows unpacked here: Big5 names beside UTF-8 ones. Every file
    gets its result; nothing aborts; the names are readable and their bytes recoverable."""
    root = tmp_path / "inbox"
    first, second = root / FIRST, root / os.fsdecode(SECOND.encode() + b" " + "好點子".encode("cp950"))
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    (first / "401.pdf").write_bytes(pdfs.vat_401(APPLICANT_UBN, 110, (3, 4)))
    (first / os.fsdecode(BIG5_NAME)).write_bytes(pdfs.application_form(APPLICANT_UBN))
    (second / os.fsdecode(JUNK_NAME)).write_bytes(pdfs.image_only_pdf())
    results = import_documents(office, ACTOR, root)
    shown = {r.file: r for r in results}
    assert set(shown) == {f"{FIRST}/401.pdf", f"{FIRST}/申請書.pdf", f"{SECOND} 好點子/\\xff\\xfe\\x80scan.pdf"}
    assert shown[f"{FIRST}/申請書.pdf"].kind == "application_form"  # read as the name it has
    assert shown[f"{SECOND} 好點子/\\xff\\xfe\\x80scan.pdf"].application_no == SECOND  # the folder matched
    docs = {d.file_name: d for d in _documents(office)}
    assert set(docs) == {"401.pdf", "申請書.pdf", "\\xff\\xfe\\x80scan.pdf"}
    assert all(d.document_id is not None for d in results)
    assert path_bytes(docs["申請書.pdf"].original_path).endswith(b"/" + BIG5_NAME)
    assert path_bytes(docs["\\xff\\xfe\\x80scan.pdf"].original_path).endswith(JUNK_NAME)
    assert os.path.exists(path_bytes(docs["申請書.pdf"].original_path))


def test_the_command_line_reports_such_names(office, db_url, tmp_path, shell_admin):
    root = tmp_path / "inbox" / FIRST
    root.mkdir(parents=True)
    (root / os.fsdecode(BIG5_NAME)).write_bytes(pdfs.application_form(APPLICANT_UBN))
    (root / os.fsdecode(JUNK_NAME)).write_bytes(b"not a pdf")
    done = run_cli("--db", db_url, "import", "documents", str(tmp_path / "inbox"), "--json")
    assert done.returncode == 0, done.stderr
    files = {r["file"]: r["status"] for r in json.loads(done.stdout)}
    assert files == {f"{FIRST}/申請書.pdf": "ok", f"{FIRST}/\\xff\\xfe\\x80scan.pdf": "not_pdf"}


def test_lossless_names_come_back_byte_for_byte():
    for raw in (b"/a/b.pdf", b"/x/" + BIG5_NAME, b"/x/" + JUNK_NAME, b"/back\\slash/\\xb3.pdf", "/臺灣/檔.pdf".encode()):
        assert path_bytes(lossless(os.fsdecode(raw))) == raw
    assert lossless(os.fsdecode(b"/back\\slash/\\xb3")) != lossless(os.fsdecode(b"/back\\slash/\xb3"))
    assert readable(os.fsdecode(BIG5_NAME)) == "申請書.pdf"


def test_a_folder_a_thousand_deep_is_walked(office, tmp_path):
    root = tmp_path / "inbox"
    deep = root / FIRST
    deep.mkdir(parents=True)
    here = os.getcwd()
    os.chdir(deep)  # one level at a time: os.makedirs and Path.mkdir recurse
    try:
        for _ in range(1000):
            os.mkdir("d")
            os.chdir("d")
        Path("401.pdf").write_bytes(pdfs.vat_401(APPLICANT_UBN, 110, (3, 4)))
    finally:
        os.chdir(here)
    (root / FIRST / "申請書.pdf").write_bytes(pdfs.application_form(APPLICANT_UBN))
    try:
        results = import_documents(office, ACTOR, root)
        assert len(results) == 2
        bottom = next(r for r in results if r.file.endswith("401.pdf"))
        assert bottom.file == f"{FIRST}/" + "d/" * 1000 + "401.pdf"
        assert (bottom.status, bottom.kind, bottom.application_no) == ("ok", "vat_return_401", FIRST)
    finally:
        _remove_deep(deep, 1000)


def _remove_deep(top: Path, depth: int) -> None:
    """Remove the tree one level at a time (shutil.rmtree recurses, as pytest's cleanup does)."""
    here = os.getcwd()
    os.chdir(top)
    try:
        for _ in range(depth):
            os.chdir("d")
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


def test_a_link_out_of_the_folder_is_reported_not_followed(office, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.pdf").write_bytes(pdfs.certificate())
    root = tmp_path / "inbox"
    folder = root / FIRST
    folder.mkdir(parents=True)
    (folder / "401.pdf").write_bytes(pdfs.vat_401(APPLICANT_UBN, 110, (3, 4)))
    (folder / "passwd.pdf").symlink_to(outside)
    (folder / "etc").symlink_to("/etc")
    (folder / "more").symlink_to(elsewhere)
    (folder / "same.pdf").symlink_to(folder / "401.pdf")  # inside: followed, a duplicate
    results = {r.file: r for r in import_documents(office, ACTOR, root)}
    assert {name: r.status for name, r in results.items() if r.status == "link_outside"} == {
        f"{FIRST}/passwd.pdf": "link_outside", f"{FIRST}/etc": "link_outside", f"{FIRST}/more": "link_outside"}
    assert str(outside) in results[f"{FIRST}/passwd.pdf"].reason
    assert "duplicate" in results[f"{FIRST}/same.pdf"].warnings
    stored = b"".join(p.read_bytes() for p in (data_dir() / "documents").rglob("*") if p.is_file())
    assert b"root:x:0:0" not in stored
    assert {d.file_name for d in _documents(office)} == {"401.pdf"}


# -- decompression bombs, in a process of their own ----------------------------------------


def _peak(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter (address space capped at 4 GiB, should the
    guard fail); it prints a JSON dict, to which its peak resident memory is added."""
    wrapper = (
        "import json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
        f"{code}\n"
        "out['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(out, ensure_ascii=False))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}"}, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_pdf_bomb_is_refused_in_bounded_memory(office, tmp_path):
    """1 MB of PDF whose page inflates to 1 GiB."""
    folder = tmp_path / "inbox" / FIRST
    folder.mkdir(parents=True)
    (folder / "401.pdf").write_bytes(bombs.pdf_bomb())
    assert (folder / "401.pdf").stat().st_size < 2 * bombs.MIB
    out = _peak(
        "from importers.documents import import_documents\n"
        "from office_tui.core.db import make_engine\n"
        "[r] = import_documents(make_engine(sys.argv[1]), None, sys.argv[2])\n"
        "out = {'status': r.status, 'reason': r.reason}",
        str(office.url), str(tmp_path / "inbox"))
    assert out["status"] == "too_large"
    assert "32 MB" in out["reason"]
    print(f"peak {out['peak_mb']:.0f} MB")
    assert out["peak_mb"] < MEMORY_CEILING_MB, out


def _template(tmp_path) -> bytes:
    from exports.templates import write_template

    return write_template("applications", tmp_path / "template.xlsx").read_bytes()


@pytest.mark.parametrize("variant", ["many_strings", "one_cell", "lying_sizes"])
def test_an_xlsx_bomb_is_refused_in_bounded_memory(office, tmp_path, variant):
    """An applications file whose shared strings inflate to 1 GiB (many short strings,
    or one cell as long), or a part whose declared size lies."""
    if variant == "lying_sizes":
        data = bytearray(bombs.xlsx_bomb(_template(tmp_path)))
        _shrink_declared_size(data, "xl/sharedStrings.xml", 10_000)
        data = bytes(data)
    else:
        data = bombs.xlsx_bomb(_template(tmp_path), one_cell=variant == "one_cell")
    path = tmp_path / "applications.xlsx"
    path.write_bytes(data)
    assert path.stat().st_size < 3 * bombs.MIB
    out = _peak(
        "from importers.applications import import_applications\n"
        "from importers.tabular import ImportFileError\n"
        "from office_tui.core.db import make_engine\n"
        "from office_tui.core.errors import describe\n"
        "try:\n"
        "    import_applications(make_engine(sys.argv[1]), None, sys.argv[2])\n"
        "    out = {'refused': None}\n"
        "except ImportFileError as error:\n"
        "    out = {'refused': error.key, 'says': describe(error)}",
        str(office.url), str(path))
    expected = {"many_strings": "import.file.xlsx_part_too_large", "one_cell": "import.file.xlsx_part_too_large",
                "lying_sizes": "import.file.unreadable_xlsx"}[variant]
    assert out["refused"] == expected, out
    assert "applications.xlsx" in out["says"]
    print(f"peak {out['peak_mb']:.0f} MB")
    assert out["peak_mb"] < MEMORY_CEILING_MB, out
    with read_session(office) as session:
        assert len(session.exec(select(Application)).all()) == 2  # the two seeded; nothing added


def _shrink_declared_size(data: bytearray, name: str, size: int) -> None:
    """Make the zip's local and central headers of ``name`` declare ``size`` bytes."""
    import struct

    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        if data[local + 30:local + 30 + len(encoded)] == encoded:
            struct.pack_into("<L", data, local + 22, size)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        if data[central + 46:central + 46 + len(encoded)] == encoded:
            struct.pack_into("<L", data, central + 24, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)


def test_a_cell_longer_than_excel_allows_is_refused(office, tmp_path):
    from importers.limits import CELL_LIMIT, xlsx_problem

    path = tmp_path / "long.xlsx"
    path.write_bytes(bombs.xlsx_bomb(_template(tmp_path), inflated=bombs.MIB, one_cell=True))
    problem = xlsx_problem(path)
    assert problem is not None and problem.key == "import.file.cell_too_long"
    assert problem.params["limit"] == f"{CELL_LIMIT:,}"


def test_everyday_files_pass_the_limits(tmp_path):
    from importers.limits import pdf_problem, xlsx_problem

    assert xlsx_problem(tmp_path.joinpath("t.xlsx")) is None  # no such file: the reader says so
    (tmp_path / "t.xlsx").write_bytes(_template(tmp_path))
    assert xlsx_problem(tmp_path / "t.xlsx") is None
    for name, data in {"a.pdf": pdfs.tax_return(APPLICANT_UBN, 109), "b.pdf": pdfs.many_pages(30, ["一行"] * 40),
                       "c.pdf": pdfs.image_only_pdf(), "d.pdf": bombs.pdf_bomb(16 * bombs.MIB)}.items():
        (tmp_path / name).write_bytes(data)
        assert pdf_problem(tmp_path / name) is None, name


# -- numbers typed full-width ----------------------------------------------------------------


def test_a_full_width_application_number_is_the_same_application(engine, tmp_path):
    from test_import_applications import CUTOFF, row, write

    from importers.applications import import_applications
    from office_tui.intake.batches import save_batch
    from datetime import date

    save_batch(engine, None, 1, date(2021, 7, 1), CUTOFF)
    wide = import_applications(engine, ACTOR, write(tmp_path / "a.xlsx", [row(application_no="Ｃ１１４－１－１００１ ")]))
    assert wide.accepted == [2]
    narrow = import_applications(engine, ACTOR, write(tmp_path / "b.csv", [row(application_no="c114-1-1001")]))
    assert narrow.accepted == [] and narrow.unchanged == [2]
    with read_session(engine) as session:
        assert [a.application_no for a in session.exec(select(Application))] == ["C114-1-1001"]


def test_numbers_typed_any_way_on_the_command_line(demo_url):
    """The demo's first application and member, typed full-width, lower-case, with a
    spaced or long dash."""
    listed = json.loads(run_cli("--db", demo_url, "applications", "list", "--json").stdout)
    number = next(a["application_no"] for a in listed if a["status"] == "qualification_review")
    wide = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"})
    raised = run_cli("--db", demo_url, "notices", "raise", f" {wide} ", "--notified", "115/11/19", "--item", "缺401")
    assert raised.returncode == 0, raised.stderr
    assert number in raised.stdout and wide not in raised.stdout
    dashed = run_cli("--db", demo_url, "notices", "list", "--json")
    assert number in {n["application_no"] for n in json.loads(dashed.stdout)}


def test_the_normalisers():
    from office_tui.core.identifiers import normalise_application_no, normalise_claim_no, normalise_member_no

    assert normalise_application_no("Ｃ１１４－１－１００１") == "C114-1-1001"
    assert normalise_application_no(" c114—1–1001\t") == "C114-1-1001"
    assert normalise_claim_no("ｑ０００１２") == "Q00012"
    assert normalise_member_no("ｒ ０１") == "R01"
    assert normalise_application_no(None) == ""


# -- PDFs pdfplumber finds no pages in ---------------------------------------------------------


@pytest.mark.parametrize("name, data, status", [
    ("issue-297-example.pdf", None, "no_text"),  # pdfplumber's own example
    ("cmyk-image.pdf", None, "no_text"),  # pypdf's sample
    ("page-tree-in-the-info.pdf", pdfs.page_tree_in_the_info(), "ok"),  # cmyk-image's defect, with text
    ("update-without-way-back.pdf", pdfs.update_without_way_back(), "ok"),  # PyMuPDF's test_4114 defect
])
def test_pdfs_other_readers_open_are_not_corrupt(office, tmp_path, name, data, status):
    folder = tmp_path / "inbox" / FIRST
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data if data is not None else (FIXTURES / name).read_bytes())
    [result] = import_documents(office, ACTOR, tmp_path / "inbox")
    assert result.status == status, result.reason
    assert "損毀" not in result.reason
    if status == "ok":
        [doc] = _documents(office)
        assert "Hello from page one" in doc.text_preview and doc.pages == 1
