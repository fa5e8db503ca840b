"""Claims out as .xlsx: 申請補助總表 (each provider's claims with amounts and totals),
撥款清單 (the payment list) and 扣繳憑單清冊 (the withholding list).

Same shape as exports/notices.py: row 1 the title (with the day it was made), row 2 the
header (frozen), then the rows. Every text cell goes through exports.xlsx, so a UBN keeps
its leading zero and a store called 「=HYPERLINK(…)」 stays text; amounts are numbers
(whole NT$, formatted #,##0) so that Excel can add them up; dates are text in the
office's form (ROC by default).

The rows are what the last reconciliation stored (Claim.subsidy, Claim.status): run
``office-tui reconcile`` (or approve, which reconciles) first for fresh figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from office_tui.clock import office_today
from office_tui.dates import format_date
from office_tui.db import read_session
from office_tui.i18n import t

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
MONEY_FORMAT = "#,##0"

_ROWS = """
SELECT p.ubn, p.name, c.claim_no, s.ubn, s.name, i.invoice_no, c.filed_on, k.total, c.subsidy,
       c.approved_amount, c.withholding_amount, c.status, c.approved_on, c.paid_on
FROM claim c JOIN contract k ON k.id = c.contract_id JOIN invoice i ON i.id = c.invoice_id
JOIN store s ON s.id = k.store_id JOIN provider p ON p.id = k.provider_id
WHERE {where}
ORDER BY p.ubn, c.filed_on, c.id
"""


def _rows(engine: Engine, where: str, params: dict) -> list:
    with read_session(engine) as session:
        return session.execute(text(_ROWS.format(where=where)), params).all()


def _day(value, style: str) -> str:
    if value is None:
        return ""
    return format_date(value if isinstance(value, date) else date.fromisoformat(value), style)


def _write(path: str | Path, sheet_title: str, title: str, heads: Sequence[str], rows: Sequence[Sequence],
           text_columns: Sequence[int], money_columns: Sequence[int], bold_rows: Sequence[int] = ()) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from exports.xlsx import fit_columns, set_text, write_row

    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    bold = Font(bold=True)
    for index, head in enumerate(heads, start=1):
        set_text(sheet.cell(row=HEADER_ROW, column=index), head).font = bold
    for offset, values in enumerate(rows):
        number = FIRST_ROW + offset
        write_row(sheet, number, values, text_columns=text_columns)
        for column in money_columns:
            sheet.cell(row=number, column=column + 1).number_format = MONEY_FORMAT
        if offset in bold_rows:
            for column in range(len(heads)):
                sheet.cell(row=number, column=column + 1).font = bold
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1).coordinate
    fit_columns(sheet)
    set_text(sheet.cell(row=TITLE_ROW, column=1), title).font = Font(bold=True, size=14)
    book.save(path)
    return path


def write_claims_summary(engine: Engine, path: str | Path, *, provider_ubn: str | None = None,
                         date_style: str = "roc", today: date | None = None) -> Path:
    """申請補助總表: every claim of each provider (or of ``provider_ubn``), its amounts and
    status, a subtotal row per provider and a grand total."""
    where, params = "1 = 1", {}
    if provider_ubn:
        where, params = "p.ubn = :ubn", {"ubn": provider_ubn}
    found = _rows(engine, where, params)
    heads = [t("claims.col_provider_ubn"), t("claims.col_provider"), t("claims.col_claim_no"),
             t("claims.col_store_ubn"), t("claims.col_store"), t("claims.col_invoice_no"), t("claims.col_filed_on"),
             t("claims.col_contract_total"), t("claims.col_subsidy"), t("claims.col_approved"),
             t("claims.col_status")]
    rows, bold, totals, mine = [], [], [0, 0, 0], [0, 0, 0, 0]  # mine: claims, total, subsidy, approved
    for k, r in enumerate(found):
        rows.append([r[0], r[1], r[2], r[3], r[4], r[5], _day(r[6], date_style), r[7], r[8], r[9],
                     t(f"claim.{r[11]}")])
        mine = [mine[0] + 1, mine[1] + r[7], mine[2] + r[8], mine[3] + (r[9] or 0)]
        if k + 1 == len(found) or found[k + 1][0] != r[0]:
            bold.append(len(rows))
            rows.append([r[0], r[1], t("claims.subtotal", n=mine[0]), "", "", "", "", *mine[1:], ""])
            totals = [a + b for a, b in zip(totals, mine[1:])]
            mine = [0, 0, 0, 0]
    bold.append(len(rows))
    rows.append(["", "", t("claims.grand_total", n=len(found)), "", "", "", "", *totals, ""])
    title = t("claims.summary_title", day=format_date(today or office_today(), date_style), n=len(found))
    return _write(path, t("claims.summary_sheet"), title, heads, rows, range(7), (7, 8, 9), bold)


def write_payments(engine: Engine, path: str | Path, *, paid: bool = False, date_style: str = "roc",
                   today: date | None = None) -> Path:
    """撥款清單: the approved claims to pay (``paid``: the claims already paid), in
    provider then filing order, with the amount per claim and the total."""
    found = _rows(engine, "c.status = :status", {"status": "paid" if paid else "approved"})
    heads = [t("claims.col_provider_ubn"), t("claims.col_provider"), t("claims.col_claim_no"),
             t("claims.col_store_ubn"), t("claims.col_store"), t("claims.col_approved_on"), t("claims.col_paid_on"),
             t("claims.col_amount")]
    rows = [[r[0], r[1], r[2], r[3], r[4], _day(r[12], date_style), _day(r[13], date_style), r[9] or 0]
            for r in found]
    rows.append(["", "", t("claims.grand_total", n=len(found)), "", "", "", "", sum(r[9] or 0 for r in found)])
    title = t("claims.paid_title" if paid else "claims.payments_title",
              day=format_date(today or office_today(), date_style), n=len(found))
    return _write(path, t("claims.payments_sheet"), title, heads, rows, range(7), (7,), [len(rows) - 1])


def write_withholding(engine: Engine, path: str | Path, *, date_style: str = "roc",
                      today: date | None = None) -> Path:
    """扣繳憑單清冊: per granted claim (核定, 已撥款) the certificate the provider issues the
    store — equal to the subsidy — next to the amount it filed, and whether they agree."""
    found = _rows(engine, "c.status IN ('approved', 'paid')", {})
    heads = [t("claims.col_provider_ubn"), t("claims.col_provider"), t("claims.col_store_ubn"),
             t("claims.col_store"), t("claims.col_claim_no"), t("claims.col_subsidy"),
             t("claims.col_withholding"), t("claims.col_agrees")]
    rows = [[r[0], r[1], r[3], r[4], r[2], r[9] or 0, r[10], t("common.yes") if r[10] == (r[9] or 0)
             else t("common.no")] for r in found]
    title = t("claims.withholding_title", day=format_date(today or office_today(), date_style), n=len(found))
    return _write(path, t("claims.withholding_sheet"), title, heads, rows, (0, 1, 2, 3, 4, 7), (5, 6))
