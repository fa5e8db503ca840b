"""Read one sheet of an import file against a column layout (docs/import-layouts.md).

An import file is an .xlsx (first sheet, header in row 1; read with python-calamine) or
a .csv (also gzip-compressed, .csv.gz) in UTF-8, UTF-8 with BOM, UTF-16 with BOM or Big5
(cp950), told apart by importers.text_encoding. Each kind of import declares its columns once as a
:class:`~office_tui.layouts.Layout`: field name, Chinese header, English alias, whether required, and any
further headers it answers to (a rubric criterion's code and label, say). Headers match
whatever their case, width (full-width letters) and spacing; column order is free.
Unknown columns are reported, a missing required column fails the whole file.

:func:`open_sheet` reads and maps the header; the data rows are then read as they are
asked for, once: as dicts (:meth:`Sheet.rows`) or, for big files, as chunks of columns
(:meth:`Sheet.chunks`). A csv is streamed, so a log of millions of rows never sits in
memory whole. Whatever goes wrong with the file itself comes out as one
:class:`ImportFileError` in the interface language, never as a traceback.

The layouts themselves (:class:`~office_tui.layouts.Layout`, one per kind of file) are in
:mod:`office_tui.layouts`.

Also here: :func:`insert_rows` / :func:`insert_columns`, the bulk write every importer
shares (executemany in chunks, no ORM objects; the caller records the ``bulk`` audit
entry).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from itertools import islice, repeat
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Table as SATable
from sqlalchemy import insert

from importers.report import ImportFileError
from importers.text_encoding import TextSource
from office_tui.layouts import Layout, header_key

SUFFIXES = (".xlsx", ".csv", ".csv.gz")
CHUNK_ROWS = 4096

__all__ = ["Chunk", "ImportFileError", "Row", "Sheet", "open_sheet", "insert_rows", "insert_columns", "suffix_of"]


class Row(NamedTuple):
    """One data row: its spreadsheet row number (the header is row 1) and its cells
    keyed by field (a field whose column the file lacks is absent)."""

    number: int
    values: dict[str, Any]


class Chunk(NamedTuple):
    """Consecutive data rows as columns: ``columns[field][k]`` is the cell of the row
    numbered ``numbers[k]``; a field whose column the file lacks is all None."""

    numbers: list[int]
    columns: dict[str, Sequence[Any]]


def _blank(row: Sequence[Any]) -> bool:
    for value in row:
        if value.__class__ is str:
            if value and not value.isspace():
                return False
        elif value is not None:
            return False
    return True


class Sheet:
    """An import file opened against a layout: header read and mapped, data rows read
    as they are asked for (once). Cells are as the reader gave them (importers.fields
    reads them); completely empty rows are left out, row numbers are the sheet's."""

    def __init__(self, path: Path, layout: Layout, header: Sequence[Any], rows: Iterator[Sequence[Any]],
                 estimated_rows: int, close: Callable[[], None] = lambda: None) -> None:
        self.path, self.layout = path, layout
        self.headers: dict[str, str] = {}  # field → header text as the file has it
        self.positions: dict[str, int] = {}  # field → column index
        self.unknown_columns: list[str] = []
        self.estimated_rows = estimated_rows  # data rows, at most (blank ones included)
        self._rows, self._close = rows, close
        lookup = layout.lookup
        for index, value in enumerate(header):
            text = "" if value is None else str(value).strip()
            if not text:
                continue  # an unnamed column (often just formatting) holds no data we know
            name = lookup.get(header_key(text))
            if name is None:
                self.unknown_columns.append(text)
            elif name in self.headers:
                raise ImportFileError("import.file.duplicate_column", name=path.name,
                                      first=self.headers[name], second=text)
            else:
                self.headers[name], self.positions[name] = text, index
        self.width = len(header)
        self.missing = [c.field for c in layout.columns if c.required and c.field not in self.positions]

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        close, self._close = self._close, lambda: None
        close()

    def header(self, name: str) -> str:
        """The header of ``name`` as the file writes it (the template's when absent)."""
        return self.headers.get(name) or self.layout.column(name).header

    def _blocks(self, size: int) -> Iterator[tuple[int, list[Sequence[Any]]]]:
        """(row number of the first, rows) ``size`` rows at a time, blank ones included."""
        number = 2
        try:
            while True:
                block = list(islice(self._rows, size))
                if not block:
                    return
                yield number, block
                number += len(block)
        except csv.Error:
            raise ImportFileError("import.file.unreadable_csv", name=self.path.name) from None
        finally:
            self.close()

    def rows(self) -> Iterator[Row]:
        """The data rows as dicts keyed by field, with their row numbers."""
        picked = list(self.positions.items())
        for first, block in self._blocks(1024):
            for number, row in enumerate(block, start=first):
                if not _blank(row):
                    width = len(row)
                    yield Row(number, {name: row[i] if i < width else None for name, i in picked})

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[Chunk]:
        """The data rows about ``size`` at a time, as columns (transposed at C speed)."""
        width = self.width
        for first, block in self._blocks(size):
            numbers = range(first, first + len(block))
            # any() is C; a row it finds empty, or whose first cell is blank text, is
            # looked at closely (cells of only spaces count as empty).
            blank = [k for k, row in enumerate(block)
                     if not any(row) or (row[0].__class__ is str and (not row[0] or row[0].isspace())
                                         and _blank(row))]
            if blank:
                gone = set(k for k in blank if _blank(block[k]))
                numbers = [n for k, n in enumerate(numbers) if k not in gone]
                block = [row for k, row in enumerate(block) if k not in gone]
                if not block:
                    continue
            if any(len(row) != width for row in block):  # csv rows shorter or longer than the header
                block = [(list(row) + [None] * width)[:width] for row in block]
            yield self._chunk(list(numbers), block)

    def _chunk(self, numbers: list[int], block: list[Sequence[Any]]) -> Chunk:
        transposed = list(zip(*block))
        empty = [None] * len(numbers)
        return Chunk(numbers, {c.field: transposed[self.positions[c.field]] if c.field in self.positions else empty
                               for c in self.layout.columns})


