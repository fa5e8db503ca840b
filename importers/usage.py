"""Import 使用紀錄 — providers' system logs (docs/import-layouts.md ``usage``,
docs/rules/usage.md).

A file is raw events (店家統編, 時間[, 事件]: one row per use) or daily counts (店家統編,
日期, 次數); its header tells which. It may be .csv, .csv.gz or .xlsx; a CSV in UTF-8,
UTF-8 with BOM, UTF-16 with BOM or Big5 (importers.text_encoding). A time without a zone
is Asia/Taipei; one with a zone (``Z``, ``+00:00``) counts on its Asia/Taipei day.

Streamed: a CSV is read a block (about 1 MiB) at a time and events are counted per store
per Taipei day as they come (importers.usage_tally); nothing holds the file or its rows,
and only the daily counts are stored. In a block whose every line has the usual shape —
the UBN as 8 digits, a time in one of the forms of the layouts, nothing quoted — the
lines are matched and counted by one regular expression and a Counter, both at C speed,
and each distinct store and day is checked once, not each row; any other block is read
line by line (each line checked as the fields module reads a cell), and from the first
quoted field on the file is read by ``csv.reader``.

Refused, with file, row, column and reason: an invalid store UBN, a time or date that
cannot be read, a count that is not a whole number or is negative (the first
MAX_LISTED listed, the rest counted). A valid UBN of a store not in the database is
reported with its number of rows and not imported.

One transaction per file, after the file has been read: the file's record, its share
of the counts and the counts themselves (office_tui.usage.files), and the claims of the
stores it touched reconciled again — all of it, or (a failure, a cancel, the process
killed) nothing. The same content imported again changes nothing and says so;
``replace`` makes a file's store-days replace what earlier files said for them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from importers.report import ImportFileError
from importers.tabular import SUFFIXES, Sheet, open_sheet, suffix_of
from importers.text_encoding import TextSource
from importers.usage_tally import Tally, read_csv, read_rows
from models import Store
from office_tui.core.errors import OfficeError, describe
from office_tui.core.i18n import t
from office_tui.layouts import USAGE, USAGE_DAILY, Layout

__all__ = ["MAX_LISTED", "UsageImportReport", "import_usage"]

MAX_LISTED = 1_000  # refused rows listed by row; the rest are counted
EVENTS, DAILY = "events", "daily"

# Both shapes at once: the header decides which (events: 時間; daily: 日期 and 次數).
ANY = Layout("usage", (*USAGE.columns, *USAGE_DAILY.columns[1:]))

Progress = Callable[[int, int], object]


class ImportCancelled(OfficeError):
    """The import was cancelled; the file being read was not imported."""


@dataclass(frozen=True)
class Refusal:
    """A row kept out: the file, its row number (None: the whole file), the column as
    the file heads it, and why."""

    file: str
    row: int | None
    column: str
    reason: str

    def to_json(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        if self.row is None:
            return t("usage.import.file_failed", file=self.file, reason=self.reason)
        return t("usage.import.row_error", file=self.file, row=self.row, column=self.column, reason=self.reason)


@dataclass
class FileOutcome:
    """One file of the import: ``imported`` or ``unchanged`` (the same content is in)."""

    file: str
    status: str
    rows: int = 0
    events: int = 0
    stores: int = 0
    days: int = 0
    first_day: date | None = None
    last_day: date | None = None
    file_id: int | None = None
    kind: str = ""
    encoding: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # where the time went: read, write, reconcile

    def to_json(self) -> dict:
        return {"file": self.file, "status": self.status, "rows": self.rows, "events": self.events,
                "stores": self.stores, "first_day": self.first_day.isoformat() if self.first_day else None,
                "last_day": self.last_day.isoformat() if self.last_day else None}


@dataclass
class _FileFindings:
    """What one file kept out, held until it is known whether the file went in: a file
    whose content is in already says only that (its refusals were told when it went in)."""

    file: str
    rejected: list[Refusal] = field(default_factory=list)
    total: int = 0
    unknown: dict[str, int] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)

    def refuse(self, row: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(Refusal(self.file, row, column, reason))

@dataclass
class UsageImportReport:
    """What an import of one or more log files did."""

    files: list[FileOutcome] = field(default_factory=list)
    rejected: list[Refusal] = field(default_factory=list)  # the first MAX_LISTED
    rejected_total: int = 0
    unknown_stores: dict[str, int] = field(default_factory=dict)  # UBN → rows
    failed_files: list[str] = field(default_factory=list)
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)  # file → headers
    cancelled: bool = False

    def refuse(self, refusal: Refusal) -> None:
        self.rejected_total += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(refusal)

    def take(self, found: _FileFindings) -> None:
        """What one imported file kept out."""
        room = max(0, MAX_LISTED - len(self.rejected))
        self.rejected.extend(found.rejected[:room])
        self.rejected_total += found.total
        for ubn, n in found.unknown.items():
            self.unknown_stores[ubn] = self.unknown_stores.get(ubn, 0) + n
        if found.unknown_columns:
            self.unknown_columns[found.file] = found.unknown_columns


    @property
    def failed(self) -> bool:
        """Any row refused or any file failed (the command's exit status 1)."""
        return bool(self.rejected_total or self.failed_files or self.cancelled)

    @property
    def changed(self) -> bool:
        return any(f.status == "imported" and f.file_id is not None for f in self.files)

    @property
    def stores_touched(self) -> int:
        return sum(f.stores for f in self.files if f.status == "imported")

    def to_json(self) -> dict:
        return {"files": [f.to_json() for f in self.files], "rejected": [r.to_json() for r in self.rejected],
                "rejected_total": self.rejected_total,
                "unknown_stores": [{"store_ubn": ubn, "rows": n} for ubn, n in sorted(self.unknown_stores.items())]}

    def summary(self) -> str:
        imported = [f for f in self.files if f.status == "imported"]
        return t("usage.import.summary", imported=len(imported),
                 unchanged=sum(1 for f in self.files if f.status == "unchanged"),
                 failed=len(self.failed_files), events=f"{sum(f.events for f in imported):,}",
                 rejected=f"{self.rejected_total:,}")

    def lines(self) -> list[str]:
        """The report as staff read it: each file, each refusal, the unknown stores."""
        lines = [self.summary()]
        for f in self.files:
            if f.status == "unchanged":
                lines.append(t("usage.import.file_unchanged", file=f.file))
            elif f.file_id is None:
                lines.append(t("usage.import.file_empty", file=f.file, rows=f"{f.rows:,}"))
            else:
                lines.append(t("usage.import.file_line", file=f.file, id=f.file_id, rows=f"{f.rows:,}",
                               events=f"{f.events:,}", stores=f"{f.stores:,}", days=f"{f.days:,}",
                               first=f.first_day.isoformat(), last=f.last_day.isoformat(),
                               encoding=f.encoding))
        lines += [str(r) for r in self.rejected]
        if self.rejected_total > len(self.rejected):
            lines.append(t("usage.import.more_rejected", n=f"{self.rejected_total - len(self.rejected):,}"))
        for name, columns in self.unknown_columns.items():
            lines.append(t("usage.import.unknown_columns", file=name, columns="、".join(columns)))
        if self.unknown_stores:
            lines.append(t("usage.import.unknown_stores", n=len(self.unknown_stores), stores="、".join(
                f"{ubn}（{n:,}）" for ubn, n in sorted(self.unknown_stores.items())[:50])
                + ("…" if len(self.unknown_stores) > 50 else "")))
        if self.cancelled:
            lines.append(t("usage.import.cancelled"))
        return lines


def import_usage(engine: Engine, actor, paths: Sequence[str | Path], *, replace: bool = False,
                 progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
                 close_on: date | None = None, min_active_days: int | None = None) -> UsageImportReport:
    """Import the log files ``paths``, one transaction each (see the module). A file that
    cannot be read is reported (as a refusal without a row) and the others go on;
    ``cancelled()`` returning True stops at once, keeping the files already in.
    ``progress(done, total)`` is told the bytes read of all the files."""
    report = UsageImportReport()
    paths = [Path(p) for p in paths]
    sizes = [_size(p) for p in paths]
    total, before = sum(sizes) or 1, 0
    stores = _stores(engine)
    for path, size in zip(paths, sizes):
        def told(done: int, _before=before) -> None:
            if progress is not None:
                progress(min(_before + done, total), total)

        def check() -> None:
            if cancelled is not None and cancelled():
                raise ImportCancelled("usage.import.cancelled")

        try:
            check()
            outcome = _import_file(engine, actor, path, stores, report, replace=replace, told=told, check=check,
                                   close_on=close_on, min_active_days=min_active_days)
        except ImportCancelled:
            report.cancelled = True
            break
        except ImportFileError as error:
            report.failed_files.append(path.name)
            report.refuse(Refusal(path.name, None, "", describe(error)))
        else:
            report.files.append(outcome)
        before += size
        if progress is not None:
            progress(min(before, total), total)
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stores(engine: Engine) -> dict[str, int]:
    from office_tui.core.db import read_session

    with read_session(engine) as session:
        return dict(session.execute(select(Store.ubn, Store.id)).all())


def _import_file(engine: Engine, actor, path: Path, stores: dict[str, int], report: UsageImportReport, *,
                 replace: bool, told, check, close_on, min_active_days) -> FileOutcome:
    from office_tui.claims.reconcile import reconcile
    from office_tui.core.db import write_session
    from office_tui.usage.files import FileFacts, record_file, same_content

    suffix = suffix_of(path)
    if suffix not in SUFFIXES:
        raise ImportFileError("import.file.unsupported", name=path.name)
    if not path.is_file():
        raise ImportFileError("import.file.not_found", path=str(path))
    started = time.perf_counter()
    found = _FileFindings(path.name)
    tally = Tally(stores, path.name, found.refuse)
    if suffix == ".xlsx":
        digest = _file_digest(path)
        with open_sheet(path, ANY, require=False) as sheet:
            kind = _kind(sheet)
            found.unknown_columns = _unknown_columns(sheet, kind)
            read_rows(tally, sheet, kind, lambda done: told(done), check)
        encoding = "xlsx"
    else:
        with TextSource(path) as source:  # blocks of 1 MiB: measured faster than 256 KiB or 4 MiB
            kind, sheet = read_csv(tally, source, lambda header: _header_sheet(path, header), _kind, told, check)
            found.unknown_columns = _unknown_columns(sheet, kind)
            digest = source.digest.hexdigest()
            encoding = source.label
    found.unknown = tally.unknown
    facts = FileFacts(path.name, digest, kind, encoding, tally.rows)
    seconds = {"read": time.perf_counter() - started}
    check()
    with write_session(engine, actor, f"import usage {path.name}") as session:
        if same_content(session, digest) is not None:
            return FileOutcome(path.name, "unchanged", rows=tally.rows, kind=kind, encoding=encoding, seconds=seconds)
        report.take(found)
        started = time.perf_counter()
        file = record_file(session, actor, facts, tally.counts(), replace=replace)
        seconds["write"] = time.perf_counter() - started
        check()
        if file is None:  # nothing to count in (every row refused or of unknown stores)
            return FileOutcome(path.name, "imported", rows=tally.rows, kind=kind, encoding=encoding, seconds=seconds)
        started = time.perf_counter()
        reconcile(session, close_on=close_on, min_active_days=min_active_days, stores=tally.store_ids())
        seconds["reconcile"] = time.perf_counter() - started
        check()
        started = time.perf_counter()
    seconds["commit"] = time.perf_counter() - started
    return FileOutcome(path.name, "imported", rows=file.rows, events=file.events, stores=file.stores, days=file.days,
                       first_day=file.first_day, last_day=file.last_day, file_id=file.id, kind=kind,
                       encoding=encoding, seconds=seconds)


def _file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _header_sheet(path: Path, header: list[str]) -> Sheet:
    return Sheet(path, ANY, header, iter(()), 0)


def _kind(sheet: Sheet) -> str:
    """events or daily, from the columns the header names; ImportFileError otherwise."""
    has = set(sheet.positions)
    if "at" in has and not {"date", "count"} <= has:
        if "store_ubn" in has:
            return EVENTS
    elif {"date", "count"} <= has and "at" not in has:
        if "store_ubn" in has:
            return DAILY
    elif "at" in has:
        raise ImportFileError("usage.import.both_shapes", name=sheet.path.name)
    raise ImportFileError("usage.import.no_shape", name=sheet.path.name)


def _unknown_columns(sheet: Sheet, kind: str) -> list[str]:
    """Columns the file's shape does not read (a daily file's 事件, say)."""
    other = ("date", "count") if kind == EVENTS else ("at", "event")
    return list(sheet.unknown_columns) + [sheet.headers[name] for name in other if name in sheet.headers]

