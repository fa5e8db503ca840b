"""首頁 — the office's headline figures and the way into every workflow."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import cell, money
from screens.i18n import TranslatedBindings
from screens.messages import OfficeReady

# key → (screen name, i18n label)
WORKFLOWS = [
    ("1", "applications", "menu.applications"),
    ("2", "documents", "menu.documents"),
    ("3", "notices", "menu.notices"),
    ("4", "calendar", "menu.calendar"),
    ("5", "review", "menu.review"),
    ("6", "claims", "menu.claims"),
    ("7", "usage", "menu.usage"),
    ("8", "stores", "menu.stores"),
]


@dataclass
class FiguresLoaded(Message):
    headline: object  # office_tui.views.dashboard.Headline


@dataclass
class DueLoaded(Message):
    notices: list  # NoticeRow due soon


class Figure(Static):
    """One headline figure: a label over a large value."""

    def __init__(self, label_key: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.label_key = label_key
        self.border_title = t(label_key)

    def show(self, value: str, note: str = "") -> None:
        self.update(f"[b]{value}[/b]" + (f"\n[dim]{note}[/dim]" if note else ""))


class DashboardScreen(TranslatedBindings, Screen):
    BINDINGS = [Binding(key, f"open('{name}')", label, id=f"dashboard.{name}") for key, name, label in WORKFLOWS] + [
        Binding("comma", "open('settings')", "key.settings", id="dashboard.settings"),
        Binding("f5", "refresh", "key.refresh", id="dashboard.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="dashboard"):
            with Horizontal(classes="figures"):
                yield Figure("dash.applications_in_progress", id="fig-applications")
                yield Figure("dash.stores_applying", id="fig-applying")
                yield Figure("dash.stores_approved", id="fig-approved")
                yield Figure("dash.budget_remaining", id="fig-budget")
            with Horizontal(classes="figures small"):
                yield Figure("dash.notices_due_today", id="fig-due-today")
                yield Figure("dash.notices_overdue", id="fig-overdue")
                yield Figure("budget.committed", id="fig-committed")
                yield Figure("budget.paid", id="fig-paid")
            yield Static(t("dash.notices_title"), classes="section-title")
            yield DataTable(id="due-notices", cursor_type="row", zebra_stripes=True)
            yield Static(self._menu_text(), id="menu")
        yield Footer()

    def _menu_text(self) -> str:
        return "   ".join(f"[b]{key}[/b] {t(label)}" for key, _, label in WORKFLOWS)

    def on_mount(self) -> None:
        for figure in self.query(Figure):
            figure.show("…")
        table = self.query_one("#due-notices", DataTable)
        # Fixed widths: the rows arrive later, from a worker, and CJK text needs room.
        for key, width in (("col.application_no", 12), ("col.company_name", 24), ("col.due_on", 10),
                           ("col.urgency", 8), ("col.items", 48)):
            table.add_column(t(key), width=width)
        if self.app.ready:
            self.load_figures()

    @on(OfficeReady)
    def _ready(self) -> None:
        self.load_figures()

    def on_screen_resume(self) -> None:
        if self.app.ready:
            self.load_figures()

    def action_refresh(self) -> None:
        self.load_figures()

    def load_figures(self) -> None:
        """The figures first; their message asks for the notices list, which needs the
        holiday calendar and is slower."""
        from office_tui.views.dashboard import headline

        engine, total = self.app.office.engine, self.app.settings.budget_total
        jobs.fetch(self, lambda: headline(engine, budget_total=total), FiguresLoaded, group="dashboard")

    @on(FiguresLoaded)
    def _figures_loaded(self, message: FiguresLoaded) -> None:
        from office_tui.notices.correction import list_notices

        self._show_figures(message.headline)
        engine = self.app.office.engine
        jobs.fetch(self, lambda: list_notices(engine, due_within=True), DueLoaded, group="dashboard")

    @on(DueLoaded)
    def _due_loaded(self, message: DueLoaded) -> None:
        self._show_notices(message.notices)

    def _show_figures(self, h) -> None:
        style = self.app.settings.date_style
        self.query_one("#fig-applications", Figure).show(t("dash.count_items", n=f"{h.applications_in_progress:,}"))
        self.query_one("#fig-applying", Figure).show(t("dash.count_stores", n=f"{h.stores_applying:,}"))
        self.query_one("#fig-approved", Figure).show(t("dash.count_stores", n=f"{h.stores_approved:,}"))
        self.query_one("#fig-budget", Figure).show(money(h.budget_remaining), t("dash.budget_of", total=money(h.budget_total)))
        self.query_one("#fig-due-today", Figure).show(t("dash.count_items", n=h.notices_due_today),
                                                      cell("date", h.today, style))
        self.query_one("#fig-overdue", Figure).show(t("dash.count_items", n=h.notices_overdue))
        self.query_one("#fig-committed", Figure).show(money(h.budget_committed))
        self.query_one("#fig-paid", Figure).show(money(h.budget_paid))

    def _show_notices(self, due) -> None:
        style = self.app.settings.date_style
        table = self.query_one("#due-notices", DataTable)
        table.clear()
        for row in due:
            table.add_row(row.application_no, row.company_name, cell("date", row.due_on, style),
                          t(f"notice.urgency_{row.urgency}"), row.items.splitlines()[0] if row.items else "")
        if not due:
            table.add_row(t("dash.no_notices_due"), "", "", "", "")

    def action_open(self, name: str) -> None:
        if not self.app.ready:
            self.notify(t("app.not_signed_in"), severity="warning")
            return
        from screens.navigation import open_workflow

        open_workflow(self.app, name)
