"""Intake from the keyboard: status changes one at a time or for a whole list, and the
qualification checklist."""

from __future__ import annotations

from apphelpers import STAFF, figures_loaded, make_app, press_to_screen, wait_for
from sqlalchemy import func, select
from textual.widgets import Checkbox, Input, Select

from models import Application, AuditEntry, QualificationCheck
from office_tui.core.actor import Actor
from office_tui.core.db import read_session


async def _applications(pilot):
    await wait_for(pilot, lambda: figures_loaded(pilot.app))
    await press_to_screen(pilot, "1", "ApplicationsScreen", "#rows")
    table = pilot.app.screen.query_one("#rows")
    await wait_for(pilot, lambda: table.row_count > 0)
    return table


async def _narrow_to(pilot, table, status: str) -> None:
    pilot.app.screen.query_one("#status", Select).value = status
    await wait_for(pilot, lambda: table.row_count and {table.source.row(i)[7] for i in range(table.row_count)} == {status})


async def test_status_change_of_one_application_by_keys(demo_engine, demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(140, 40)) as pilot:
        table = await _applications(pilot)
        await _narrow_to(pilot, table, "received")
        number = table.source.row(0)[1]
        table.focus()
        await press_to_screen(pilot, "m", "StatusChangeScreen", "#status")
        app.screen.query_one("#status", Select).value = "qualification_review"
        app.screen.query_one("#reason", Input).focus()
        await pilot.press(*"資格審查開始", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ApplicationsScreen")
        await wait_for(pilot, lambda: _status(demo_engine, number) == "qualification_review")
    with read_session(demo_engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "application",
                                                AuditEntry.action == "update").order_by(AuditEntry.id.desc())).first()
    assert entry.reason == "資格審查開始" and entry.username == STAFF.username
    assert '"status": ["received", "qualification_review"]' in entry.changes


async def test_reason_is_required_and_a_whole_list_moves_together(demo_engine, demo_url):
    with read_session(demo_engine) as s:
        received = s.scalar(select(func.count()).select_from(Application).where(Application.status == "received"))
    app = make_app(demo_url)
    async with app.run_test(size=(140, 40)) as pilot:
        table = await _applications(pilot)
        await _narrow_to(pilot, table, "received")
        table.focus()
        await press_to_screen(pilot, "m", "StatusChangeScreen", "#status")
        app.screen.query_one("#status", Select).value = "qualification_review"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "原因" in str(app.screen.query_one("#form-error").render())  # not dismissed
        app.screen.query_one("#whole-list", Checkbox).value = True
        app.screen.query_one("#reason", Input).value = "第3批次開始資格審查"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _count(demo_engine, "qualification_review") >= received + 1)
    assert _count(demo_engine, "received") == 0


async def test_a_refused_move_is_not_offered_and_not_accepted_needs_an_admin(demo_engine, demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        table = await _applications(pilot)
        await _narrow_to(pilot, table, "not_accepted")
        table.focus()
        await pilot.press("m")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "ApplicationsScreen"  # staff: no form
    admin = Actor(user_id=1, username="admin", role="admin")
    app = make_app(demo_url, actor=admin)
    async with app.run_test(size=(140, 40)) as pilot:
        table = await _applications(pilot)
        await _narrow_to(pilot, table, "not_accepted")
        table.focus()
        await press_to_screen(pilot, "m", "StatusChangeScreen", "#status")
        options = [value for _, value in app.screen.query_one("#status", Select)._options if value is not Select.NULL]
        assert set(options) == {"received", "qualification_review"}


async def test_recording_a_condition_from_the_detail_screen(demo_engine, demo_url):
    with read_session(demo_engine) as s:
        app_id, provider_id = s.execute(select(Application.id, Application.provider_id).order_by(Application.id)).first()
    app = make_app(demo_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        from screens.detail import ApplicationDetailScreen

        app.push_screen(ApplicationDetailScreen(app_id))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ApplicationDetailScreen" and bool(app.screen.sub_title))
        await press_to_screen(pilot, "c", "ConditionScreen", "#condition")
        app.screen.query_one("#condition", Select).value = 8
        app.screen.query_one("#outcome", Select).value = "unmet"
        evidence = app.screen.query_one("#evidence", Input)
        evidence.focus()
        evidence.value = "欠稅查詢：有欠稅"
        await pilot.press("enter")
        await wait_for(pilot, lambda: _condition(demo_engine, provider_id, 8) == ("unmet", "欠稅查詢：有欠稅"))


def _status(engine, number: str) -> str:
    with read_session(engine) as s:
        return s.scalar(select(Application.status).where(Application.application_no == number))


def _count(engine, status: str) -> int:
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(Application).where(Application.status == status))


def _condition(engine, provider_id: int, condition: int):
    with read_session(engine) as s:
        check = s.scalars(select(QualificationCheck).where(QualificationCheck.provider_id == provider_id,
                                                        QualificationCheck.condition == condition)).first()
        return (check.outcome, check.evidence) if check else None


async def test_the_status_dialog_offers_no_decision_and_says_how_to_decide(demo_engine, demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(140, 40)) as pilot:
        table = await _applications(pilot)
        await _narrow_to(pilot, table, "eligible")
        table.focus()
        await press_to_screen(pilot, "m", "StatusChangeScreen", "#status")
        options = {value for _, value in app.screen.query_one("#status", Select)._options if value is not Select.NULL}
        assert options == {"qualification_review", "not_accepted"}  # no 核定/未核定/備取: only a decision


async def test_awaiting_correction_from_the_dialog_raises_the_notice(demo_engine, demo_url):
    from sqlalchemy import update

    from models import CorrectionNotice
    from office_tui.core.db import write_session

    with write_session(demo_engine, STAFF, "test: a video too short, to be corrected") as s:
        s.execute(update(Application).where(Application.status == "qualification_review").values(video_seconds=90))
    app = make_app(demo_url)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        table = await _applications(pilot)
        await _narrow_to(pilot, table, "qualification_review")
        number = table.source.row(0)[1]
        table.focus()
        await press_to_screen(pilot, "m", "StatusChangeScreen", "#status")
        assert "received" not in {v for _, v in app.screen.query_one("#status", Select)._options}
        app.screen.query_one("#status", Select).value = "awaiting_correction"
        app.screen.query_one("#reason", Input).focus()
        await pilot.press(*"資格文件待補正", "enter")
        await wait_for(pilot, lambda: _status(demo_engine, number) == "awaiting_correction")
    with read_session(demo_engine) as s:
        notice = s.scalars(select(CorrectionNotice).join(Application, Application.id == CorrectionNotice.application_id)
                           .where(Application.application_no == number)).one()
    assert notice.status == "open" and "展示影片長度須為2–5分鐘" in notice.items  # as the records say
