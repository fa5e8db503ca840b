"""評分統計與決議 — the committee's ranking, each application's spread of scores, the
outliers to resolve, and the decisions, one at a time or in bulk.

m method (mean / trimmed / rank sum) · b batch · o record how an outlier was resolved ·
space mark · a approve · r reject · w waitlist (marked rows, else the highlighted one) ·
x export the committee summary · g export the gazette list · F5 refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from models.clock import office_today
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from office_tui.committee.tally import METHODS
from screens.charts import spread
from screens.formatting import cell
from screens import jobs
from screens.i18n import TranslatedBindings
from screens.score_form import number

SCALE = (40.0, 100.0)  # the spread chart's range: committees' totals live here


def fixed(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class DecisionAnswer:
    decided_on: date
    doc_no: str
    incomplete_reason: str = ""  # asked when some of the applications have sheets missing


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
        from office_tui.committee.batch_tally import batch_tally
        from office_tui.committee.board import batch_numbers, busiest_batch

        def fetch(s):
            if self.batch_no is None:
                self.batch_no = busiest_batch(s)
            return batch_numbers(s), batch_tally(s, self.batch_no, self.method) if self.batch_no is not None else None

        jobs.load(self, fetch, self._show, "tally-load")

    def _show(self, found: tuple) -> None:
        batches, result = found
        self.batches, self.result = batches, result
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

    # -- work ------------------------------------------------------------------------------
    def _run(self, job) -> None:
        jobs.act(self, job, "tally-act", self.reload)

    def action_resolve(self) -> None:
        from screens.forms import ChoiceScreen

        row = self.current
        if row is None or not row.outliers:
            self.notify(t("ranking.no_outliers"), severity="warning")
            return

        def chosen(member: str | None) -> None:
            if member:
                self._ask_note(row.application_no, member)

        if len(row.outliers) == 1:
            chosen(row.outliers[0])
        else:
            options = [(f"{m}  {number(row.totals[m])}", m) for m in row.outliers]
            self.app.push_screen(ChoiceScreen(t("ranking.pick_outlier", application_no=row.application_no), options),
                                 chosen)

    def _ask_note(self, application_no: str, member: str) -> None:
        from screens.forms import TextField, TextFieldsScreen

        current = self.result.resolutions.get((application_no, member), "")

        def given(note: str | None) -> None:
            if not note:
                return

            from office_tui.committee.decisions import resolve_outlier

            jobs.write(self, lambda s: resolve_outlier(s, self.app.actor, application_no, member, note)
                       and t("ranking.resolved", application_no=application_no, reviewer=member),
                       t("ranking.resolve_reason", application_no=application_no, reviewer=member), "tally-act",
                       self.reload)

        self.app.push_screen(TextFieldsScreen(
            t("ranking.resolve_title", application_no=application_no, reviewer=member),
            [TextField("note", t("ranking.resolve_hint"), "ranking.note_required", value=current)],
            lambda values: values["note"]), given)

    def action_decide(self, outcome: str) -> None:
        from office_tui.core.dates import parse_date
        from screens.forms import TextField, TextFieldsScreen

        if self.app.actor is None or self.app.actor.role not in ("staff", "admin"):
            self.notify(t("ranking.staff_only"), severity="warning")
            return
        numbers = sorted(self.marked) or ([self.current.application_no] if self.current else [])
        if not numbers:
            return

        def check_date(text: str) -> str | None:
            try:
                parse_date(text)
            except ValueError:
                return t("error.bad_date", option=t("ranking.decided_on"), value=text)
            return None

        def given(answer: DecisionAnswer | None) -> None:
            if answer is not None:
                self._decide(numbers, outcome, answer)

        fields = [TextField("day", t("ranking.decided_on"), "ranking.date_required",
                            value=cell("date", office_today(), self.app.settings.date_style), check=check_date),
                  TextField("doc_no", t("ranking.doc_no"), "ranking.doc_no_required" if outcome != "waitlist" else None)]
        # Sheets still missing: the decision needs the reason for deciding on what there is.
        short = [row for row in self.result.rows if row.application_no in numbers and row.missing] \
            if self.result is not None else []
        if short:
            fields.append(TextField("incomplete", t("ranking.incomplete_reason", applications="、".join(
                f"{row.application_no} {row.submitted}/{row.assigned}" for row in short)),
                "ranking.incomplete_reason_required"))
        title = t("ranking.decide_title", outcome=t(f"ranking.outcome_{outcome}"), n=len(numbers),
                  first=numbers[0])
        self.app.push_screen(TextFieldsScreen(title, fields, lambda v: DecisionAnswer(
            parse_date(v["day"]), v["doc_no"], v.get("incomplete", ""))), given)

    def _decide(self, numbers: list[str], outcome: str, answer: DecisionAnswer) -> None:
        def job() -> str | None:
            from office_tui.core.db import write_session
            from office_tui.committee.decisions import decide

            reason = t("ranking.decide_reason", outcome=t(f"ranking.outcome_{outcome}"), doc_no=answer.doc_no or "-")
            with write_session(self.app.office.engine, self.app.actor, reason) as s:
                results = decide(s, self.app.actor, numbers, outcome, answer.decided_on, answer.doc_no,
                                 method=self.method, incomplete_reason=answer.incomplete_reason)
            refused = [r for r in results if r.refusal is not None]
            done = len(results) - len(refused)
            self.app.call_from_thread(lambda: self.marked.clear())
            if refused:
                from screens.message import MessageScreen

                text = "\n".join(f"{r.application_no}: {describe(r.refusal)}" for r in refused)
                self.app.call_from_thread(lambda: self.app.push_screen(MessageScreen(
                    t("ranking.refused_title", done=done, refused=len(refused)), text)))
                return None
            return t("ranking.decided", n=done, outcome=t(f"ranking.outcome_{outcome}"))

        self._run(job)

    def action_export(self, kind: str) -> None:
        from office_tui.core.config import data_dir
        from screens.notice_forms import PathScreen

        if self.result is None:
            return
        batch_no, method = self.result.batch.number, self.method
        default = str(data_dir() / t(f"ranking.file_{kind}", batch=batch_no, day=office_today().strftime("%Y%m%d")))

        def given(path: str | None) -> None:
            if not path:
                return

            def job() -> str:
                if kind == "summary":
                    from exports.summary import export_summary

                    written, _count = export_summary(self.app.office.engine, batch_no, path, method)
                else:
                    from exports.approvals import export_approvals

                    written, _count = export_approvals(self.app.office.engine, batch_no, path)
                return t("ranking.exported", path=str(written))

            self._run(job)

        self.app.push_screen(PathScreen(t(f"ranking.export_{kind}_title", batch=batch_no), default), given)
