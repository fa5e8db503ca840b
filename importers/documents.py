"""Import the documents applicants submitted and triage them (docs/rules/documents.md).

The folder holds one sub-folder per application, named by its application number
(「C110-1-0001」, or 「C110-1-0001 某某公司」: the number followed by a space, ``_`` or
``-`` and anything else). For every file in it (sub-folders included; hidden files,
Office lock files ``~$…``, Thumbs.db and desktop.ini skipped):

1. a copy is kept in the office's data directory under its content hash
   (:mod:`importers.document_store`);
2. its content says what it is and, for a PDF, what its text says
   (:mod:`importers.document_file`);
3. a Document row is written (unmatched files too, with no application).

Nothing a file holds stops the import: every file's reading is caught on its own, and
so is whatever the folder itself holds. A name that is not UTF-8 (a zip made on Windows
in Taiwan writes Big5) is recorded losslessly and shown readably
(:mod:`office_tui.core.filenames`); a tree of any depth is walked without recursion; a
link to something outside the folder is not followed: it is reported (status
``link_outside``) and nothing is copied or recorded for it.
Importing the same folder again adds no rows: a file whose content is already stored
for the application is reported with its existing row and warning ``duplicate``, and
left as triaged. A file of an unmatched folder that is imported again once its folder
matches an application is re-read and its row moved to the application.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from importers.document_file import DECK_SUFFIXES, FileReading, quiet_pdfminer, read_file
from importers.document_store import DocumentImportError, SourceError, store_copy, store_folder
from models import Application, Document, Provider
from office_tui.core.identifiers import DASHES
from office_tui.core.db import read_session, write_session
from office_tui.core.filenames import lossless, readable
from office_tui.documents.kinds import kind_from_name
from office_tui.documents.periods import submission_day
from office_tui.documents.reading import sentences
from office_tui.core.i18n import t

SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})

Progress = Callable[[int, int, str], None]


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
    store = store_folder()
    results: list[TriageResult] = []
    done, total = 0, len(files)
    with quiet_pdfminer():
        for top, entries in groupby(files, key=lambda entry: entry.top):
            entries = list(entries)
            app = _match(top, apps) if top is not None else None
            deck_stems = frozenset(Path(entry.rel).stem.lower() for entry in entries
                                   if Path(entry.rel).suffix.lower() in DECK_SUFFIXES)
            batch = []
            seen: dict[str, TriageResult] = {}
            for entry in entries:
                rel, path = entry.rel, entry.path
                if entry.outside is not None:
                    batch.append(_outside_link(entry, app))
                else:
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


def report_table(results: list[TriageResult]) -> tuple[list[str], list[tuple[str, ...]]]:
    """The import's report as staff read it (headers, rows), for the shell and the TUI."""
    from office_tui.documents.kinds import kind_label
    from office_tui.documents.reading import status_label, warning_label

    headers = [t("col.file_name"), t("col.application_no"), t("col.kind"), t("col.doc_status"),
               t("col.warnings"), t("col.reason")]
    rows = [(r.file, r.application_no or "", kind_label(r.kind), status_label(r.status),
             "、".join(warning_label(w) for w in r.warnings), r.reason) for r in results]
    return headers, rows


@dataclass(frozen=True)
class _Entry:
    """A file found under the imported folder."""

    rel: str  # its path relative to the folder, readable, with "/"
    path: Path  # where it is on disk
    top: str | None  # the application folder it is in (its readable name), or None
    outside: str | None = None  # a link to something outside the folder: where it points


def _files(root: Path) -> list[_Entry]:
    """Every file under ``root``, sorted by application folder then path. The tree is
    walked with a stack (any depth); links are followed only to files inside ``root``."""
    found: list[_Entry] = []
    inside = os.path.realpath(root)
    stack: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while stack:
        directory, parts = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue  # a folder that cannot be listed holds nothing we can import
        for entry in entries:
            if _skipped(entry.name):
                continue
            names = (*parts, entry.name)
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([inside, target]) != inside:
                        found.append(_entry(names, entry.path, outside=readable(target)))
                    elif os.path.isfile(target):
                        found.append(_entry(names, entry.path))
                    # a link to a folder inside: that folder is walked where it is
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, names))
                elif entry.is_file(follow_symlinks=False):
                    found.append(_entry(names, entry.path))
            except (OSError, ValueError):
                continue
    found.sort(key=lambda e: (e.top is None, e.top or "", e.rel))
    return found


def _entry(names: tuple[str, ...], path: str, outside: str | None = None) -> _Entry:
    shown = [readable(name) for name in names]
    return _Entry("/".join(shown), Path(path), shown[0] if len(shown) > 1 else None, outside)


def _outside_link(entry: _Entry, app: _App | None) -> tuple[TriageResult, None, None, None]:
    """A link out of the imported folder: reported, never followed (nothing is copied)."""
    name = entry.rel.rsplit("/", 1)[-1]
    result = TriageResult(entry.rel, app.number if app else None, kind_from_name(name) or "unknown",
                          "link_outside", [], t("triage.reason_link_outside", target=entry.outside))
    return result, None, None, None


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
    """A folder's name compared as application numbers are (office_tui.core.identifiers),
    keeping its spaces: they separate the number from what follows."""
    return unicodedata.normalize("NFKC", name).translate(DASHES).strip().upper()


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
    name = rel.rsplit("/", 1)[-1]  # readable
    original = lossless(path.resolve())
    try:
        stored = store_copy(path, store)
    except SourceError as error:
        stored = None
        existing, adopt = _existing(engine, app, "", original)
        if existing is not None:
            return _duplicate(rel, number, existing), None, None, None
        read = FileReading("corrupt", kind_from_name(name) or "unknown",
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
            read = read_file(path, stored, deck_stems, applicant_ubn=app.ubn if app else None,
                            submitted_on=app.submitted_on if app else None, name=name)
        except Exception:  # noqa: BLE001 — no file stops the import
            read = FileReading("corrupt", kind_from_name(name) or "unknown", t("triage.reason_corrupt"))
    if app is None:
        lead = t("triage.reason_unmatched", folder=top) if top is not None else t("triage.reason_no_folder")
        read.status, read.reason = "unmatched", sentences([lead, read.reason])
    result = TriageResult(rel, number, read.kind, read.status, list(read.warnings), read.reason)
    doc = Document(
        application_id=app.id if app else None, file_name=name, original_path=original,
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
