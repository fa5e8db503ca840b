"""Counting a system log's events per store per Asia/Taipei day as the file is read
(importers.usage; docs/rules/usage.md).

:class:`Tally` keeps, per store, an array of daily counts (-1 where the file has given
no figure), so its memory is a few bytes per store-day, whatever the number of rows.
Each distinct UBN text and each distinct date (and hour and zone) is read and checked
once and remembered.

A CSV of raw events is read in blocks. A block whose every line is exactly
``UBN,YYYY-MM-DD HH:MM[:SS][,event]`` (dashes or slashes in the date, a space or ``T``
before the time, no zone, no quotes — what log exports mostly are) is checked by one
regular expression and counted by ``Counter`` on the "UBN,date" prefix, both at C speed;
the Python work is then per distinct store and day, not per row. Any other block is
read by ``csv.reader`` and row by row; once a block with a quote is seen, the rest of
the file is, so that a quoted field across lines stays one field.
"""

from __future__ import annotations

import csv
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from itertools import chain
from operator import itemgetter

from importers import fields as f
from importers.application_rows import parse_ubn
from importers.fields import FieldError
from importers.report import ImportFileError
from importers.tabular import Sheet
from importers.text_encoding import TextSource, split_lines
from models.clock import OFFICE_TZ
from office_tui.core import dates
from office_tui.core.errors import describe
from office_tui.core.i18n import t

BAD, UNKNOWN = -1, -2  # what a UBN text resolves to when it is no store id
EVENTS, DAILY = "events", "daily"

# One whole time in the forms of the layouts: a date (ISO with - / or ., or ROC), a space
# or T, HH:MM[:SS[.fraction]], and maybe a zone (Z, ±HH:MM, ±HHMM).
TIME = re.compile(r"(\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2})[ T]((?:[01]?\d|2[0-3])):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
                  r"\s*(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?", re.ASCII)


def _usual_block(width: int) -> re.Pattern:
    """A block of lines all ``UBN,YYYY-MM-DD HH:MM[:SS]`` (and an event with no comma or
    quote when the file has that third column), each ending in a line end."""
    event = r",[^,\"\r\n]*" if width == 3 else ""
    return re.compile(r"(?:\d{8},\d{4}[-/]\d\d[-/]\d\d[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
                      + event + r"\r?\n)*", re.ASCII)


_PREFIX = itemgetter(slice(0, 19))  # "UBN,date" of a usual line


