"""One submitted file: what it is by its content — a PDF (``%PDF-`` in its first KB), a
PowerPoint deck (a zip holding ``ppt/``, or an OLE file with a "PowerPoint Document"
stream), or anything else (``not_pdf``); the extension only counts as a hint (warning
``wrong_extension`` when it does not fit) — and what a PDF says: it is opened once with
pdfplumber and each page's ``extract_text`` run once; :func:`office_tui.documents.reading.read_pages`
does the rest on that text (kind, UBNs, dates, period).

A file that cannot be read (encrypted, corrupt, not a PDF) keeps the kind its file name
suggests, if any, so that staff see what it was meant to be; a scan (``no_text``) too,
with warning ``kind_from_name``. pdfplumber raises PdfminerException with an empty
message for a password-protected file, and anything at all for a damaged one.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from importers.document_store import CHUNK, StoredFile
from importers.limits import pdf_problem
from office_tui.documents.kinds import kind_from_name, kind_label
from office_tui.documents.reading import Reading, read_pages, sentences, warning_sentences
from office_tui.core.filenames import readable
from office_tui.core.i18n import t

DECK_SUFFIXES = frozenset({".ppt", ".pptx", ".pps", ".ppsx"})
PREVIEW_CHARS = 2000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (("deck", "PowerPoint Document"), ("word", "WordDocument"), ("excel", "Workbook"))


@dataclass
class FileReading:
    """What reading one file gave."""

    status: str
    kind: str
    reason: str
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    ubns: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    preview: str = ""


def _sniff(path: Path, head: bytes) -> str:
    """What a file is by its content: pdf, deck, word, excel, office, zip, image, html,
    text or unknown."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
        for prefix, what in (("ppt/", "deck"), ("word/", "word"), ("xl/", "excel")):
            if any(n.startswith(prefix) for n in names):
                return what
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")) or \
            (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    for encoding in ("utf-8", "cp950"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # a multi-byte character cut at the end of the head
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        if text and sum(1 for c in text if c.isprintable() or c in "\r\n\t") / len(text) > 0.95:
            return "text"
    return "unknown"


def _ole_kind(path: Path) -> str:
    """An OLE compound file (.ppt, .doc, .xls): which application's stream it holds."""
    wanted = [(what, name.encode("utf-16-le")) for what, name in _OLE_STREAMS]
    carry = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            window = carry + chunk
            for what, name in wanted:
                if name in window:
                    return what
            carry = window[-64:]
    return "office"


def read_file(path: Path, stored: StoredFile, deck_stems: frozenset[str], *, applicant_ubn: str | None,
             submitted_on: date | None, name: str | None = None) -> FileReading:
    """What one stored file is and says (``name``: the file's name as shown, readable)."""
    name = name or readable(path.name)
    suffix = Path(name).suffix.lower()
    guess = kind_from_name(name, deck_stems) or "unknown"
    if stored.size == 0:
        return FileReading("corrupt", guess, t("triage.reason_empty"))
    what = _sniff(stored.path, stored.head)
    if what == "pdf":
        read = _read_pdf(stored.path, stored.tail, name, deck_stems, applicant_ubn, submitted_on)
        if suffix != ".pdf":
            _add_warning(read, "wrong_extension", ext=suffix or "-")
        return read
    if what == "deck":
        read = FileReading("ok", "deck_ppt", t("triage.reason_deck_ppt"))
        if suffix not in DECK_SUFFIXES:
            _add_warning(read, "wrong_extension", ext=suffix or "-")
        return read
    return FileReading("not_pdf", guess, t("triage.reason_not_pdf", what=t(f"triage.filetype_{what}")))


def _add_warning(read: FileReading, code: str, **values) -> None:
    read.warnings.append(code)
    read.reason = sentences([read.reason, *warning_sentences([code], {code: values})])


