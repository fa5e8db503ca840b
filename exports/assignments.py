"""審查分派表 — the assignment table of a batch as an .xlsx: who reviews what.

Row 1 is the title (batch, date made, number of rows), row 2 the header (frozen), then
one row per application × member: 申請編號, 服務提供者, 統一編號, 方案名稱, 方案類別, 委員編號,
委員姓名, 評分狀態 — A4 landscape, the title and header repeated on every printed page.
Written by exports.list_sheet.add_list_sheet, every cell as text: a UBN keeps its leading zero
and a company called 「=HYPERLINK(…)」 stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from office_tui.committee.assignment import AssignmentRow
from models.clock import office_today
from office_tui.core.dates import format_date
from office_tui.core.i18n import t

SHEET_TITLE = "審查分派表"
HEADER_KEYS = ("assign.col_application_no", "assign.col_company", "assign.col_ubn", "assign.col_solution",
               "assign.col_category", "assign.col_reviewer_no", "assign.col_reviewer_name", "assign.col_status")


def headers() -> list[str]:
    return [t(key) for key in HEADER_KEYS]


def row_values(row: AssignmentRow) -> list[str]:
    return [row.application_no, row.company, row.ubn, row.solution_name, t(f"category.{row.category}"),
            row.reviewer_no, row.reviewer_name, t(f"sheet.status_{row.sheet_status}")]


def default_file_name(batch_no: int, today: date | None = None) -> str:
    """審查分派表_第1批_1151120.xlsx"""
    day = format_date(today or office_today(), "roc").replace("/", "")
    return f"{SHEET_TITLE}_第{batch_no}批_{day}.xlsx"


def write_assignments(rows: Sequence[AssignmentRow], path: str | Path, batch_no: int,
                      today: date | None = None) -> Path:
    """Write ``rows`` to ``path`` (".xlsx" added when missing); returns the path written."""
    from exports.list_sheet import add_list_sheet, new_list_book, save_book

    heads = headers()
    title = t("assign.export_title", batch=batch_no, day=format_date(today or office_today(), "roc"), n=len(rows))
    book = new_list_book()
    add_list_sheet(book, SHEET_TITLE, heads, (row_values(row) for row in rows), title=title,
                   text_columns=range(len(heads)), footer=t("export.footer_pages"))
    return save_book(book, path)
