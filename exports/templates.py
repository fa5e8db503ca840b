"""Empty import templates (`office-tui template KIND -o FILE`).

Each kind is a :class:`office_tui.layouts.Layout` from :mod:`office_tui.layouts`, the very
table its importer reads the file with, so a template and its importer cannot disagree.
An .xlsx template has the Chinese headers in row 1 of the first sheet (code columns
formatted as Text, so a UBN typed as 04595257 keeps its zero) and a second sheet 說明
listing each column's English alias, whether it is required, and what goes in it; a
.csv template is the header row alone (UTF-8 with BOM, which Excel opens correctly).
"""

from __future__ import annotations

import csv
from pathlib import Path

from office_tui.layouts import LAYOUTS
from office_tui.layouts import Layout
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t

SHEET_TITLES = {"applications": "申請案", "reviewers": "審查委員", "scores": "評分", "claims": "請款",
                "usage": "使用紀錄", "usage-daily": "每日使用次數", "past-recipients": "過往受補助店家"}
HELP_SHEET = "說明"

# Codes, not numbers: typed into a Text column they keep their leading zeros.
CODE_FIELDS = frozenset({"ubn", "provider_ubn", "store_ubn", "conflict_ubns", "application_no", "claim_no",
                         "reviewer_no", "invoice_no", "contact_mobile"})
DATA_WIDTH = 12  # an empty column still needs room to type in


class TemplateError(OfficeError):
    """No such template."""


def layout_of(kind: str) -> Layout:
    try:
        return LAYOUTS[kind]
    except KeyError:
        raise TemplateError("import.template.unknown_kind", kind=kind, kinds=", ".join(LAYOUTS)) from None


def write_template(kind: str, path: str | Path) -> Path:
    """Write the empty template of ``kind`` to ``path`` (.csv: the header row only;
    .xlsx, or no extension: an .xlsx). Returns the path written; a path that cannot be
    written is an OutputError, as for every export (exports/output.py)."""
    from exports.output import write_file

    layout = layout_of(kind)

    def write(target: Path) -> None:
        if Path(path).suffix.lower() == ".csv":
            with target.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerow(layout.headers)
        else:
            _write_xlsx(layout, target)

    return write_file(path, write, suffixes=(".xlsx", ".csv"))


def _write_xlsx(layout: Layout, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from exports.xlsx import fit_columns, set_text, text_columns

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLES.get(layout.kind, layout.kind)
    bold = Font(bold=True)
    for index, column in enumerate(layout.columns, start=1):
        set_text(sheet.cell(row=1, column=index), column.header).font = bold
    sheet.freeze_panes = "A2"
    text_columns(sheet, [i for i, c in enumerate(layout.columns) if c.field in CODE_FIELDS])
    fit_columns(sheet, min_width=DATA_WIDTH)

    notes = book.create_sheet(HELP_SHEET)
    heads = [t("import.template.col_header"), t("import.template.col_alias"), t("import.template.col_required"),
             t("import.template.col_content")]
    for index, head in enumerate(heads, start=1):
        set_text(notes.cell(row=1, column=index), head).font = bold
    for row, column in enumerate(layout.columns, start=2):
        values = [column.header, column.alias, t("import.template.required") if column.required else "",
                  t(layout.help_key(column), **dict(column.help_params))]
        for index, value in enumerate(values, start=1):
            set_text(notes.cell(row=row, column=index), value)
    notes.freeze_panes = "A2"
    fit_columns(notes)  # before the general note, which may run on past column A
    set_text(notes.cell(row=len(layout.columns) + 3, column=1), t("import.template.general"))
    book.save(path)
