"""辦公日曆 — the office calendar a month at a time: working days, national holidays (zh
names), make-up Saturdays (補行上班), and the office's own changes: closures declared on the
day (停止上班) and extra workdays.

Arrows move the cursor day (walking off the month turns the page); PgUp/PgDn change
month; t this month; g go to a date; c closure · w extra workday · x remove the change.
A change moves the due dates of the open correction notices it touches: the toast says which.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from models.clock import office_today
from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import cell
from screens.forms import TextField, TextFieldsScreen
from screens.i18n import TranslatedBindings

CELLS = 42  # six weeks, Monday first
LEGEND = (("working", "month.legend_working"), ("off", "month.legend_off"), ("off holiday", "month.legend_holiday"),
          ("makeup", "calendar.weekend_on"), ("closure", "month.closure"), ("extra", "month.extra_workday"))


def day_classes(day) -> list[str]:
    """The CSS classes of a calendar Day: what kind of day it is."""
    classes = ["working" if day.working else "off"]
    if day.holiday:
        classes.append("holiday")
    if day.makeup:
        classes.append("makeup")
    if day.override == "closure":
        classes.append("closure")
    elif day.override == "workday":
        classes.append("extra")
    return classes


def day_labels(day) -> list[str]:
    """What a day's cell says under its number."""
    labels = []
    if day.override == "closure":
        labels.append(t("month.closure"))
    elif day.override == "workday":
        labels.append(t("month.extra_workday"))
    if day.makeup and not day.override:
        labels.append(t("calendar.weekend_on"))
    if day.holiday:
        labels.append(day.holiday)
    return labels


@dataclass
class MonthLoaded(Message):
    shown: tuple  # (year, month)
    days: list  # office_tui.notices.calendar.Day


@dataclass
class CalendarChanged(Message):
    """The change made, and the notices whose due date it moved: what to tell."""

    text: str


def _month(engine, first: date) -> MonthLoaded:
    from office_tui.notices.calendar import days

    last = first.replace(day=monthrange(first.year, first.month)[1])
    return MonthLoaded((first.year, first.month), days(engine, first, last))


def _changed(engine, actor, change, done: str, style: str) -> str:
    """Make ``change(engine, actor)``; ``done`` and each notice whose due date moved."""
    from office_tui.notices.correction import list_notices

    before = {row.id: row for row in list_notices(engine, status="open")}
    moved = change(engine, actor)
    lines = [done]
    for notice in moved:
        old = before.get(notice.id)
        lines.append(t("calendar.notices_moved", application_no=old.application_no if old else f"#{notice.id}",
                       old=cell("date", old.due_on, style) if old else "", new=cell("date", notice.due_on, style)))
    if not moved:
        lines.append(t("month.no_notice_moved"))
    return "\n".join(lines)


class DayCell(Static):
    """One day of the month grid (styled by its classes in app.tcss)."""


class CalendarScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("left", "move(-1)", "key.prev_day", id="office_calendar.left", show=False),
        Binding("right", "move(1)", "key.next_day", id="office_calendar.right", show=False),
        Binding("up", "move(-7)", "key.prev_week", id="office_calendar.up", show=False),
        Binding("down", "move(7)", "key.next_week", id="office_calendar.down", show=False),
        Binding("pageup", "month(-1)", "key.prev_month", id="office_calendar.prev_month"),
        Binding("pagedown", "month(1)", "key.next_month", id="office_calendar.next_month"),
        Binding("t", "this_month", "key.this_month", id="office_calendar.this_month"),
        Binding("g", "go_to", "key.go_to_date", id="office_calendar.go_to"),
        Binding("c", "closure", "key.add_closure", id="office_calendar.closure"),
        Binding("w", "workday", "key.add_workday", id="office_calendar.workday"),
        Binding("x,delete", "remove", "key.remove_override", id="office_calendar.remove"),
        Binding("escape", "app.pop_screen", "key.back", id="office_calendar.back"),
    ]

    def __init__(self, cursor: date | None = None) -> None:
        super().__init__()
        self.cursor = cursor or office_today()
        self.shown: tuple[int, int] | None = None  # (year, month) whose days are loaded
        self.days: dict[date, object] = {}  # office_calendar.Day by date

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="calendar"):
            yield Static("", id="month-title", classes="section-title")
            with Grid(id="weekday-row"):
                for name in t("month.weekdays").split():
                    yield Static(name, classes="weekday-head")
            with Grid(id="month-grid"):
                for index in range(CELLS):
                    yield DayCell("", id=f"cell-{index}", classes="day blank")
            yield Static(t("common.loading"), id="day-detail")
            with Horizontal(id="month-legend"):
                for kind, key in LEGEND:
                    yield Static(t(key), classes=f"legend day {kind}")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.calendar")
        self.load_month(self.cursor)

    # -- loading and drawing ------------------------------------------------------------------
    def load_month(self, around: date) -> None:
        engine, first = self.app.office.engine, around.replace(day=1)
        jobs.fetch(self, lambda: _month(engine, first), lambda loaded: loaded, group="calendar-load")

    @on(MonthLoaded)
    def _month_loaded(self, message: MonthLoaded) -> None:
        self._loaded(message.shown, message.days)

    def _loaded(self, shown: tuple[int, int], month: list) -> None:
        if shown != (self.cursor.year, self.cursor.month):
            return  # the user turned the page meanwhile; that month's load follows
        self.shown = shown
        self.days = {d.day: d for d in month}
        self.draw()

    def draw(self) -> None:
        year, month = self.shown
        first = date(year, month, 1)
        offset, length = first.weekday(), monthrange(year, month)[1]
        today = office_today()
        weeks = (offset + length + 6) // 7
        for index in range(CELLS):
            widget = self.query_one(f"#cell-{index}", DayCell)
            widget.display = index < weeks * 7
            number = index - offset + 1
            if not 1 <= number <= length:
                widget.set_classes("day blank")
                widget.update("")
                continue
            day = self.days[date(year, month, number)]
            classes = ["day", *day_classes(day)]
            if day.day == today:
                classes.append("today")
            if day.day == self.cursor:
                classes.append("cursor")
            widget.set_classes(" ".join(classes))
            text = Text(str(number), style="bold")
            if day.day == today:
                text.append(" " + t("month.today"), style="bold")
            for label in day_labels(day):
                text.append("\n" + label)
            widget.update(text)
        working = sum(1 for d in self.days.values() if d.working)
        self.query_one("#month-title", Static).update(
            t("month.title", roc=year - 1911, year=year, month=month, n=working))
        self._describe_cursor()

    def _describe_cursor(self) -> None:
        day = self.days.get(self.cursor)
        if day is None:
            return
        weekday = t("month.weekdays").split()[day.day.weekday()]
        parts = [t("month.working") if day.working else t("month.not_working"), *day_labels(day)]
        lines = [t("month.detail", day=self._date(day.day), weekday=weekday, what="・".join(parts))]
        if day.override:
            lines.append(t("month.override_reason", reason=day.reason))
        self.query_one("#day-detail", Static).update(Text("\n".join(lines)))

    def _date(self, value: date) -> str:
        return cell("date", value, self.app.settings.date_style)

    # -- moving ----------------------------------------------------------------------------
    def go(self, day: date) -> None:
        self.cursor = day
        if self.shown != (day.year, day.month):
            self.query_one("#month-title", Static).update(t("common.loading"))
            self.load_month(day)
        else:
            self.draw()

    def action_move(self, step: int) -> None:
        self.go(self.cursor + timedelta(days=step))

    def action_month(self, step: int) -> None:
        year, month = divmod(self.cursor.year * 12 + self.cursor.month - 1 + step, 12)
        month += 1
        self.go(date(year, month, min(self.cursor.day, monthrange(year, month)[1])))

    def action_this_month(self) -> None:
        self.go(office_today())

    @work(group="calendar-flow")
    async def action_go_to(self) -> None:
        from screens.notices import DateScreen

        day = await self.app.push_screen_wait(DateScreen(t("month.go_to_title"), self._date(self.cursor)))
        if day is not None:
            self.go(day)

    # -- changing the calendar -------------------------------------------------------------------
    def _cursor_day(self):
        day = self.days.get(self.cursor)
        if day is None:
            self.notify(t("common.loading"), severity="warning")
        return day

    @work(group="calendar-flow")
    async def action_closure(self) -> None:
        from office_tui.notices.closures import set_override

        day = self._cursor_day()
        if day is None:
            return
        if not day.working:
            self.notify(t("month.already_off", day=self._date(day.day)), severity="warning")
            return
        answer = await self.app.push_screen_wait(ClosureScreen(t("month.closure_title", day=self._date(day.day))))
        if answer:
            reason, announcement = answer
            self._change(lambda engine, actor: set_override(engine, actor, day.day, "closure", reason, announcement),
                         t("calendar.closure_added", day=self._date(day.day), reason=reason))

    @work(group="calendar-flow")
    async def action_workday(self) -> None:
        from office_tui.notices.closures import set_override
        from screens.forms import ReasonScreen

        day = self._cursor_day()
        if day is None:
            return
        if day.working:
            self.notify(t("month.already_working", day=self._date(day.day)), severity="warning")
            return
        reason = await self.app.push_screen_wait(ReasonScreen(t("month.workday_title", day=self._date(day.day))))
        if reason:
            self._change(lambda engine, actor: set_override(engine, actor, day.day, "workday", reason),
                         t("month.workday_added", day=self._date(day.day), reason=reason))

    def action_remove(self) -> None:
        from office_tui.notices.closures import remove_override

        day = self._cursor_day()
        if day is None:
            return
        if not day.override:
            self.notify(t("calendar.no_override", day=self._date(day.day)), severity="warning")
            return
        self._change(lambda engine, actor: remove_override(engine, actor, day.day),
                     t("calendar.override_removed", day=self._date(day.day)))

    def _change(self, change, done: str) -> None:
        """Make the change off the UI thread; tell it and the notices whose due date moved."""
        engine, actor, style = self.app.office.engine, self.app.actor, self.app.settings.date_style
        jobs.call(self, lambda: _changed(engine, actor, change, done, style), CalendarChanged,
                  group="calendar-change")

    @on(CalendarChanged)
    def _calendar_changed(self, message: CalendarChanged) -> None:
        self.notify(message.text, timeout=15)
        self.load_month(self.cursor)


class ClosureScreen(TextFieldsScreen):
    """停止上班: the reason, and the announcement that declared it."""

    def __init__(self, title: str) -> None:
        super().__init__(title, [
            TextField("reason", t("month.closure_reason"), "calendar.reason_required"),
            TextField("announcement", t("month.announcement")),
        ], lambda values: (values["reason"], values["announcement"]))
