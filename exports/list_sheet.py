"""The list writer every office-tui export uses: :func:`add_list_sheet` on a
:func:`new_list_book`, then :func:`save_book`.

A title row, a frozen header repeated on every printed page, A4 (landscape unless told
otherwise) fitted to the width, a page-number footer, columns fitted to CJK text, and
every cell text-safe as exports/xlsx.py describes: strings (and the ``text_columns``)
typed as text, a leading = + - @ given the quote prefix, numbers as numbers.

Text an .xlsx cannot hold — the C0 control characters other than tab, LF and CR, which a
name pasted from elsewhere may carry (a bell, Word's table marks) — is written with each
such character as U+FFFD (�), in the title, the header, the body and the sheet's name
alike: an export never fails on what the database holds, and the mark shows staff where
to correct it. :func:`save_book` writes the file as exports/output.py says (which names
are accepted, folders made, nothing half-written, failures in the interface language).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.compat import safe_string
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.xlsx import MAX_WIDTH, MIN_WIDTH, PADDING, RISKY_STARTS, TEXT_FORMAT, display_width, is_risky

# write-only mode streams rows to the file instead of building every cell in memory; the
# sheet's layout (column widths, frozen panes, sheet properties) is written before the
# first row, so the rows are prepared — typed, and measured for width — in one pass first,
# then streamed. Plain strings and numbers go in as values (openpyxl types them 's' and
# 'n'); a cell that needs a style (a number format, the quote prefix, bold) is a
# WriteOnlyCell sharing one style array per kind, never a style object per cell. The body
# is then written as XML text (see _ListSheet): openpyxl's cell-by-cell serialization was
# most of the time of a 100,000-claim 申請補助總表.

A4_PAPER = 9  # ECMA-376 paperSize
HEADER_WIDTH = 16  # a header wider than this wraps rather than widening its column
ERROR_TEXTS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
SPECIAL_STARTS = (*RISKY_STARTS, "#")  # text openpyxl would not keep as plain text by itself
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
REPLACEMENT = "\ufffd"  # what stands for a character an .xlsx cannot hold


def clean_text(text: str) -> str:
    """``text`` with each character an .xlsx cannot hold (openpyxl's
    ILLEGAL_CHARACTERS_RE: C0 controls but tab, LF, CR) replaced by U+FFFD; the same
    length, so a cell is cut where it would have been."""
    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, text)


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A worksheet name Excel accepts: no []:*?/\\ and no control character, at most 31
    characters, not one of ``taken`` (compared without case, as Excel does)."""
    text = ILLEGAL_CHARACTERS_RE.sub("_", text.translate(INVALID_SHEET_CHARS))
    base = (text.strip().strip("'") or "Sheet")[:31]
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
    """Save to ``path``; returns the path written. As exports.output.write_file: ".xlsx"
    added to a name without an extension, another extension refused, missing folders
    made; a failure is an OutputError naming the file and why, and leaves no file, no
    temporary file and no half-written sheet behind."""
    from exports.output import write_file

    try:
        return write_file(path, book.save)
    except BaseException:
        _discard(book)
        raise


