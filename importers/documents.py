"""Import the documents applicants submitted (DOMAIN.md A1–A2) and triage them.

The folder holds one sub-folder per application, named by its application number
(「C110-1-0001」, or 「C110-1-0001 某某公司」: the number followed by a space, ``_`` or
``-`` and anything else). For every file in it (sub-folders included; hidden files,
Office lock files ``~$…``, Thumbs.db and desktop.ini skipped):

1. a copy is kept in the office's data directory under its content hash
   (``data_dir()/documents/ab/abcdef….pdf``), hashed while copying;
2. the content decides what it is — a PDF (``%PDF-`` in its first KB), a PowerPoint deck
   (a zip holding ``ppt/``, or an OLE file with a "PowerPoint Document" stream), or
   anything else (``not_pdf``); the extension only counts as a hint
   (warning ``wrong_extension`` when it does not fit);
3. a PDF is opened once with pdfplumber and each page's ``extract_text`` run once; the
   rules of :mod:`office_tui.triage` do the rest on that text (kind, UBNs, dates, period);
4. a Document row is written (unmatched files too, with no application).

A file that cannot be read (encrypted, corrupt, not a PDF) keeps the kind its file name
suggests, if any, so that staff see what it was meant to be; a scan (``no_text``) too,
with warning ``kind_from_name``.

Nothing a file holds stops the import: every file's reading is caught on its own
(pdfplumber raises PdfminerException with an empty message for a password-protected
file, and anything at all for a damaged one). Importing the same folder again adds no
rows: a file whose content is already stored for the application is reported with its
existing row and warning ``duplicate``, and left as triaged. A file of an unmatched
folder that is imported again once its folder matches an application is re-read and
its row moved to the application.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from models import Application, Document, Provider
from office_tui.config import data_dir
from office_tui.db import read_session, write_session
from office_tui.errors import OfficeError
from office_tui.i18n import t
from office_tui.triage import (
    Reading,
    kind_from_name,
    kind_label,
    read_pages,
    sentences,
    submission_day,
    warning_sentences,
)

SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
DECK_SUFFIXES = frozenset({".ppt", ".pptx", ".pps", ".ppsx"})
PREVIEW_CHARS = 2000
HEAD_BYTES = 2048  # the start of each file, kept to tell what it is
TAIL_BYTES = 4096  # its end: a complete PDF ends with %%EOF
CHUNK = 1 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (("deck", "PowerPoint Document"), ("word", "WordDocument"), ("excel", "Workbook"))

Progress = Callable[[int, int, str], None]


class DocumentImportError(OfficeError):
    """The import as a whole cannot go on (no such folder, the data directory not writable)."""


@dataclass
class TriageResult:
    """One file's outcome; :meth:`as_json` is the ``--json`` shape."""

    file: str  # path relative to the imported folder, with "/"
    application_no: str | None  # None: the file is in no application's folder
    kind: str
    status: str
    warnings: list[str]
    reason: str  # a sentence in the interface language
    document_id: int | None = None

    def as_json(self) -> dict:
        return {"file": self.file, "application_no": self.application_no, "kind": self.kind,
                "status": self.status, "warnings": list(self.warnings), "reason": self.reason}


@dataclass(frozen=True)
class _App:
    id: int
    number: str
    ubn: str
    submitted_on: date


@dataclass
class _Read:
    """What reading one file gave."""

    status: str
    kind: str
    reason: str
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    ubns: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    preview: str = ""


@dataclass
class _Stored:
    sha256: str
    size: int
    head: bytes
    tail: bytes
    path: Path


# ---------------------------------------------------------------------------------------
# the import
# ---------------------------------------------------------------------------------------


