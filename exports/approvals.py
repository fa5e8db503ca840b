"""核定名單 — the list of approved solutions of a batch, for the gazette
(docs/rules/committee.md).

Row 1 names the programme and the batch (建構零售暨服務業數據共享創新服務計畫 第N批
雲端解決方案核定名單), row 2 is the header; both are frozen and repeated on every printed
page (A4 landscape, fitted to the width, page numbers in the footer). One row per
application the ministry approved, in the order of the decision's rank, then the
application number. Applications since listed (上架) or delisted (下架) stay on it: the
gazette lists what was approved. 核定日期 is text in the ROC form (115/11/20): Excel has no
ROC date format every copy of it understands.

The list goes through the write-only fast path (exports.list_sheet.add_list_sheet), the same
one benchmarks/export.py measures against a bare openpyxl loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from models import Application, Batch, Decision, Provider
from office_tui.core.dates import format_date
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import catalogue, t

APPROVED_STATUSES = ("approved", "listed", "delisted")
PRICE_FORMAT = "#,##0"
UBN_COLUMN, PRICE_COLUMN = 2, 5


@dataclass(frozen=True)
class ApprovalRow:
    """One line of the 核定名單."""

    application_no: str
    company: str
    ubn: str
    solution_name: str
    category: str  # a code of programme.CATEGORIES
    price: int
    approved_on: date
    rank: int | None = None


def find_batch(session: Session, batch_no: int) -> Batch:
    """The batch numbered ``batch_no``, or an OfficeError naming it."""
    batch = session.exec(select(Batch).where(Batch.number == batch_no)).first()
    if batch is None:
        raise OfficeError("export.batch_unknown", number=batch_no)
    return batch


def programme_name(code: str) -> str:
    """The programme's full name (Batch.programme: A, B), in the interface language."""
    key = f"export.programme_{code}"
    return t(key) if key in catalogue("zh_TW") else code


def approval_rows(session: Session, batch_no: int) -> list[ApprovalRow]:
    """The batch's approved applications in gazette order (rank, then application number)."""
    batch = find_batch(session, batch_no)
    query = (select(Application.application_no, Provider.name, Provider.ubn, Application.solution_name,
                    Application.category, Application.price, Decision.decided_on, Decision.rank)
             .join(Provider, Provider.id == Application.provider_id)
             .join(Decision, Decision.application_id == Application.id)
             .where(Application.batch_id == batch.id, Decision.outcome == "approved",
                    Application.status.in_(APPROVED_STATUSES)))
    rows = [ApprovalRow(*found) for found in session.exec(query).all()]
    # Unranked decisions (decided by hand, outside a ranking) after the ranked ones.
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.application_no))
    return rows


def headers() -> list[str]:
    return [t("export.approvals_col_seq"), t("export.approvals_col_provider"), t("export.approvals_col_ubn"),
            t("col.solution_name"), t("col.category"), t("col.price"), t("export.approvals_col_approved_on")]


def title(programme: str, batch_no: int) -> str:
    return t("export.approvals_title", programme=programme_name(programme), batch=batch_no)


def sheet_values(rows: Iterable[ApprovalRow], date_style: str = "roc") -> Iterable[Sequence[object]]:
    """The cells of each line: 序號 from 1, the category's label, the date as text."""
    labels: dict[str, str] = {}
    days: dict[date, str] = {}  # a batch is decided on a few days: format each once
    for seq, row in enumerate(rows, start=1):
        label = labels.get(row.category)
        if label is None:
            label = labels[row.category] = t(f"category.{row.category}")
        day = days.get(row.approved_on)
        if day is None:
            day = days[row.approved_on] = format_date(row.approved_on, date_style)
        yield (seq, row.company, row.ubn, row.solution_name, label, row.price, day)


def write_approvals(rows: Iterable[ApprovalRow], path: str | Path, *, batch_no: int, programme: str = "A",
                    date_style: str = "roc") -> Path:
    """Write the 核定名單 to ``path`` (".xlsx" added when missing); returns the path written."""
    from exports.list_sheet import add_list_sheet, new_list_book, save_book

    book = new_list_book()
    add_list_sheet(book, t("export.approvals_sheet"), headers(), sheet_values(rows, date_style),
                   title=title(programme, batch_no), number_formats={PRICE_COLUMN: PRICE_FORMAT},
                   text_columns=(UBN_COLUMN,), footer=t("export.footer_pages"))
    return save_book(book, path)


def export_approvals(engine, batch_no: int, path: str | Path) -> tuple[Path, int]:
    """Read the batch's approvals and write the 核定名單; (path, number of rows). Nothing
    is written for an unknown batch."""
    from office_tui.core.db import read_session

    with read_session(engine) as session:
        batch = find_batch(session, batch_no)
        rows = approval_rows(session, batch_no)
    return write_approvals(rows, path, batch_no=batch_no, programme=batch.programme), len(rows)

