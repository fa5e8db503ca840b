"""補正通知清單 — the correction notices list as an .xlsx for the office's files and reminders.

Row 1 is the title (with the day it was made), row 2 the header (frozen, and repeated
with the title on every printed page, A4 landscape), then one row per notice; 補正項目
wraps. Dates are written as text in the office's form (ROC 115/11/20 by default): Excel
has no ROC date format that every copy of it understands. Written by
exports.list_sheet.add_list_sheet, every cell as text, so a company called 「=HYPERLINK(…)」
stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from models.clock import office_today
from office_tui.core.dates import format_date
from office_tui.core.i18n import t
from office_tui.notices.correction import NoticeRow

SHEET_TITLE = "補正通知"
ITEMS_COLUMN = 8  # 補正項目, several lines


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
    from exports.list_sheet import add_list_sheet, new_list_book, save_book

    heads = headers()
    title = t("notices.export_title", day=format_date(today or office_today(), date_style), n=len(rows))
    book = new_list_book()
    add_list_sheet(book, SHEET_TITLE, heads, (row_values(notice, date_style) for notice in rows), title=title,
                   text_columns=range(len(heads)), wrap_columns=(ITEMS_COLUMN,), footer=t("export.footer_pages"))
    return save_book(book, path)
