"""簡報 — meeting decks: which eligible applications of a batch still lack their deck as
PowerPoint and/or PDF before the meeting, and one key to send all of them a correction
notice (received today). Still missing when the notice lapses → no meeting slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Select, Static

from models.clock import office_today
from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import cell
from screens.i18n import TranslatedBindings
from screens.messages import OfficeReady


def batches(session) -> list[tuple[int, date | None]]:
    """(number, meeting date) of every batch, newest first."""
    from sqlmodel import select

    from models import Batch

    return [tuple(row) for row in session.exec(select(Batch.number, Batch.meeting_on)
                                               .order_by(Batch.number.desc())).all()]


@dataclass
class BatchesLoaded(Message):
    choices: list  # (number, meeting date)


@dataclass
class GapsLoaded(Message):
    batch: int
    gaps: list  # DeckGap


@dataclass
class NoticesRaised(Message):
    text: str


def default_batch(choices: list[tuple[int, date | None]]) -> int | None:
    """The newest batch with a meeting date; else the newest batch."""
    with_meeting = [number for number, meeting in choices if meeting is not None]
    if with_meeting:
        return max(with_meeting)
    return max((number for number, _ in choices), default=None)


class DecksScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("r", "raise_notices", "key.raise_deck_notices", id="deck_list.raise"),
        Binding("b", "choose_batch", "key.choose_batch", id="deck_list.batch"),
        Binding("f5", "refresh", "key.refresh", id="deck_list.refresh"),
        Binding("escape", "back", "key.back", id="deck_list.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.meetings: dict[int, date | None] = {}
        self.batch: int | None = None
        self.gaps: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters"):
            yield Select([], prompt=t("decks.choose_batch"), id="batch")
            yield Static("", id="meeting", classes="deck-meeting")
        yield Static(t("common.loading"), id="decks-summary", classes="section-title")
        yield DataTable(id="gaps", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("decks.title")
        self.query_one("#gaps", DataTable).add_columns(
            t("col.application_no"), t("col.company_name"), t("decks.col_missing"), t("decks.col_notice"))
        self.query_one("#gaps", DataTable).focus()
        self._load_batches()

    def _load_batches(self) -> None:
        jobs.read(self, batches, BatchesLoaded, group="decks-batches")

    @on(BatchesLoaded)
    def _batches_arrived(self, message: BatchesLoaded) -> None:
        self._batches_loaded(message.choices)

    def _batches_loaded(self, choices: list[tuple[int, date | None]]) -> None:
        style = self.app.settings.date_style
        self.meetings = dict(choices)
        options = [(t("decks.batch_option", n=n, meeting=cell("date", m, style) or t("decks.no_meeting_short")), n)
                   for n, m in choices]
        select = self.query_one("#batch", Select)
        select.set_options(options)
        self.batch = default_batch(choices)
        if self.batch is None:
            self.query_one("#decks-summary", Static).update(t("decks.no_batches"))
            return
        select.value = self.batch  # its Changed finds the batch already shown
        self.reload()

    @on(Select.Changed, "#batch")
    def _batch_chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.batch:
            self.batch = int(event.value)
            self.reload()
            self.query_one("#gaps", DataTable).focus()

    @on(OfficeReady)
    def _lapsed_meanwhile(self) -> None:
        self.reload()  # the app's chores lapsed some notices

    def reload(self) -> None:
        if self.batch is not None:
            self._load_gaps(self.batch)

    def _load_gaps(self, batch: int) -> None:
        from office_tui.notices.correction import deck_gaps

        engine = self.app.office.engine
        jobs.fetch(self, lambda: GapsLoaded(batch, deck_gaps(engine, batch)), lambda loaded: loaded,
                   group="decks-load")

    @on(GapsLoaded)
    def _gaps_loaded(self, message: GapsLoaded) -> None:
        self._show(message.batch, message.gaps)

    def _show(self, batch: int, gaps: list) -> None:
        from office_tui.documents.kinds import kind_label

        if batch != self.batch:
            return
        self.gaps = gaps
        meeting = self.meetings.get(batch)
        style = self.app.settings.date_style
        when = t("decks.meeting", n=batch, day=cell("date", meeting, style)) if meeting else t("decks.no_meeting", n=batch)
        self.query_one("#meeting", Static).update(when)
        table = self.query_one("#gaps", DataTable)
        table.clear()
        for gap in gaps:
            missing = t("decks.joiner").join(kind_label(k) for k in gap.missing)
            table.add_row(gap.application_no, gap.company_name, missing,
                          t("decks.notice_open") if gap.notice_open else t("decks.notice_none"),
                          key=str(gap.application_id))
        waiting = sum(1 for g in gaps if not g.notice_open)
        self.query_one("#decks-summary", Static).update(
            t("decks.summary", n=len(gaps), waiting=waiting) if gaps else t("decks.all_complete", n=batch))

    # -- actions ---------------------------------------------------------------------------
    def action_raise_notices(self) -> None:
        from office_tui.notices.correction import raise_deck_notices

        batch = self.batch
        if batch is None:
            self.notify(t("decks.no_batches"), severity="warning")
            return
        if not any(not g.notice_open for g in self.gaps):
            self.notify(t("decks.none_to_raise", n=batch), severity="warning")
            return
        engine, actor, style = self.app.office.engine, self.app.actor, self.app.settings.date_style

        def raise_them() -> str:
            raised = raise_deck_notices(engine, actor, batch, office_today())
            if not raised:
                return t("decks.none_to_raise", n=batch)
            due = "、".join(sorted({cell("date", n.due_on, style) for n in raised}))
            return t("decks.raised", n=len(raised), due=due)

        jobs.call(self, raise_them, NoticesRaised, group="decks-act")

    @on(NoticesRaised)
    def _raised(self, message: NoticesRaised) -> None:
        self.notify(message.text, timeout=8)
        self.reload()

    def action_choose_batch(self) -> None:
        select = self.query_one("#batch", Select)
        select.focus()
        select.expanded = True

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "batch":
            self.query_one("#gaps", DataTable).focus()
        else:
            self.app.pop_screen()
