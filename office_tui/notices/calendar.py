"""辦公日曆 — the working-day calendar as the office keeps it: Taiwan's government
calendar (the `holidays` package, make-up Saturdays included) plus the closures declared
on the day (颱風停止上班) and extra workdays recorded in CalendarOverride.

Changing the calendar moves the due dates of open correction notices that the change
touches (office_tui.notices.correction.reschedule); their history says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from models import CalendarOverride
from office_tui.core.db import read_session
from office_tui.core.errors import OfficeError
from office_tui.core.workdays import WorkCalendar, national_holidays

OVERRIDE_KINDS = ("closure", "workday")


class CalendarError(OfficeError):
    """A calendar change that cannot be made."""


def load_calendar(session: Session) -> WorkCalendar:
    overrides = session.exec(select(CalendarOverride.day, CalendarOverride.kind)).all()
    return WorkCalendar(
        closures=frozenset(day for day, kind in overrides if kind == "closure"),
        extra_workdays=frozenset(day for day, kind in overrides if kind == "workday"),
    )


def office_calendar(engine: Engine) -> WorkCalendar:
    with read_session(engine) as session:
        return load_calendar(session)


@dataclass(frozen=True)
class Day:
    """One day as the calendar screen and `workdays list` show it."""

    day: date
    working: bool
    holiday: str  # the national calendar's name for it ("" if none)
    makeup: bool  # 補行上班: a weekend day that is a working day
    override: str  # "", "closure" or "workday"
    reason: str  # the override's reason


def days(engine: Engine, start: date, end: date) -> list[Day]:
    """Every day from ``start`` to ``end`` inclusive."""
    with read_session(engine) as session:
        overrides = {o.day: o for o in session.exec(
            select(CalendarOverride).where(CalendarOverride.day >= start, CalendarOverride.day <= end))}
        calendar = load_calendar(session)
    out, day = [], start
    while day <= end:
        national = national_holidays(day.year)
        override = overrides.get(day)
        out.append(Day(day, calendar.is_working_day(day), national.get(day, "") or "",
                       day in national.weekend_workdays, override.kind if override else "",
                       override.reason if override else ""))
        day += timedelta(days=1)
    return out


def exceptions(engine: Engine, year: int) -> list[Day]:
    """The days of ``year`` that break the weekday rule: weekdays off, weekend days on."""
    return [d for d in days(engine, date(year, 1, 1), date(year, 12, 31))
            if d.working != (d.day.weekday() < 5)]
