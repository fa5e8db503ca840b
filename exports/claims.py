"""Claims out as .xlsx: 申請補助總表 (each provider's claims with amounts and totals),
撥款清單 (the payment list) and 扣繳憑單清冊 (the withholding list).

Same shape as the other list exports (exports.list_sheet.add_list_sheet): row 1 the title (with
the day it was made), row 2 the header (frozen, and repeated with the title on every
printed page, A4 landscape), then the rows, subtotals and totals in bold. Codes and names
are text, so a UBN keeps its leading zero and a store called 「=HYPERLINK(…)」 stays text;
amounts are numbers (whole NT$, formatted #,##0) so that Excel can add them up; dates
are text in the office's form (ROC by default).

The rows are what the last reconciliation stored (Claim.subsidy, Claim.status): run
``office-tui reconcile`` (or approve, which reconciles) first for fresh figures.

核定金額 and its subtotals are what the programme has granted: approved (核定) and paid
(已撥款) claims, as ``office-tui claims budget`` counts them (committed + paid). A claim
clawed back (已追回) stays listed with its status, its 核定金額 0: the money came back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from models.clock import office_today
from office_tui.core.dates import format_date
from office_tui.core.db import read_session
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.core.programme import CLAIM_GRANTED_STATUSES

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


class _Labels:
    """Each date and each status worded once: a list of 100,000 claims holds a few hundred
    distinct days and a handful of statuses."""

    def __init__(self, date_style: str) -> None:
        self.style = date_style
        self.days: dict[object, str] = {None: ""}
        self.statuses: dict[str, str] = {}

    def day(self, value) -> str:
        found = self.days.get(value)
        if found is None:
            found = self.days[value] = format_date(
                value if isinstance(value, date) else date.fromisoformat(value), self.style)
        return found

    def status(self, code: str) -> str:
        found = self.statuses.get(code)
        if found is None:
            found = self.statuses[code] = t(f"claim.{code}")
        return found


def _write(path: str | Path, sheet_title: str, title: str, heads: Sequence[str], rows: Iterable[Sequence],
           text_columns: Iterable[int], money_columns: Iterable[int], bold_rows: Iterable[int] = ()) -> Path:
    from exports.list_sheet import add_list_sheet, new_list_book, save_book

    book = new_list_book()
    add_list_sheet(book, sheet_title, heads, rows, title=title,
                   number_formats={column: MONEY_FORMAT for column in money_columns},
                   text_columns=text_columns, bold_rows=bold_rows, footer=t("export.footer_pages"))
    return save_book(book, path)


def write_claims_summary(engine: Engine, path: str | Path, *, provider_ubn: str | None = None,
                         date_style: str = "roc", today: date | None = None) -> Path:
    """申請補助總表: every claim of each provider (or of ``provider_ubn``), its amounts and
    status, a subtotal row per provider and a grand total."""
    where, params = "1 = 1", {}
    if provider_ubn is not None:
        provider_ubn = provider_ubn.strip()
        _check_provider(engine, provider_ubn)
        where, params = "p.ubn = :ubn", {"ubn": provider_ubn}
    found = _rows(engine, where, params)
    heads = [t("claims.col_provider_ubn"), t("claims.col_provider"), t("claims.col_claim_no"),
             t("claims.col_store_ubn"), t("claims.col_store"), t("claims.col_invoice_no"), t("claims.col_filed_on"),
             t("claims.col_contract_total"), t("claims.col_subsidy"), t("claims.col_approved"),
             t("claims.col_status")]
    labels = _Labels(date_style)
    rows: list[list] = []
    bold: list[int] = []
    totals = [0, 0, 0]  # contract total, subsidy, approved
    count = contract = subsidy = approved = 0  # the current provider's
    last = len(found) - 1
    for k, r in enumerate(found):
        granted = r[9] if r[11] in CLAIM_GRANTED_STATUSES else 0 if r[11] == "clawed_back" else None
        rows.append([r[0], r[1], r[2], r[3], r[4], r[5], labels.day(r[6]), r[7], r[8], granted,
                     labels.status(r[11])])
        count += 1
        contract += r[7]
        subsidy += r[8]
        approved += granted or 0
        if k == last or found[k + 1][0] != r[0]:
            bold.append(len(rows))
            rows.append([r[0], r[1], t("claims.subtotal", n=count), None, None, None, None,
                         contract, subsidy, approved, None])
            totals = [totals[0] + contract, totals[1] + subsidy, totals[2] + approved]
            count = contract = subsidy = approved = 0
    bold.append(len(rows))
    rows.append([None, None, t("claims.grand_total", n=len(found)), None, None, None, None, *totals, None])
    title = t("claims.summary_title", day=format_date(today or office_today(), date_style), n=len(found))
    return _write(path, t("claims.summary_sheet"), title, heads, rows, range(7), (7, 8, 9), bold)


def _check_provider(engine: Engine, ubn: str) -> None:
    """An OfficeError unless a provider with ``ubn`` is registered: a summary of nobody
    is a mistyped UBN, not an empty list."""
    with read_session(engine) as session:
        known = session.execute(text("SELECT 1 FROM provider WHERE ubn = :ubn"), {"ubn": ubn}).first()
    if known is None:
        raise OfficeError("claims.export_unknown_provider", ubn=ubn)


def write_payments(engine: Engine, path: str | Path, *, paid: bool = False, date_style: str = "roc",
                   today: date | None = None) -> Path:
    """撥款清單: the approved claims to pay (``paid``: the claims already paid), in
    provider then filing order, with the amount per claim and the total."""
    found = _rows(engine, "c.status = :status", {"status": "paid" if paid else "approved"})
    heads = [t("claims.col_provider_ubn"), t("claims.col_provider"), t("claims.col_claim_no"),
             t("claims.col_store_ubn"), t("claims.col_store"), t("claims.col_approved_on"), t("claims.col_paid_on"),
             t("claims.col_amount")]
    labels = _Labels(date_style)
    rows = [[r[0], r[1], r[2], r[3], r[4], labels.day(r[12]), labels.day(r[13]), r[9] or 0] for r in found]
    rows.append([None, None, t("claims.grand_total", n=len(found)), None, None, None, None,
                 sum(r[9] or 0 for r in found)])
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
    yes, no = t("common.yes"), t("common.no")
    rows = ([r[0], r[1], r[3], r[4], r[2], r[9] or 0, r[10], yes if r[10] == (r[9] or 0) else no] for r in found)
    title = t("claims.withholding_title", day=format_date(today or office_today(), date_style), n=len(found))
    return _write(path, t("claims.withholding_sheet"), title, heads, rows, (0, 1, 2, 3, 4, 7), (5, 6))
