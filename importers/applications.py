"""Import 申請案 (solution applications) from the programme system's export (TEMPLATES.md
``applications``), row by row.

Every row is checked; the good ones go in together in one transaction, the others come
back with their row number, the column as the file names it and the reason in the
interface language. Importing the same file again changes nothing: rows already stored
with the same content come back as ``unchanged``.

Speed (50,000 rows): the sheet is read with python-calamine, each column is parsed once
per distinct value (batch, category, a provider's registration data repeat on every row),
the database is asked once per lookup (batches, providers by UBN, stored applications)
and the rows go in by Core executemany in chunks; no ORM object per row. Bulk inserts
bypass the ORM's per-row audit, so each table written gets one ``bulk`` audit entry naming
the file, its rows and the ids they became.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, select

from importers import fields as f
from importers.fields import FieldError
from importers.tabular import Column, Layout, Table, insert_rows, read_table
from models import Application, Batch, Provider, QualificationCheck
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
INTRO_MAX = 300
APPLICATION_NO_MAX = 32  # Application.application_no
PROGRESS_EVERY = 0.1  # seconds between progress reports (each one redraws the TUI's bar)
_TEXT_FIELDS = ("company_name", "website", "address", "owner_name", "contact_name", "contact_email",
                "contact_mobile", "solution_name", "renewal_offer", "video_url")
_PROVIDER_FIELDS = ("business_items", "registered_on", "paid_in_capital", "website", "address", "intro",
                    "capacity", "owner_name", "contact_name", "contact_email", "contact_mobile",
                    "top_qualified")
_APPLICATION_COLUMNS = ("application_no", "batch_id", "provider_id", "solution_name", "category", "price",
                        "term_months", "renewal_offer", "video_url", "video_seconds", "submitted_at", "status",
                        "status_reason", "status_changed_at", "created_at")
_PROVIDER_COLUMNS = ("ubn", "name", *_PROVIDER_FIELDS[:-1], "owner_title", "contact_phone", "top_qualified",
                     "created_at")
_CHECK_COLUMNS = ("provider_id", "condition", "outcome", "evidence", "recorded_by", "recorded_at")


@dataclass(frozen=True)
class RowError:
    """A refused row: its spreadsheet row number, the column as the file has it, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return t("import.row_error", row=self.row, column=self.column, reason=self.reason)

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did, by spreadsheet row number (the header is row 1)."""

    file: str = ""
    accepted: list[int] = field(default_factory=list)  # imported now
    unchanged: list[int] = field(default_factory=list)  # already stored exactly so
    rejected: list[RowError] = field(default_factory=list)  # one entry per problem found
    unknown_columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "accepted": list(self.accepted),
            "rejected": [error.to_json() for error in self.rejected],
            "unchanged": list(self.unchanged),
            "unknown_columns": list(self.unknown_columns),
        }

    def summary(self) -> str:
        rows = len({error.row for error in self.rejected})
        return t("import.summary", accepted=len(self.accepted), unchanged=len(self.unchanged), rejected=rows)


Progress = Callable[[int, int], None]


# -- cell rules ----------------------------------------------------------------------


def name_key(name: str) -> str:
    """Company names compare after width folding and with spaces collapsed:
    「甲乙資訊股份有限公司（台北）」 is 「甲乙資訊股份有限公司(台北)」."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def parse_ubn(value: Any) -> str:
    """An 8-digit UBN with a valid check digit (the rule since 2023-04-01). A number cell
    that lost its leading zero (4595257) gets it back."""
    if value.__class__ in (int, float) and not isinstance(value, bool) and value == int(value) \
            and 0 <= value < 100_000_000:
        text = f"{int(value):08d}"
    else:
        text = "".join(unicodedata.normalize("NFKC", f.to_text(value)).replace("-", "").split())
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise FieldError("import.field.ubn_format", value=f.shown(value))
    if not is_valid_ubn(text):
        raise FieldError("import.field.ubn_checksum", ubn=text)
    return text