def _discard(book) -> None:
    """Close what a book that will not be saved holds open — each write-only sheet's row
    stream and its temporary file — while its files are still open: left to the garbage
    collector, a stream would be closed after its file and print a traceback."""
    for sheet in getattr(book, "_sheets", ()):
        rows, writer = getattr(sheet, "_rows", None), getattr(sheet, "_writer", None)
        try:
            if rows is not None:
                rows.close()
            if writer is not None:
                writer.close()
                writer.cleanup()
        except Exception:  # noqa: BLE001 - already failing: the first error is the one to tell
            pass


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
                   footer: str | None = None, landscape: bool = True, bold_rows: Iterable[int] = ()):
    """Add a list sheet to a :func:`new_list_book` book: an optional title row, the header
    (frozen, and with the title repeated on every printed page), then ``rows``.

    Strings — and every value in the 0-based ``text_columns`` — are written as text (a
    leading = + - @ gets the quote prefix and stays literal); numbers as numbers, in
    ``number_formats[column]`` when given; None as an empty cell. Columns fit their
    longest cell (CJK counted double), the title excepted; a long header wraps. A4,
    landscape unless told otherwise, fitted to the page width; ``footer`` (Excel codes
    such as &P, &N) centred. ``bold_rows`` are 0-based positions in ``rows`` (subtotals,
    a grand total) whose cells are written in bold, typed and formatted as the others.
    ``name`` is made a valid, unused worksheet name.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet = _new_list_sheet(book, sheet_name(name, book.sheetnames))
    as_text = frozenset(text_columns)
    wraps = frozenset(wrap_columns)
    bold = frozenset(bold_rows)
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
    bolded: dict[int, _SharedStyle] = {}  # id of a shared style → its bold twin

    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of young objects, none in a cycle: no collections
    try:
        prepared: list[list[object]] = []
        for position, values in enumerate(rows):
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
            if bold and position in bold:
                row = _bold_row(sheet, row, plain_text, bolded)
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
        heading, centred = Font(bold=True), Alignment(wrap_text=True, vertical="center")
        sheet.append([text_cell(sheet, head, plain_text, font=heading, alignment=centred) for head in headers])
        if isinstance(sheet, _ListSheet):
            sheet.append_body(prepared)
        else:
            for row in prepared:
                sheet.append(_cleaned(row))
    finally:
        if collecting:
            gc.enable()
    return sheet


def _new_list_sheet(book, title: str):
    """A :class:`_ListSheet` in a write-only book; any other book's own kind of sheet."""
    if not getattr(book, "write_only", False):
        return book.create_sheet(title)
    sheet = _ListSheet(parent=book, title=title)
    book._add_sheet(sheet)
    return sheet


class _ListSheet(WriteOnlyWorksheet):
    """A write-only sheet that also takes the body of a list in one go (:meth:`append_body`)
    and writes it as XML text straight into the sheet's stream.

    openpyxl's write-only rows serialize every cell as an element tree through et_xmlfile
    (lxml, when installed, does that part fast), some 20 µs a cell — most of the time of a
    100,000-row list. The rows :func:`add_list_sheet` prepares hold only plain strings,
    numbers, None and its own styled cells, whose XML is simple: it is written here as
    openpyxl would write it (the same elements and attributes; tests compare the two).
    With lxml, or should et_xmlfile change, the body goes cell by cell as usual."""

    def append_body(self, rows: list[list[object]]) -> None:
        """Append prepared ``rows`` (see :func:`add_list_sheet`) after the rows so far."""
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(_Body(rows))

    _closing = False  # set by close(): the book is being saved

    def close(self) -> None:
        self._closing = True
        super().close()

    def _write_rows(self):  # openpyxl's WriteOnlyWorksheet._write_rows, and _Body
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        raw = _raw_writer(xf)
        abandoned = False
        try:
            with xf.element("sheetData"):
                row_idx = 1
                try:
                    while True:
                        row = (yield)
                        if type(row) is _Body:
                            if raw is not None and RAW_BODY:
                                _write_body(raw, row.rows, row_idx)
                                row_idx += len(row.rows)
                                continue
                            for values in row.rows:
                                self._writer.write_row(xf, self._values_to_row(_cleaned(values), row_idx), row_idx)
                                row_idx += 1
                            continue
                        row = self._values_to_row(_cleaned(row), row_idx)
                        self._writer.write_row(xf, row, row_idx)
                        row_idx += 1
                except GeneratorExit:
                    abandoned = not self._closing
            if not abandoned:
                self._writer.xf.send(None)
        except Exception:
            # A book never saved (a failed save, an error before it): closed by save_book
            # or, later, by the garbage collector — perhaps after its stream's file, so
            # the closing tag cannot be written. Nothing is read from it: say nothing.
            if not abandoned:
                raise


class _Body:
    __slots__ = ("rows",)

    def __init__(self, rows: list) -> None:
        self.rows = rows


RAW_BODY = True  # False: the body goes through openpyxl cell by cell (the tests compare)


