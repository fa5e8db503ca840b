"""The rules of an applications row (docs/import-layouts.md, ``applications``): each cell checked
into the value it stands for, or into a :class:`RowError` naming the row, the column as
the file heads it and why.

The cells are checked a chunk of rows at a time, column by column (:class:`ColumnRule`):
a column whose values repeat (batch, category, a provider's registration data on every
row of it) has each distinct value parsed once for the whole file. What a row means
beyond its own cells (a number seen before, a provider registered under another name)
is for :mod:`importers.applications` to say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from importers import fields as f
from importers.fields import FieldError
from models.clock import OFFICE_TZ
from office_tui.layouts import APPLICATIONS
from importers.report import RowError
from importers.tabular import Chunk
from office_tui.intake.eligibility import MIN_TERM_MONTHS
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.errors import describe
from office_tui.core.dates import format_date
from office_tui.core.i18n import catalogue, t
from office_tui.core.programme import CATEGORIES
from office_tui.core.ubn import is_valid_ubn

CAPACITIES = ("1~10", "11~100", "101~200", "201~300", "301~400", "401~500", "500以上")
INTRO_MAX = 300  # Provider.intro
APPLICATION_NO_MAX = 32  # Application.application_no


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
    docs/rules/intake.md has it, the code, or the English label (any case)."""
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
    text = f.free_text(value)
    if len(text) > INTRO_MAX:
        raise FieldError("import.field.intro_long", length=len(text), limit=INTRO_MAX)
    return text


def _application_no(value: Any) -> str:
    text = normalise_application_no(f.line_text(value))
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
    """A one-line cell: a control character in it is refused (fields.line_text)."""
    return f.line_text(value)


def _free(value: Any) -> str:
    """Free text: tabs and line breaks kept, other control characters dropped."""
    return f.free_text(value)


_REQUIRED = FieldError("import.field.required")
_NEW = object()


class ColumnRule:
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
        if (self.parse is _text or self.parse is _free) and set(map(type, values)) == {str}:
            # Plain text: stripping is all there is to it, done at C speed (a chunk with a
            # control character inside a cell goes cell by cell, below).
            out = list(map(str.strip, values))
            if not f.has_control("".join(out)):
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


@dataclass
class CheckedCells:
    """A chunk's cells checked: ``values[field][k]`` is the value of the chunk's k-th row
    (a FieldError where that cell failed), ``errors[k]`` the RowErrors of a row that has
    any, in column order."""

    values: dict[str, list]
    errors: dict[int, list[RowError]]


class ApplicationRows:
    """The cells of an applications file, checked chunk by chunk against the batches
    there are. ``header(field)`` is the column's header as the file writes it."""

    def __init__(self, batches: dict[int, SimpleNamespace], header: Callable[[str], str]) -> None:
        from models.clock import office_today

        self.header = header
        today = office_today()  # a submission or a registration after it has not happened
        required = {c.field for c in APPLICATIONS.columns if c.required}
        self.rules = {name: ColumnRule(_text, name in required, "") for name in (
            "company_name", "website", "address", "owner_name", "contact_name", "contact_email", "contact_mobile",
            "solution_name")}
        self.rules["renewal_offer"] = ColumnRule(_free, "renewal_offer" in required, "")
        self.rules.update({
            "batch": ColumnRule(_batch_parser(batches), True, None),
            "application_no": ColumnRule(_application_no, True, "", repeats=False),
            "ubn": ColumnRule(parse_ubn, True, ""),
            "business_items": ColumnRule(_business_items, True, ""),
            "registered_on": ColumnRule(f.happened(f.parse_date, "event.registered", today), False, None),
            "paid_in_capital": ColumnRule(f.parse_money, True, 0),
            "intro": ColumnRule(_intro, False, ""),
            "capacity": ColumnRule(_capacity, False, ""),
            "top_qualified": ColumnRule(f.parse_bool, False, False),
            "category": ColumnRule(_category_parser(), True, ""),
            "price": ColumnRule(f.parse_money, True, 0),
            "term_months": ColumnRule(_term, True, MIN_TERM_MONTHS),
            "video_url": ColumnRule(_text, False, "", repeats=False),
            "video_seconds": ColumnRule(f.parse_seconds, False, None),
            "submitted_at": ColumnRule(f.happened(f.parse_datetime, "event.submitted", today), True, None,
                                       repeats=False),
        })

    def check(self, chunk: Chunk) -> CheckedCells:
        values: dict[str, list] = {}
        failed: dict[int, list[str]] = {}
        for name, rule in self.rules.items():
            values[name], bad = rule.column(chunk.columns[name])
            for k in bad:
                failed.setdefault(k, []).append(name)
        header, numbers = self.header, chunk.numbers
        errors = {k: [RowError(numbers[k], header(name), describe(values[name][k])) for name in names]
                  for k, names in failed.items()}
        # A company registered after it submitted: the date is wrong (and would make it
        # look under a year old, let off with its 401).
        for k, (registered, submitted) in enumerate(zip(values["registered_on"], values["submitted_at"])):
            if registered.__class__ is date and submitted.__class__ is datetime:
                submitted_on = submitted.astimezone(OFFICE_TZ).date()
                if registered > submitted_on:
                    errors.setdefault(k, []).append(RowError(numbers[k], header("registered_on"), t(
                        "import.row.registered_after_submission", registered=format_date(registered),
                        submitted=format_date(submitted_on))))
        return CheckedCells(values, errors)
