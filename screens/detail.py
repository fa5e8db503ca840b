"""Detail screens: one application or one store, with its related rows."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from office_tui.views.details import Detail, application_detail, store_detail
from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import display
from screens.i18n import TranslatedBindings
from screens.status_flow import StatusAsked, StatusMoved


@dataclass
class DetailLoaded(Message):
    detail: Detail | None


class DetailScreen(TranslatedBindings, Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="detail.back")]

    def __init__(self, row_id: int) -> None:
        super().__init__()
        self.row_id = row_id

    @staticmethod
    def read_detail(engine, row_id: int) -> Detail | None:
        """The detail to show (a views.details function: it opens its own read session)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(Static(t("common.loading")), id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        engine, row_id, read_detail = self.app.office.engine, self.row_id, self.read_detail
        jobs.fetch(self, lambda: read_detail(engine, row_id), DetailLoaded, group="detail-load")

    @on(DetailLoaded)
    def _show(self, message: DetailLoaded) -> None:
        detail = message.detail
        body = self.query_one("#detail", VerticalScroll)
        body.remove_children()
        if detail is None:
            body.mount(Static(t("detail.not_found")))
            return
        style = self.app.settings.date_style
        self.sub_title = detail.title
        width = max(len(t(k)) for k, _ in detail.fields) + 2
        lines = [f"[b]{t(k)}[/b]{'　' * max(0, width - len(t(k)))}{_escape(display(v, style))}" for k, v in detail.fields]
        widgets = [Static(f"[b]{_escape(detail.title)}[/b]", classes="section-title"), Static("\n".join(lines), classes="fields")]
        for name, (headers, rows) in detail.tables.items():
            widgets.append(Static(f"{t(name)}（{len(rows)}）", classes="section-title"))
            table = DataTable(cursor_type="row", zebra_stripes=True, classes="detail-table")
            table.add_columns(*(t(h) for h in headers))
            for row in rows:
                table.add_row(*(display(v, style) for v in row))
            widgets.append(table)
        body.mount_all(widgets)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


@dataclass
class ConditionAsked(Message):
    """The provider whose qualification condition is to be recorded."""

    provider_id: int
    provider_name: str


@dataclass
class ConditionRecorded(Message):
    text: str


def _provider(session, application_id: int) -> ConditionAsked | None:
    from models import Application, Provider

    application = session.get(Application, application_id)
    if application is None:
        return None
    provider = session.get(Provider, application.provider_id)
    return ConditionAsked(provider.id, provider.name)


class ApplicationDetailScreen(DetailScreen):
    BINDINGS = [
        Binding("m", "change_status", "key.status", id="application.status"),
        Binding("c", "record_condition", "key.condition", id="application.condition"),
    ]

    read_detail = staticmethod(application_detail)

    # -- status ------------------------------------------------------------------------------
    def action_change_status(self) -> None:
        from screens.status_flow import look_up

        look_up(self, self.row_id)

    @on(StatusAsked)
    def _status_asked(self, message: StatusAsked) -> None:
        self._change_status(message)

    @work(group="status-flow")
    async def _change_status(self, asked: StatusAsked) -> None:
        from screens.status_flow import change_status

        await change_status(self, asked)

    @on(StatusMoved)
    def _status_moved(self, message: StatusMoved) -> None:
        from screens.status_flow import tell

        tell(self, message)
        self.reload()

    # -- a qualification condition -------------------------------------------------------------
    def action_record_condition(self) -> None:
        row_id = self.row_id
        jobs.read(self, lambda session: _provider(session, row_id), lambda asked: asked, group="condition-look-up")

    @on(ConditionAsked)
    def _condition_asked(self, message: ConditionAsked) -> None:
        self._record_condition(message)

    @work(group="condition-flow")
    async def _record_condition(self, provider: ConditionAsked) -> None:
        from models import Provider
        from office_tui.intake.eligibility import record_condition
        from screens.forms import ConditionScreen

        record = await self.app.push_screen_wait(ConditionScreen(provider.provider_name))
        if record is None:
            return
        actor = self.app.actor

        def change(session) -> str:
            found = session.get(Provider, provider.provider_id)
            record_condition(session, found, record.condition, record.outcome, record.evidence, actor.user_id)
            return t("checklist.recorded", ubn=found.ubn, condition=record.condition,
                     outcome=t(f"outcome.{record.outcome}"))

        jobs.write(self, change, ConditionRecorded, reason=record.evidence, group="condition", severity="error")

    @on(ConditionRecorded)
    def _condition_recorded(self, message: ConditionRecorded) -> None:
        self.notify(message.text)
        self.reload()


class StoreDetailScreen(DetailScreen):
    read_detail = staticmethod(store_detail)
