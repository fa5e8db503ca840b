"""The one way office-tui writes text into an .xlsx: as text, never as a formula.

openpyxl stores any string that starts with ``=`` as a formula, so a company called
「=HYPERLINK(…)」 would run in the ministry's Excel; OWASP (CSV/formula injection) also
names ``+ - @``, tab, CR and LF at the start. Every string goes through :func:`set_text`
(or, for long lists, :func:`add_list_sheet`, which applies the same rule in write-only
mode): the cell is typed as a string and, when it starts with one of those, marked with
Excel's quote prefix, so it stays text even when someone edits it. Numbers that are codes (UBNs
such as 04595257, application numbers) are written as text too and keep their zeros.

Column widths fit CJK text: an East Asian wide or full-width character counts as two.
"""

from __future__ import annotations

import gc
import unicodedata
from copy import copy
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_FORMAT = "@"  # Excel's "Text" number format
MIN_WIDTH, MAX_WIDTH, PADDING = 6, 60, 2


def is_risky(text: str) -> bool:
    """Would a spreadsheet read this string as a formula (or start one when edited)?"""
    return text.startswith(RISKY_STARTS)


def set_text(cell: Cell, value: object) -> Cell:
    """Write ``value`` into ``cell`` as text, exactly as given (None → empty)."""
    text = "" if value is None else str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl typed a leading "=" as a formula ("f")
    if is_risky(text):
        cell.quotePrefix = True
    cell.number_format = TEXT_FORMAT
    return cell


def set_value(cell: Cell, value: object, text: bool = False) -> Cell:
    """Write a value of any type: strings (and anything when ``text``) as text; numbers,
    dates and booleans as themselves; None as an empty cell."""
    if value is None:
        cell.value = None
    elif text or isinstance(value, str) or not isinstance(value, (int, float, Decimal, date)):
        set_text(cell, value)
    else:
        cell.value = value
    return cell


def write_row(sheet: Worksheet, row: int, values: Sequence[object], text_columns: Iterable[int] = ()) -> None:
    """Write ``values`` into row ``row`` (1-based) from column A; the 0-based positions in
    ``text_columns`` are written as text whatever their type (codes with leading zeros)."""
    as_text = set(text_columns)
    for index, value in enumerate(values):
        set_value(sheet.cell(row=row, column=index + 1), value, text=index in as_text)


def write_rows(sheet: Worksheet, rows: Iterable[Sequence[object]], start_row: int = 1,
               text_columns: Iterable[int] = ()) -> int:
    """Write ``rows`` from ``start_row`` on; returns the next free row."""
    columns = tuple(text_columns)
    row = start_row
    for values in rows:
        write_row(sheet, row, values, columns)
        row += 1
    return row


def text_columns(sheet: Worksheet, positions: Iterable[int]) -> None:
    """Format whole columns (0-based positions) as Text, so that what someone types into
    an empty template (a UBN such as 04595257) keeps its leading zeros."""
    for index in positions:
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT


def display_width(value: object) -> int:
    """How many columns ``value`` takes on screen: wide and full-width characters count 2."""
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    longest = 0
    for line in text.splitlines() or [""]:
        width = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        longest = max(longest, width)
    return longest


def fit_columns(sheet: Worksheet, min_width: int = MIN_WIDTH, max_width: int = MAX_WIDTH) -> None:
    """Set each column's width to its longest cell (CJK counted double), within limits."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), display_width(cell.value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(min_width, min(max_width, width + PADDING))


# -- Long lists: a write-only sheet ------------------------------------------------------
#
# The 核定名單 and the committee's sheets can run to tens of thousands of rows. openpyxl's
# write-only mode streams rows to the file instead of building every cell in memory; the
# sheet's layout (column widths, frozen panes, sheet properties) is written before the
# first row, so the rows are prepared — typed, and measured for width — in one pass first,
# then streamed. Plain strings and numbers go in as values (openpyxl types them 's' and
# 'n'); a cell that needs a style (a number format, the quote prefix) is a WriteOnlyCell
# sharing one style array per kind, never a style object per cell.

A4_PAPER = 9  # ECMA-376 paperSize
HEADER_WIDTH = 16  # a header wider than this wraps rather than widening its column
ERROR_TEXTS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
SPECIAL_STARTS = (*RISKY_STARTS, "#")  # text openpyxl would not keep as plain text by itself
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters, not one of
    ``taken`` (compared without case, as Excel does)."""
    base = (text.translate(INVALID_SHEET_CHARS).strip().strip("'") or "Sheet")[:31]
    used = {name.casefold() for name in taken}
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        suffix = f"~{n}"
        name = base[:31 - len(suffix)] + suffix
    return name


