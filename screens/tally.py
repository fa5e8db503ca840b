"""評分統計與決議 — the committee's ranking, each application's spread of scores, the
outliers to resolve, and the decisions, one at a time or in bulk.

m method (mean / trimmed / rank sum) · b batch · o record how an outlier was resolved ·
space mark · a approve · r reject · w waitlist (marked rows, else the highlighted one) ·
x export the committee summary · g export the gazette list · F5 refresh. The flows that
ask before they act are in screens/tally_flows.py.
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
from office_tui.committee.tally import METHODS
from screens import jobs
from screens import tally_flows as flows
from screens.charts import spread
from screens.i18n import TranslatedBindings
from screens.score_form import number

SCALE = (40.0, 100.0)  # the spread chart's range: committees' totals live here


def fixed(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@dataclass
class TallyLoaded(Message):
    batch_no: int | None  # the batch shown (the busiest when none was chosen)
    batches: list
    result: object  # office_tui.committee.batch_tally.BatchTally, None without batches


def _tally(session, batch_no: int | None, method: str) -> TallyLoaded:
    from office_tui.committee.batch_tally import batch_tally
    from office_tui.committee.board import batch_numbers, busiest_batch

    if batch_no is None:
        batch_no = busiest_batch(session)
    return TallyLoaded(batch_no, batch_numbers(session),
                       batch_tally(session, batch_no, method) if batch_no is not None else None)


class TallyScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("m", "method", "key.tally_method", id="ranking.method"),
        Binding("b", "batch", "key.tally_batch", id="ranking.batch"),
        Binding("o", "resolve", "key.resolve_outlier", id="ranking.resolve"),
        Binding("space", "mark", "key.mark", id="ranking.mark"),
        Binding("a", "decide('approve')", "key.approve", id="ranking.approve"),
        Binding("r", "decide('reject')", "key.reject", id="ranking.reject"),
        Binding("w", "decide('waitlist')", "key.waitlist", id="ranking.waitlist"),
        Binding("x", "export('summary')", "key.export_summary", id="ranking.export_summary"),
        Binding("g", "export('approvals')", "key.export_approvals", id="ranking.export_approvals"),
        Binding("f5", "refresh", "key.refresh", id="ranking.refresh"),
        Binding("escape", "app.pop_screen", "key.back", id="ranking.back"),
    ]

    def __init__(self, batch_no: int | None = None) -> None:
        super().__init__()
        self.batch_no, self.method = batch_no, "mean"
        self.batches: list[int] = []
        self.result = None  # office_tui.committee.batch_tally.BatchTally
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="tally-head", classes="section-title")
        yield DataTable(id="tally", cursor_type="row", zebra_stripes=True)
        yield Static("", id="tally-detail", classes="notice-items")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("review.tally")
        self.table.add_columns(t("ranking.col_mark"), t("ranking.col_rank"), t("col.application_no"),
                               t("col.company_name"), t("col.solution_name"), t("ranking.col_mean"),
                               t("ranking.col_trimmed"), t("ranking.col_rank_sum"), t("ranking.col_stdev"),
                               t("ranking.col_at_pass"), t("ranking.col_spread"), t("ranking.col_outliers"),
                               t("ranking.col_decision"))
        self.table.focus()
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one("#tally", DataTable)

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        batch_no, method = self.batch_no, self.method
        jobs.read(self, lambda s: _tally(s, batch_no, method), lambda loaded: loaded, group="tally-load")

    @on(TallyLoaded)
    def _show(self, message: TallyLoaded) -> None:
        self.batch_no, self.batches, self.result = message.batch_no, message.batches, message.result
        result = self.result
        table, keep = self.table, self.current
        table.clear()
        if result is None:
            self.query_one("#tally-head", Static).update(t("ranking.no_batches"))
            return
        self.marked &= {row.application_no for row in result.rows}
        pass_line = result.rubric.pass_line
        for row in result.rows:
            info = result.info[row.application_no]
            unresolved = result.unresolved(row.application_no)
            outliers = Text()
            for member in row.outliers:
                style = "bold red" if member in unresolved else "green"
                outliers.append(member + ("" if member in unresolved else "✓") + " ", style=style)
            decision = t(f"status.{info.status}") if info.status != "eligible" else ""
            ranking = (number(row.rank_sum) if row.rank_sum is not None else "") + (
                f" ({number(row.mean_rank)})" if row.mean_rank is not None else "")
            table.add_row(
                "✔" if row.application_no in self.marked else "",
                str(row.rank) if row.rank is not None else "—", row.application_no, info.company,
                info.solution_name,
                Text(fixed(row.mean), style="bold green" if row.passed else "bold", justify="right"),
                Text(fixed(row.trimmed_mean), justify="right"), ranking, Text(fixed(row.stdev), justify="right"),
                f"{row.at_pass_line}/{len(row.totals)}",
                spread(row.totals, row.outliers, width=24, low=SCALE[0], high=SCALE[1], pass_line=pass_line), outliers, decision,
                key=row.application_no)
        numbers = [r.application_no for r in result.rows]
        if keep is not None and keep.application_no in numbers:
            table.move_cursor(row=numbers.index(keep.application_no), animate=False)
        waiting = sum(1 for r in result.rows if result.unresolved(r.application_no))
        self.query_one("#tally-head", Static).update(t(
            "ranking.head", batch=result.batch.number, method=t(f"ranking.method_{self.method}"),
            count=len(result.rows), passed=sum(1 for r in result.rows if r.passed), pass_line=number(pass_line),
            threshold=number(result.rubric.outlier_threshold), waiting=waiting, marked=len(self.marked)))
        self._detail()

    @property
    def current(self):
        """The highlighted TallyRow, or None."""
        if self.result is None or not self.table.row_count:
            return None
        index = self.table.cursor_row
        return self.result.rows[index] if 0 <= index < len(self.result.rows) else None

    @on(DataTable.RowHighlighted, "#tally")
    def _detail(self) -> None:
        row = self.current
        panel = self.query_one("#tally-detail", Static)
        if row is None:
            panel.update("")
            return
        result = self.result
        lines = [t("ranking.detail_head", application_no=row.application_no, median=number(row.median),
                   mean=number(row.mean), passed=t("common.yes") if row.passed else t("common.no"))]
        for member, total in sorted(row.totals.items(), key=lambda item: -item[1]):
            line = f"  {member}  {number(total):>6}"
            if member in row.outliers:
                note = result.resolutions.get((row.application_no, member))
                line += "  " + (t("ranking.outlier_resolved", note=note) if note else t("ranking.outlier_open"))
            lines.append(line)
        if row.missing:
            lines.append(t("ranking.missing", members="、".join(row.missing)))
        for (application_no, member), reason in result.conflicted.items():  # 迴避: counted nowhere
            if application_no == row.application_no:
                lines.append(t("ranking.conflicted", member=member,
                               why=reason.describe(member, application_no)))
        panel.update(Text("\n".join(lines)))

    # -- choices -------------------------------------------------------------------------
    def action_method(self) -> None:
        self.method = METHODS[(METHODS.index(self.method) + 1) % len(METHODS)]
        self.reload()

    def action_batch(self) -> None:
        if not self.batches:
            return
        index = self.batches.index(self.batch_no) if self.batch_no in self.batches else -1
        self.batch_no = self.batches[(index + 1) % len(self.batches)]
        self.marked.clear()
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_mark(self) -> None:
        row = self.current
        if row is None:
            return
        self.marked ^= {row.application_no}
        self.table.update_cell(row.application_no, self.table.ordered_columns[0].key,
                               "✔" if row.application_no in self.marked else "")
        if self.table.cursor_row + 1 < self.table.row_count:
            self.table.move_cursor(row=self.table.cursor_row + 1)

    # -- work: the flows (screens/tally_flows.py) and what they tell --------------------------
    @on(flows.TallyChanged)
    def _changed(self, message: flows.TallyChanged) -> None:
        from screens.message import MessageScreen

        if message.unmark:
            self.marked.clear()
        if message.refused:
            self.app.push_screen(MessageScreen(message.text, message.refused))
        elif message.text:
            self.notify(message.text, timeout=8)
        self.reload()

    @work(group="tally-flow")
    async def action_resolve(self) -> None:
        await flows.resolve(self)

    @work(group="tally-flow")
    async def action_decide(self, outcome: str) -> None:
        await flows.decide(self, outcome)

    @work(group="tally-flow")
    async def action_export(self, kind: str) -> None:
        await flows.export(self, kind)