class Tally:
    """Daily counts per store of one file, and what was kept out (see the module)."""

    def __init__(self, stores: dict[str, int], file_name: str, refuse: Callable[[int, str, str], object]) -> None:
        self.known = stores
        self.file = file_name
        self._refuse = refuse
        self.columns: dict[str, str] = {}  # field → header as the file has it
        self.ubns: dict[object, int] = {}  # UBN cell → store id, BAD or UNKNOWN
        self.ubn_text: dict[object, str] = {}  # UBN cell → the 8 digits (unknown stores)
        self.ubn_errors: dict[object, FieldError] = {}  # UBN cell → why it is no UBN
        self.dates: dict[object, int] = {}  # date text (or cell) → ordinal, or BAD
        self.zoned: dict[tuple, int] = {}  # (date, hour, zone) → Taipei day's ordinal, or BAD
        self.arrays: dict[int, list] = {}  # store id → [ordinal of counts[0], array of counts]
        self.unknown: dict[str, int] = {}  # UBN of a store not in the database → rows
        self.rows = 0

    # -- results ------------------------------------------------------------------------

    def counts(self):
        from office_tui.usage.files import StoreCounts

        return {store_id: StoreCounts(date.fromordinal(first), counts)
                for store_id, (first, counts) in sorted(self.arrays.items())}

    def store_ids(self) -> list[int]:
        return sorted(self.arrays)

    # -- adding -----------------------------------------------------------------------------

    def add(self, store_id: int, ordinal: int, n: int) -> None:
        """``n`` more events for the store on the day (``n`` may be 0: a figure of 0)."""
        found = self.arrays.get(store_id)
        if found is None:
            self.arrays[store_id] = [ordinal, array("q", [n])]
            return
        first, counts = found
        i = ordinal - first
        if 0 <= i < len(counts):
            held = counts[i]
            counts[i] = held + n if held >= 0 else n
        elif i >= len(counts):
            counts.extend(array("q", [-1]) * (i - len(counts)))
            counts.append(n)
        else:  # before the first day so far
            found[1] = array("q", [n]) + array("q", [-1]) * (-i - 1) + counts
            found[0] = ordinal

    # -- reading cells ----------------------------------------------------------------------

    def refuse(self, row: int, column: str, reason: str) -> None:
        self._refuse(row, self.columns.get(column, column), reason)

    def store(self, cell) -> int:
        """The store id of a UBN cell, UNKNOWN for a valid UBN not in the database; raises
        FieldError for one that is not a valid UBN."""
        found = self.ubns.get(cell)
        if found is None:
            try:
                ubn = parse_ubn(cell)
            except FieldError as error:
                self.ubns[cell], self.ubn_errors[cell] = BAD, error
                raise
            found = self.known.get(ubn, UNKNOWN)
            self.ubns[cell], self.ubn_text[cell] = found, ubn
        elif found == BAD:
            raise self.ubn_errors[cell]
        return found

    def day_of_date(self, text: str) -> int:
        """A date text (of a usual line) → its ordinal, or BAD."""
        found = self.dates.get(text)
        if found is None:
            try:
                found = dates.parse_date(text).toordinal()
            except ValueError:
                found = BAD
            self.dates[text] = found
        return found

    def day_of_time(self, cell) -> int:
        """The Taipei day of an event's time cell; raises FieldError."""
        if cell.__class__ is str:
            match = TIME.fullmatch(cell.strip())
            if match is not None:
                day, hour, zone = match.groups()
                found = self.day_of_date(day) if zone is None else self._zoned_day(day, hour, zone)
                if found != BAD:
                    return found
        if f.is_blank(cell):
            raise FieldError("import.field.required")
        moment = f.parse_datetime(cell)  # its own error names the value
        return moment.astimezone(OFFICE_TZ).date().toordinal()

    def _zoned_day(self, day: str, hour: str, zone: str) -> int:
        key = (day, hour, zone)
        found = self.zoned.get(key)
        if found is None:
            ordinal = self.day_of_date(day)
            if ordinal == BAD:
                found = BAD
            else:
                offset = timedelta(0) if zone == "Z" else (1 if zone[0] == "+" else -1) * timedelta(
                    hours=int(zone[1:3]), minutes=int(zone[-2:]))
                # Which Taipei day the hour's first and last minute fall on: the same
                # unless the zone is not whole hours, then the slow way per row.
                local = datetime.combine(date.fromordinal(ordinal), datetime.min.time()) + timedelta(hours=int(hour))
                start = (local - offset).replace(tzinfo=timezone.utc).astimezone(OFFICE_TZ).date()
                end = (local + timedelta(minutes=59, seconds=59) - offset).replace(
                    tzinfo=timezone.utc).astimezone(OFFICE_TZ).date()
                found = start.toordinal() if start == end else BAD
            self.zoned[key] = found
        return found

    def date_cell(self, cell) -> int:
        """A daily file's date cell → ordinal; raises FieldError."""
        if cell.__class__ is str:
            found = self.dates.get(cell)
            if found is not None and found != BAD:
                return found
        if f.is_blank(cell):
            raise FieldError("import.field.required")
        ordinal = f.parse_date(cell).toordinal()
        if cell.__class__ is str:
            self.dates[cell] = ordinal
        return ordinal

    # -- rows -----------------------------------------------------------------------------------

    def event_row(self, number: int, ubn_cell, at_cell) -> None:
        self.rows += 1
        problems = []
        store = day = None
        try:
            store = self.store(ubn_cell) if not f.is_blank(ubn_cell) else self._blank("store_ubn")
        except FieldError as error:
            problems.append(("store_ubn", describe(error)))
        try:
            day = self.day_of_time(at_cell)
        except FieldError as error:
            problems.append(("at", describe(error)))
        self._settle(number, problems, store, day, 1, ubn_cell)

    def daily_row(self, number: int, ubn_cell, date_cell, count_cell) -> None:
        self.rows += 1
        problems = []
        store = day = n = None
        try:
            store = self.store(ubn_cell) if not f.is_blank(ubn_cell) else self._blank("store_ubn")
        except FieldError as error:
            problems.append(("store_ubn", describe(error)))
        try:
            day = self.date_cell(date_cell)
        except FieldError as error:
            problems.append(("date", describe(error)))
        try:
            if f.is_blank(count_cell):
                raise FieldError("import.field.required")
            n = f.parse_int(count_cell)
            if n < 0:
                raise FieldError("usage.import.count_negative", value=f.shown(count_cell))
        except FieldError as error:
            problems.append(("count", describe(error)))
        self._settle(number, problems, store, day, n, ubn_cell)

    def _blank(self, _name: str):
        raise FieldError("import.field.required")

    def _settle(self, number: int, problems: list, store, day, n, ubn_cell) -> None:
        if problems:
            for column, reason in problems:
                self.refuse(number, column, reason)
        elif store == UNKNOWN:
            ubn = self.ubn_text[ubn_cell]
            self.unknown[ubn] = self.unknown.get(ubn, 0) + 1
        else:
            self.add(store, day, n)

    # -- a block of usual lines ------------------------------------------------------------------

    def usual_block(self, block: str, first_row: int) -> None:
        """Count a block that matched _usual_block (see the module)."""
        lines = block.split("\n")
        lines.pop()  # after the last line end
        self.rows += len(lines)
        troubled = []
        # Once per distinct store and day of the block (about half the rows of a log in
        # time order): names looked up once, the common cases inline.
        ubns, dates, arrays = self.ubns.get, self.dates.get, self.arrays.get
        for key, n in Counter(map(_PREFIX, lines)).items():
            store = ubns(key[:8])
            if store is None:
                try:
                    store = self.store(key[:8])
                except FieldError:
                    store = BAD
            day = dates(key[9:])
            if day is None:
                day = self.day_of_date(key[9:])
            if store < 0 or day < 0:
                if store == UNKNOWN and day >= 0:
                    ubn = self.ubn_text[key[:8]]
                    self.unknown[ubn] = self.unknown.get(ubn, 0) + n
                else:
                    troubled.append(key)
                continue
            found = arrays(store)
            if found is not None:
                counts = found[1]
                i = day - found[0]
                size = len(counts)
                if 0 <= i < size:
                    held = counts[i]
                    counts[i] = held + n if held >= 0 else n
                    continue
                if i == size:  # the next day: a log in time order mostly grows so
                    counts.append(n)
                    continue
            self.add(store, day, n)
        if troubled:  # rows to refuse: found by their row numbers, the slow way
            wanted = set(troubled)
            self.rows -= sum(1 for line in lines if line[:19] in wanted)
            for number, line in enumerate(lines, start=first_row):
                if line[:19] in wanted:
                    cells = next(csv.reader([line]), [])
                    self.event_row(number, cells[0] if cells else None, cells[1] if len(cells) > 1 else None)


