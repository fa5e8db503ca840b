"""委員名冊 — the committee's members, their load, and their conflicts of interest.

i import the roster (xlsx/csv) · c declare a conflict (UBN + note) · d withdraw one ·
t active / inactive · F5 refresh. The panel below lists the highlighted member's
conflicts with their reasons, declared and found from the affiliation.
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


@dataclass
class RosterLoaded(Message):
    rows: list  # RosterRow


@dataclass
class ConflictsLoaded(Message):
    reviewer_no: str
    lines: list  # ConflictLine
    clashes: list  # (application, member, reason) assigned despite a conflict


@dataclass
class RosterChanged(Message):
    text: str


class RosterScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("i", "import_roster", "key.import", id="roster.import"),
        Binding("c", "add_conflict", "key.add_conflict", id="roster.add_conflict"),
        Binding("d", "remove_conflict", "key.remove_conflict", id="roster.remove_conflict"),
        Binding("t", "toggle_active", "key.toggle_active", id="roster.toggle_active"),
        Binding("f5", "refresh", "key.refresh", id="roster.refresh"),
        Binding("escape", "app.pop_screen", "key.back", id="roster.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.lines: list = []  # ConflictLine of the highlighted member

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="roster-summary", classes="section-title")
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
        yield Static("", id="roster-conflicts", classes="notice-items")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("review.roster")
        self.table.add_columns(t("members.col_no"), t("members.col_name"), t("members.col_affiliation"),
                               t("members.col_expertise"), t("members.col_conflicts"), t("members.col_load"),
                               t("members.col_active"))
        self.table.focus()
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one("#roster", DataTable)

    @property
    def current(self):
        if not self.rows or not 0 <= self.table.cursor_row < len(self.rows):
            return None
        return self.rows[self.table.cursor_row]

    def reload(self) -> None:
        from office_tui.committee.roster import roster

        jobs.read(self, roster, RosterLoaded, group="roster-load")

    @on(RosterLoaded)
    def _show(self, message: RosterLoaded) -> None:
        rows = message.rows
        keep = self.current.reviewer_no if self.current else None
        self.rows = rows
        table = self.table
        table.clear()
        for row in rows:
            table.add_row(row.reviewer_no, row.name, row.affiliation, row.expertise,
                          Text(str(row.conflict_count), style="yellow" if row.conflict_count else "dim"),
                          t("members.load", assigned=row.assigned, submitted=row.submitted),
                          Text(t("common.yes") if row.active else t("common.no"),
                               style="" if row.active else "dim red"),
                          key=row.reviewer_no)
        numbers = [r.reviewer_no for r in rows]
        if keep in numbers:
            table.move_cursor(row=numbers.index(keep), animate=False)
        self.query_one("#roster-summary", Static).update(t(
            "members.summary", total=len(rows), active=sum(1 for r in rows if r.active)))
        self._load_conflicts()

    @on(DataTable.RowHighlighted, "#roster")
    def _load_conflicts(self) -> None:
        row = self.current
        if row is not None:
            self._conflicts(row.reviewer_no)

    def _conflicts(self, reviewer_no: str) -> None:
        from office_tui.committee.roster import conflicted_assignments, conflicts_of

        jobs.read(self, lambda s: ConflictsLoaded(reviewer_no, conflicts_of(s, reviewer_no),
                                                  conflicted_assignments(s, reviewer_no)),
                  lambda loaded: loaded, group="roster-conflicts")

    @on(ConflictsLoaded)
    def _show_conflicts(self, message: ConflictsLoaded) -> None:
        reviewer_no, lines, clashes = message.reviewer_no, message.lines, message.clashes
        self.lines = lines
        text = Text(t("members.conflicts_head", reviewer=reviewer_no, n=len(lines)) + "\n", style="bold")
        for line in lines:
            text.append(f"  {line.ubn} {line.company or ''}  ", style="bold")
            text.append(line.reason + "\n")
        for _app, _member, reason in clashes:
            text.append("  ⚠ " + t("members.assigned_despite", reason=reason) + "\n", style="red")
        self.query_one("#roster-conflicts", Static).update(text)

    # -- actions ---------------------------------------------------------------------------
    def _run(self, change, message: str) -> None:
        """``change(session)`` in one audited transaction whose reason is ``message``; told, then reloaded."""
        jobs.write(self, change, lambda _: RosterChanged(message), reason=message, group="roster-act")

    @on(RosterChanged)
    def _changed(self, message: RosterChanged) -> None:
        self.notify(message.text, timeout=8)
        self.reload()

    @work(group="roster-flow")
    async def action_import_roster(self) -> None:
        from screens.import_dialog import ImportScreen, reviewers_runner

        if await self.app.push_screen_wait(ImportScreen(t("members.import_title"), reviewers_runner)):
            self.reload()

    @work(group="roster-flow")
    async def action_add_conflict(self) -> None:
        from office_tui.committee.roster import add_conflict
        from office_tui.core.ubn import is_valid_ubn
        from screens.forms import TextField, TextFieldsScreen

        row = self.current
        if row is None:
            return

        def check(text: str) -> str | None:
            return None if is_valid_ubn(text) else t("members.bad_ubn", ubn=text)

        values = await self.app.push_screen_wait(TextFieldsScreen(
            t("members.add_conflict_title", reviewer=f"{row.reviewer_no} {row.name}"),
            [TextField("ubn", t("members.ubn_hint"), "members.ubn_required", check=check),
             TextField("note", t("members.note_hint"))], lambda values: values))
        if values:
            actor = self.app.actor
            self._run(lambda s: add_conflict(s, actor, row.reviewer_no, values["ubn"], values["note"]),
                      t("members.conflict_added", reviewer=row.reviewer_no, ubn=values["ubn"]))

    @work(group="roster-flow")
    async def action_remove_conflict(self) -> None:
        from office_tui.committee.roster import remove_conflict
        from screens.forms import ChoiceScreen

        row = self.current
        declared = [line for line in self.lines if line.source == "declared"]
        if row is None or not declared:
            self.notify(t("members.no_declared"), severity="warning")
            return
        options = [(f"{line.ubn} {line.company}", line.ubn) for line in declared]
        ubn = await self.app.push_screen_wait(ChoiceScreen(t("members.remove_conflict_title", reviewer=row.reviewer_no),
                                                           options))
        if ubn:
            actor = self.app.actor
            self._run(lambda s: remove_conflict(s, actor, row.reviewer_no, ubn),
                      t("members.conflict_removed", reviewer=row.reviewer_no, ubn=ubn))

    def action_toggle_active(self) -> None:
        from office_tui.committee.roster import set_active

        row = self.current
        if row is None:
            return
        key = "members.activated" if not row.active else "members.deactivated"
        message = t(key, reviewer=row.reviewer_no)
        actor = self.app.actor
        self._run(lambda s: set_active(s, actor, row.reviewer_no, not row.active), message)

    def action_refresh(self) -> None:
        self.reload()