def _raw_writer(xf):
    """The function that writes text as it is into et_xmlfile's stream, or None."""
    from et_xmlfile.xmlfile import _IncrementalFileWriter

    if type(xf) is not _IncrementalFileWriter:
        return None
    write = getattr(xf, "_file", None)
    return write if callable(write) else None


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _inline_string(ref: str, style: str, text: str) -> str:
    """openpyxl's inline string cell: <c r= s= t="inlineStr"><is><t>…</t></is></c>."""
    if not text:
        return f'<c r="{ref}"{style} t="inlineStr" />'
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT]
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _number(ref: str, style: str, value, kind: str) -> str:
    """openpyxl's number (``kind`` "n") or boolean ("b") cell, the value as safe_string has it."""
    shown = "%.16g" % value if type(value) is int else safe_string(value)
    if not shown:  # NaN, infinity
        return f'<c r="{ref}"{style} t="{kind}"><v /></c>'
    return f'<c r="{ref}"{style} t="{kind}"><v>{shown}</v></c>'


MAX_CELL_TEXT = 32767  # openpyxl cuts a longer string there
CHUNK_ROWS = 2000


def _write_body(write, rows: list, first_row: int) -> None:
    """Write prepared rows from row ``first_row`` as the <row> elements openpyxl would."""
    letters: list[str] = []
    styles: dict[int, str] = {}  # id of a shared style array → ' s="…"'
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        text = _body_xml(chunk, first_row + start, letters, styles)
        if ILLEGAL_CHARACTERS_RE.search(text):  # rare: one search of the chunk's XML finds it
            text = _body_xml([_cleaned(row) for row in chunk], first_row + start, letters, styles)
        write(text)


def _body_xml(chunk: list, number: int, letters: list[str], styles: dict[int, str]) -> str:
    parts: list[str] = []
    add = parts.append
    for row in chunk:
        if len(row) > len(letters):
            letters.extend(get_column_letter(i) for i in range(len(letters) + 1, len(row) + 1))
        add(f'<row r="{number}">')
        for i, value in enumerate(row):
            kind = type(value)
            if kind is str:
                add(_inline_string(f"{letters[i]}{number}", "", value))
            elif value is None:
                continue
            elif kind is _ListCell:
                shared = value._style
                style = styles.get(id(shared)) if type(shared) is _SharedStyle else None
                if style is None:
                    style = f' s="{value.style_id}"'
                    if type(shared) is _SharedStyle:
                        styles[id(shared)] = style
                ref = f"{letters[i]}{number}"
                if value.data_type == "s":
                    add(_inline_string(ref, style, value._value))
                else:
                    add(_number(ref, style, value._value, value.data_type))
            else:  # int, float, Decimal, bool: typed as openpyxl types them
                add(_number(f"{letters[i]}{number}", "", value, "b" if kind is bool else "n"))
        add("</row>")
        number += 1
    return "".join(parts)


def _cleaned(row):
    """``row`` with its strings :func:`clean_text`-ed (a new list only when one needs it;
    the styled cells are clean from the start, see :func:`_text_cell`)."""
    out = None
    for i, value in enumerate(row):
        if type(value) is str and ILLEGAL_CHARACTERS_RE.search(value):
            if out is None:
                out = list(row)
            out[i] = clean_text(value)
    return row if out is None else out


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


def _bold_row(sheet, row: list, text_style, bolded: dict) -> list:
    """``row``, prepared for :func:`add_list_sheet`, with every value in bold: a styled
    cell gets the bold twin of its shared style, a plain value a bold cell of its own."""
    from openpyxl.styles import Font

    out = []
    for value in row:
        if value is None:
            out.append(None)
            continue
        if isinstance(value, _ListCell):
            base = value._style
        elif isinstance(value, str):
            base = text_style
            value = _text_cell(sheet, value, base)
        else:  # a plain number (or boolean) in the General format
            base = None
            value = _ListCell(sheet, row=1, column=1, value=value)
        key = id(base)
        twin = bolded.get(key)
        if twin is None:
            cell = Cell(sheet, row=1, column=1)
            if base is not None:
                cell._style = copy(base)
            cell.font = Font(bold=True)
            twin = bolded[key] = _SharedStyle(cell._style)
        value._style = twin
        out.append(value)
    return out


def _number_cell(sheet, value, style) -> Cell:
    cell = _ListCell(sheet, row=1, column=1)
    cell._value = value  # an int, float or Decimal: nothing for openpyxl to convert
    cell._style = style
    return cell


def _text_cell(sheet, text: str, style, font=None, alignment=None) -> Cell:
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = clean_text(text)
    cell = _ListCell(sheet, row=1, column=1, value=text)
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
