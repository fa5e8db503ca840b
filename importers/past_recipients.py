"""Import 過往受補助店家 (past recipients: stores already subsidised by another programme,
e.g. MOEA's 中小型店家數位轉型補助方案) — docs/import-layouts.md, ``past-recipients``.

A store on this list is not eligible (office_tui.claims.stores). A row with an invalid UBN, or
a control character in its store name or programme (fields.line_text), is refused with
its row, column and reason; a store already listed for the same programme
(before, or earlier in the file) is ``unchanged``. The good rows go in together, and the
claims are reconciled again before the import commits, so that a claim of a store now
listed is flagged ``store_ineligible`` at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from importers import fields as f
from importers.application_rows import parse_ubn
from importers.fields import FieldError
from office_tui.layouts import PAST_RECIPIENTS
from importers.report import ImportReport, RowError
from importers.tabular import insert_rows, open_sheet
from models import PastRecipient
from office_tui.core import audit
from office_tui.core.errors import describe
from office_tui.claims.reconcile import reconcile

__all__ = ["import_past_recipients"]


def import_past_recipients(engine: Engine, actor, path: str | Path, *, close_on: date | None = None) -> ImportReport:
    """Import the list in ``path`` (.xlsx or .csv) and reconcile, in one transaction."""
    from office_tui.core.db import write_session

    path = Path(path)
    with open_sheet(path, PAST_RECIPIENTS) as sheet:
        report = ImportReport(file=path.name, unknown_columns=list(sheet.unknown_columns))
        with write_session(engine, actor, f"import past recipients {path.name}") as session:
            stored = set(session.connection().execute(select(PastRecipient.store_ubn, PastRecipient.programme)).all())
            rows = []
            for row in sheet.rows():
                values, errors = {}, []
                for name in ("store_ubn", "store_name", "programme"):
                    cell = row.values.get(name)
                    try:
                        if name == "store_ubn":
                            if f.is_blank(cell):
                                raise FieldError("import.field.required")
                            values[name] = parse_ubn(cell)
                        else:
                            values[name] = "" if f.is_blank(cell) else f.line_text(cell)
                    except FieldError as error:
                        errors.append(RowError(row.number, sheet.header(name), describe(error)))
                if errors:
                    report.rejected.extend(errors)
                    continue
                ubn, programme = values["store_ubn"], values["programme"]
                if (ubn, programme) in stored:
                    report.unchanged.append(row.number)
                    continue
                stored.add((ubn, programme))
                rows.append((ubn, values["store_name"], programme))
                report.accepted.append(row.number)
            if rows:
                insert_rows(session.connection(), PastRecipient.__table__, ("store_ubn", "store_name", "programme"), rows)
                audit.record_bulk(session, "pastrecipient", len(rows), path.name)
                reconcile(session, close_on=close_on)
    return report
