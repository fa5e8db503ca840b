"""補正通知清單 — the correction notices list as an .xlsx for the office's files and reminders.

Row 1 is the title (with the day it was made), row 2 the header (frozen), then one row
per notice. Dates are written as text in the office's form (ROC 115/11/20 by default):
Excel has no ROC date format that every copy of it understands. Every text cell goes
through exports.xlsx, so a company called 「=HYPERLINK(…)」 stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from office_tui.clock import office_today
from office_tui.dates import format_date
from office_tui.i18n import t
from office_tui.notices import NoticeRow

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
SHEET_TITLE = "補正通知"


def headers() -> list[str]:
    return [t("col.application_no"), t("col.company_name"), t("notices.col_purpose"), t("col.notified_on"),
            t("col.due_on"), t("col.urgency"), t("col.notice_status"), t("notices.col_corrected_on"),
            t("col.items")]


def row_values(row: NoticeRow, date_style: str) -> list[str]:
    return [row.application_no, row.company_name, t(f"notice.purpose_{row.purpose}"),
            format_date(row.notified_on, date_style), format_date(row.due_on, date_style),
            t(f"notice.urgency_{row.urgency}"), t(f"notice.{row.status}"),
            format_date(row.corrected_on, date_style), row.items]


def default_file_name(today: date | None = None, date_style: str = "roc") -> str:
    """補正通知_1151120.xlsx (ROC) or 補正通知_20261120.xlsx (ISO)."""
    day = format_date(today or office_today(), date_style).replace("/", "").replace("-", "")
    return f"{SHEET_TITLE}_{day}.xlsx"


def write_notices(rows: Sequence[NoticeRow], path: str | Path, date_style: str = "roc",
                  today: date | None = None) -> Path:
    """Write ``rows`` to ``path`` (".xlsx" added when missing); returns the path written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from exports.xlsx import fit_columns, set_text, write_row

    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    heads = headers()
    bold = Font(bold=True)
    for index, head in enumerate(heads, start=1):
        set_text(sheet.cell(row=HEADER_ROW, column=index), head).font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for offset, notice in enumerate(rows):
        number = FIRST_ROW + offset
        write_row(sheet, number, row_values(notice, date_style), text_columns=range(len(heads)))
        sheet.cell(row=number, column=len(heads)).alignment = wrap
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1).coordinate
    fit_columns(sheet)  # before the title, which would otherwise widen column A
    title = t("notices.export_title", day=format_date(today or office_today(), date_style), n=len(rows))
    set_text(sheet.cell(row=TITLE_ROW, column=1), title).font = Font(bold=True, size=14)
    book.save(path)
    return path
