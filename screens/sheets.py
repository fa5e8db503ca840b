"""評分表清單 — a member's own sheets (staff: every sheet), Enter opens one to score.

A member sees only their own assignments and their own totals; staff see every sheet and
can key in paper sheets from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from office_tui.core.i18n import t
from screens import jobs
from screens.i18n import TranslatedBindings

STATUS_STYLE = {"assigned": "bold", "draft": "yellow", "submitted": "dim"}


@dataclass
class SheetsLoaded(Message):
    rows: list  # the sheets
    batch_no: int | None = None  # staff: the batch shown (the busiest when none was chosen)
    batches: list | None = None  # staff: every batch


def _sheets(session, actor, staff: bool, batch_no: int | None) -> SheetsLoaded:
    from office_tui.committee.board import batch_numbers, busiest_batch
    from office_tui.committee.scoresheets import my_sheets

    if not staff:
        return SheetsLoaded(my_sheets(session, actor))
    if batch_no is None:
        batch_no = busiest_batch(session)
    return SheetsLoaded(my_sheets(session, actor, batch_no=batch_no), batch_no, batch_numbers(session))


class SheetsScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("enter", "open_sheet", "key.open", id="sheets.open"),
        Binding("i", "import_scores", "key.import_scores", id="sheets.import"),
        Binding("b", "batch", "key.tally_batch", id="sheets.batch"),
        Binding("f5", "refresh", "key.refresh", id="sheets.refresh"),
        Binding("escape", "app.pop_screen", "key.back", id="sheets.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.batch_no: int | None = None  # staff look at one batch at a time (b for the next)
        self.batches: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="sheets-summary", classes="section-title")
        yield DataTable(id="sheets", cursor_type="row", zebra_stripes=True)
        yield Footer()

    @property
    def staff(self) -> bool:
        return self.app.actor is not None and self.app.actor.role in ("staff", "admin")

    def on_mount(self) -> None:
        self.sub_title = t("sheets.title_all" if self.staff else "sheets.title_mine")
        columns = [t("col.application_no"), t("col.solution_name"), t("col.company_name"), t("col.category")]
        if self.staff:
            columns.append(t("sheets.col_reviewer"))
        columns += [t("sheets.col_status"), t("sheets.col_total")]
        self.table.add_columns(*columns)
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one("#sheets", DataTable)

    def reload(self) -> None:
        actor, staff, batch_no = self.app.actor, self.staff, self.batch_no
        jobs.read(self, lambda s: _sheets(s, actor, staff, batch_no), lambda loaded: loaded, group="sheets-load")

    def action_batch(self) -> None:
        if self.staff and self.batches:
            index = self.batches.index(self.batch_no) if self.batch_no in self.batches else -1
            self.batch_no = self.batches[(index + 1) % len(self.batches)]
            self.reload()

    @on(SheetsLoaded)
    def _show(self, message: SheetsLoaded) -> None:
        if message.batches is not None:
            self.batches, self.batch_no = message.batches, message.batch_no
        rows = message.rows
        table, keep = self.table, self.current
        order = {"assigned": 0, "draft": 1, "submitted": 2}  # what is still to do comes first
        rows = sorted(rows, key=lambda r: (order.get(r.status, 3), r.application_no, r.reviewer_no))
        self.rows = rows
        table.clear()
        for row in rows:
            cells = [row.application_no, row.solution_name, row.company, t(f"category.{row.category}")]
            if self.staff:
                cells.append(f"{row.reviewer_no} {row.reviewer_name}")
            cells += [Text(t(f"sheet.status_{row.status}"), style=STATUS_STYLE.get(row.status, "")),
                      Text(f"{row.total:.2f}" if row.total is not None else "", justify="right")]
            table.add_row(*cells, key=str(row.assignment_id))
        if keep is not None:
            ids = [r.assignment_id for r in rows]
            if keep.assignment_id in ids:
                table.move_cursor(row=ids.index(keep.assignment_id), animate=False)
        counts = {s: sum(1 for r in rows if r.status == s) for s in ("assigned", "draft", "submitted")}
        summary = t("sheets.summary", total=len(rows), **counts)
        if self.staff and self.batch_no is not None:
            summary = t("sheets.batch", batch=self.batch_no) + summary
        self.query_one("#sheets-summary", Static).update(summary)

    @property
    def current(self):
        table = self.table
        if not self.rows or not table.row_count or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#sheets")
    def _selected(self) -> None:
        self.action_open_sheet()

    def action_open_sheet(self) -> None:
        from screens.score_form import ScoreFormScreen

        row = self.current
        if row is None:
            self.notify(t("sheets.none"), severity="warning")
            return
        self.app.push_screen(ScoreFormScreen(row.assignment_id))

    @work(group="sheets-flow")
    async def action_import_scores(self) -> None:
        """Staff key in paper sheets from a file (one row per member per application)."""
        from screens.import_dialog import ImportScreen, scores_runner

        if not self.staff:
            self.notify(t("sheets.import_staff_only"), severity="warning")
            return
        if await self.app.push_screen_wait(ImportScreen(t("sheets.import_title"), scores_runner)):
            self.reload()

    def action_refresh(self) -> None:
        self.reload()
