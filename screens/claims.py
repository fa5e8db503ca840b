"""請款核銷 — store-subsidy claims as reconciliation left them, by status, and the
exceptions queue (every flagged claim, every reason), with the budget always in view.

←/→ or 1–7 tab · R reconcile all · space mark · a approve (the marked ones, else every
clean claim in filing order, within the budget) · p mark paid (marked, else the
highlighted approved claim) · c claw back the highlighted paid claim (a reason; audited)
· n a claim by hand · e correct or refile the highlighted open claim · i import a claims
file · I import the past-recipients list · x export · F5 refresh.

The large office has 100,000 claims: the list is a PagedTable over a ListSource (only
the rows on screen are read, a page at a time), and every other read or change runs in
a worker (screens/jobs.py); the flows that ask before they act are in
screens/claim_flows.py. Whatever fails is told in a toast or a message, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tab, Tabs

from office_tui.core.i18n import t
from office_tui.claims.view import EXCEPTIONS, TABS, ClaimDetail, claim_detail, claims_source, flag_labels
from screens import claim_flows as flows
from screens import jobs
from screens.big_list import ListHeader, PagedTable
from screens.claim_parts import ClaimTable, detail_text
from screens.formatting import cell, money
from screens.i18n import TranslatedBindings

MARK = "✔"


@dataclass
class FiguresLoaded(Message):
    counts: dict  # claims by tab
    budget: object  # office_tui.claims.budget.Budget


@dataclass
class DetailLoaded(Message):
    detail: ClaimDetail | None


def _figures(session, total: int) -> FiguresLoaded:
    from office_tui.claims.budget import budget
    from office_tui.claims.view import tab_counts

    return FiguresLoaded(tab_counts(session), budget(session, total))


class ClaimsScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("R", "reconcile", "claimsui.key_reconcile", id="claim_list.reconcile"),
        Binding("space", "mark", "key.mark", id="claim_list.mark"),
        Binding("a", "approve", "key.approve", id="claim_list.approve"),
        Binding("p", "pay", "claimsui.key_pay", id="claim_list.pay"),
        Binding("c", "claw_back", "claimsui.key_claw_back", id="claim_list.claw_back"),
        Binding("n", "new_claim", "claimsui.key_new_claim", id="claim_list.new"),
        Binding("e", "edit_claim", "claimsui.key_edit_claim", id="claim_list.edit"),
        Binding("i", "import_claims", "key.import", id="claim_list.import"),
        Binding("I", "import_past", "claimsui.key_import_past", show=False, id="claim_list.import_past"),
        Binding("x", "export", "key.export", id="claim_list.export"),
        Binding("right", "tab(1)", "claimsui.key_next_tab", priority=True, id="claim_list.next_tab"),
        Binding("left", "tab(-1)", "claimsui.key_previous_tab", show=False, priority=True, id="claim_list.previous_tab"),
        *(Binding(str(k + 1), f"go('{tab}')", "claimsui.key_tab", show=False, id=f"claim_list.tab_{tab}")
          for k, tab in enumerate(TABS)),
        Binding("f5", "refresh", "key.refresh", id="claim_list.refresh"),
        Binding("escape", "app.pop_screen", "key.back", id="claim_list.back"),
    ]

    def __init__(self, tab: str = "filed") -> None:
        super().__init__()
        self.tab = tab
        self.marked: set[str] = set()
        self.counts: dict[str, int] = {}
        self.budget = None  # office_tui.claims.budget.Budget
        self.detail: ClaimDetail | None = None

    def compose(self) -> ComposeResult:
        from office_tui.core.config import claims_close_on

        self.close_on = claims_close_on(self.app.settings)
        yield Header()
        yield Static(t("common.loading"), id="claims-budget", classes="section-title")
        yield Tabs(*(Tab(self._tab_label(tab), id=f"tab-{tab}") for tab in TABS), active=f"tab-{self.tab}",
                   id="claims-tabs")
        yield ListHeader(id="claims-header")
        yield ClaimTable(claims_source(self.app.office.engine, self.tab), self._format, id="claims")
        yield Static("", id="claims-status", classes="status-line")
        yield Static("", id="claim-detail", classes="claim-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.claims")
        self.query_one(Tabs).can_focus = False  # the keys stay with the list
        self.table.show(self.table.source)
        self.table.focus()
        self.load_figures()

    @property
    def table(self) -> ClaimTable:
        return self.query_one("#claims", ClaimTable)

    def _format(self, kind: str, value) -> str:
        if kind == "mark":
            return MARK if value in self.marked else ""
        if kind == "flags":
            return flag_labels(value)
        if kind == "amount":
            return f"{value:>8,}"
        return cell(kind, value, self.app.settings.date_style)

    def _tab_label(self, tab: str) -> str:
        name = t("claimsui.tab_exceptions") if tab == EXCEPTIONS else t(f"claim.{tab}")
        n = self.counts.get(tab)
        return f"{TABS.index(tab) + 1} {name}" + (f" {n:,}" if n is not None else "")

    # -- loading -----------------------------------------------------------------------------
    def load_figures(self) -> None:
        total = self.app.settings.budget_total
        jobs.read(self, lambda session: _figures(session, total), lambda loaded: loaded, group="claims-figures")

    @on(FiguresLoaded)
    def _show_figures(self, message: FiguresLoaded) -> None:
        self.counts, self.budget = message.counts, message.budget
        for tab in TABS:
            self.query_one(f"#tab-{tab}", Tab).label = self._tab_label(tab)
        b = self.budget
        self.query_one("#claims-budget", Static).update(t(
            "claimsui.budget_line", total=money(b.total), committed=money(b.committed), paid=money(b.paid),
            remaining=money(b.remaining), waiting=f"{b.waiting:,}", waiting_amount=money(b.waiting_amount)))

    def reload(self) -> None:
        """Everything again after a change: counts, budget, the rows (cursor kept)."""
        self.detail = None
        self.load_figures()
        self.table.reload()

    @on(PagedTable.Reloaded)
    def _reloaded(self, event: PagedTable.Reloaded) -> None:
        self.query_one(ListHeader).show(self.table)
        self._status_line(event.count)

    def _status_line(self, count: int | None = None) -> None:
        count = self.table.row_count if count is None else count
        text = t("list.count", n=f"{count:,}")
        if self.marked:
            text += "　" + t("claimsui.marked", n=len(self.marked))
        self.query_one("#claims-status", Static).update(text)

    def on_resize(self) -> None:
        self.query_one(ListHeader).show(self.table)

    @on(ClaimTable.Moved)
    def _moved(self) -> None:
        row = self.table.current()
        if row is None:
            self.detail = None
            waiting = self.table.waiting()  # its page is on its way: Moved again when it is in
            self.query_one("#claim-detail", Static).update(t("common.loading" if waiting else "claimsui.no_claims"))
            return
        if self.detail is not None and self.detail.id == row[0]:
            return
        claim_id, style, total, close_on = row[0], self.app.settings.date_style, self.app.settings.budget_total, \
            self.close_on
        jobs.read(self, lambda s: DetailLoaded(claim_detail(s, claim_id, style, budget_total=total, close_on=close_on)),
                  lambda loaded: loaded, group="claims-detail")

    @on(DetailLoaded)
    def _show_detail(self, message: DetailLoaded) -> None:
        detail, row = message.detail, self.table.current()
        if detail is None or row is None or row[0] != detail.id:
            return  # moved on meanwhile
        self.detail = detail
        self.query_one("#claim-detail", Static).update(Text(detail_text(detail, self.app.settings.date_style)))

    # -- tabs and marks -------------------------------------------------------------------------
    def switch_to(self, tab: str) -> None:
        if tab == self.tab:
            return
        self.tab = tab
        self.marked.clear()
        self.detail = None
        self.query_one(Tabs).active = f"tab-{tab}"
        self.table.show(claims_source(self.app.office.engine, tab))

    @on(Tabs.TabActivated, "#claims-tabs")
    def _tab_clicked(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id:
            self.switch_to(event.tab.id.removeprefix("tab-"))

    def action_tab(self, step: int) -> None:
        self.switch_to(TABS[(TABS.index(self.tab) + step) % len(TABS)])

    def action_go(self, tab: str) -> None:
        self.switch_to(tab)

    def action_refresh(self) -> None:
        self.reload()

    def action_mark(self) -> None:
        row = self.table.current()
        if row is None:
            return
        self.marked ^= {row[1]}
        self.table.refresh()
        self.table.action_cursor(1)
        self._status_line()

    # -- what the flows ask ------------------------------------------------------------------------
    def may_act(self) -> bool:
        if self.app.actor is None or self.app.actor.role not in ("staff", "admin"):
            self.notify(t("claimsui.staff_only"), severity="warning")
            return False
        return True

    def highlighted(self, statuses: tuple[str, ...], refusal: str) -> ClaimDetail | None:
        """The highlighted claim if its status is one of ``statuses``; else say why not."""
        row = self.table.current()
        if row is None:
            self.notify(t("common.loading" if self.table.waiting() else "claimsui.none_selected"), severity="warning")
            return None
        detail = self.detail if self.detail is not None and self.detail.id == row[0] else None
        status = detail.status if detail else row[8]
        if status not in statuses:
            self.notify(t(refusal, claim_no=row[1], status=t(f"claim.{status}")), severity="warning")
            return None
        if detail is None:
            self.notify(t("common.loading"), severity="warning")
        return detail

    # -- work: the flows (screens/claim_flows.py) and what they tell -----------------------------------
    @on(flows.ClaimsChanged)
    def _changed(self, message: flows.ClaimsChanged) -> None:
        if message.unmark:
            self.marked.clear()
        if message.text:
            self.notify(message.text, timeout=8)
        self.reload()

    @on(flows.ClaimsExported)
    def _exported(self, message: flows.ClaimsExported) -> None:
        self.notify(message.text, timeout=8)

    def action_reconcile(self) -> None:
        flows.reconcile(self)

    @work(group="claims-flow")
    async def action_approve(self) -> None:
        await flows.approve(self)

    @work(group="claims-flow")
    async def action_pay(self) -> None:
        await flows.pay(self)

    @work(group="claims-flow")
    async def action_claw_back(self) -> None:
        await flows.claw_back(self)

    @work(group="claims-flow")
    async def action_new_claim(self) -> None:
        await flows.new_claim(self)

    @work(group="claims-flow")
    async def action_edit_claim(self) -> None:
        await flows.edit_claim(self)

    @work(group="claims-flow")
    async def action_import_claims(self) -> None:
        from screens.import_dialog import claims_runner

        await flows.import_file(self, "claimsui.import_title", claims_runner)

    @work(group="claims-flow")
    async def action_import_past(self) -> None:
        from screens.import_dialog import past_recipients_runner

        await flows.import_file(self, "claimsui.import_past_title", past_recipients_runner)

    @work(group="claims-flow")
    async def action_export(self) -> None:
        await flows.export(self)
