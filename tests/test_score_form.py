"""The score form driven by keys alone: range checks as typed, live totals, draft,
submit with confirmation, the lock, and staff reopening with a reason."""

from __future__ import annotations

from sqlmodel import select

from apphelpers import STAFF, figures_loaded, make_app, press_to_screen, wait_for
from models import Application, Assignment, Reviewer, Score
from office_tui.core.actor import Actor
from office_tui.core.db import read_session

CODES = [f"T{n}" for n in range(1, 10)] + [f"P{n}" for n in range(1, 5)]


def _unstarted(engine):
    """A member and one of their not-yet-started sheets on an eligible application."""
    with read_session(engine) as s:
        assignment, reviewer = s.exec(
            select(Assignment, Reviewer).join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.status == "eligible", Assignment.sheet_status == "assigned")
            .order_by(Assignment.id)).first()
        return Actor(None, reviewer.reviewer_no.lower(), "reviewer", reviewer_id=reviewer.id), assignment.id


def _sheet(engine, assignment_id):
    with read_session(engine) as s:
        assignment = s.get(Assignment, assignment_id)
        scores = dict(s.exec(select(Score.criterion, Score.value).where(Score.assignment_id == assignment_id)).all())
        return assignment.sheet_status, scores, assignment.comment


async def _open_form(pilot, app, assignment_id):
    # A member signs in straight to their own sheets.
    await wait_for(pilot, lambda: type(app.screen).__name__ == "SheetsScreen")
    await wait_for(pilot, lambda: app.screen.rows)
    ids = [r.assignment_id for r in app.screen.rows]
    app.screen.table.move_cursor(row=ids.index(assignment_id))
    await press_to_screen(pilot, "enter", "ScoreFormScreen")
    await wait_for(pilot, lambda: bool(app.screen.query("#c-P4")) and app.focused is not None
                   and app.focused.id == "c-T1")


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


async def test_member_scores_a_sheet_by_keys_alone(demo_engine, demo_url):
    member, sheet_id = _unstarted(demo_engine)
    app = make_app(demo_url, actor=member)
    async with app.run_test(size=(120, 50)) as pilot:
        await _open_form(pilot, app, sheet_id)
        # Every row of the list is the member's own.
        # A value out of range is flagged as it is typed and cannot be saved.
        await pilot.press("1", "0", "1")
        await pilot.pause()
        assert "超出範圍" in _text(app, "#hint-T1")
        assert app.focused.has_class("-invalid")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _sheet(demo_engine, sheet_id)[0] == "assigned", "nothing saved while T1 is wrong"
        await pilot.press("backspace", "backspace", "backspace", "9", "0", "enter")
        assert app.focused.id == "c-T2" and _text(app, "#hint-T1") == ""
        for code in CODES[1:9]:
            await pilot.press("9", "0", "enter")
        assert app.focused.id == "c-P1"
        assert "90" in _text(app, "#stage-T") and "—" in _text(app, "#stage-P")
        await pilot.press("shift+tab")
        assert app.focused.id == "c-T9"
        await pilot.press("tab")
        for code in CODES[9:]:
            await pilot.press("6", "0", "tab")
        assert app.focused.id == "comment"
        await pilot.pause()
        assert "75" in _text(app, "#sheet-total") and "13/13" in _text(app, "#sheet-total")
        await pilot.press(*"OK")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _sheet(demo_engine, sheet_id)[0] == "draft")
        status, scores, comment = _sheet(demo_engine, sheet_id)
        assert scores == {c: (90.0 if c.startswith("T") else 60.0) for c in CODES} and comment == "OK"
        # Submit asks first; N keeps the draft, F10 then Y submits and locks.
        await press_to_screen(pilot, "f10", "ConfirmScreen")
        await press_to_screen(pilot, "n", "ScoreFormScreen")
        assert _sheet(demo_engine, sheet_id)[0] == "draft"
        await press_to_screen(pilot, "f10", "ConfirmScreen")
        await press_to_screen(pilot, "y", "ScoreFormScreen")
        await wait_for(pilot, lambda: _sheet(demo_engine, sheet_id)[0] == "submitted"
                       and app.screen.query_one("#c-T1").disabled)
        assert "鎖定" in _text(app, "#sheet-head")
        # Locked: keys change nothing, and the member cannot reopen it.
        await pilot.press("ctrl+s", "5", "o")
        await pilot.pause()
        assert _sheet(demo_engine, sheet_id)[1]["T1"] == 90.0
        assert _sheet(demo_engine, sheet_id)[0] == "submitted"
        await press_to_screen(pilot, "escape", "SheetsScreen")
        await wait_for(pilot, lambda: any(r.assignment_id == sheet_id and r.status == "submitted"
                                          for r in app.screen.rows))
        assert {r.reviewer_no for r in app.screen.rows} == {member.username.upper()}


async def test_staff_reopen_a_submitted_sheet_with_a_reason(demo_engine, demo_url):
    with read_session(demo_engine) as s:
        sheet_id = s.exec(select(Assignment.id).join(Application, Application.id == Assignment.application_id)
                          .where(Application.status == "eligible", Assignment.sheet_status == "submitted")
                          .order_by(Assignment.id)).first()
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "5", "ReviewScreen")
        await press_to_screen(pilot, "3", "SheetsScreen", "#sheets")
        await wait_for(pilot, lambda: app.screen.rows)
        ids = [r.assignment_id for r in app.screen.rows]
        app.screen.table.move_cursor(row=ids.index(sheet_id))
        await press_to_screen(pilot, "enter", "ScoreFormScreen")
        await wait_for(pilot, lambda: bool(app.screen.query("#c-T1")) and app.screen.query_one("#c-T1").disabled)
        await press_to_screen(pilot, "o", "ReasonScreen")
        await pilot.press(*"paper", "enter")
        await wait_for(pilot, lambda: _sheet(demo_engine, sheet_id)[0] == "draft")
        await wait_for(pilot, lambda: not app.screen.query_one("#c-T1").disabled)


async def test_leaving_with_unsaved_changes_asks_first(demo_engine, demo_url):
    member, sheet_id = _unstarted(demo_engine)
    app = make_app(demo_url, actor=member)
    async with app.run_test(size=(120, 50)) as pilot:
        await _open_form(pilot, app, sheet_id)
        await pilot.press("5", "0")
        await press_to_screen(pilot, "escape", "ConfirmScreen")
        await press_to_screen(pilot, "n", "ScoreFormScreen")
        assert app.screen.query_one("#c-T1").value == "50"
        await press_to_screen(pilot, "escape", "ConfirmScreen")
        await press_to_screen(pilot, "y", "SheetsScreen")
        assert _sheet(demo_engine, sheet_id)[0] == "assigned"


async def test_a_member_cannot_open_the_staff_workflows(demo_engine, demo_url):
    member, _ = _unstarted(demo_engine)
    app = make_app(demo_url, actor=member)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SheetsScreen")
        await press_to_screen(pilot, "escape", "DashboardScreen")
        for key in ("1", "6", "8"):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == "DashboardScreen"
        assert any("評分表" in str(n.message) for n in app._notifications)
        await press_to_screen(pilot, "5", "SheetsScreen")