def import_documents(engine: Engine, actor, folder: str | os.PathLike, progress: Progress | None = None
                     ) -> list[TriageResult]:
    """Import and triage every file under ``folder`` (one sub-folder per application).

    ``progress(done, total, file)`` is called after each file. Returns one
    :class:`TriageResult` per file, in the order of their relative paths. Rows are
    written per application folder, each folder in one short transaction."""
    root = Path(folder)
    if not root.is_dir():
        raise DocumentImportError("triage.no_such_folder", folder=str(root))
    files = _files(root)
    with read_session(engine) as session:
        apps = _applications(session)
    store = data_dir() / "documents"
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DocumentImportError("triage.store_failed", path=str(store), error=error.strerror or str(error)) from None
    results: list[TriageResult] = []
    done, total = 0, len(files)
    with _quiet_pdfminer():
        for top, entries in groupby(files, key=lambda entry: entry[2]):
            entries = list(entries)
            app = _match(top, apps) if top is not None else None
            deck_stems = frozenset(Path(rel).stem.lower() for rel, _, _ in entries
                                   if Path(rel).suffix.lower() in DECK_SUFFIXES)
            batch = []
            seen: dict[str, TriageResult] = {}
            for rel, path, _ in entries:
                batch.append(_import_one(engine, store, root, rel, path, top, app, deck_stems, seen))
                done += 1
                if progress is not None:
                    progress(done, total, rel)
            results.extend(_write(engine, actor, root, app, batch))
    return results


def import_summary(results: list[TriageResult]) -> str:
    """One sentence for the end of an import: how many files, how many fine."""
    duplicates = sum(1 for r in results if "duplicate" in r.warnings)
    ok = sum(1 for r in results if r.status == "ok" and "duplicate" not in r.warnings)
    return t("triage.import_done", files=len(results), ok=ok, problems=len(results) - ok - duplicates,
             duplicates=duplicates)


def _files(root: Path) -> list[tuple[str, Path, str | None]]:
    """(relative path, path, application folder or None) for every file, sorted."""
    found = []
    for directory, subdirs, names in os.walk(root, onerror=lambda _error: None):
        subdirs[:] = sorted(d for d in subdirs if not _skipped(d))
        for name in names:
            if _skipped(name):
                continue
            path = Path(directory) / name
            try:
                if not path.is_file():
                    continue
            except OSError:
                continue
            rel = path.relative_to(root)
            found.append((rel.as_posix(), path, rel.parts[0] if len(rel.parts) > 1 else None))
    found.sort(key=lambda entry: (entry[2] is None, entry[2] or "", entry[0]))
    return found


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in SKIPPED_NAMES


def _applications(session: Session) -> dict[str, _App]:
    rows = session.exec(
        select(Application.id, Application.application_no, Application.submitted_at, Provider.ubn)
        .join(Provider, Application.provider_id == Provider.id)
    ).all()
    apps = {}
    for app_id, number, submitted_at, ubn in rows:
        apps[_folder_key(number)] = _App(app_id, number, ubn, submission_day(submitted_at))
    return apps


def _folder_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().upper()


def _match(folder_name: str, apps: dict[str, _App]) -> _App | None:
    """The application a folder is named after: its exact number, or the longest number
    it starts with, followed by a separator (space, _, -, brackets)."""
    name = _folder_key(folder_name)
    if name in apps:
        return apps[name]
    for i in range(len(name) - 1, 0, -1):
        if not name[i].isalnum() and name[:i] in apps:
            return apps[name[:i]]
    return None


def _import_one(engine: Engine, store: Path, root: Path, rel: str, path: Path, top: str | None, app: _App | None,
                deck_stems: frozenset[str], seen: dict[str, TriageResult]
                ) -> tuple[TriageResult, Document | None, int | None, TriageResult | None]:
    """Copy, hash and read one file: (result, row to write or None, id of an unmatched
    row to move to the application, the earlier result of the same content in this run)."""
    number = app.number if app else None
    original = str(path.resolve())
    try:
        stored = _store_copy(path, store)
    except _SourceError as error:
        stored = None
        existing, adopt = _existing(engine, app, "", original)
        if existing is not None:
            return _duplicate(rel, number, existing), None, None, None
        read = _Read("corrupt", kind_from_name(path.name) or "unknown",
                     t("triage.reason_unreadable_file", error=error.detail))
    else:
        first = seen.get(stored.sha256)
        if first is not None:  # the same content twice in this folder
            return _duplicate(rel, number, first), None, None, first
        existing, adopt = _existing(engine, app, stored.sha256, original)
        if existing is not None:
            result = _duplicate(rel, number, existing)
            seen[stored.sha256] = result
            return result, None, None, None
        try:
            read = _examine(path, stored, app, deck_stems)
        except Exception:  # noqa: BLE001 — no file stops the import
            read = _Read("corrupt", kind_from_name(path.name) or "unknown", t("triage.reason_corrupt"))
    if app is None:
        lead = t("triage.reason_unmatched", folder=top) if top is not None else t("triage.reason_no_folder")
        read.status, read.reason = "unmatched", sentences([lead, read.reason])
    result = TriageResult(rel, number, read.kind, read.status, list(read.warnings), read.reason)
    doc = Document(
        application_id=app.id if app else None, file_name=path.name, original_path=original,
        stored_path=str(stored.path) if stored else None, sha256=stored.sha256 if stored else "",
        size_bytes=stored.size if stored else 0, pages=read.pages, kind=read.kind, status=read.status,
        reason=read.reason, warnings=",".join(read.warnings), ubns_found=",".join(read.ubns),
        dates_found=",".join(d.isoformat() for d in read.dates), text_preview=read.preview, triage="pending",
    )
    if stored is not None:
        seen[stored.sha256] = result
    return result, doc, adopt, None


