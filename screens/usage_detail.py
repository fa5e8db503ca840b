"""One claim's use over its term (screen 7's detail): the store, the verdict, events per
week as a Sparkline with the monthly periods marked under it — a period short of use in
red — and each period's days with use and events.

Textual's Sparkline, not a plotext chart: one column per week (two on a wide screen),
so the period row under it lines up week for week; it reads at 80×24 (a year is 53
columns) and at 140×45 alike, and needs no further dependency."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Sparkline, Static

from office_tui.core.i18n import t
from office_tui.usage.verify import ClaimUse, WeekUse
from screens import jobs
from screens.formatting import cell
from screens.i18n import TranslatedBindings


def period_marks(weeks: list[WeekUse], columns: int) -> Text:
    """Under each week (``columns`` cells wide) the last digit of its period's number,
    periods alternating in shade, a period short of use in red."""
    text = Text()
    for week in weeks:
        mark = str(week.period % 10) if week.period else " "
        style = "bold white on red" if week.short else ("cyan" if week.period % 2 else "blue")
        text.append(mark * columns, style=style)
    return text


def periods_table(use: ClaimUse, style: str) -> Text:
    text = Text()
    text.append(t("usageui.periods_head") + "\n", style="bold")
    for p in use.periods:
        line = t("usageui.period_line", number=p.number, first=cell("date", p.first, style),
                 last=cell("date", p.last, style), days=p.active_days, needed=p.needed, events=f"{p.events:,}")
        text.append(line + ("  ✘" if not p.ok else "  ✔") + "\n", style="red" if not p.ok else "")
    return text


@dataclass
class DetailLoaded(Message):
    found: tuple


class UsageDetailScreen(TranslatedBindings, Screen):
    """A claim's use, week by week and period by period."""

    CSS_PATH = "usage.tcss"

    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="usage_detail.back")]

    def __init__(self, claim_id: int) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.use: ClaimUse | None = None
        self.weeks: list[WeekUse] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="usage-detail"):
            yield Static(t("common.loading"), id="usage-detail-head")
            with Vertical(id="usage-chart-box"):
                yield Static("", id="usage-chart-title", classes="section-title")
                yield Sparkline([], id="usage-chart", summary_function=max)
                yield Static("", id="usage-chart-periods")
            yield Static("", id="usage-periods")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.usage")
        claim_id, need = self.claim_id, self.app.settings.usage_min_active_days

        def fetch(session):
            from office_tui.usage.verify import verify_claims, weekly_use

            found = verify_claims(session, claim_ids=[claim_id], min_active_days=need)
            if not found:
                return None, []
            use = found[0]
            return use, weekly_use(session, use.store_id, use.starts, use.ends, use.periods)

        jobs.read(self, fetch, DetailLoaded, group="usage-detail")

    @on(DetailLoaded)
    def _show(self, message: DetailLoaded) -> None:
        self.use, self.weeks = message.found
        if self.use is None:
            self.query_one("#usage-detail-head", Static).update(t("usageui.no_claim"))
            return
        self._draw()

    def on_resize(self) -> None:
        if self.use is not None:
            self._draw()

    def _draw(self) -> None:
        use, style = self.use, self.app.settings.date_style
        head = [t("usageui.detail_claim", claim_no=use.claim_no, status=t(f"claim.{use.status}"),
                  verdict=t(f"usage.verdict_{use.verdict}")),
                t("usageui.detail_store", store=use.store_name, ubn=use.store_ubn, provider=use.provider_name,
                  provider_ubn=use.provider_ubn),
                t("usageui.detail_term", starts=cell("date", use.starts, style), ends=cell("date", use.ends, style),
                  periods=len(use.periods), short=len(use.short))]
        self.query_one("#usage-detail-head", Static).update("\n".join(head))
        width = max(20, self.size.width - 4)
        columns = max(1, min(3, width // max(1, len(self.weeks))))
        chart = self.query_one("#usage-chart", Sparkline)
        chart.styles.width = columns * len(self.weeks)
        chart.data = [w.events for w in self.weeks for _ in range(columns)] or [0]
        most = max((w.events for w in self.weeks), default=0)
        self.query_one("#usage-chart-title", Static).update(
            t("usageui.chart_title", weeks=len(self.weeks), most=f"{most:,}"))
        self.query_one("#usage-chart-periods", Static).update(period_marks(self.weeks, columns))
        self.query_one("#usage-periods", Static).update(periods_table(use, style))
