"""Helpers for driving the app in tests."""

from __future__ import annotations

import asyncio

from office_tui.core.actor import Actor
from office_tui.core.config import load_settings

STAFF = Actor(user_id=2, username="staff", role="staff")


def make_app(db_url: str, lang: str = "zh_TW", actor: Actor | None = STAFF, offer_demo: bool = True):
    from office_tui.app import OfficeApp

    return OfficeApp(load_settings(db=db_url, lang=lang), actor=actor, offer_demo=offer_demo)


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (workers finish in threads)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)


def figures_loaded(app) -> bool:
    from screens.dashboard import DashboardScreen, Figure

    screen = app.screen
    if not isinstance(screen, DashboardScreen):
        return False
    return "…" not in str(screen.query_one("#fig-budget", Figure).render())


async def press_to_screen(pilot, key: str, screen_name: str, ready: str | None = None) -> None:
    """Press ``key`` and wait until ``screen_name`` is in front (and ``ready`` can be queried)."""
    await pilot.press(key)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == screen_name
                   and (ready is None or bool(pilot.app.screen.query(ready))))


def conflict_after_scoring(engine, note: str) -> tuple[str, str, int, int]:
    """The first submitted sheet of an application before the committee, whose member
    then declares a conflict with the applicant: (application number, member number,
    batch number, sheet id)."""
    from sqlmodel import select

    from models import Application, Assignment, Batch, Conflict, Provider, Reviewer
    from office_tui.core.db import write_session

    with write_session(engine, STAFF, "test: a conflict found after scoring") as s:
        sheet = s.exec(select(Assignment).join(Application, Application.id == Assignment.application_id)
                       .where(Application.status == "eligible", Assignment.sheet_status == "submitted")
                       .order_by(Assignment.id)).first()
        target, member = s.get(Application, sheet.application_id), s.get(Reviewer, sheet.reviewer_id)
        s.add(Conflict(reviewer_id=member.id, ubn=s.get(Provider, target.provider_id).ubn, source="declared",
                       note=note))
        return target.application_no, member.reviewer_no, s.get(Batch, target.batch_id).number, sheet.id
