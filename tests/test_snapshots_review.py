"""What a committee member sees, pinned: their score form (Chinese and English)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from apphelpers import make_app, wait_for
from models import Reviewer
from office_tui.core.actor import Actor
from office_tui.core.db import read_session

SIZE = (120, 45)


def _member(engine, number="R03") -> Actor:
    with read_session(engine) as s:
        reviewer = s.exec(select(Reviewer).where(Reviewer.reviewer_no == number)).one()
        return Actor(None, number.lower(), "reviewer", reviewer_id=reviewer.id)


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_score_form(snap_compare, demo_engine, demo_url, lang):
    async def open_first_unstarted(pilot) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SheetsScreen" and app.screen.rows)
        drafts = [r.assignment_id for r in app.screen.rows if r.status == "assigned"]
        app.screen.table.move_cursor(row=[r.assignment_id for r in app.screen.rows].index(drafts[0]))
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ScoreFormScreen" and app.screen.query("#comment"))
        await pilot.press("1", "2", "0")  # out of range, flagged as typed
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(demo_url, lang=lang, actor=_member(demo_engine)), terminal_size=SIZE,
                        run_before=open_first_unstarted)
