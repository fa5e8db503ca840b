"""The big lists: applications and stores, paged from the database."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static

from office_tui.core.i18n import t
from office_tui.core.listing import ListSource, applications_source, stores_source
from office_tui.core.programme import APPLICATION_STATUSES, CATEGORIES
from screens import jobs
from screens.big_list import ListHeader, PagedTable
from screens.formatting import cell
from screens.i18n import TranslatedBindings
from screens.status_flow import StatusAsked, StatusMoved


class ListScreen(TranslatedBindings, Screen):
    """A filter box over a PagedTable; Enter opens the row's detail."""

    BINDINGS = [
        Binding("escape", "back", "key.back", id="list.back"),
        Binding("slash", "focus_filter", "key.filter", id="list.filter"),
    ]
    title_key = ""

    def make_source(self) -> ListSource:
        raise NotImplementedError

    def open_row(self, row_id: int) -> None:
        raise NotImplementedError

    def compose_filters(self) -> ComposeResult:
        return iter(())

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters"):
            yield Input(placeholder=t("list.filter_placeholder"), id="filter")
            yield from self.compose_filters()
        yield ListHeader(id="list-header")
        yield PagedTable(self.make_source(), self._format, id="rows")
        yield Static("", id="list-status", classes="status-line")
        yield Footer()

    def _format(self, kind: str, value) -> str:
        return cell(kind, value, self.app.settings.date_style)

    @property
    def table(self) -> PagedTable:
        return self.query_one("#rows", PagedTable)

    def on_mount(self) -> None:
        self.sub_title = t(self.title_key)
        self.table.reload()
        self.table.focus()

    def on_resize(self) -> None:
        self.query_one(ListHeader).show(self.table)

    @on(PagedTable.Reloaded)
    def _reloaded(self, event: PagedTable.Reloaded) -> None:
        self.query_one(ListHeader).show(self.table)
        self.query_one("#list-status", Static).update(t("list.count", n=f"{event.count:,}"))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    @on(PagedTable.RowOpened)
    def _open(self, event: PagedTable.RowOpened) -> None:
        self.open_row(event.row_id)

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "filter":
            self.table.focus()
        else:
            self.app.pop_screen()


class StoresScreen(ListScreen):
    title_key = "menu.stores"

    def make_source(self) -> ListSource:
        return stores_source(self.app.office.engine)

    def open_row(self, row_id: int) -> None:
        from screens.detail import StoreDetailScreen

        self.app.push_screen(StoreDetailScreen(row_id))


@dataclass
class BatchesLoaded(Message):
    numbers: list


def _batch_numbers(session) -> list[int]:
    from sqlmodel import select

    from models import Batch

    return list(session.exec(select(Batch.number).order_by(Batch.number)).all())


class ApplicationsScreen(ListScreen):
    title_key = "menu.applications"
    BINDINGS = [
        Binding("i", "import", "key.import", id="applications.import"),
        Binding("m", "change_status", "key.status", id="applications.status"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.narrowed: tuple = (None, None, None)  # batch, status, category

    def on_mount(self) -> None:  # ListScreen.on_mount runs too (Textual calls both)
        jobs.read(self, _batch_numbers, BatchesLoaded, group="applications-batches")

    @on(BatchesLoaded)
    def _batches(self, message: BatchesLoaded) -> None:
        self.query_one("#batch", Select).set_options([(t("list.batch_n", n=n), n) for n in message.numbers])

    @work(group="applications-import")
    async def action_import(self) -> None:
        from screens.import_dialog import ImportScreen, applications_runner

        if await self.app.push_screen_wait(ImportScreen(t("dialog.applications_title"), applications_runner)):
            self.table.reload()

    def action_change_status(self) -> None:
        from screens.status_flow import look_up

        row = self.table.current_row()
        if row is not None:
            look_up(self, row[0])

    @on(StatusAsked)
    def _status_asked(self, message: StatusAsked) -> None:
        self._change_status(message)

    @work(group="status-flow")
    async def _change_status(self, asked: StatusAsked) -> None:
        from screens.status_flow import change_status

        await change_status(self, asked, self.table.source, self.table.row_count)

    @on(StatusMoved)
    def _status_moved(self, message: StatusMoved) -> None:
        from screens.status_flow import tell

        tell(self, message)
        self.table.reload()

    def make_source(self, batch=None, status=None, category=None) -> ListSource:
        return applications_source(self.app.office.engine, batch, status, category)

    def compose_filters(self) -> ComposeResult:
        # The batches arrive from a worker (on_mount); until then the prompt alone.
        yield Select([], prompt=t("list.all_batches"), id="batch")
        yield Select([(t(f"status.{s}"), s) for s in APPLICATION_STATUSES], prompt=t("list.all_statuses"), id="status")
        yield Select([(t(f"category.{c}"), c) for c in CATEGORIES], prompt=t("list.all_categories"), id="category")

    @on(Select.Changed)
    def _narrow(self) -> None:
        def value(widget_id: str):
            chosen = self.query_one(f"#{widget_id}", Select).value
            return None if chosen is Select.NULL else chosen

        narrowed = (value("batch"), value("status"), value("category"))
        if narrowed == self.narrowed:
            return  # the batches' options arriving change nothing chosen
        self.narrowed = narrowed
        current = self.table.source
        self.table.show(self.make_source(*narrowed).refined(current.filter_text, current.sort_key,
                                                             current.descending))

    def open_row(self, row_id: int) -> None:
        from screens.detail import ApplicationDetailScreen

        self.app.push_screen(ApplicationDetailScreen(row_id))