def _read_pdf(path: Path, tail: bytes, name: str, deck_stems: frozenset[str], applicant_ubn: str | None,
              submitted_on: date | None) -> FileReading:
    import pdfplumber

    texts: list[str] = []
    failed: list[int] = []
    landscape = 0
    guess = kind_from_name(name, deck_stems) or "unknown"
    truncated = b"%%EOF" not in tail
    problem = pdf_problem(path)  # a decompression bomb never reaches the reader
    if problem is not None:
        return FileReading("too_large", guess, t(problem.key, **problem.params))
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                try:
                    texts.append(page.extract_text() or "")
                    if page.width > page.height:
                        landscape += 1
                except Exception:  # noqa: BLE001 — a damaged page
                    failed.append(number)
                    texts.append("")
                finally:
                    try:
                        page.close()
                    except Exception:  # noqa: BLE001
                        pass
    except Exception as error:  # noqa: BLE001 — no file stops the import
        if _encrypted(error, tail):
            return FileReading("encrypted", guess, t("triage.reason_encrypted"))
        other = None if truncated else _other_reader(path)
        if other is None:
            return FileReading("corrupt", guess, t("triage.reason_truncated" if truncated else "triage.reason_corrupt"))
        texts, failed, landscape = other
    if not texts and not truncated:  # pdfplumber found no pages: another reader may
        texts, failed, landscape = _other_reader(path) or (texts, failed, landscape)
    pages = len(texts)
    if pages == 0 or len(failed) == pages:
        return FileReading("corrupt", guess, t("triage.reason_truncated" if truncated else "triage.reason_corrupt"),
                     pages=pages)
    reading = read_pages(texts, name, applicant_ubn=applicant_ubn, submitted_on=submitted_on,
                         landscape_share=landscape / pages, deck_stems=deck_stems)
    if failed:
        reading.warnings.append("unreadable_pages")
        reading.details["unreadable_pages"] = {"pages": ", ".join(map(str, failed))}
        if "pages_without_text" in reading.warnings:  # the failed pages are not scans
            empty = reading.details["pages_without_text"]["n"] - len(failed)
            if empty > 0:
                reading.details["pages_without_text"]["n"] = empty
            else:
                reading.warnings.remove("pages_without_text")
    status, lead = reading.status, _lead(reading, pages)
    if truncated:
        status, lead = "corrupt", sentences([t("triage.reason_truncated"), lead])
    text = "\n".join(texts)
    return FileReading(status, reading.kind, sentences([lead, *warning_sentences(reading.warnings, reading.details)]),
                 reading.warnings, pages, reading.ubns, reading.dates, text[:PREVIEW_CHARS].replace("\x00", ""))


def _other_reader(path: Path) -> tuple[list[str], list[int], int] | None:
    """(each page's text, pages that failed, landscape pages) as pypdf reads the file,
    or None if it cannot either. pdfplumber (pdfminer) gives up on some files that other
    readers open — a page tree it loses through the document information, an update whose
    cross-reference does not lead back to the pages — and those are not damaged."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return None
        pages = list(reader.pages)
    except Exception:  # noqa: BLE001 — this reader cannot either
        return None
    if not pages:
        return None
    texts: list[str] = []
    failed: list[int] = []
    landscape = 0
    for number, page in enumerate(pages, 1):
        try:
            texts.append(page.extract_text() or "")
            if page.mediabox.width > page.mediabox.height:
                landscape += 1
        except Exception:  # noqa: BLE001 — a damaged page
            failed.append(number)
            texts.append("")
    return texts, failed, landscape


def _lead(reading: Reading, pages: int) -> str:
    if reading.status == "no_text":
        key = "triage.reason_unreadable_text" if "unreadable_text" in reading.warnings else "triage.reason_no_text"
        return t(key, pages=pages)
    if reading.kind == "unknown":
        return t("triage.reason_ok_unknown", pages=pages)
    return t("triage.reason_ok", kind=kind_label(reading.kind), pages=pages)


def _encrypted(error: BaseException, tail: bytes) -> bool:
    """pdfplumber wraps pdfminer's PDFPasswordIncorrect in a PdfminerException with an
    empty message; look through the chain, and at the trailer as the last resort."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen, todo = set(), [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (PDFPasswordIncorrect, PDFEncryptionError)):
            return True
        todo.extend([current.__cause__, current.__context__,
                     *(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))])
    return b"/Encrypt" in tail


@contextmanager
def quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs every oddity of a file as a warning; with no logging set up Python
    prints those on stderr, over the terminal screen. Broken files are expected here."""
    loggers = [logging.getLogger(name) for name in ("pdfminer", "pdfplumber", "pypdf")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