def _duplicate(rel: str, number: str | None, earlier: Document | TriageResult) -> TriageResult:
    """A file whose content is already stored for the application: the earlier row's
    findings, with warning ``duplicate``."""
    if isinstance(earlier, Document):
        warnings = [w for w in earlier.warnings.split(",") if w]
        name, doc_id = earlier.file_name, earlier.id
    else:
        warnings, name, doc_id = list(earlier.warnings), Path(earlier.file).name, earlier.document_id
    warnings = [w for w in warnings if w != "duplicate"] + ["duplicate"]
    reason = sentences([t("triage.reason_duplicate", file=name), _strip_duplicate(earlier.reason, name)])
    return TriageResult(rel, number, earlier.kind, earlier.status, warnings, reason, doc_id)


def _strip_duplicate(reason: str, name: str) -> str:
    lead = t("triage.reason_duplicate", file=name)
    return reason[len(lead):].lstrip() if reason.startswith(lead) else reason


def _existing(engine: Engine, app: _App | None, sha256: str, original: str) -> tuple[Document | None, int | None]:
    """(a row with this content already stored for the application, the id of an
    unmatched row of the same file to move to the application). A file that could not
    be read (no hash) is known by its path."""
    with read_session(engine) as session:
        rows = session.exec(select(Document).where(Document.sha256 == sha256)).all()
    if not sha256:
        rows = [row for row in rows if row.original_path == original]
    if app is not None:
        for row in rows:
            if row.application_id == app.id:
                return row, None
        adopt = next((row.id for row in rows if row.application_id is None and row.original_path == original), None)
        return None, adopt
    for row in rows:
        if row.application_id is None and row.original_path == original:
            return row, None
    return None, None


def _write(engine: Engine, actor, root: Path, app: _App | None,
           batch: list[tuple[TriageResult, Document | None, int | None, TriageResult | None]]) -> list[TriageResult]:
    if any(doc is not None for _, doc, _, _ in batch):
        with write_session(engine, actor, reason=f"import documents {root}") as session:
            for result, doc, adopt, _ in batch:
                if doc is None:
                    continue
                if app is not None and doc.sha256:  # another import may have stored it meanwhile
                    other = session.exec(select(Document).where(Document.application_id == app.id,
                                                                Document.sha256 == doc.sha256)).first()
                    if other is not None:
                        result.warnings.append("duplicate")
                        result.document_id = other.id
                        continue
                row = session.get(Document, adopt) if adopt is not None else None
                if row is not None:
                    for name in ("application_id", "file_name", "original_path", "stored_path", "size_bytes",
                                 "pages", "kind", "status", "reason", "warnings", "ubns_found", "dates_found",
                                 "text_preview"):
                        setattr(row, name, getattr(doc, name))
                    doc = row
                session.add(doc)
                session.flush()
                result.document_id = doc.id
    for result, _, _, first in batch:
        if first is not None:
            result.document_id = first.document_id
    return [result for result, _, _, _ in batch]


# ---------------------------------------------------------------------------------------
# one file
# ---------------------------------------------------------------------------------------


