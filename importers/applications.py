"""Import 申請案 (solution applications) from the programme system's export
(docs/import-layouts.md, ``applications``).

Every row is checked (its cells by :mod:`importers.application_rows`); the good ones go
in together, in one transaction, and the others come back with their row number, the
column as the file names it and the reason in the interface language. Importing the
same file again changes nothing: rows stored with the same content come back as
``unchanged``.

Providers: one per UBN. A row whose UBN is registered (before, or earlier in the file)
under the same company name joins that provider; under another name it is refused with
the programme's own 「公司統編(帳號)：…，已申請過！」. No qualification checks are written:
conditions 1–2 are computed from the provider's data whenever they are read
(office_tui.intake.eligibility.checklist), 3–9 are staff's to record.

Speed (benchmarks/import_applications.py: 50,000 rows): the sheet is read with
python-calamine in chunks of columns, each column parsed once per distinct value, the
database asked once per lookup (batches, providers by UBN, stored applications), and the
rows written by executemany in chunks. No ORM object per row, so each table written gets
one ``bulk`` audit entry naming the file, its rows and the ids they became.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import Engine, func, select

from importers.application_rows import ApplicationRows, name_key
from office_tui.layouts import APPLICATIONS
from importers.report import ImportReport, RowError
from importers.tabular import Chunk, Sheet, insert_columns, insert_rows, open_sheet
from models import Application, Batch, Provider
from office_tui.core import audit
from models.clock import now_utc
from office_tui.core.db import write_session
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from office_tui.intake.registration import DuplicateProvider, status_on_arrival

__all__ = ["ImportReport", "Progress", "RowError", "import_applications"]

PROGRESS_EVERY = 0.1  # seconds between progress reports (each redraws the TUI's bar)

# Registration data a new provider is created from, in Provider column order.
_PROVIDER_FIELDS = ("business_items", "registered_on", "paid_in_capital", "website", "address", "intro",
                    "capacity", "owner_name", "contact_name", "contact_email", "contact_mobile", "top_qualified")
_PROVIDER_COLUMNS = ("ubn", "name", *_PROVIDER_FIELDS, "owner_title", "contact_phone", "created_at")
_APPLICATION_FIELDS = ("application_no", "batch", "solution_name", "category", "price", "term_months",
                       "renewal_offer", "video_url", "video_seconds", "submitted_at")

Progress = Callable[[int, int], None]


# -- what rows are checked against ---------------------------------------------------


@dataclass
class _Stored:
    batches: dict[int, SimpleNamespace]  # number → id, number, closes_at
    providers: dict[str, tuple[int, str]]  # ubn → (id, name_key)
    applications: dict[str, tuple]  # application_no → the content a row is compared with
    last_provider_id: int


def _load(session) -> _Stored:
    """Everything rows are checked against, one query each."""
    connection = session.connection()
    # Plain records: the check reads a batch's id and cutoff on every row.
    batches = {b.number: SimpleNamespace(id=b.id, number=b.number, closes_at=b.closes_at)
               for b in session.scalars(select(Batch))}
    providers = {ubn: (pid, name_key(name)) for pid, ubn, name in
                 connection.execute(select(Provider.id, Provider.ubn, Provider.name))}
    stored = connection.execute(
        select(Application.application_no, Application.batch_id, Provider.ubn, Provider.name,
               Application.solution_name, Application.category, Application.price, Application.term_months,
               Application.renewal_offer, Application.video_url, Application.video_seconds,
               Application.submitted_at)
        .join(Provider, Application.provider_id == Provider.id))
    applications = {row[0]: (row[1], row[2], name_key(row[3]), *row[4:]) for row in stored}
    last = connection.execute(select(func.max(Provider.id))).scalar() or 0
    return _Stored(batches, providers, applications, last)


# -- deciding each row ---------------------------------------------------------------


@dataclass
class _ToWrite:
    """Rows of one chunk to write: new providers (as rows) and applications (as columns;
    provider_ref is the provider's id, or its UBN while the provider is being created)."""

    providers: list[tuple] = field(default_factory=list)
    provider_rows: list[int] = field(default_factory=list)
    applications: dict[str, Sequence] = field(default_factory=dict)
    provider_refs: list = field(default_factory=list)
    application_rows: list[int] = field(default_factory=list)


def _pick(values: Sequence, keep: list[int]) -> Sequence:
    if len(keep) == len(values):
        return values
    if len(keep) == 1:
        return [values[keep[0]]]
    return itemgetter(*keep)(values)


class _Matcher:
    """Decides each row whose cells are good: a repeat of an earlier row, stored already
    (unchanged, or with other content), or to write, joining its provider or creating it.
    What it has seen (application numbers, providers) carries over from chunk to chunk."""

    def __init__(self, stored: _Stored, sheet: Sheet, report: ImportReport, now) -> None:
        self.stored, self.header, self.report, self.now = stored, sheet.header, report, now
        self.rows = ApplicationRows(stored.batches, sheet.header)
        self.seen: dict[str, int] = {}  # application_no → the first row that has it
        self.known: dict[str, tuple[int | None, str]] = dict(stored.providers)  # + new: (None, name_key)
        self.name_keys: dict[str, str] = {}

    def match(self, chunk: Chunk) -> _ToWrite:
        numbers = chunk.numbers
        cells = self.rows.check(chunk)
        parsed, problems = cells.values, cells.errors
        keys = self.name_keys
        for company in dict.fromkeys(parsed["company_name"]):
            if company.__class__ is str and company not in keys:
                keys[company] = name_key(company)

        out = _ToWrite()
        keep: list[int] = []
        refs = out.provider_refs
        rejected, header = self.report.rejected, self.header
        seen, known, stored_apps = self.seen, self.known, self.stored.applications
        app_nos, ubns, companies = parsed["application_no"], parsed["ubn"], parsed["company_name"]
        provider_columns = [parsed[name] for name in _PROVIDER_FIELDS]
        for k, row in enumerate(numbers):
            number = app_nos[k]
            first = seen.setdefault(number, row) if number.__class__ is str and number else row
            if k in problems:
                rejected.extend(problems[k])
                continue
            if first != row:
                rejected.append(RowError(row, header("application_no"),
                                         t("import.row.duplicate_in_file", number=number, first=first)))
                continue
            ubn, company = ubns[k], companies[k]
            company_key = keys[company]
            if stored_apps and number in stored_apps:
                mine = (parsed["batch"][k].id, ubn, company_key,
                        *(parsed[name][k] for name in _APPLICATION_FIELDS[2:]))
                if mine == stored_apps[number]:
                    self.report.unchanged.append(row)
                else:
                    rejected.append(RowError(row, header("application_no"),
                                             t("import.row.duplicate_in_db", number=number)))
                continue
            provider = known.get(ubn)
            if provider is None:
                known[ubn] = (None, company_key)
                out.providers.append((ubn, company, *(column[k] for column in provider_columns), "", "", self.now))
                out.provider_rows.append(row)
                refs.append(ubn)
            elif provider[1] != company_key:
                rejected.append(RowError(row, header("ubn"), describe(DuplicateProvider(ubn))))
                continue
            else:
                refs.append(ubn if provider[0] is None else provider[0])
            keep.append(k)
        if keep:
            columns = {name: _pick(parsed[name], keep) for name in _APPLICATION_FIELDS}
            batches, submitted = columns.pop("batch"), columns["submitted_at"]
            arrival = [status_on_arrival(b, s) for b, s in zip(batches, submitted)]
            columns["batch_id"] = [b.id for b in batches]
            columns["status"] = [status for status, _ in arrival]
            columns["status_reason"] = [reason for _, reason in arrival]
            out.applications = columns
            out.application_rows = [numbers[k] for k in keep]
            self.report.accepted.extend(out.application_rows)
        return out


# -- writing -------------------------------------------------------------------------


class _Writer:
    """Writes the decided chunks, in order, in the session's transaction: new providers,
    then the applications, each by executemany."""

    def __init__(self, session, now, last_provider_id: int) -> None:
        self.connection = session.connection()
        self.now, self.last_provider_id = now, last_provider_id
        self.provider_ids: dict[str, int] = {}
        self.provider_rows: list[int] = []
        self.application_rows: list[int] = []

    def put(self, batch: _ToWrite) -> None:
        connection = self.connection
        if batch.providers:
            insert_rows(connection, Provider.__table__, _PROVIDER_COLUMNS, batch.providers)
            new = connection.execute(select(Provider.ubn, Provider.id)
                                     .where(Provider.id > self.last_provider_id)).all()
            self.provider_ids.update(new)
            self.last_provider_id = max(pid for _, pid in new)
            self.provider_rows.extend(batch.provider_rows)
        if batch.application_rows:
            ids = self.provider_ids
            columns = dict(batch.applications)
            columns["provider_id"] = [ids[ref] if ref.__class__ is str else ref for ref in batch.provider_refs]
            insert_columns(connection, Application.__table__, columns,
                           same={"status_changed_at": self.now, "created_at": self.now})
            self.application_rows.extend(batch.application_rows)


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """2, 3, 4, 7 → [(2, 4), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _ranges(runs: Sequence[tuple[int, int]]) -> str:
    """[(2, 4), (7, 7)] → "2-4,7"."""
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in runs)


def _id_runs(connection, column, above: int) -> list[tuple[int, int]]:
    """The runs of consecutive ids above ``above`` in ``column``, found by the database
    (an id minus its rank is the same all along a run), not fetched one by one."""
    rank = (column - func.row_number().over(order_by=column)).label("run")
    ids = select(column.label("id"), rank).where(column > above).subquery()
    runs = select(func.min(ids.c.id), func.max(ids.c.id)).group_by(ids.c.run).order_by(func.min(ids.c.id))
    return [(low, high) for low, high in connection.execute(runs)]


def _audit(session, writer: _Writer, file_name: str, first_application_id: int) -> None:
    """One bulk entry per table written, naming the file, the rows and the ids made."""
    connection = session.connection()
    if writer.provider_rows:
        ids = _ranges(_runs(writer.provider_ids.values()))
        audit.record_bulk(session, Provider.__table__.name, len(writer.provider_rows),
                          f"{file_name} rows {_ranges(_runs(writer.provider_rows))} → provider id {ids}")
    if writer.application_rows:
        made = _ranges(_id_runs(connection, Application.id, first_application_id))
        audit.record_bulk(session, Application.__table__.name, len(writer.application_rows),
                          f"{file_name} rows {_ranges(_runs(writer.application_rows))} → application id {made}")


# -- the import ----------------------------------------------------------------------


class _Progress:
    def __init__(self, callback: Progress | None, total: int) -> None:
        self.callback, self.total, self.last = callback, max(total, 1), 0.0

    def __call__(self, done: int, force: bool = False) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_EVERY:
            self.last = now
            self.total = max(self.total, done)
            self.callback(done, self.total)

    def finish(self, done: int) -> None:
        """All rows read: the total was an estimate (blank rows count in it)."""
        if self.callback is not None:
            self.callback(done, max(done, 1))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the rows are checked and written, on again
    after, whatever happens. A bulk load makes no reference cycles; the collections its
    young objects set off only cost time (about 0.18 s of a 2.5 s import of 50,000 rows:
    benchmarks/import_applications.py --gc). gc is process-wide: for those seconds no
    one's cycles are collected; nothing else changes. (Not gc.freeze: unfreezing would
    undo the freeze the app makes once it has loaded.)"""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def import_applications(engine: Engine, actor, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import the applications in ``path`` (.xlsx or .csv). A problem with the file as a
    whole (unreadable, a required column missing) raises ImportFileError and nothing is
    imported; a bad row is reported and left out. ``progress(done, total)`` counts rows."""
    path = Path(path)
    with open_sheet(path, APPLICATIONS) as sheet:
        report = ImportReport(file=path.name, unknown_columns=list(sheet.unknown_columns))
        step = _Progress(progress, sheet.estimated_rows)
        step(0, force=True)
        done = 0
        with write_session(engine, actor, reason=f"import applications {path.name}") as session:
            stored = _load(session)
            first_application_id = session.connection().execute(select(func.max(Application.id))).scalar() or 0
            now = now_utc()
            matcher = _Matcher(stored, sheet, report, now)
            writer = _Writer(session, now, stored.last_provider_id)
            with _collector_paused():
                for chunk in sheet.chunks():
                    writer.put(matcher.match(chunk))
                    done += len(chunk.numbers)
                    step(done)
            _audit(session, writer, path.name, first_application_id)
    step.finish(done)
    report.rejected.sort(key=lambda error: error.row)
    return report
