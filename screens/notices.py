"""補正通知 — the correction notices: overdue, due today, due within 2 working days, the rest.

c corrected (with the date) · e extend (working days + reason) · w withdraw (reason) ·
n raise a notice by hand · x export the list (xlsx) · a open only / all · d meeting decks.
Every change runs in a worker, is told in a toast, and the list reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from models.clock import office_today
from office_tui.core.i18n import t
from screens.formatting import cell
from screens.notice_forms import DateScreen, ExtendScreen, PathScreen, RaiseNoticeScreen
from screens import jobs
from screens.i18n import TranslatedBindings
from screens.messages import OfficeReady

URGENCIES = ("overdue", "today", "soon", "later", "closed")
# Rich styles: DataTable cells are Rich renderables, not CSS-styled widgets.
URGENCY_STYLE = {"overdue": "bold red", "today": "bold dark_orange", "soon": "yellow", "later": "", "closed": "dim"}


@dataclass
class NoticesLoaded(Message):
    rows: list  # NoticeRow, most urgent first


@dataclass
class NoticeChanged(Message):
    """A change made (or a file written): what to tell; the list reloads."""

    text: str


def _sorted_notices(engine, show_all: bool) -> list:
    from office_tui.notices.correction import list_notices

    rows = list_notices(engine, status=None if show_all else "open")
    rows.sort(key=lambda r: (URGENCIES.index(r.urgency), r.due_on, r.application_no))
    return rows


def _first_item(items: str, width: int = 24) -> str:
    """The first item, short enough for its column (the panel below shows them all)."""
    first = items.splitlines()[0] if items else ""
    more = len(items.splitlines()) > 1
    return first[:width] + "…" if len(first) > width or more else first


class NoticesScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("c", "corrected", "key.mark_corrected", id="notice_list.corrected"),
        Binding("e", "extend", "key.extend", id="notice_list.extend"),
        Binding("w", "withdraw", "key.withdraw", id="notice_list.withdraw"),
        Binding("n", "raise_notice", "key.raise_notice", id="notice_list.raise"),
        Binding("x", "export", "key.export", id="notice_list.export"),
        Binding("a", "toggle_all", "key.open_or_all", id="notice_list.toggle_all"),
        Binding("d", "decks", "key.decks", id="notice_list.decks"),
        Binding("f5", "refresh", "key.refresh", id="notice_list.refresh"),
        Binding("escape", "app.pop_screen", "key.back", id="notice_list.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: list = []  # NoticeRow, in the order shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="notices-summary", classes="section-title")
        yield DataTable(id="notices", cursor_type="row", zebra_stripes=True)
        yield Static("", id="notice-items", classes="notice-items")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.notices")
        table = self.table
        table.add_columns(t("col.application_no"), t("col.company_name"), t("notices.col_purpose"),
                          t("col.notified_on"), t("col.due_on"), t("col.urgency"), t("col.notice_status"),
                          t("col.items"))
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()  # on the first push too, and back from the decks screen

    @on(OfficeReady)
    def _lapsed_meanwhile(self) -> None:
        self.reload()  # the app's chores lapsed some notices

    @property
    def table(self) -> DataTable:
        return self.query_one("#notices", DataTable)

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        engine, show_all = self.app.office.engine, self.show_all
        jobs.fetch(self, lambda: _sorted_notices(engine, show_all), NoticesLoaded, group="notices-load")

    @on(NoticesLoaded)
    def _loaded(self, message: NoticesLoaded) -> None:
        self._show(message.rows)

    def _show(self, rows: list) -> None:
        table = self.table
        keep = self.current.id if self.current else None
        self.rows = rows
        style = self.app.settings.date_style
        table.clear()
        for row in rows:
            mark = URGENCY_STYLE[row.urgency]
            table.add_row(row.application_no, row.company_name, t(f"notice.purpose_{row.purpose}"),
                          cell("date", row.notified_on, style), Text(cell("date", row.due_on, style), style=mark),
                          Text(t(f"notice.urgency_{row.urgency}"), style=mark), t(f"notice.{row.status}"),
                          _first_item(row.items), key=str(row.id))
        ids = [r.id for r in rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        counts = {u: sum(1 for r in rows if r.urgency == u) for u in URGENCIES}
        self.query_one("#notices-summary", Static).update(t(
            "notices.summary_all" if self.show_all else "notices.summary_open", total=len(rows), **counts))
        self._show_items()

    @on(DataTable.RowHighlighted, "#notices")
    def _show_items(self) -> None:
        row = self.current
        text = ""
        if row is not None:
            style = self.app.settings.date_style
            head = t("notices.items_head", application_no=row.application_no, company=row.company_name,
                     notified=cell("date", row.notified_on, style), due=cell("date", row.due_on, style))
            if row.corrected_on:
                head += "　" + t("notices.corrected_on", day=cell("date", row.corrected_on, style))
            text = head + "\n" + row.items
        self.query_one("#notice-items", Static).update(Text(text))

    @property
    def current(self):
        """The highlighted notice (a NoticeRow), or None."""
        table = self.query_one("#notices", DataTable)
        if not self.rows or not table.row_count or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # -- actions ---------------------------------------------------------------------------
    def _run(self, job: Callable[[], str]) -> None:
        """Run ``job`` (a service call returning the message to tell) off the UI thread."""
        jobs.call(self, job, NoticeChanged, group="notices-act")

    @on(NoticeChanged)
    def _changed(self, message: NoticeChanged) -> None:
        self.notify(message.text, timeout=8)
        self.reload()

    def _open_notice(self):
        """The highlighted notice if it is still open; else say why not and give None."""
        row = self.current
        if row is None:
            self.notify(t("notices.none_selected"), severity="warning")
            return None
        if row.status != "open":
            self.notify(t("notice.not_open", notice_id=row.id, status=t(f"notice.{row.status}")), severity="warning")
            return None
        return row

    def _date(self, value: date) -> str:
        return cell("date", value, self.app.settings.date_style)

    @work(group="notices-flow")
    async def action_corrected(self) -> None:
        from office_tui.notices.correction import mark_corrected

        row = self._open_notice()
        if row is None:
            return
        title = t("notices.corrected_title", application_no=row.application_no)
        day = await self.app.push_screen_wait(DateScreen(title, self._date(office_today())))
        if day is None:
            return
        engine, actor, done = self.app.office.engine, self.app.actor, t(
            "notices.corrected_done", application_no=row.application_no, day=self._date(day))

        def job() -> str:
            notice = mark_corrected(engine, actor, row.id, day)
            return done + (f"（{notice.closed_reason}）" if notice.closed_reason else "")

        self._run(job)

    @work(group="notices-flow")
    async def action_extend(self) -> None:
        from office_tui.notices.correction import extend

        row = self._open_notice()
        if row is None:
            return
        answer = await self.app.push_screen_wait(ExtendScreen(t(
            "notices.extend_title", application_no=row.application_no, due=self._date(row.due_on))))
        if answer is None:
            return
        days, reason = answer
        engine, actor, style = self.app.office.engine, self.app.actor, self.app.settings.date_style

        def job() -> str:
            notice = extend(engine, actor, row.id, days, reason)
            return t("notices.extended", application_no=row.application_no, days=days,
                     due=cell("date", notice.due_on, style))

        self._run(job)

    @work(group="notices-flow")
    async def action_withdraw(self) -> None:
        from office_tui.notices.correction import withdraw
        from screens.forms import ReasonScreen

        row = self._open_notice()
        if row is None:
            return
        reason = await self.app.push_screen_wait(ReasonScreen(t("notices.withdraw_title",
                                                                 application_no=row.application_no)))
        if not reason:
            return
        engine, actor = self.app.office.engine, self.app.actor

        def job() -> str:
            withdraw(engine, actor, row.id, reason)
            return t("notices.withdrawn_done", application_no=row.application_no)

        self._run(job)

    @work(group="notices-flow")
    async def action_raise_notice(self) -> None:
        from office_tui.notices.correction import raise_notice

        answer = await self.app.push_screen_wait(RaiseNoticeScreen(self._date(office_today())))
        if answer is None:
            return
        number, notified_on, items = answer
        engine, actor, style = self.app.office.engine, self.app.actor, self.app.settings.date_style

        def job() -> str:
            notice = raise_notice(engine, actor, number, notified_on, items)
            return t("notice.raised", application_no=number, due=cell("date", notice.due_on, style))

        self._run(job)

    @work(group="notices-flow")
    async def action_export(self) -> None:
        from exports.notices import default_file_name
        from office_tui.core.config import data_dir

        rows, style = list(self.rows), self.app.settings.date_style
        if not rows:
            self.notify(t("notices.nothing_to_export"), severity="warning")
            return
        default = str(data_dir() / default_file_name(office_today(), style))
        path = await self.app.push_screen_wait(PathScreen(t("notices.export_title_dialog", n=len(rows)), default))
        if not path:
            return

        def job() -> str:
            from exports.notices import write_notices

            written = write_notices(rows, path, style)
            return t("notices.exported", n=len(rows), path=str(written))

        self._run(job)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_decks(self) -> None:
        from screens.decks import DecksScreen

        self.app.push_screen(DecksScreen())

# -- the dialogs the screen asks ---------------------------------------------------------------