def read_rows(tally: Tally, sheet: Sheet, kind: str, told: Callable[[int], object], check: Callable[[], None]) -> None:
    """Every data row of an opened sheet (an .xlsx, or a CSV read the general way)."""
    tally.columns = {name: sheet.header(name) for name in ("store_ubn", "at", "date", "count")}
    estimated = max(sheet.estimated_rows, 1)
    size = _size(sheet)
    for k, row in enumerate(sheet.rows()):
        cells = row.values
        if kind == EVENTS:
            tally.event_row(row.number, cells.get("store_ubn"), cells.get("at"))
        else:
            tally.daily_row(row.number, cells.get("store_ubn"), cells.get("date"), cells.get("count"))
        if not k % 8192:
            check()
            told(size * min(k, estimated) // estimated)


def _size(sheet: Sheet) -> int:
    try:
        return sheet.path.stat().st_size
    except OSError:
        return 0


def read_csv(tally: Tally, source: TextSource, header_sheet: Callable[[list[str]], Sheet],
             kind_of: Callable[[Sheet], str], told: Callable[[int], object],
             check: Callable[[], None]) -> tuple[str, Sheet]:
    """Read a CSV log (see the module); returns its kind and its header as a Sheet."""
    blocks = source.blocks()
    first = next(blocks, "")
    cut = first.find("\n") + 1 or len(first)
    try:
        header = next(csv.reader([first[:cut]]), [])
    except csv.Error:
        raise ImportFileError("import.file.unreadable_csv", name=source.name) from None
    if not any(cell.strip() for cell in header):
        raise ImportFileError("import.file.no_header", name=source.name)
    sheet = header_sheet(header)
    kind = kind_of(sheet)
    tally.columns = {name: sheet.header(name) for name in ("store_ubn", "at", "date", "count")}
    positions = sheet.positions
    width = len(header)
    usual = None
    if kind == EVENTS and positions.get("store_ubn") == 0 and positions.get("at") == 1 and width in (2, 3):
        usual = _usual_block(width)
    rest = first[cut:]
    row = 2
    pending = chain([rest] if rest else [], blocks)
    for block in pending:
        check()
        if not block.endswith("\n"):
            block += "\n"
        if usual is not None and usual.fullmatch(block):
            tally.usual_block(block, row)
            row += block.count("\n")
        elif '"' in block:  # from here on csv.reader, across blocks
            _general(tally, kind, positions, width, csv.reader(chain(split_lines(block), _all_lines(pending))), row,
                     source, told, check)
            break
        else:
            row = _general(tally, kind, positions, width, csv.reader(split_lines(block)), row, source, told, check)
        told(source.position)
    told(source.position)
    return kind, sheet


def _all_lines(blocks: Iterator[str]) -> Iterator[str]:
    for block in blocks:
        yield from split_lines(block)


def _general(tally: Tally, kind: str, positions: dict[str, int], width: int, rows, row: int,
             source: TextSource, told, check) -> int:
    """Rows the general way; returns the number of the row after the last."""
    u, a = positions.get("store_ubn", -1), positions.get("at", -1)
    d, c = positions.get("date", -1), positions.get("count", -1)
    try:
        for cells in rows:
            number, row = row, row + 1
            if not cells or not any(cell.strip() for cell in cells):
                continue  # a blank line
            n = len(cells)
            if kind == EVENTS:
                tally.event_row(number, cells[u] if u < n else None, cells[a] if a < n else None)
            else:
                tally.daily_row(number, cells[u] if u < n else None, cells[d] if d < n else None,
                                cells[c] if c < n else None)
            if not row & 0x3FFF:
                check()
                told(source.position)
    except csv.Error:
        raise ImportFileError("usage.import.unreadable_csv_row", name=source.name, row=row) from None
    return row