def category_lookup() -> dict[str, str]:
    """Every way a category may be written → its code: the Chinese programme name (exact),
    the code and the English label (any case)."""
    zh, en = catalogue("zh_TW"), catalogue("en")
    found = {}
    for code in CATEGORIES:
        found[zh[f"category.{code}"]] = code
        found[code] = code
        found[en[f"category.{code}"].casefold()] = code
    return found


def _category_parser() -> Callable[[Any], str]:
    names = category_lookup()
    zh = catalogue("zh_TW")
    choices = "、".join(zh[f"category.{code}"] for code in CATEGORIES)

    def parse(value: Any) -> str:
        text = f.to_text(value)
        code = names.get(text) or names.get(unicodedata.normalize("NFKC", text).casefold())
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


def _batch_parser(batches: dict[int, Batch]) -> Callable[[Any], Batch]:
    def parse(value: Any) -> Batch:
        number = f.parse_int(value)
        batch = batches.get(number)
        if batch is None:
            raise FieldError("import.field.batch_unknown", number=number)
        return batch

    return parse


def _text(value: Any) -> str:
    return value.strip() if value.__class__ is str else f.to_text(value)


_REQUIRED = FieldError("import.field.required")
_MISSING = object()


def _parse_column(values: list, parse: Callable[[Any], Any], required: bool, default: Any,
                  repeats: bool) -> tuple[list, list[int]]:
    """Parse one column: (values, indices of the rows whose cell failed). A column whose
    values repeat is parsed once per distinct value."""
    out: list = []
    bad: list[int] = []
    append = out.append
    memo: dict = {}
    for index, value in enumerate(values):
        if repeats:
            key = (value.__class__, value)
            result = memo.get(key, _MISSING)
            if result is not _MISSING:
                append(result)
                if result.__class__ is FieldError:
                    bad.append(index)
                continue
        if value is None or (value.__class__ is str and (not value or value.isspace())):
            result = _REQUIRED if required else default
        else:
            try:
                result = parse(value)
            except FieldError as error:
                result = error
        if repeats:
            memo[key] = result
        append(result)
        if result.__class__ is FieldError:
            bad.append(index)
    return out, bad


# -- the import ----------------------------------------------------------------------


@dataclass
class _Stored:
    batches: dict[int, Batch]
    batch_numbers: dict[int, int]  # batch id → number
    providers: dict[str, tuple[int, str]]  # ubn → (id, name_key)
    applications: dict[str, tuple]  # application_no → signature (see _signature)


def _load(session) -> _Stored:
    connection = session.connection()
    batches = {b.number: b for b in session.scalars(select(Batch))}
    providers = {ubn: (pid, name_key(name)) for pid, ubn, name in
                 connection.execute(select(Provider.id, Provider.ubn, Provider.name))}
    stored = connection.execute(
        select(Application.application_no, Application.batch_id, Provider.ubn, Provider.name,
               Application.solution_name, Application.category, Application.price, Application.term_months,
               Application.renewal_offer, Application.video_url, Application.video_seconds,
               Application.submitted_at)
        .join(Provider, Application.provider_id == Provider.id))
    applications = {row[0]: (row[1], row[2], name_key(row[3]), *row[4:]) for row in stored}
    return _Stored(batches, {b.id: n for n, b in batches.items()}, providers, applications)


def _ranges(numbers: Sequence[int]) -> str:
    """2, 3, 4, 7 → "2-4,7"."""
    parts: list[str] = []
    start = previous = None
    for n in sorted(numbers):
        if previous is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            parts.append(f"{start}" if start == previous else f"{start}-{previous}")
        start = previous = n
    if start is not None:
        parts.append(f"{start}" if start == previous else f"{start}-{previous}")
    return ",".join(parts)


class _Progress:
    def __init__(self, callback: Progress | None) -> None:
        self.callback, self.last, self.total = callback, 0.0, 1

    def __call__(self, done: int, total: int | None = None, force: bool = False) -> None:
        if total is not None:
            self.total = max(total, 1)
        if self.callback is None:
            return
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_EVERY:
            self.last = now
            self.callback(min(done, self.total), self.total)