class _SourceError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _store_copy(path: Path, store: Path) -> _Stored:
    """Copy ``path`` into the store, hashing as it goes; the copy is named by its hash."""
    digest, size, head, tail = hashlib.sha256(), 0, b"", b""
    try:
        source = path.open("rb")
    except OSError as error:
        raise _SourceError(error.strerror or type(error).__name__) from None
    temporary = store / f".incoming-{uuid.uuid4().hex}"
    try:
        with source, _open_store(temporary) as target:
            while True:
                try:
                    chunk = source.read(CHUNK)
                except OSError as error:
                    raise _SourceError(error.strerror or type(error).__name__) from None
                if not chunk:
                    break
                if len(head) < HEAD_BYTES:
                    head += chunk[:HEAD_BYTES - len(head)]
                tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
                digest.update(chunk)
                size += len(chunk)
                try:
                    target.write(chunk)
                except OSError as error:
                    raise DocumentImportError("triage.store_failed", path=str(temporary),
                                              error=error.strerror or str(error)) from None
        sha = digest.hexdigest()
        suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", path.suffix.lower()) else ""
        final = store / sha[:2] / f"{sha}{suffix}"
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists() and final.stat().st_size == size:
                temporary.unlink()
            else:
                os.replace(temporary, final)
        except OSError as error:
            raise DocumentImportError("triage.store_failed", path=str(final), error=error.strerror or str(error)) from None
    finally:
        if temporary.exists():
            temporary.unlink(missing_ok=True)
    return _Stored(sha, size, head, tail, final)


@contextmanager
def _open_store(path: Path) -> Iterator:
    try:
        handle = path.open("wb")
    except OSError as error:
        raise DocumentImportError("triage.store_failed", path=str(path), error=error.strerror or str(error)) from None
    with handle:
        yield handle


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


def _examine(path: Path, stored: _Stored, app: _App | None, deck_stems: frozenset[str]) -> _Read:
    name = path.name
    suffix = path.suffix.lower()
    guess = kind_from_name(name, deck_stems) or "unknown"
    if stored.size == 0:
        return _Read("corrupt", guess, t("triage.reason_empty"))
    what = _sniff(stored.path, stored.head)
    if what == "pdf":
        read = _read_pdf(stored.path, stored.tail, name, app, deck_stems)
        if suffix != ".pdf":
            _add_warning(read, "wrong_extension", ext=suffix or "-")
        return read
    if what == "deck":
        read = _Read("ok", "deck_ppt", t("triage.reason_deck_ppt"))
        if suffix not in DECK_SUFFIXES:
            _add_warning(read, "wrong_extension", ext=suffix or "-")
        return read
    return _Read("not_pdf", guess, t("triage.reason_not_pdf", what=t(f"triage.filetype_{what}")))


def _add_warning(read: _Read, code: str, **values) -> None:
    read.warnings.append(code)
    read.reason = sentences([read.reason, *warning_sentences([code], {code: values})])


def _read_pdf(path: Path, tail: bytes, name: str, app: _App | None, deck_stems: frozenset[str]) -> _Read:
    import pdfplumber

    texts: list[str] = []
    failed: list[int] = []
    landscape = 0
    guess = kind_from_name(name, deck_stems) or "unknown"
    truncated = b"%%EOF" not in tail
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
            return _Read("encrypted", guess, t("triage.reason_encrypted"))
        return _Read("corrupt", guess, t("triage.reason_truncated" if truncated else "triage.reason_corrupt"))
    pages = len(texts)
    if pages == 0 or len(failed) == pages:
        return _Read("corrupt", guess, t("triage.reason_truncated" if truncated else "triage.reason_corrupt"),
                     pages=pages)
    reading = read_pages(texts, name, applicant_ubn=app.ubn if app else None,
                         submitted_on=app.submitted_on if app else None,
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
    return _Read(status, reading.kind, sentences([lead, *warning_sentences(reading.warnings, reading.details)]),
                 reading.warnings, pages, reading.ubns, reading.dates, text[:PREVIEW_CHARS].replace("\x00", ""))


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
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs every oddity of a file as a warning; with no logging set up Python
    prints those on stderr, over the terminal screen. Broken files are expected here."""
    loggers = [logging.getLogger(name) for name in ("pdfminer", "pdfplumber")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
