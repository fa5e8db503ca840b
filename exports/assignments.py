"""審查分派表 — the assignment table of a batch as an .xlsx: who reviews what.

Row 1 is the title (batch, date made, number of rows), row 2 the header (frozen), then
one row per application × member: 申請編號, 服務提供者, 統一編號, 方案名稱, 方案類別, 委員編號,
委員姓名, 評分狀態. Every cell goes through exports.xlsx as text, so a UBN keeps its
leading zero and a company called 「=HYPERLINK(…)」 stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from office_tui.assignment import AssignmentRow
from office_tui.clock import office_today
from office_tui.dates import format_date
from office_tui.i18n import t

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
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
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
    everything = range(len(heads))
    for offset, row in enumerate(rows):
        write_row(sheet, FIRST_ROW + offset, row_values(row), text_columns=everything)
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1).coordinate
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    fit_columns(sheet)  # before the title, which would otherwise widen column A
    title = t("assign.export_title", batch=batch_no, day=format_date(today or office_today(), "roc"), n=len(rows))
    set_text(sheet.cell(row=TITLE_ROW, column=1), title).font = Font(bold=True, size=14)
    book.save(path)
    return path