def import_applications(engine: Engine, actor, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import the applications in ``path`` (xlsx or csv). A problem with the file as a
    whole raises ImportFileError (nothing imported); a bad row is reported and skipped."""
    path = Path(path)
    table = read_table(path, APPLICATIONS)
    report = ImportReport(file=path.name, unknown_columns=list(table.unknown_columns))
    step = _Progress(progress)
    total_rows = len(table)
    step(0, 2 * total_rows, force=True)
    with write_session(engine, actor, reason=f"import applications {path.name}") as session:
        stored = _load(session)
        plan = _check(table, stored, report, step)
        step(total_rows, total_rows + len(plan.applications), force=True)
        if plan.applications:
            _write(session, plan, path.name, lambda n: step(total_rows + n))
    step(step.total, force=True)
    return report


@dataclass
class _Plan:
    providers: list[tuple] = field(default_factory=list)  # rows for the provider table
    provider_rows: list[int] = field(default_factory=list)  # their spreadsheet rows
    applications: list[list] = field(default_factory=list)  # provider_id may still be a UBN
    application_rows: list[int] = field(default_factory=list)


def _parsers(stored: _Stored) -> dict[str, tuple[Callable, bool, Any, bool]]:
    """field → (parse, required, default, repeats)."""
    required = {c.field for c in APPLICATIONS.columns if c.required}
    parsers: dict[str, tuple[Callable, bool, Any, bool]] = {name: (_text, name in required, "", name not in (
        "solution_name", "video_url")) for name in _TEXT_FIELDS}
    parsers.update({
        "batch": (_batch_parser(stored.batches), True, None, True),
        "application_no": (_application_no, True, "", False),
        "ubn": (parse_ubn, True, "", True),
        "business_items": (_business_items, True, "", True),
        "registered_on": (f.parse_date, False, None, True),
        "paid_in_capital": (f.parse_money, True, 0, True),
        "intro": (_intro, False, "", True),
        "capacity": (_capacity, False, "", True),
        "top_qualified": (f.parse_bool, False, False, True),
        "category": (_category_parser(), True, "", True),
        "price": (f.parse_money, True, 0, True),
        "term_months": (_term, True, 12, True),
        "video_seconds": (f.parse_seconds, False, None, True),
        "submitted_at": (f.parse_datetime, True, None, False),
    })
    return parsers


def _check(table: Table, stored: _Stored, report: ImportReport, step: _Progress) -> _Plan:
    n = len(table)
    parsers = _parsers(stored)
    columns: dict[str, list] = {}
    problems: dict[int, list[tuple[str, FieldError]]] = {}
    for name, (parse, required, default, repeats) in parsers.items():
        values, bad = _parse_column(table.column(name), parse, required, default, repeats)
        columns[name] = values
        for index in bad:
            problems.setdefault(index, []).append((name, values[index]))
    step(n // 2)

    numbers = table.row_numbers
    now = now_utc()
    plan = _Plan()
    seen: dict[str, int] = {}  # application_no → first row with it
    known = dict(stored.providers)  # ubn → (id or None for one new in this file, name_key)
    header = table.header
    rejected = report.rejected
    c = columns
    app_no_col, ubn_col, name_col, batch_col = c["application_no"], c["ubn"], c["company_name"], c["batch"]
    provider_cols = [c[name] for name in _PROVIDER_FIELDS]
    for i in range(n):
        if i % 2000 == 0:
            step(n // 2 + i // 2)
        row = numbers[i]
        application_no = app_no_col[i]
        if application_no.__class__ is str and application_no:
            first = seen.setdefault(application_no, row)
        else:
            first = row
        if i in problems:
            rejected.extend(RowError(row, header(name), describe(error)) for name, error in problems[i])
            continue
        if first != row:
            rejected.append(RowError(row, header("application_no"),
                                     t("import.row.duplicate_in_file", number=application_no, first=first)))
            continue
        ubn, company = ubn_col[i], name_col[i]
        company_key = name_key(company)
        batch = batch_col[i]
        submitted = c["submitted_at"][i]
        existing = stored.applications.get(application_no)
        if existing is not None:
            mine = (batch.id, ubn, company_key, c["solution_name"][i], c["category"][i], c["price"][i],
                    c["term_months"][i], c["renewal_offer"][i], c["video_url"][i], c["video_seconds"][i],
                    submitted)
            if mine == existing:
                report.unchanged.append(row)
            else:
                rejected.append(RowError(row, header("application_no"),
                                         t("import.row.duplicate_in_db", number=application_no)))
            continue
        provider = known.get(ubn)
        if provider is None:
            known[ubn] = (None, company_key)
            plan.providers.append((ubn, company, *(col[i] for col in provider_cols[:-1]), "", "",
                                   provider_cols[-1][i], now))
            plan.provider_rows.append(row)
            provider_id: Any = ubn
        elif provider[1] != company_key:
            rejected.append(RowError(row, header("ubn"), describe(DuplicateProvider(ubn))))
            continue
        else:
            provider_id = provider[0] if provider[0] is not None else ubn
        status, reason = status_on_arrival(batch, submitted)
        plan.applications.append([application_no, batch.id, provider_id, c["solution_name"][i], c["category"][i],
                                  c["price"][i], c["term_months"][i], c["renewal_offer"][i], c["video_url"][i],
                                  c["video_seconds"][i], submitted, status, reason, now, now])
        plan.application_rows.append(row)
    report.accepted = list(plan.application_rows)
    rejected.sort(key=lambda e: e.row)
    return plan


def _write(session, plan: _Plan, file_name: str, on_rows: Callable[[int], None]) -> None:
    connection = session.connection()
    provider_table, check_table = Provider.__table__, QualificationCheck.__table__
    application_table = Application.__table__
    if plan.providers:
        before = connection.execute(select(Provider.id).order_by(Provider.id.desc()).limit(1)).scalar() or 0
        insert_rows(connection, provider_table, _PROVIDER_COLUMNS, plan.providers)
        new_ids = dict(connection.execute(select(Provider.ubn, Provider.id).where(Provider.id > before)))
        checks = []
        now = plan.providers[0][-1]
        items_at = _PROVIDER_COLUMNS.index("business_items")
        capital_at = _PROVIDER_COLUMNS.index("paid_in_capital")
        for provider in plan.providers:
            provider_id = new_ids[provider[0]]
            computed = computed_conditions(SimpleNamespace(business_items=provider[items_at],
                                                           paid_in_capital=provider[capital_at]))
            for condition in CONDITIONS:
                if condition in computed:
                    met, evidence = computed[condition]
                    checks.append((provider_id, condition, "met" if met else "unmet", evidence, None, now))
                else:
                    checks.append((provider_id, condition, "unknown", "", None, now))
        insert_rows(connection, check_table, _CHECK_COLUMNS, checks)
        ids = sorted(new_ids.values())
        audit.record_bulk(session, provider_table.name, len(plan.providers),
                          f"{file_name} rows {_ranges(plan.provider_rows)} → provider id {_ranges(ids)}")
        audit.record_bulk(session, check_table.name, len(checks),
                          f"{file_name}: conditions 1-9 of provider id {_ranges(ids)}")
        for application in plan.applications:
            if application[2].__class__ is str:
                application[2] = new_ids[application[2]]
    before = connection.execute(select(Application.id).order_by(Application.id.desc()).limit(1)).scalar() or 0
    insert_rows(connection, application_table, _APPLICATION_COLUMNS, plan.applications, on_chunk=on_rows)
    ids = connection.execute(select(Application.id).where(Application.id > before)).scalars().all()
    audit.record_bulk(session, application_table.name, len(plan.applications),
                      f"{file_name} rows {_ranges(plan.application_rows)} → application id {_ranges(ids)}")
