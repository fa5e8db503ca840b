"""Import 申請案 (solution applications) from the programme system's export (TEMPLATES.md
``applications``), row by row.

Every row is checked; the good ones go in together, in one transaction, and the others
come back with their row number, the column as the file names it and the reason in the
interface language. Importing the same file again changes nothing: rows stored with the
same content come back as ``unchanged``.

Providers: one per UBN. A row whose UBN is registered (before, or earlier in the file)
under the same company name joins that provider; under another name it is refused with
the programme's own 「公司統編(帳號)：…，已申請過！」. A new provider gets its nine
qualification checks, conditions 1–2 computed from the row.

Speed (benchmarks/import_applications.py: 50,000 rows): the sheet is read with
python-calamine in chunks of columns, each column parsed once per distinct value (batch,
category and a provider's registration data repeat on every row of it), the database
asked once per lookup (batches, providers by UBN, stored applications), and the rows
written by executemany in chunks. No ORM object per row, so each table written gets one
``bulk`` audit entry naming the file, its rows and the ids they became.
"""

from __future__ import annotations

import gc
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, text

from importers import fields as f
from importers.fields import FieldError
from importers.tabular import Chunk, Column, Layout, Sheet, insert_columns, insert_rows, open_sheet
from models import Application, Batch, Provider, QualificationCheck
from models.base import UTCDateTime
from office_tui import audit
from office_tui.clock import now_utc
from office_tui.db import write_session
from office_tui.eligibility import CONDITIONS, MIN_TERM_MONTHS, computed_conditions
from office_tui.errors import describe
from office_tui.i18n import catalogue, t
from office_tui.intake import DuplicateProvider, status_on_arrival
from office_tui.programme import CATEGORIES
from office_tui.ubn import is_valid_ubn

APPLICATIONS = Layout("applications", (
    Column("batch", "批次", "batch", required=True),
    Column("application_no", "申請編號", "application_no", required=True),
    Column("company_name", "公司名稱", "company_name", required=True),
    Column("ubn", "公司統編", "ubn", required=True),
    Column("business_items", "營業項目", "business_items", required=True),
    Column("registered_on", "設立登記日期", "registered_on"),
    Column("paid_in_capital", "實收資本額", "paid_in_capital", required=True),
    Column("website", "公司官網", "website"),
    Column("address", "公司地址", "address"),
    Column("intro", "公司簡介", "intro"),
    Column("capacity", "可服務能量上限", "capacity"),
    Column("owner_name", "負責人姓名", "owner_name"),
    Column("contact_name", "聯絡人姓名", "contact_name"),
    Column("contact_email", "聯絡人Email", "contact_email"),
    Column("contact_mobile", "聯絡人手機", "contact_mobile"),
    Column("top_qualified", "攻頂合格", "top_qualified"),
    Column("solution_name", "方案名稱", "solution_name", required=True),
    Column("category", "方案類別", "category", required=True),
    Column("price", "方案價格", "price", required=True),
    Column("term_months", "契約月數", "term_months", required=True),
    Column("renewal_offer", "續約優惠", "renewal_offer"),
    Column("video_url", "影片連結", "video_url"),
    Column("video_seconds", "影片長度秒", "video_seconds"),
    Column("submitted_at", "送出時間", "submitted_at", required=True),
))

CAPACITIES = ("1~10", "11~100", "101~200", "201~300", "301~400", "401~500", "500以上")
INTRO_MAX = 300  # Provider.intro
APPLICATION_NO_MAX = 32  # Application.application_no
PROGRESS_EVERY = 0.1  # seconds between progress reports (each redraws the TUI's bar)

# Registration data a new provider is created from, in Provider column order.
_PROVIDER_FIELDS = ("business_items", "registered_on", "paid_in_capital", "website", "address", "intro",
                    "capacity", "owner_name", "contact_name", "contact_email", "contact_mobile", "top_qualified")
