"""Detail screens: one application or one store, with its related rows."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from office_tui.views.details import Detail, application_detail, store_detail
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens.formatting import display
from screens.i18n import TranslatedBindings


class DetailScreen(TranslatedBindings, Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="detail.back")]

    def __init__(self, row_id: int) -> None:
        super().__init__()
        self.row_id = row_id

    def load(self, engine, row_id: int) -> Detail | None:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(Static(t("common.loading")), id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        detail = self.load(self.app.office.engine, self.row_id)
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: Detail | None) -> None:
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


class ApplicationDetailScreen(DetailScreen):
    BINDINGS = [
        Binding("m", "change_status", "key.status", id="application.status"),
        Binding("c", "record_condition", "key.condition", id="application.condition"),
    ]

    def load(self, engine, row_id: int) -> Detail | None:
        return application_detail(engine, row_id)

    def action_change_status(self) -> None:
        from screens.status_flow import ask_status_change

        ask_status_change(self, self.row_id, None, 0, self._load)

    def action_record_condition(self) -> None:
        from models import Application, Provider
        from office_tui.core.db import read_session
        from screens.forms import ConditionRecord, ConditionScreen

        with read_session(self.app.office.engine) as session:
            application = session.get(Application, self.row_id)
            provider = session.get(Provider, application.provider_id)

        def chosen(record: ConditionRecord | None) -> None:
            if record is not None:
                self.run_worker(lambda: self._record(provider.id, record), thread=True, exit_on_error=False)

        self.app.push_screen(ConditionScreen(provider.name), chosen)

    def _record(self, provider_id: int, record) -> None:
        from models import Provider
        from office_tui.core.db import write_session
        from office_tui.intake.eligibility import record_condition

        actor = self.app.actor
        try:
            with write_session(self.app.office.engine, actor, reason=record.evidence) as session:
                provider = session.get(Provider, provider_id)
                record_condition(session, provider, record.condition, record.outcome, record.evidence,
                                 actor.user_id)
        except Exception as error:  # noqa: BLE001 - told to the user; nothing was written
            self.app.call_from_thread(self.notify, describe(error), severity="error")
            return
        self.app.call_from_thread(self.notify, t("checklist.recorded", ubn=provider.ubn, condition=record.condition,
                                                  outcome=t(f"outcome.{record.outcome}")))
        self.app.call_from_thread(self._load)


class StoreDetailScreen(DetailScreen):
    def load(self, engine, row_id: int) -> Detail | None:
        return store_detail(engine, row_id)
