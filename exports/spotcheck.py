"""抽查名單 — a spot-check draw as .xlsx for the visits (docs/rules/usage.md): per claim the
provider and its contact, the store, the claim and its term, and the result once
recorded. The list writer every export uses (exports.list_sheet): title, frozen header,
A4 landscape, every code and name kept as text (a UBN keeps its leading zero)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from models.clock import office_today
from office_tui.core.dates import format_date
from office_tui.core.db import read_session
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t


def write_spotcheck(engine: Engine, path: str | Path, *, draw_id: int | None = None, date_style: str = "roc",
                    today: date | None = None) -> Path:
    """The claims of a draw (the latest when ``draw_id`` is None), by provider."""
    from exports.list_sheet import add_list_sheet, new_list_book, save_book
    from office_tui.usage.spotcheck import draws, sample_rows

    with read_session(engine) as session:
        known = {d.id: d for d in draws(session)}
        if not known:
            raise OfficeError("spotcheck.no_draw")
        draw = known.get(draw_id if draw_id is not None else max(known))
        if draw is None:
            raise OfficeError("spotcheck.no_such_draw", draw=draw_id)
        rows = sample_rows(session, draw.id)
    heads = [t("spotcheck.col_provider_ubn"), t("spotcheck.col_provider"), t("spotcheck.col_contact"),
             t("spotcheck.col_phone"), t("spotcheck.col_email"), t("spotcheck.col_store_ubn"), t("spotcheck.col_store"),
             t("spotcheck.col_address"), t("spotcheck.col_claim_no"), t("spotcheck.col_status"), t("spotcheck.col_from"),
             t("spotcheck.col_to"), t("spotcheck.col_result"), t("spotcheck.col_checked_on"), t("spotcheck.col_note")]
    body = [[r.provider_ubn, r.provider_name, r.contact_name, r.contact_phone, r.contact_email, r.store_ubn,
             r.store_name, r.store_address, r.claim_no, t(f"claim.{r.status}"), format_date(r.starts, date_style),
             format_date(r.ends, date_style), t(f"spotcheck.result_{r.result}") if r.result else "",
             format_date(r.checked_on, date_style) if r.checked_on else "", r.note] for r in rows]
    title = t("spotcheck.sheet_title", draw=draw.id, seed=draw.seed, percent=f"{draw.percent:g}", n=len(rows),
              population=draw.population, day=format_date(today or office_today(), date_style))
    book = new_list_book()
    add_list_sheet(book, t("spotcheck.sheet"), heads, body, title=title, text_columns=range(len(heads)),
                   wrap_columns=(14,), footer=t("export.footer_pages"))
    return save_book(book, path)