_PROVIDER_COLUMNS = ("ubn", "name", *_PROVIDER_FIELDS, "owner_title", "contact_phone", "created_at")
_APPLICATION_FIELDS = ("application_no", "batch", "solution_name", "category", "price", "term_months",
                       "renewal_offer", "video_url", "video_seconds", "submitted_at")
_CHECK_COLUMNS = ("provider_id", "condition", "outcome", "evidence", "recorded_by", "recorded_at")


@dataclass(frozen=True)
class RowError:
    """A problem that kept a row out: its spreadsheet row number, the column as the file
    heads it, and why (in the interface language)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return t("import.row_error", row=self.row, column=self.column, reason=self.reason)

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did, by spreadsheet row number (the header is row 1). A refused row
    has one RowError per problem found in it."""

    file: str = ""
    accepted: list[int] = field(default_factory=list)  # imported now
    unchanged: list[int] = field(default_factory=list)  # already stored exactly so
    rejected: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({error.row for error in self.rejected})

    def to_json(self) -> dict:
        return {
            "accepted": list(self.accepted),
            "rejected": [error.to_json() for error in self.rejected],
            "unchanged": list(self.unchanged),
            "unknown_columns": list(self.unknown_columns),
        }

    def summary(self) -> str:
        return t("import.summary", accepted=len(self.accepted), unchanged=len(self.unchanged),
                 rejected=len(self.rejected_rows))

    def lines(self) -> list[str]:
        """The report as staff read it: the summary, each problem, the unknown columns."""
        lines = [self.summary(), *(str(error) for error in self.rejected)]
        if self.unknown_columns:
            lines.append(t("import.unknown_columns", columns="、".join(self.unknown_columns)))
        return lines


Progress = Callable[[int, int], None]


# -- cells ---------------------------------------------------------------------------