# -- opening the file ----------------------------------------------------------------


def _failure(error: BaseException) -> bool:
    """A reader's failure on a bad file (pyo3 panics derive from BaseException)."""
    return not isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def _open_xlsx(path: Path) -> tuple[Iterator[Sequence[Any]], int, Callable[[], None]]:
    from python_calamine import CalamineWorkbook, PasswordError

    from importers.limits import xlsx_problem

    problem = xlsx_problem(path)  # a decompression bomb never reaches the reader
    if problem is not None:
        raise ImportFileError(problem.key, **problem.params)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)  # parses the sheet (without holding the GIL)
        # iter_rows starts at row 1 even when the used area starts lower, so row numbers
        # are the sheet's (leading empty columns are left out, which changes nothing).
        rows = sheet.iter_rows()
        height = sheet.end[0] + 1 if sheet.end else 0
    except PasswordError:
        raise ImportFileError("import.file.password", name=path.name) from None
    except BaseException as error:
        if not _failure(error):
            raise
        raise ImportFileError("import.file.unreadable_xlsx", name=path.name) from None
    return rows, height, workbook.close


def _open_csv(path: Path) -> tuple[Iterator[Sequence[Any]], int, Callable[[], None]]:
    from importers.text_encoding import open_binary

    raw, handle = open_binary(path)
    try:  # an estimate of the rows, for progress: line ends counted whatever the encoding
        lines = sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b""))
    except (OSError, EOFError):
        lines = 0  # a damaged .gz: reading it again says so
    finally:
        raw.close()
        handle.close()
    source = TextSource(path)
    return csv.reader(source.lines()), lines + 1, source.close


def suffix_of(path: Path) -> str:
    """The file's kind by its name: ".xlsx", ".csv", ".csv.gz" (lower case), or its
    last suffix when it is none of those."""
    name = path.name.lower()
    return ".csv.gz" if name.endswith(".csv.gz") else path.suffix.lower()