def new_list_book():
    """A workbook for :func:`add_list_sheet` (write-only; one pass, then save)."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def save_book(book, path) -> Path:
    """Save to ``path`` (".xlsx" added when missing, folders made); returns the path."""
    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _styled(sheet, **style):
    """A style array holding ``style``, to be shared by many cells."""
    cell = Cell(sheet, row=1, column=1)
    for name, value in style.items():
        setattr(cell, name, value)
    return _SharedStyle(cell._style)


def list_width(text: str) -> int:
    """:func:`display_width` of a one-line string, fast: (UTF-8 bytes + characters) / 2.

    Exact for ASCII (1 byte, 1 column) and CJK (3 bytes, 2 columns); never less than the
    true width (no wide character is under U+1100, where 3-byte UTF-8 begins), at most
    half a column more for a Latin accent or a 3-byte narrow sign such as "…"."""
    return (len(text.encode()) + len(text) + 1) // 2


def add_list_sheet(book, name: str, headers: Sequence[str], rows: Iterable[Sequence[object]], *,
                   title: str | None = None, number_formats: dict[int, str] | None = None,
                   text_columns: Iterable[int] = (), wrap_columns: Iterable[int] = (),
                   footer: str | None = None, landscape: bool = True):
    """Add a list sheet to a :func:`new_list_book` book: an optional title row, the header
    (frozen, and with the title repeated on every printed page), then ``rows``.

    Strings — and every value in the 0-based ``text_columns`` — are written as text (a
    leading = + - @ gets the quote prefix and stays literal); numbers as numbers, in
    ``number_formats[column]`` when given; None as an empty cell. Columns fit their
    longest cell (CJK counted double), the title excepted; a long header wraps. A4,
    landscape unless told otherwise, fitted to the page width; ``footer`` (Excel codes
    such as &P, &N) centred. ``name`` is made a valid, unused worksheet name.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet = book.create_sheet(sheet_name(name, book.sheetnames))
    as_text = frozenset(text_columns)
    wraps = frozenset(wrap_columns)
    wrap = Alignment(wrap_text=True, vertical="top")
    # One style array per kind of styled cell, shared by all the cells of that kind.
    risky = _styled(sheet, number_format=TEXT_FORMAT, quotePrefix=True)
    plain_text = _styled(sheet, number_format=TEXT_FORMAT)
    wrapped = _styled(sheet, number_format=TEXT_FORMAT, alignment=wrap)
    wrapped_risky = _styled(sheet, number_format=TEXT_FORMAT, quotePrefix=True, alignment=wrap)
    numbers = {column: _styled(sheet, number_format=fmt) for column, fmt in (number_formats or {}).items()}
    widths = [min(display_width(head), HEADER_WIDTH) for head in headers]  # longer headers wrap
    limit = MAX_WIDTH - PADDING
    text_cell, number_cell = _text_cell, _number_cell
    plain_types = (int, float, Decimal, bool)

    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of young objects, none in a cycle: no collections
    try:
        prepared: list[list[object]] = []
        for values in rows:
            row = list(values)
            if len(row) > len(widths):
                widths.extend([0] * (len(row) - len(widths)))
            for i, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    text = value
                elif value is None:
                    continue
                elif kind in plain_types and i not in as_text:
                    style = numbers.get(i)
                    if widths[i] < limit:
                        shown = str(value) if style is None else f"{value:,.2f}" if kind is float else f"{value:,}"
                        if len(shown) > widths[i]:
                            widths[i] = len(shown)
                    if style is not None:
                        row[i] = number_cell(sheet, value, style)
                    continue
                else:
                    text = str(value)
                if widths[i] < limit and 2 * len(text) > widths[i]:  # never wider than twice its length
                    width = display_width(text) if "\n" in text else list_width(text)
                    if width > widths[i]:
                        widths[i] = width
                # Most text is plain and goes in as it is; one test tells it from the rest.
                if kind is str and not text.startswith(SPECIAL_STARTS) and not (wraps and i in wraps):
                    continue
                quoted = text.startswith(RISKY_STARTS)
                if wraps and i in wraps:
                    row[i] = text_cell(sheet, text, wrapped_risky if quoted else wrapped)
                elif quoted:
                    row[i] = text_cell(sheet, text, risky)
                elif kind is not str or text in ERROR_TEXTS:
                    row[i] = text_cell(sheet, text, plain_text)
            prepared.append(row)

        for index, width in enumerate(widths, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + PADDING))
        header_row = 2 if title is not None else 1
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"1:{header_row}"
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.paperSize = A4_PAPER
        sheet.page_setup.orientation = "landscape" if landscape else "portrait"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # as many pages down as it takes
        if footer:
            sheet.oddFooter.center.text = footer

        if title is not None:
            sheet.append([text_cell(sheet, title, plain_text, font=Font(bold=True, size=14))])
        bold, centred = Font(bold=True), Alignment(wrap_text=True, vertical="center")
        sheet.append([text_cell(sheet, head, plain_text, font=bold, alignment=centred) for head in headers])
        for row in prepared:
            sheet.append(row)
    finally:
        if collecting:
            gc.enable()
    return sheet


class _SharedStyle(StyleArray):
    """A style array shared by many cells of a list, which remembers its index in the
    workbook's cell styles (never changed once shared: fonts go on a copy)."""

    __slots__ = ("index",)


class _ListCell(Cell):
    """A WriteOnlyCell for a styled value of a list, cheap to make and to write: openpyxl's
    write-only rows try each value as a cell's value first and format the failure with the
    cell's repr (kept short), then ask each cell whether it has a style and for its style
    id (hashing its style array each time unless it is a remembered shared one)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<list cell>"

    @property
    def has_style(self) -> bool:
        return True  # every list cell carries a style: that is why it is a cell

    @property
    def style_id(self) -> int:
        style = self._style
        if type(style) is not _SharedStyle:
            return self.parent.parent._cell_styles.add(style)
        try:
            return style.index
        except AttributeError:
            style.index = self.parent.parent._cell_styles.add(style)
            return style.index


def _number_cell(sheet, value, style) -> Cell:
    cell = _ListCell(sheet, row=1, column=1)
    cell._value = value  # an int, float or Decimal: nothing for openpyxl to convert
    cell._style = style
    return cell


def _text_cell(sheet, text: str, style, font=None, alignment=None) -> Cell:
    cell = _ListCell(sheet, row=1, column=1, value=text)  # openpyxl checks for illegal characters
    cell.data_type = "s"  # it typed a leading "=" as a formula, "#N/A" as an error
    if font is None:
        cell._style = style
    else:  # the title and header only: their font is set on a copy, never the shared array
        cell._style = copy(style)
        cell.font = font
        if is_risky(text):
            cell.quotePrefix = True
        if alignment is not None:
            cell.alignment = alignment
    return cell
