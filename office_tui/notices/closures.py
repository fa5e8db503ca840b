"""辦公日曆異動 — recording a closure declared on the day (颱風停止上班) or an extra
workday, and moving the due dates of the open correction notices it touches (the
notice's history says why). The calendar itself is :mod:`office_tui.notices.calendar`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import select

from models import CalendarOverride
from office_tui.core.actor import Actor
from office_tui.core.db import write_session
from office_tui.notices.calendar import OVERRIDE_KINDS, CalendarError, load_calendar
from office_tui.notices.correction import reschedule


def set_override(engine: Engine, actor: Actor | None, day: date, kind: str, reason: str,
                 announcement: str = "") -> list:
    """Record a closure or an extra workday; returns the notices whose due date moved."""
    if kind not in OVERRIDE_KINDS:
        raise CalendarError("calendar.bad_kind", kind=kind)
    if not reason.strip():
        raise CalendarError("calendar.reason_required")
    with write_session(engine, actor, reason=reason) as session:
        override = session.exec(select(CalendarOverride).where(CalendarOverride.day == day)).first()
        if override is None:
            override = CalendarOverride(day=day, kind=kind, created_by=actor.user_id if actor else None)
        override.kind, override.reason, override.announcement = kind, reason.strip(), announcement.strip()
        session.add(override)
        session.flush()
        why = f"{'停止上班' if kind == 'closure' else '補行上班'} {day.isoformat()}：{reason.strip()}"
        return reschedule(session, load_calendar(session), around=day, why=why)


def remove_override(engine: Engine, actor: Actor | None, day: date) -> list:
    """Take a closure or extra workday back out; returns the notices whose due date moved."""
    with write_session(engine, actor, reason=f"remove calendar override {day.isoformat()}") as session:
        override = session.exec(select(CalendarOverride).where(CalendarOverride.day == day)).first()
        if override is None:
            raise CalendarError("calendar.no_override", day=day.isoformat())
        session.delete(override)
        session.flush()
        return reschedule(session, load_calendar(session), around=day,
                          why=f"取消 {day.isoformat()} 的辦公日曆異動")
