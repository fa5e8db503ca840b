"""請款核銷 — store-subsidy claims as reconciliation left them, by status, and the
exceptions queue (every flagged claim, every reason), with the budget always in view.

←/→ or 1–7 tab · R reconcile all · space mark · a approve (the marked ones, else every
clean claim in filing order, within the budget) · p mark paid (marked, else the
highlighted approved claim) · c claw back the highlighted paid claim (a reason; audited)
· n a claim by hand · e correct or refile the highlighted open claim · i import a claims
file · I import the past-recipients list · x export · F5 refresh.

The large office has 100,000 claims: the list is a PagedTable over a ListSource (only
the rows on screen are read, a page at a time), and every other read or change runs in
a worker. Whatever fails is told in a toast or a message, never raised.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tab, Tabs

from models.clock import office_today
from office_tui.core.i18n import t
from office_tui.claims.view import EXCEPTIONS, TABS, ClaimDetail, claim_detail, claims_source, flag_labels
from office_tui.core.programme import CLAIM_OPEN_STATUSES
from screens import jobs
from screens.big_list import ListHeader, PagedTable
from screens.claim_parts import ClaimTable, detail_text
from screens.formatting import cell, money
from screens.i18n import TranslatedBindings

MARK = "✔"


# -- the screen ---------------------------------------------------------------------------------------


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
        from office_tui.claims.budget import budget
        from office_tui.claims.view import tab_counts

        total = self.app.settings.budget_total

        def fetch(session):
            return tab_counts(session), budget(session, total)

        jobs.load(self, fetch, self._show_figures, "claims-figures")

    def _show_figures(self, found: tuple) -> None:
        self.counts, self.budget = found
        for tab in TABS:
            self.query_one(f"#tab-{tab}", Tab).label = self._tab_label(tab)
        b = self.budget
        self.query_one("#claims-budget", Static).update(t(
            "claimsui.budget_line", total=money(b.total), committed=money(b.committed), paid=money(b.paid),
            remaining=money(b.remaining), waiting=f"{b.waiting:,}", waiting_amount=money(b.waiting_amount)))

    def reload(self) -> None:
        """Everything again after a change: counts, budget, the rows (cursor kept)."""
        self.load_figures()
        self.table.refetch()

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
            self.query_one("#claim-detail", Static).update(t("claimsui.no_claims"))
            return
        if self.detail is not None and self.detail.id == row[0]:
            return
        claim_id, style, total, close_on = row[0], self.app.settings.date_style, self.app.settings.budget_total, \
            self.close_on
        jobs.load(self, lambda s: claim_detail(s, claim_id, style, budget_total=total, close_on=close_on),
                  self._show_detail, "claims-detail")

    def _show_detail(self, detail: ClaimDetail | None) -> None:
        row = self.table.current()
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
        self.detail = None
        self.reload()

    def action_mark(self) -> None:
        row = self.table.current()
        if row is None:
            return
        self.marked ^= {row[1]}
        self.table.refresh()
        self.table.action_cursor(1)
        self._status_line()

    # -- work ----------------------------------------------------------------------------------------
    def _run(self, job: Callable[[], str | None]) -> None:
        """``job`` (a service call returning what to tell) in a worker; then everything reloads."""
        def after() -> None:
            self.detail = None
            self.reload()

        jobs.act(self, job, "claims-act", after)

    def _may_act(self) -> bool:
        if self.app.actor is None or self.app.actor.role not in ("staff", "admin"):
            self.notify(t("claimsui.staff_only"), severity="warning")
            return False
        return True

    def _current(self, statuses: tuple[str, ...], refusal: str) -> ClaimDetail | None:
        """The highlighted claim if its status is one of ``statuses``; else say why not."""
        row = self.table.current()
        if row is None:
            self.notify(t("claimsui.none_selected"), severity="warning")
            return None
        detail = self.detail if self.detail is not None and self.detail.id == row[0] else None
        status = detail.status if detail else row[8]
        if status not in statuses:
            self.notify(t(refusal, claim_no=row[1], status=t(f"claim.{status}")), severity="warning")
            return None
        if detail is None:
            self.notify(t("common.loading"), severity="warning")
        return detail

    def _day(self, value: date) -> str:
        return cell("date", value, self.app.settings.date_style)

    def action_reconcile(self) -> None:
        from office_tui.claims.reconcile import reconcile

        if not self._may_act():
            return

        def job() -> str:
            summary = reconcile(self.app.office.engine, self.app.actor, close_on=self.close_on)
            counts = "、".join(f"{t(f'claim.{code}')} {n:,}" for code, n in summary.by_status.items() if n)
            return t("reconcile.done", n=f"{summary.claims:,}", changed=f"{summary.changed:,}",
                     seconds=f"{summary.seconds:.2f}") + "\n" + counts

        self.notify(t("claimsui.reconciling"))
        self._run(job)

    def action_approve(self) -> None:
        from office_tui.claims.actions import approve_clean
        from screens.confirm import ConfirmScreen

        if not self._may_act():
            return
        marked = sorted(self.marked)
        b = self.budget
        if marked:
            title = t("claimsui.approve_marked_title", n=len(marked))
            text = t("claimsui.approve_marked_text", n=len(marked), first=marked[0],
                     remaining=money(b.remaining) if b else "—")
        else:
            if b is not None and not b.waiting:
                self.notify(t("claimsui.nothing_clean"), severity="warning")
                return
            title = t("claimsui.approve_all_title")
            text = t("claimsui.approve_all_text", n=f"{b.waiting:,}" if b else "—",
                     amount=money(b.waiting_amount) if b else "—", remaining=money(b.remaining) if b else "—")

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def job() -> str:
                result = approve_clean(self.app.office.engine, self.app.actor,
                                       budget_total=self.app.settings.budget_total, claim_nos=marked or None,
                                       close_on=self.close_on,
                                       reason=t("claimsui.approve_reason", n=len(marked)) if marked else "")
                self.app.call_from_thread(lambda: self.marked.clear())
                lines = [t("claims.approved", n=f"{len(result.approved):,}", amount=money(result.amount),
                           remaining=money(result.remaining)),
                         t("claimsui.approved_waiting", n=f"{len(result.waiting):,}")]
                if marked:
                    left = sorted(set(marked) - set(result.approved) - set(result.waiting))
                    if left:
                        lines.append(t("claims.not_approvable", claim_nos="、".join(left)))
                return "\n".join(lines)

            self._run(job)

        self.app.push_screen(ConfirmScreen(title, text), answered)

    def action_pay(self) -> None:
        from office_tui.claims.actions import mark_paid
        from screens.notice_forms import DateScreen

        if not self._may_act():
            return
        numbers = sorted(self.marked)
        if not numbers:
            detail = self._current(("approved",), "claimsui.not_payable")
            if detail is None:
                return
            numbers = [detail.claim_no]

        def given(day: date | None) -> None:
            if day is None:
                return

            def job() -> str:
                paid = mark_paid(self.app.office.engine, self.app.actor, numbers, paid_on=day,
                                 reason=t("claimsui.pay_reason", n=len(numbers), day=self._day(day)),
                                 close_on=self.close_on)
                self.app.call_from_thread(lambda: self.marked.clear())
                return t("claims.paid", n=len(paid)) + "　" + t("claimsui.paid_on", day=self._day(day))

            self._run(job)

        self.app.push_screen(DateScreen(t("claimsui.pay_title", n=len(numbers), first=numbers[0]),
                                        self._day(office_today())), given)

    def action_claw_back(self) -> None:
        """Ask why (a renewal found out — 續購 — or another reason), then for the reason
        in words; a renewal marks the contract an existing customer's."""
        from office_tui.claims.actions import claw_back
        from screens.forms import ChoiceScreen, ReasonScreen

        if not self._may_act():
            return
        detail = self._current(("paid", "approved"), "claimsui.not_clawable")
        if detail is None:
            return

        def cause(kind: str | None) -> None:
            if kind is None:
                return

            def given(reason: str | None) -> None:
                if not reason:
                    return

                def job() -> str:
                    claim = claw_back(self.app.office.engine, self.app.actor, detail.claim_no, reason,
                                      renewal=kind == "renewal", close_on=self.close_on)
                    return t("claims.clawed_back", claim_no=claim.claim_no, status=t(f"claim.{claim.status}"))

                self._run(job)

            self.app.push_screen(ReasonScreen(t("claimsui.claw_back_title", claim_no=detail.claim_no,
                                                amount=money(detail.approved_amount or 0))), given)

        self.app.push_screen(ChoiceScreen(t("claimsui.claw_back_cause", claim_no=detail.claim_no),
                                          [(t("claimsui.claw_back_renewal"), "renewal"),
                                           (t(f"claimsui.claw_back_other_{detail.status}"), "other")]), cause)

    def action_new_claim(self) -> None:
        from screens.claim_form import ClaimFormScreen

        if not self._may_act():
            return

        def filed(claim_no: str | None) -> None:
            if claim_no:
                self.notify(t("claimsui.filed", claim_no=claim_no))
                self.detail = None
                self.reload()

        self.app.push_screen(ClaimFormScreen(close_on=self.close_on), filed)

    def action_edit_claim(self) -> None:
        from screens.claim_form import ClaimFormScreen

        if not self._may_act():
            return
        detail = self._current(CLAIM_OPEN_STATUSES, "claims.not_open")
        if detail is None:
            return

        def edited(message: str | None) -> None:
            if message:
                self.notify(message)
                self.detail = None
                self.reload()

        self.app.push_screen(ClaimFormScreen(detail, close_on=self.close_on), edited)

    def _import(self, title_key: str, runner) -> None:
        from screens.import_dialog import ImportScreen

        if not self._may_act():
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self.detail = None
                self.reload()

        self.app.push_screen(ImportScreen(t(title_key), partial(runner, close_on=self.close_on)), closed)

    def action_import_claims(self) -> None:
        from screens.import_dialog import claims_runner

        self._import("claimsui.import_title", claims_runner)

    def action_import_past(self) -> None:
        from screens.import_dialog import past_recipients_runner

        self._import("claimsui.import_past_title", past_recipients_runner)

    def action_export(self) -> None:
        from screens.forms import ChoiceScreen

        kinds = [(t("claims.summary_sheet"), "summary"), (t("claims.payments_sheet"), "payments"),
                 (t("claimsui.paid_list"), "paid"), (t("claims.withholding_sheet"), "withholding")]

        def chosen(kind: str | None) -> None:
            if kind:
                self._export_to(kind)

        self.app.push_screen(ChoiceScreen(t("claimsui.export_title"), kinds), chosen)

    def _export_to(self, kind: str) -> None:
        from office_tui.core.config import data_dir
        from screens.notice_forms import PathScreen

        style, engine = self.app.settings.date_style, self.app.office.engine
        default = str(data_dir() / t(f"claimsui.file_{kind}", day=office_today().strftime("%Y%m%d")))

        def given(path: str | None) -> None:
            if not path:
                return

            def job() -> str:
                from exports import claims as out

                if kind == "summary":
                    written = out.write_claims_summary(engine, path, date_style=style)
                elif kind in ("payments", "paid"):
                    written = out.write_payments(engine, path, paid=kind == "paid", date_style=style)
                else:
                    written = out.write_withholding(engine, path, date_style=style)
                return t("claims.exported", path=str(written))

            jobs.act(self, job, "claims-export")

        self.app.push_screen(PathScreen(t(f"claimsui.export_{kind}_title"), default), given)
