"""Read one sheet of an import file against a column layout (TEMPLATES.md).

An import file is an .xlsx (first sheet, header in row 1; read with python-calamine) or
a UTF-8 / UTF-8-with-BOM .csv. Each kind of import declares its columns once as a
:class:`Layout`: field name, Chinese header, English alias, whether required, and any
further headers it answers to (a rubric criterion's code and label, say). Headers match
whatever their case, width (full-width letters) and spacing; column order is free.
Unknown columns are reported, a missing required column fails the whole file.

Whatever goes wrong with the file itself comes out as one :class:`ImportFileError` in
the interface language, never as a traceback.

Also here: :func:`insert_rows`, the bulk write every importer shares (Core executemany in
chunks, no ORM objects).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Table as SATable
from sqlalchemy import insert

from office_tui.errors import OfficeError

SUFFIXES = (".xlsx", ".csv")


class ImportFileError(OfficeError):
    """The file as a whole cannot be imported: nothing was."""


@dataclass(frozen=True)
class Column:
    """One column of an import layout."""

    field: str  # canonical name: the model attribute it fills
    header: str  # Chinese header, as the template writes it
    alias: str  # English alias
    required: bool = False  # the column must be there and every row must fill it
    also: tuple[str, ...] = ()  # further headers it answers to (criterion codes …)

    @property
    def help_key(self) -> str:
        return f"import.col.{self.field}"


def header_key(text: str) -> str:
    """How headers are compared: NFKC, case-folded, without spaces, ``_`` or ``-``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of import file (and of its empty template)."""

    kind: str
    columns: tuple[Column, ...]

    @cached_property
    def lookup(self) -> dict[str, str]:
        """header_key(any accepted header) → field."""
        found: dict[str, str] = {}
        for column in self.columns:
            for name in (column.header, column.alias, column.field, *column.also):
                key = header_key(name)
                if found.setdefault(key, column.field) != column.field:
                    raise ValueError(f"{self.kind}: header {name!r} names two columns")
        return found

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.field == name:
                return column
        raise KeyError(name)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


class Row(NamedTuple):
    """One data row: its spreadsheet row number (the header is row 1) and its cells
    keyed by field (a field whose column the file lacks is absent)."""

    number: int
    values: dict[str, Any]


@dataclass
class Table:
    """A sheet read against a layout. Cells are as the reader gave them (see
    importers.fields); completely empty rows are left out."""

    path: Path
    layout: Layout
    headers: dict[str, str]  # field → header text as the file has it
    positions: dict[str, int]  # field → column index
    unknown_columns: list[str]
    missing: list[str]  # required fields the file has no column for
    row_numbers: list[int] = field(default_factory=list)
    cells: list[list[Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row_numbers)

    def header(self, name: str) -> str:
        """The header of ``name`` as the file writes it (the template's when absent)."""
        return self.headers.get(name) or self.layout.column(name).header

    def column(self, name: str) -> list[Any]:
        """The cells of one field, aligned with :attr:`row_numbers` (None if absent)."""
        position = self.positions.get(name)
        if position is None:
            return [None] * len(self.cells)
        return [row[position] for row in self.cells]

    def rows(self) -> Iterator[Row]:
        fields = list(self.positions)
        indices = list(self.positions.values())
        for number, cells in zip(self.row_numbers, self.cells):
            yield Row(number, dict(zip(fields, (cells[i] for i in indices))))


# -- reading the file ----------------------------------------------------------------


def _failure(error: BaseException) -> bool:
    """A reader's failure on a bad file (pyo3 panics derive from BaseException)."""
    return not isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def _read_xlsx(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            # skip_empty_area=False keeps row 1 as row 1 even when it is blank.
            return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except PasswordError:
        raise ImportFileError("import.file.password", name=path.name) from None
    except BaseException as error:
        if not _failure(error):
            raise
        raise ImportFileError("import.file.unreadable_xlsx", name=path.name) from None


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise ImportFileError("import.file.not_utf8", name=path.name) from None
    except csv.Error:
        raise ImportFileError("import.file.unreadable_csv", name=path.name) from None
    width = max(map(len, rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return rows


def read_cells(path: str | Path) -> list[list[Any]]:
    """Every row of the file's first sheet, row 1 first; raises ImportFileError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError("import.file.unsupported", name=path.name)
    if not path.is_file():
        raise ImportFileError("import.file.not_found", path=str(path))
    try:
        return _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    except OSError as error:
        raise ImportFileError("import.file.os_error", name=path.name, detail=error.strerror or str(error)) from None


def _blank_row(row: list[Any]) -> bool:
    for value in row:
        if value.__class__ is str:
            if value and not value.isspace():
                return False
        elif value is not None:
            return False
    return True


def read_table(path: str | Path, layout: Layout, *, require: bool = True) -> Table:
    """Read ``path`` against ``layout``. With ``require`` (the default) a file that lacks
    a required column raises ImportFileError naming them: nothing is imported."""
    path = Path(path)
    cells = read_cells(path)
    if not cells or _blank_row(cells[0]):
        raise ImportFileError("import.file.no_header", name=path.name)
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    lookup = layout.lookup
    for index, value in enumerate(cells[0]):
        text = "" if value is None else str(value).strip()
        if not text:
            continue  # an unnamed column (often just formatting) is not data
        name = lookup.get(header_key(text))
        if name is None:
            unknown.append(text)
        elif name in headers:
            raise ImportFileError("import.file.duplicate_column", name=path.name,
                                  first=headers[name], second=text)
        else:
            headers[name], positions[name] = text, index
    missing = [c.field for c in layout.columns if c.required and c.field not in positions]
    if missing and require:
        raise ImportFileError("import.file.missing_columns", name=path.name,
                              columns="、".join(layout.column(name).header for name in missing))
    table = Table(path, layout, headers, positions, unknown, missing)
    numbers, kept = table.row_numbers, table.cells
    for number, row in enumerate(cells[1:], start=2):
        if not _blank_row(row):
            numbers.append(number)
            kept.append(row)
    return table


# -- writing rows --------------------------------------------------------------------

INSERT_CHUNK = 10_000


def _sqlite_utc(value: datetime | None) -> str | None:
    """What UTCDateTime binds on SQLite (naive UTC, microseconds), at C speed."""
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _binders(connection, table: SATable, columns: Sequence[str]) -> list[Callable | None]:
    from models.base import UTCDateTime

    dialect = connection.dialect
    binders: list[Callable | None] = []
    for name in columns:
        column_type = table.c[name].type
        if dialect.name == "sqlite" and isinstance(column_type, UTCDateTime):
            binders.append(_sqlite_utc)
        else:
            binders.append(column_type.dialect_impl(dialect).bind_processor(dialect))
    return binders


def execute_chunk(connection, statement, rows: list) -> None:
    """One executemany; a seam for tests that make a chunk fail."""
    if isinstance(statement, str):
        connection.exec_driver_sql(statement, rows)
    else:
        connection.execute(statement, rows)


def insert_rows(connection, table: SATable, columns: Sequence[str], rows: Sequence[tuple],
                on_chunk: Callable[[int], None] | None = None, chunk: int | None = None) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order) in chunks of executemany.

    On drivers with positional parameters the statement goes to the driver directly with
    the values bound the way the column types bind them (the per-row work of Core's
    executemany is most of an import's time otherwise); on others through Core.
    ``on_chunk(n)`` is called with the number of rows written after each chunk."""
    chunk = chunk or INSERT_CHUNK
    columns = list(columns)
    paramstyle = connection.dialect.paramstyle
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(paramstyle)
    binders = _binders(connection, table, columns)
    bound = [(i, binder) for i, binder in enumerate(binders) if binder is not None]
    quote = connection.dialect.identifier_preparer.quote
    if marker is not None:
        statement: Any = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                          f"VALUES ({', '.join([marker] * len(columns))})")
    else:
        statement = insert(table)
    done = 0
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        if marker is not None:
            if bound:
                part = [_bind(row, bound) for row in part]
        else:
            part = [dict(zip(columns, row)) for row in part]
        execute_chunk(connection, statement, part)
        done += len(part)
        if on_chunk is not None:
            on_chunk(done)


def _bind(row: tuple, bound: list[tuple[int, Callable]]) -> tuple:
    values = list(row)
    for index, binder in bound:
        values[index] = binder(values[index])
    return tuple(values)
