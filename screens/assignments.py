"""分派審查委員 — who reviews which application of a batch.

u assign the batch automatically (K members each, a load cap; it explains what it could
not staff) · a add a member to the highlighted application · d take one off · b batch ·
x export the assignment table · F5 refresh. A conflicted pair is refused with its reason.
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
from screens.sheets import STATUS_STYLE


@dataclass
class BoardLoaded(Message):
    batch_no: int | None  # the batch shown (the busiest when none was chosen)
    batches: list
    rows: list  # BoardRow
    members: list  # RosterRow


@dataclass
class AssignmentChanged(Message):
    """What to tell; ``unstaffed`` (a text) when the automatic assignment could not staff all."""

    text: str
    unstaffed: str = ""


@dataclass
class Exported(Message):
    text: str


def _board(session, batch_no: int | None) -> BoardLoaded:
    from office_tui.committee.board import batch_numbers, board, busiest_batch
    from office_tui.committee.roster import roster

    if batch_no is None:
        batch_no = busiest_batch(session)
    return BoardLoaded(batch_no, batch_numbers(session), board(session, batch_no) if batch_no is not None else [],
                       roster(session))


def _auto(session, actor, batch_no: int, k: int, cap: int | None) -> AssignmentChanged:
    from office_tui.committee.assignment import auto_assign

    plan = auto_assign(session, actor, batch_no, k=k, cap=cap)
    text = t("panel.auto_done", created=len(plan.created), cap=plan.cap)
    unstaffed = ""
    if plan.unstaffed:
        lines = [t("panel.unstaffed_head", n=len(plan.unstaffed))]
        lines += [f"{number} ({staffed}/{k}): {why}" for number, staffed, why in plan.unstaffed]
        unstaffed = text + "\n\n" + "\n".join(lines)
    return AssignmentChanged(text, unstaffed)


class AssignmentsScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("u", "auto", "key.auto_assign", id="assignments.auto"),
        Binding("a", "add", "key.add_member", id="assignments.add"),
        Binding("d", "remove", "key.remove_member", id="assignments.remove"),
        Binding("b", "batch", "key.tally_batch", id="assignments.batch"),
        Binding("x", "export", "key.export", id="assignments.export"),
        Binding("f5", "refresh", "key.refresh", id="assignments.refresh"),
        Binding("escape", "app.pop_screen", "key.back", id="assignments.back"),
    ]

    def __init__(self, batch_no: int | None = None) -> None:
        super().__init__()
        self.batch_no = batch_no
        self.batches: list[int] = []
        self.rows: list = []  # BoardRow
        self.members: list = []  # RosterRow

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="assign-head", classes="section-title")
        yield DataTable(id="assignments", cursor_type="row", zebra_stripes=True)
        yield Static("", id="assign-detail", classes="notice-items")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("review.assignments")
        self.table.add_columns(t("col.application_no"), t("col.company_name"), t("col.solution_name"),
                               t("col.category"), t("panel.col_count"), t("panel.col_members"))
        self.table.focus()
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one("#assignments", DataTable)

    @property
    def current(self):
        if not self.rows or not 0 <= self.table.cursor_row < len(self.rows):
            return None
        return self.rows[self.table.cursor_row]

    def reload(self) -> None:
        batch_no = self.batch_no
        jobs.read(self, lambda s: _board(s, batch_no), lambda loaded: loaded, group="assign-load")

    @on(BoardLoaded)
    def _show(self, message: BoardLoaded) -> None:
        from office_tui.committee.assignment import DEFAULT_K

        self.batch_no = message.batch_no
        batches, rows, members = message.batches, message.rows, message.members
        keep = self.current.application_no if self.current else None
        self.batches, self.rows, self.members = batches, rows, members
        table = self.table
        table.clear()
        for row in rows:
            names = Text()
            for reviewer_no, _name, status in row.members:
                names.append(reviewer_no + " ", style=STATUS_STYLE.get(status, ""))
            count = len(row.members)
            table.add_row(row.application_no, row.company, row.solution_name, t(f"category.{row.category}"),
                          Text(f"{count}/{DEFAULT_K}", style="green" if count >= DEFAULT_K else "bold red"),
                          names, key=row.application_no)
        numbers = [r.application_no for r in rows]
        if keep in numbers:
            table.move_cursor(row=numbers.index(keep), animate=False)
        loads = [m.assigned for m in members if m.active]
        self.query_one("#assign-head", Static).update(t(
            "panel.head", batch=self.batch_no if self.batch_no is not None else "-", count=len(rows),
            short=sum(1 for r in rows if len(r.members) < DEFAULT_K), k=DEFAULT_K,
            low=min(loads, default=0), high=max(loads, default=0)))
        self._detail()

    @on(DataTable.RowHighlighted, "#assignments")
    def _detail(self) -> None:
        row = self.current
        panel = self.query_one("#assign-detail", Static)
        if row is None:
            panel.update(t("panel.empty"))
            return
        text = Text(f"{row.application_no}  {row.solution_name}（{row.company}）\n", style="bold")
        for reviewer_no, name, status in row.members:
            text.append(f"  {reviewer_no} {name}  ")
            text.append(t(f"sheet.status_{status}") + "\n", style=STATUS_STYLE.get(status, ""))
        panel.update(text)

    # -- actions ---------------------------------------------------------------------------
    def _run(self, change, message: str) -> None:
        """``change(session)`` in one audited transaction whose reason is ``message``; it
        returns what to tell (an AssignmentChanged, a text, or else ``message``)."""
        def told(result) -> AssignmentChanged:
            if isinstance(result, AssignmentChanged):
                return result
            return AssignmentChanged(result if isinstance(result, str) else message)

        jobs.write(self, change, told, reason=message, group="assign-act")

    @on(AssignmentChanged)
    def _changed(self, message: AssignmentChanged) -> None:
        from screens.message import MessageScreen

        if message.unstaffed:
            self.app.push_screen(MessageScreen(t("panel.auto_title", batch=self.batch_no), message.unstaffed))
        self.notify(message.text, timeout=8)
        self.reload()

    @work(group="assign-flow")
    async def action_auto(self) -> None:
        from office_tui.committee.assignment import DEFAULT_K
        from screens.forms import TextField, TextFieldsScreen

        if self.batch_no is None:
            return
        batch_no = self.batch_no

        def whole(text: str) -> str | None:
            return None if text.isdigit() and int(text) > 0 else t("panel.whole_number", value=text)

        values = await self.app.push_screen_wait(TextFieldsScreen(
            t("panel.auto_title", batch=batch_no),
            [TextField("k", t("panel.k_hint"), "panel.k_required", value=str(DEFAULT_K), type="integer", check=whole),
             TextField("cap", t("panel.cap_hint"), type="integer", check=whole)], lambda values: values))
        if values:
            k, cap = int(values["k"]), int(values["cap"]) if values["cap"] else None
            actor = self.app.actor
            self._run(lambda s: _auto(s, actor, batch_no, k, cap), t("panel.auto_reason", batch=batch_no, k=k))

    @work(group="assign-flow")
    async def action_add(self) -> None:
        from office_tui.committee.assignment import assign
        from screens.forms import ChoiceScreen

        row = self.current
        if row is None:
            return
        on_panel = {m[0] for m in row.members}
        options = [(f"{m.reviewer_no} {m.name}（{m.affiliation}）{m.assigned}", m.reviewer_no)
                   for m in self.members if m.active and m.reviewer_no not in on_panel]
        reviewer_no = await self.app.push_screen_wait(
            ChoiceScreen(t("panel.add_title", application_no=row.application_no), options))
        if reviewer_no:
            actor = self.app.actor
            message = t("panel.added", application_no=row.application_no, reviewer=reviewer_no)
            self._run(lambda s: assign(s, actor, row.application_no, reviewer_no) and message, message)

    @work(group="assign-flow")
    async def action_remove(self) -> None:
        """Take a member off the application: while the sheet is untouched, or at any time
        when the pair is conflicted (the sheet and its scores go too; audited, and said)."""
        from office_tui.committee.assignment import remove_assignment
        from screens.forms import ChoiceScreen

        row = self.current
        if row is None or not row.members:
            return
        options = [(f"{number} {name}（{t(f'sheet.status_{status}')}）", number) for number, name, status in row.members]
        reviewer_no = await self.app.push_screen_wait(
            ChoiceScreen(t("panel.remove_title", application_no=row.application_no), options))
        if not reviewer_no:
            return
        actor = self.app.actor
        message = t("panel.removed", application_no=row.application_no, reviewer=reviewer_no)

        def remove(session) -> str:
            removed = remove_assignment(session, actor, row.application_no, reviewer_no)
            return message if removed is None else removed.describe()

        self._run(remove, message)

    def action_batch(self) -> None:
        if self.batches:
            index = self.batches.index(self.batch_no) if self.batch_no in self.batches else -1
            self.batch_no = self.batches[(index + 1) % len(self.batches)]
            self.reload()

    @work(group="assign-flow")
    async def action_export(self) -> None:
        from exports.assignments import default_file_name
        from office_tui.core.config import data_dir
        from screens.notice_forms import PathScreen

        if self.batch_no is None:
            return
        batch_no = self.batch_no
        path = await self.app.push_screen_wait(PathScreen(t("panel.export_title", batch=batch_no),
                                                          str(data_dir() / default_file_name(batch_no))))
        if not path:
            return

        def export(session) -> str:
            from exports.assignments import write_assignments
            from office_tui.committee.assignment import assignment_rows

            rows = assignment_rows(session, batch_no)
            written = write_assignments(rows, path, batch_no)
            return t("panel.exported", n=len(rows), path=str(written))

        jobs.read(self, export, Exported, group="assign-export", severity="warning")

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(message.text, timeout=8)