def open_sheet(path: str | Path, layout: Layout, *, require: bool = True) -> Sheet:
    """Open ``path`` and map its header to ``layout``. With ``require`` (the default) a
    file that lacks a required column raises ImportFileError naming them."""
    path = Path(path)
    suffix = suffix_of(path)
    if suffix not in SUFFIXES:
        raise ImportFileError("import.file.unsupported", name=path.name)
    if not path.is_file():
        raise ImportFileError("import.file.not_found", path=str(path))
    try:
        rows, estimated, close = _open_xlsx(path) if suffix == ".xlsx" else _open_csv(path)
    except OSError as error:
        raise ImportFileError("import.file.os_error", name=path.name, detail=error.strerror or str(error)) from None
    try:
        header = next(rows, None)
    except ImportFileError:
        close()
        raise
    except csv.Error:
        close()
        raise ImportFileError("import.file.unreadable_csv", name=path.name) from None
    if header is None or _blank(header):
        close()
        raise ImportFileError("import.file.no_header", name=path.name)
    try:
        sheet = Sheet(path, layout, header, rows, max(estimated - 1, 0), close)
    except ImportFileError:
        close()
        raise
    if sheet.missing and require:
        sheet.close()
        raise ImportFileError("import.file.missing_columns", name=path.name,
                              columns="、".join(layout.column(name).header for name in sheet.missing))
    return sheet


# -- writing rows --------------------------------------------------------------------

INSERT_CHUNK = 10_000


def _sqlite_utc(value: datetime | None) -> str | None:
    """What UTCDateTime binds on SQLite (naive UTC with microseconds), at C speed."""
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        if value.tzinfo is None:
            return value.isoformat(" ", "microseconds")  # naive means UTC (as UTCDateTime has it)
        value = value.astimezone(timezone.utc)
    return value.isoformat(" ", "microseconds")[:-6]  # without "+00:00"


def column_binder(dialect, column) -> Callable[[Any], Any] | None:
    """How the driver is handed a value of ``column`` (None: as it is)."""
    from models.base import UTCDateTime

    if dialect.name == "sqlite" and isinstance(column.type, UTCDateTime):
        return _sqlite_utc
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def execute_chunk(connection, statement, rows: list) -> None:
    """One executemany: a seam for tests that make a chunk fail."""
    if isinstance(statement, str):
        connection.exec_driver_sql(statement, rows)
    else:
        connection.execute(statement, rows)


def insert_rows(connection, table: SATable, columns: Sequence[str], rows: Sequence[tuple],
                chunk: int | None = None) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order) by executemany, ``chunk`` at a time."""
    if rows:
        values = list(zip(*rows))
        insert_columns(connection, table, dict(zip(columns, values)), chunk=chunk)


def insert_columns(connection, table: SATable, columns: Mapping[str, Sequence[Any]],
                   same: Mapping[str, Any] | None = None, chunk: int | None = None) -> None:
    """INSERT rows given as columns (``columns[name][k]`` is row k's value; ``same``: a
    value for every row) by executemany, ``chunk`` rows at a time.

    On drivers with positional parameters the statement goes to the driver directly, each
    distinct value bound once the way its column type binds it (Core's per-row work would
    be most of an import's time otherwise); on others it goes through Core."""
    same = dict(same or {})
    names = [*columns, *same]
    count = len(next(iter(columns.values()))) if columns else 0
    if not count:
        return
    chunk = chunk or INSERT_CHUNK
    dialect = connection.dialect
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
    if marker is None:
        statement: Any = insert(table)
        data = [columns[name] if name in columns else repeat(same[name], count) for name in names]
        prepared: Sequence = [dict(zip(names, row)) for row in zip(*data)]
    else:
        quote = dialect.identifier_preparer.quote
        statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
                     f"VALUES ({', '.join([marker] * len(names))})")
        data = []
        for name in names:
            binder = column_binder(dialect, table.c[name])
            if name in same:
                value = same[name]
                data.append(repeat(binder(value) if binder else value, count))
            elif binder is None:
                data.append(columns[name])
            else:
                bound = {value: binder(value) for value in dict.fromkeys(columns[name])}
                data.append(map(bound.__getitem__, columns[name]))
        prepared = list(zip(*data))
    for start in range(0, len(prepared), chunk):
        execute_chunk(connection, statement, list(prepared[start:start + chunk]))

