"""The one way office-tui writes text into an .xlsx: as text, never as a formula.

openpyxl stores any string that starts with ``=`` as a formula, so a company called
「=HYPERLINK(…)」 would run in the ministry's Excel; OWASP (CSV/formula injection) also
names ``+ - @``, tab, CR and LF at the start. Every list export (核定名單, 評審總表,
評分表, 審查分派表, 補正通知, the claims' lists) goes through
exports.list_sheet.add_list_sheet; a
single cell, such as a template's, through :func:`set_text`. Either way the cell is typed
as a string and, when it starts with one of those, marked with Excel's quote prefix, so
it stays text even when someone edits it. Numbers that are codes (UBNs such as 04595257,
application numbers) are written as text too and keep their zeros.

Column widths fit CJK text: an East Asian wide or full-width character counts as two.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_FORMAT = "@"  # Excel's "Text" number format
MIN_WIDTH, MAX_WIDTH, PADDING = 6, 60, 2


def is_risky(text: str) -> bool:
    """Would a spreadsheet read this string as a formula (or start one when edited)?"""
    return text.startswith(RISKY_STARTS)


def set_text(cell: Cell, value: object) -> Cell:
    """Write ``value`` into ``cell`` as text, exactly as given (None → empty) but for a
    character an .xlsx cannot hold (a C0 control other than tab, LF, CR), written U+FFFD."""
    text = "" if value is None else ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
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
