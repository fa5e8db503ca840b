"""使用驗證 (screen 7) — claims by their continued-use verdict, the imported log files and
the spot checks (docs/rules/usage.md).

1 持續使用 · 2 使用中斷 · 3 無使用紀錄 — the claims of each verdict (a big list: only the
rows on screen are read), ``/`` to filter by claim, store or provider (number or name),
Enter opens the claim's use over its term (screens.usage_detail) · 4 匯入檔案 — the
files in, ``x`` removes the highlighted one (its counts taken back out, audited) ·
5 抽查 — the latest spot-check draw and its results, ``D`` draws, ``p`` / ``f`` record
符合 / 不符 with a note · ``i`` imports log files with a progress bar and a cancel ·
←/→ the tabs · F5 refresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static, Tab, Tabs

from office_tui.core.i18n import t
from office_tui.usage.view import FILES, SPOT, TABS, VERDICT_TABS, claims_by_verdict, files_source, spot_source
from screens import jobs
from screens.big_list import ListHeader, PagedTable
from screens.formatting import cell
from screens.i18n import TranslatedBindings


@dataclass
class CountsLoaded(Message):
    counts: dict


@dataclass
class UsageChanged(Message):
    """A change made (a file removed, a draw, a result): what to tell, and what to show next."""

    text: str
    show_spot: bool = False


class UsageScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("i", "import_files", "key.import", id="usage.import"),
        Binding("x", "remove_file", "usageui.key_remove", id="usage.remove"),
        Binding("D", "draw", "usageui.key_draw", id="usage.draw"),
        Binding("p", "record(True)", "usageui.key_pass", id="usage.pass"),
        Binding("f", "record(False)", "usageui.key_fail", id="usage.fail"),
        Binding("slash", "focus_filter", "key.filter", id="usage.filter"),
        Binding("right", "tab(1)", "usageui.key_next_tab", priority=True, id="usage.next_tab"),
        Binding("left", "tab(-1)", "usageui.key_previous_tab", show=False, priority=True, id="usage.previous_tab"),
        *(Binding(str(k + 1), f"go('{tab}')", "usageui.key_tab", show=False, id=f"usage.tab_{tab}")
          for k, tab in enumerate(TABS)),
        Binding("f5", "refresh", "key.refresh", id="usage.refresh"),
        Binding("escape", "back", "key.back", id="usage.back"),
    ]

    CSS_PATH = "usage.tcss"

    def __init__(self, tab: str = "covered") -> None:
        super().__init__()
        self.tab = tab
        self.counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="usage-summary", classes="section-title")
        yield Tabs(*(Tab(self._tab_label(tab), id=f"tab-{tab}") for tab in TABS), active=f"tab-{self.tab}",
                   id="usage-tabs")
        yield Input(placeholder=t("usageui.filter_placeholder"), id="filter")
        yield ListHeader(id="usage-header")
        yield PagedTable(self._source(self.tab), self._format, id="usage-rows")
        yield Static("", id="usage-status", classes="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.usage")
        self.query_one(Tabs).can_focus = False
        self.table.show(self.table.source)
        self.table.focus()
        self.load_counts()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#usage-rows", PagedTable)

    def _source(self, tab: str):
        engine = self.app.office.engine
        if tab == FILES:
            return files_source(engine)
        if tab == SPOT:
            return spot_source(engine, self.counts.get("draw", 0))
        return claims_by_verdict(engine, tab)

    def _format(self, kind: str, value) -> str:
        if kind == "spot":
            return t(f"spotcheck.result_{value}") if value else t("spotcheck.result_none")
        if kind == "int":
            return f"{value:,}" if isinstance(value, int) else str(value or "")
        return cell(kind, value, self.app.settings.date_style)

    def _tab_label(self, tab: str) -> str:
        name = t(f"usage.verdict_{tab}") if tab in VERDICT_TABS else t(f"usageui.tab_{tab}")
        n = self.counts.get(tab)
        return f"{TABS.index(tab) + 1} {name}" + (f" {n:,}" if n is not None else "")

    # -- loading -----------------------------------------------------------------------------

    def load_counts(self) -> None:
        from office_tui.usage.view import tab_counts

        jobs.read(self, tab_counts, CountsLoaded, group="usage-counts")

    @on(CountsLoaded)
    def _counts_loaded(self, message: CountsLoaded) -> None:
        self._show_counts(message.counts)

    @on(UsageChanged)
    def _changed(self, message: UsageChanged) -> None:
        self.notify(message.text, timeout=8)
        if message.show_spot:
            self.counts.pop("draw", None)
            self.switch_to(SPOT)
        self.reload()

    def _show_counts(self, counts: dict[str, int]) -> None:
        draw_changed = counts.get("draw") != self.counts.get("draw")
        self.counts = counts
        for tab in TABS:
            self.query_one(f"#tab-{tab}", Tab).label = self._tab_label(tab)
        claims = sum(counts[v] for v in VERDICT_TABS)
        self.query_one("#usage-summary", Static).update(t(
            "usageui.summary", claims=f"{claims:,}", covered=f"{counts['covered']:,}", gap=f"{counts['gap']:,}",
            no_log=f"{counts['no_log']:,}", files=f"{counts[FILES]:,}",
            need=self.app.settings.usage_min_active_days))
        if self.tab == SPOT and draw_changed:
            self.table.show(self._source(SPOT))

    def reload(self) -> None:
        self.load_counts()
        self.table.show(self._source(self.tab).refined(filter_text=self.table.source.filter_text))

    @on(PagedTable.Reloaded)
    def _reloaded(self, event: PagedTable.Reloaded) -> None:
        self.query_one(ListHeader).show(self.table)
        self.query_one("#usage-status", Static).update(t("list.count", n=f"{event.count:,}") + "　" + t(
            f"usageui.hint_{'files' if self.tab == FILES else 'spot' if self.tab == SPOT else 'claims'}"))

    def on_resize(self) -> None:
        self.query_one(ListHeader).show(self.table)

    # -- tabs, filter -----------------------------------------------------------------------------

    def switch_to(self, tab: str) -> None:
        if tab == self.tab:
            return
        self.tab = tab
        self.query_one(Tabs).active = f"tab-{tab}"
        self.query_one("#filter", Input).value = ""
        self.table.show(self._source(tab))

    @on(Tabs.TabActivated, "#usage-tabs")
    def _tab_clicked(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id:
            self.switch_to(event.tab.id.removeprefix("tab-"))

    def action_tab(self, step: int) -> None:
        self.switch_to(TABS[(TABS.index(self.tab) + step) % len(TABS)])

    def action_go(self, tab: str) -> None:
        self.switch_to(tab)

    def action_refresh(self) -> None:
        self.reload()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        if self.focused is self.query_one("#filter", Input):
            self.table.focus()
        else:
            self.app.pop_screen()

    # -- rows ------------------------------------------------------------------------------------------

    def _current(self) -> tuple | None:
        table = self.table
        return table.source.row(table.cursor) if table.row_count else None

    @on(PagedTable.RowOpened)
    def _open(self, event: PagedTable.RowOpened) -> None:
        if self.tab == FILES:
            return
        from screens.usage_detail import UsageDetailScreen

        self.app.push_screen(UsageDetailScreen(event.row_id))

    def _may_act(self) -> bool:
        if self.app.actor is None or self.app.actor.role not in ("staff", "admin"):
            self.notify(t("claimsui.staff_only"), severity="warning")
            return False
        return True

    def action_import_files(self) -> None:
        from screens.usage_import import UsageImportScreen

        if self._may_act():
            self.app.push_screen(UsageImportScreen(), lambda changed: self.reload() if changed else None)

    def action_remove_file(self) -> None:
        from screens.confirm import ConfirmScreen

        row = self._current()
        if self.tab != FILES or row is None:
            self.notify(t("usageui.remove_where"), severity="warning")
            return
        if not self._may_act():
            return
        file_id, name = row[0], row[2]

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(file_id)

        self.app.push_screen(ConfirmScreen(t("usageui.remove_title"), t("usageui.remove_text", file_id=file_id,
                                                                        name=name)), answered)

    def _remove(self, file_id: int) -> None:
        from office_tui.claims.reconcile import reconcile
        from office_tui.core.config import claims_close_on
        from office_tui.usage.files import remove_file

        close_on, need = claims_close_on(self.app.settings), self.app.settings.usage_min_active_days

        actor = self.app.actor

        def change(session) -> str:
            file, stores = remove_file(session, actor, file_id)
            reconcile(session, close_on=close_on, min_active_days=need, stores=stores)
            return t("usage.removed", file_id=file.id, name=file.name, days=f"{file.days:,}",
                     stores=f"{len(stores):,}", claims="—")

        jobs.write(self, change, UsageChanged, reason=t("usage.remove_reason", file_id=file_id), group="usage-act")

    def action_draw(self) -> None:
        from screens.forms import TextField, TextFieldsScreen

        if not self._may_act():
            return

        def percent(value: str) -> str | None:
            try:
                return None if 0 < float(value) <= 100 else t("spotcheck.bad_percent", percent=value)
            except ValueError:
                return t("spotcheck.bad_percent", percent=value)

        fields = [TextField("percent", t("usageui.draw_percent"), "usageui.draw_percent_required", "5", "number", percent),
                  TextField("minimum", t("usageui.draw_minimum"), None, "1", "integer"),
                  TextField("seed", t("usageui.draw_seed"), None, "", "integer")]
        self.app.push_screen(TextFieldsScreen(t("usageui.draw_title"), fields, lambda values: values), self._draw)

    def _draw(self, values: dict | None) -> None:
        if not values:
            return
        from office_tui.usage.spotcheck import draw

        percent, minimum = float(values["percent"]), int(values["minimum"] or 1)
        seed = int(values["seed"]) if values["seed"] else None

        actor = self.app.actor

        def change(session) -> str:
            made = draw(session, actor, percent, min_per_provider=minimum, seed=seed)
            return t("usageui.drawn", draw=made.id, seed=made.seed, population=f"{made.population:,}")

        jobs.write(self, change, lambda text: UsageChanged(text, show_spot=True),
                   reason=t("spotcheck.draw_reason", percent=f"{percent:g}"), group="usage-act")

    def action_record(self, passed: bool) -> None:
        from screens.forms import TextField, TextFieldsScreen

        row = self._current()
        if self.tab != SPOT or row is None:
            self.notify(t("usageui.record_where"), severity="warning")
            return
        if not self._may_act():
            return
        claim_no = row[1]
        title = t("usageui.record_title", claim_no=claim_no, result=t(f"spotcheck.result_{'pass' if passed else 'fail'}"))
        fields = [TextField("note", t("spotcheck.col_note"), "spotcheck.note_required")]
        self.app.push_screen(TextFieldsScreen(title, fields, lambda values: values["note"]),
                             lambda note: self._record(claim_no, passed, note) if note else None)

    def _record(self, claim_no: str, passed: bool, note: str) -> None:
        from office_tui.core.config import claims_close_on
        from office_tui.usage.spotcheck import record_result

        close_on = claims_close_on(self.app.settings)

        actor = self.app.actor

        def change(session) -> str:
            check = record_result(session, actor, claim_no, passed, note, close_on=close_on)
            return t("spotcheck.recorded", claim_no=claim_no, result=t(f"spotcheck.result_{check.result}"))

        jobs.write(self, change, UsageChanged, reason=t("spotcheck.record_reason", claim_no=claim_no), group="usage-act")