def name_key(name: str) -> str:
    """Company names compare width-folded with spaces collapsed: 「甲乙資訊有限公司（台北）」
    is 「甲乙資訊有限公司(台北)」."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def parse_ubn(value: Any) -> str:
    """An 8-digit UBN with a valid check digit (the rule since 2023-04-01). A number cell
    that lost its leading zero (4595257) gets it back."""
    if value.__class__ is str and len(value) == 8 and value.isascii() and value.isdigit():
        text = value
    elif value.__class__ in (int, float) and value == int(value) and 0 <= value < 100_000_000:
        text = f"{int(value):08d}"
    else:
        text = "".join(unicodedata.normalize("NFKC", f.to_text(value)).replace("-", "").split())
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise FieldError("import.field.ubn_format", value=f.shown(value))
    if not is_valid_ubn(text):
        raise FieldError("import.field.ubn_checksum", ubn=text)
    return text


def category_names() -> dict[str, str]:
    """How a category may be written → its code: the Chinese programme name exactly as
    DOMAIN.md has it, the code, or the English label (any case)."""
    zh, en = catalogue("zh_TW"), catalogue("en")
    names = {}
    for code in CATEGORIES:
        names[zh[f"category.{code}"]] = code
        names[code] = code
        names[en[f"category.{code}"].casefold()] = code
    return names


def _category_parser() -> Callable[[Any], str]:
    names = category_names()
    choices = "、".join(catalogue("zh_TW")[f"category.{code}"] for code in CATEGORIES)

    def parse(value: Any) -> str:
        text = f.to_text(value)
        code = names.get(text) or names.get(" ".join(text.split()).casefold())
        if code is None:
            raise FieldError("import.field.category", value=f.shown(value), choices=choices)
        return code

    return parse


def _capacity(value: Any) -> str:
    text = "".join(unicodedata.normalize("NFKC", f.to_text(value)).split())
    for dash in ("-", "〜", "–", "—", "至"):
        text = text.replace(dash, "~")
    if text not in CAPACITIES:
        raise FieldError("import.field.capacity", value=f.shown(value), choices="、".join(CAPACITIES))
    return text


_ITEM_CODE = re.compile(r"[A-Z][0-9]{6}")


def _business_items(value: Any) -> str:
    # Codes may come with their names ("I301010 資訊軟體服務業"); the codes are what count.
    codes = _ITEM_CODE.findall(unicodedata.normalize("NFKC", f.to_text(value)).upper())
    if not codes:
        raise FieldError("import.field.business_items", value=f.shown(value))
    return ",".join(dict.fromkeys(codes))


def _term(value: Any) -> int:
    months = f.parse_int(value)
    if months < MIN_TERM_MONTHS:
        raise FieldError("import.field.term_short", months=months, minimum=MIN_TERM_MONTHS)
    return months


def _intro(value: Any) -> str:
    text = f.to_text(value)
    if len(text) > INTRO_MAX:
        raise FieldError("import.field.intro_long", length=len(text), limit=INTRO_MAX)
    return text


def _application_no(value: Any) -> str:
    text = f.to_text(value)
    if len(text) > APPLICATION_NO_MAX:
        raise FieldError("import.field.too_long", length=len(text), limit=APPLICATION_NO_MAX)
    return text


def _batch_parser(batches: dict[int, SimpleNamespace]) -> Callable[[Any], SimpleNamespace]:
    def parse(value: Any) -> SimpleNamespace:
        number = f.parse_int(value)
        batch = batches.get(number)
        if batch is None:
            raise FieldError("import.field.batch_unknown", number=number)
        return batch

    return parse


def _text(value: Any) -> str:
    return value.strip() if value.__class__ is str else f.to_text(value)


_REQUIRED = FieldError("import.field.required")
_NEW = object()


class _ColumnParser:
    """One column's rule: parse, required, the value of a blank optional cell; with
    ``repeats`` each distinct cell value is parsed once for the whole file."""

    def __init__(self, parse: Callable[[Any], Any], required: bool, default: Any, repeats: bool = True) -> None:
        self.parse, self.required, self.default = parse, required, default
        self.memo: dict | None = {} if repeats else None

    def one(self, value: Any) -> Any:
        """The parsed value, or the FieldError (returned, not raised)."""
        if value is None or (value.__class__ is str and (not value or value.isspace())):
            return _REQUIRED if self.required else self.default
        try:
            return self.parse(value)
        except FieldError as error:
            return error

    def column(self, values: Sequence[Any]) -> tuple[list, list[int]]:
        """(parsed values, positions of the cells that failed)."""
        if self.parse is _text and set(map(type, values)) == {str}:
            # Plain text: stripping is all there is to it, done at C speed.
            out = list(map(str.strip, values))
            if "" not in out:
                return out, []
            if self.required:
                return ([_REQUIRED if v == "" else v for v in out], [i for i, v in enumerate(out) if v == ""])
            return out, []
        memo = self.memo
        if memo is not None:
            distinct = dict.fromkeys(values)
            # True == 1 and False == 0 as dict keys: a column holding xlsx booleans next
            # to numbers is parsed cell by cell, and booleans never enter the memo.
            if not ((1 in distinct or 0 in distinct) and bool in set(map(type, values))):
                failed = False
                for value in distinct:
                    result = memo.get(value, _NEW)
                    if result is _NEW:
                        result = memo[value] = self.one(value)
                    failed = failed or result.__class__ is FieldError
                out = list(map(memo.__getitem__, values))
                return out, ([i for i, r in enumerate(out) if r.__class__ is FieldError] if failed else [])
        out = list(map(self.one, values))
        return out, [i for i, r in enumerate(out) if r.__class__ is FieldError]


# -- checking rows -------------------------------------------------------------------


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


@dataclass
class _Checked:
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


class _Checker:
    """Checks the file chunk by chunk; what it has seen (application numbers, providers)
    carries over from one chunk to the next."""

    def __init__(self, stored: _Stored, sheet: Sheet, report: ImportReport, now) -> None:
        self.stored, self.header, self.report, self.now = stored, sheet.header, report, now
        required = {c.field for c in APPLICATIONS.columns if c.required}
        self.parsers = {name: _ColumnParser(_text, name in required, "") for name in (
            "company_name", "website", "address", "owner_name", "contact_name", "contact_email", "contact_mobile",
            "solution_name", "renewal_offer")}
        self.parsers.update({
            "batch": _ColumnParser(_batch_parser(stored.batches), True, None),
            "application_no": _ColumnParser(_application_no, True, "", repeats=False),
            "ubn": _ColumnParser(parse_ubn, True, ""),
            "business_items": _ColumnParser(_business_items, True, ""),
            "registered_on": _ColumnParser(f.parse_date, False, None),
            "paid_in_capital": _ColumnParser(f.parse_money, True, 0),
            "intro": _ColumnParser(_intro, False, ""),
            "capacity": _ColumnParser(_capacity, False, ""),
            "top_qualified": _ColumnParser(f.parse_bool, False, False),
            "category": _ColumnParser(_category_parser(), True, ""),
            "price": _ColumnParser(f.parse_money, True, 0),
            "term_months": _ColumnParser(_term, True, MIN_TERM_MONTHS),
            "video_url": _ColumnParser(_text, False, "", repeats=False),
            "video_seconds": _ColumnParser(f.parse_seconds, False, None),
            "submitted_at": _ColumnParser(f.parse_datetime, True, None, repeats=False),
        })
        self.seen: dict[str, int] = {}  # application_no → the first row that has it
        self.known: dict[str, tuple[int | None, str]] = dict(stored.providers)  # + new: (None, name_key)
        self.name_keys: dict[str, str] = {}

    def check(self, chunk: Chunk) -> _Checked:
        numbers = chunk.numbers
        parsed: dict[str, list] = {}
        problems: dict[int, list[tuple[str, FieldError]]] = {}
        for name, parser in self.parsers.items():
            values, bad = parser.column(chunk.columns[name])
            parsed[name] = values
            for k in bad:
                problems.setdefault(k, []).append((name, values[k]))
        keys = self.name_keys
        for company in dict.fromkeys(parsed["company_name"]):
            if company.__class__ is str and company not in keys:
                keys[company] = name_key(company)

        out = _Checked()
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
                rejected.extend(RowError(row, header(name), describe(error)) for name, error in problems[k])
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


_OPEN_CONDITIONS = tuple(c for c in CONDITIONS if c not in (1, 2))


class _Writer:
    """Writes the checked chunks, in order, in the session's transaction: new providers
    and their conditions 1–2 by executemany, conditions 3–9 by one INSERT … SELECT (no
    row of them passes through Python), the applications by executemany."""

    def __init__(self, session, now, last_provider_id: int) -> None:
        self.connection = session.connection()
        self.now, self.last_provider_id = now, last_provider_id
        self.provider_ids: dict[str, int] = {}
        self.provider_rows: list[int] = []
        self.application_rows: list[int] = []
        self.checks = 0
        conditions = " UNION ALL ".join(f"SELECT {c} AS n" for c in _OPEN_CONDITIONS)
        self.open_checks = text(
            "INSERT INTO qualificationcheck (provider_id, condition, outcome, evidence, recorded_by, recorded_at) "
            f"SELECT p.id, c.n, 'unknown', '', NULL, :now FROM provider p CROSS JOIN ({conditions}) c "
            "WHERE p.id > :low AND p.id <= :high ORDER BY p.id, c.n"
        ).bindparams(bindparam("now", type_=UTCDateTime()))

    def put(self, batch: _Checked) -> None:
        connection = self.connection
        if batch.providers:
            low = self.last_provider_id
            insert_rows(connection, Provider.__table__, _PROVIDER_COLUMNS, batch.providers)
            new = connection.execute(select(Provider.ubn, Provider.id).where(Provider.id > low)).all()
            self.provider_ids.update(new)
            high = self.last_provider_id = max(pid for _, pid in new)
            self.provider_rows.extend(batch.provider_rows)
            computed = _computed_checks(batch.providers, self.provider_ids, self.now)
            insert_rows(connection, QualificationCheck.__table__, _CHECK_COLUMNS, computed)
            connection.execute(self.open_checks, {"now": self.now, "low": low, "high": high})
            self.checks += len(computed) + len(new) * len(_OPEN_CONDITIONS)
        if batch.application_rows:
            ids = self.provider_ids
            columns = dict(batch.applications)
            columns["provider_id"] = [ids[ref] if ref.__class__ is str else ref for ref in batch.provider_refs]
            insert_columns(connection, Application.__table__, columns,
                           same={"status_changed_at": self.now, "created_at": self.now})
            self.application_rows.extend(batch.application_rows)


_ITEMS_AT = _PROVIDER_COLUMNS.index("business_items")
_CAPITAL_AT = _PROVIDER_COLUMNS.index("paid_in_capital")


def _computed_checks(providers: list[tuple], ids: dict[str, int], now) -> list[tuple]:
    """The QualificationCheck rows of conditions 1–2 of each new provider, computed as
    office_tui.eligibility.refresh_computed_checks computes them (3–9 start unknown)."""
    rows = []
    for provider in providers:
        provider_id = ids[provider[0]]
        computed = computed_conditions(SimpleNamespace(business_items=provider[_ITEMS_AT],
                                                       paid_in_capital=provider[_CAPITAL_AT]))
        for condition, (met, evidence) in sorted(computed.items()):
            rows.append((provider_id, condition, "met" if met else "unmet", evidence, None, now))
    return rows


def _ranges(numbers: Sequence[int]) -> str:
    """2, 3, 4, 7 → "2-4,7"."""
    parts: list[str] = []
    start = previous = None
    for n in sorted(numbers):
        if previous is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = n
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}-{previous}")
    return ",".join(parts)


def _audit(session, writer: _Writer, file_name: str, first_application_id: int) -> None:
    """One bulk entry per table written, naming the file, the rows and the ids made."""
    connection = session.connection()
    if writer.provider_rows:
        ids = _ranges(sorted(writer.provider_ids.values()))
        audit.record_bulk(session, Provider.__table__.name, len(writer.provider_rows),
                          f"{file_name} rows {_ranges(writer.provider_rows)} → provider id {ids}")
        audit.record_bulk(session, QualificationCheck.__table__.name, writer.checks,
                          f"{file_name}: conditions 1-9 of new provider id {ids}")
    if writer.application_rows:
        made = connection.execute(select(Application.id).where(Application.id > first_application_id)).scalars().all()
        audit.record_bulk(session, Application.__table__.name, len(writer.application_rows),
                          f"{file_name} rows {_ranges(writer.application_rows)} → application id {_ranges(made)}")


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


def import_applications(engine: Engine, actor, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import the applications in ``path`` (.xlsx or .csv). A problem with the file as a
    whole (unreadable, a required column missing) raises ImportFileError and nothing is
    imported; a bad row is reported and left out. ``progress(done, total)`` counts rows."""
    path = Path(path)
    collecting = gc.isenabled()
    gc.disable()  # a bulk load makes no reference cycles; collecting over its objects only costs time
    try:
        return _import(engine, actor, path, progress)
    finally:
        if collecting:
            gc.enable()


def _import(engine: Engine, actor, path: Path, progress: Progress | None) -> ImportReport:
    with open_sheet(path, APPLICATIONS) as sheet:
        report = ImportReport(file=path.name, unknown_columns=list(sheet.unknown_columns))
        step = _Progress(progress, sheet.estimated_rows)
        step(0, force=True)
        done = 0
        with write_session(engine, actor, reason=f"import applications {path.name}") as session:
            stored = _load(session)
            first_application_id = session.connection().execute(select(func.max(Application.id))).scalar() or 0
            now = now_utc()
            checker = _Checker(stored, sheet, report, now)
            writer = _Writer(session, now, stored.last_provider_id)
            for chunk in sheet.chunks():
                writer.put(checker.check(chunk))
                done += len(chunk.numbers)
                step(done)
            _audit(session, writer, path.name, first_application_id)
    step.finish(done)
    report.rejected.sort(key=lambda error: error.row)
    return report
