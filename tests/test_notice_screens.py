"""The notices, calendar and decks screens driven by keys, checked in the database.

The clock is pinned to Friday 2026-11-20 10:00 Taipei (conftest); opening the office
lapses overdue notices by itself, so the demo office shows the ones still open.
"""

from __future__ import annotations

from datetime import date

import pdfs
from apphelpers import figures_loaded, make_app, press_to_screen, wait_for
from openpyxl import load_workbook
from sqlalchemy import func, select
from textual.widgets import Input, Select, TextArea

from models import Application, AuditEntry, CalendarOverride, CorrectionNotice, Document
from office_tui.core.actor import Actor
from office_tui.core.db import read_session, write_session
from office_tui.notices.correction import raise_notice
from screens.decks import default_batch

CLERK = Actor(None, "clerk", "staff")  # no user row in the small databases
TODAY = date(2026, 11, 20)


# -- helpers -------------------------------------------------------------------------------------
async def _notices(pilot):
    await wait_for(pilot, lambda: figures_loaded(pilot.app))
    await press_to_screen(pilot, "3", "NoticesScreen", "#notices")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: bool(screen.rows))
    return screen


async def _highlight(pilot, screen, application_no: str):
    """Move the cursor to the notice of ``application_no``; returns its NoticeRow."""
    index = [r.application_no for r in screen.rows].index(application_no)
    screen.table.move_cursor(row=index)
    await pilot.pause()
    assert screen.current.application_no == application_no
    return screen.current


def _notice(engine, notice_id: int) -> CorrectionNotice:
    with read_session(engine) as s:
        return s.get(CorrectionNotice, notice_id)


def _open_notices(engine) -> list[CorrectionNotice]:
    with read_session(engine) as s:
        return s.scalars(select(CorrectionNotice).where(CorrectionNotice.status == "open")
                         .order_by(CorrectionNotice.due_on)).all()


def _messages(app) -> str:
    return "\n".join(n.message for n in app._notifications)


def _calendar_cell(screen, day: date):
    return screen.query_one(f"#cell-{day.replace(day=1).weekday() + day.day - 1}")


async def _calendar(pilot):
    await wait_for(pilot, lambda: figures_loaded(pilot.app))
    await press_to_screen(pilot, "4", "CalendarScreen", "#month-grid")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.shown == (TODAY.year, TODAY.month))
    return screen


async def _go_to(pilot, screen, text: str, month: tuple[int, int]) -> None:
    await press_to_screen(pilot, "g", "DateScreen", "#day")
    pilot.app.screen.query_one("#day", Input).value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen is screen and screen.shown == month)


# -- the notices screen ----------------------------------------------------------------------------
async def test_notices_list_open_ones_by_urgency_with_roc_dates(demo_url, demo_engine):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _notices(pilot)
        open_now = _open_notices(demo_engine)  # after opening lapsed the overdue one
        assert len(open_now) == 3
        await wait_for(pilot, lambda: len(screen.rows) == len(open_now))
        assert [r.id for r in screen.rows] == [n.id for n in open_now]
        first = screen.table.get_row_at(0)
        assert str(first[4]) == "115/11/20" and str(first[5]) == "今日到期"
        assert {str(screen.table.get_row_at(i)[5]) for i in range(1, len(open_now))} <= {"即將到期", "期限內"}
        summary = str(screen.query_one("#notices-summary").render())
        assert f"未結案 {len(open_now)} 件" in summary and "今日到期 1" in summary
        # a: all notices, the closed ones last
        await pilot.press("a")
        with read_session(demo_engine) as s:
            total = s.scalar(select(func.count()).select_from(CorrectionNotice))
        await wait_for(pilot, lambda: len(screen.rows) == total > len(open_now))
        assert screen.rows[-1].urgency == "closed" and str(screen.table.get_row_at(total - 1)[6]) == "逾期"


async def test_mark_corrected_asks_the_date_and_accepts_roc(demo_url, demo_engine):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _notices(pilot)
        row = await _highlight(pilot, screen, screen.rows[0].application_no)
        await press_to_screen(pilot, "c", "DateScreen", "#day")
        assert app.screen.query_one("#day", Input).value == "115/11/20"  # today by default
        app.screen.query_one("#day", Input).value = "1151119"
        await pilot.press("enter")
        await wait_for(pilot, lambda: _notice(demo_engine, row.id).status == "corrected")
        await wait_for(pilot, lambda: row.id not in [r.id for r in screen.rows])
        assert "已登錄" in _messages(app)
    notice = _notice(demo_engine, row.id)
    assert notice.corrected_on == date(2026, 11, 19)
    with read_session(demo_engine) as s:
        status = s.scalar(select(Application.status).where(Application.application_no == row.application_no))
    assert status == "qualification_review"  # back to review once corrected


async def test_a_wrong_date_keeps_the_dialog_open(demo_url, demo_engine):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _notices(pilot)
        notice_id = screen.current.id
        await press_to_screen(pilot, "c", "DateScreen", "#day")
        app.screen.query_one("#day", Input).value = "下週一"
        await pilot.press("enter")
        await pilot.pause()
        assert "無法辨識日期" in str(app.screen.query_one("#form-error").render())
        await press_to_screen(pilot, "escape", "NoticesScreen")
    assert _notice(demo_engine, notice_id).status == "open"


async def test_extend_adds_working_days_with_a_reason(demo_url, demo_engine):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _notices(pilot)
        row = await _highlight(pilot, screen, screen.rows[1].application_no)
        before = _notice(demo_engine, row.id)
        assert (before.notified_on, before.due_on) == (date(2026, 11, 18), date(2026, 11, 23))
        await press_to_screen(pilot, "e", "ExtendScreen", "#days")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "正整數" in str(app.screen.query_one("#form-error").render())  # no days given
        app.screen.query_one("#days", Input).value = "2"
        app.screen.query_one("#reason", Input).value = "業者來電說明負責人出國"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _notice(demo_engine, row.id).working_days == 5)
        await wait_for(pilot, lambda: "115/11/25" in _messages(app))
    # Wed 11-18: Thu 19, Fri 20, Mon 23 (3), Tue 24, Wed 25 (5).
    assert _notice(demo_engine, row.id).due_on == date(2026, 11, 25)
    with read_session(demo_engine) as s:
        reason = s.scalar(select(AuditEntry.reason).where(AuditEntry.table_name == "correctionnotice",
                                                          AuditEntry.action == "update").order_by(AuditEntry.id.desc()))
    assert reason == "業者來電說明負責人出國"


async def test_withdraw_needs_a_reason(demo_url, demo_engine):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _notices(pilot)
        row = await _highlight(pilot, screen, screen.rows[-1].application_no)
        await press_to_screen(pilot, "w", "ReasonScreen", "#reason")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReasonScreen"
        app.screen.query_one("#reason", Input).value = "誤發，該文件已於期限前補正"
        await pilot.press("enter")
        await wait_for(pilot, lambda: _notice(demo_engine, row.id).status == "withdrawn")
    assert _notice(demo_engine, row.id).closed_reason == "誤發，該文件已於期限前補正"


async def test_a_closed_notice_cannot_be_extended(demo_url, demo_engine):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _notices(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: screen.rows[-1].urgency == "closed")
        screen.table.move_cursor(row=len(screen.rows) - 1)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "NoticesScreen"
        assert "已是「逾期」" in _messages(app)


async def test_raise_a_notice_by_hand_prefills_the_deficient_documents(engine, db_url):
    numbers = pdfs.seed_applications(engine)
    with write_session(engine, None, reason="test") as s:
        s.add(Document(application_id=numbers[pdfs.FIRST], file_name="繳納證明.pdf", original_path="x/繳納證明.pdf",
                       sha256="0" * 64, kind="tax_payment_proof", triage="deficient",
                       triage_reason="繳納證明期別不是最近一期"))
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "3", "NoticesScreen", "#notices")
        screen = app.screen
        await wait_for(pilot, lambda: "未結案 0 件" in str(screen.query_one("#notices-summary").render()))
        await press_to_screen(pilot, "n", "RaiseNoticeScreen", "#application-no")
        dialog = app.screen
        assert dialog.query_one("#notified-on", Input).value == "115/11/20"
        # an unknown number says so
        dialog.query_one("#application-no", Input).value = "C110-9-9999"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "C110-9-9999" in str(dialog.query_one("#application").render()))
        dialog.query_one("#application-no", Input).focus()
        dialog.query_one("#application-no", Input).value = pdfs.FIRST
        await pilot.press("enter")
        area = dialog.query_one("#items", TextArea)
        await wait_for(pilot, lambda: "繳納證明期別不是最近一期" in area.text)
        assert pdfs.COMPANY in str(dialog.query_one("#application").render())
        area.text = area.text.splitlines()[0] + "\n請補附最近一期營業稅繳款書"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.rows) == 1)
        assert "115/11/25" in _messages(app)
    with read_session(engine) as s:
        notice = s.scalars(select(CorrectionNotice)).one()
        status = s.scalar(select(Application.status).where(Application.application_no == pdfs.FIRST))
    # notified Fri 11-20: Mon 23, Tue 24, Wed 25
    assert (notice.notified_on, notice.due_on, notice.status) == (TODAY, date(2026, 11, 25), "open")
    assert notice.items.splitlines() == ["營業稅繳納證明（繳納證明.pdf）：繳納證明期別不是最近一期", "請補附最近一期營業稅繳款書"]
    assert status == "awaiting_correction"


async def test_the_list_follows_notices_lapsing_while_it_is_open(engine, db_url, monkeypatch):
    pdfs.seed_applications(engine)
    notice = raise_notice(engine, CLERK, pdfs.FIRST, TODAY, ["缺營業稅繳納證明"])
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _notices(pilot)
        assert [r.id for r in screen.rows] == [notice.id]
        monkeypatch.setenv("OFFICE_TUI_NOW", "2026-11-26T09:00:00+08:00")  # the day after it was due
        app._chores()  # what the app runs every ten minutes
        await wait_for(pilot, lambda: _notice(engine, notice.id).status == "lapsed")
        await wait_for(pilot, lambda: "未結案 0 件" in str(screen.query_one("#notices-summary").render()))


async def test_export_writes_the_shown_list(demo_url, demo_engine, tmp_path):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _notices(pilot)
        shown = [r.application_no for r in screen.rows]
        await press_to_screen(pilot, "x", "PathScreen", "#path")
        default = app.screen.query_one("#path", Input).value
        assert default.startswith(str(tmp_path / "data")) and default.endswith("補正通知_1151120.xlsx")
        target = tmp_path / "out" / "補正通知"
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        written = target.with_name("補正通知.xlsx")
        await wait_for(pilot, lambda: written.exists() and "已匯出" in _messages(app))
    sheet = load_workbook(written).active
    assert [sheet.cell(row=3 + i, column=1).value for i in range(len(shown))] == shown
    assert sheet.cell(row=3, column=5).value == "115/11/20"


# -- the calendar screen ------------------------------------------------------------------------------
async def test_calendar_shows_make_up_saturdays_and_holiday_names(engine, db_url):
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _calendar(pilot)
        assert "民國 115 年 11 月" in str(screen.query_one("#month-title").render())
        assert _calendar_cell(screen, TODAY).has_class("cursor", "today", "working")
        await _go_to(pilot, screen, "110/02/20", (2021, 2))
        makeup = _calendar_cell(screen, date(2021, 2, 20))
        assert makeup.has_class("makeup", "working", "cursor") and "補行上班" in str(makeup.render())
        eve = _calendar_cell(screen, date(2021, 2, 11))
        assert eve.has_class("holiday", "off") and "農曆除夕" in str(eve.render())
        assert _calendar_cell(screen, date(2021, 2, 27)).has_class("off")  # an ordinary Saturday
        assert "上班日・補行上班" in str(screen.query_one("#day-detail").render())
        # PgDn a month at a time to September
        for _ in range(7):
            await pilot.press("pagedown")
        await wait_for(pilot, lambda: screen.shown == (2021, 9))
        assert screen.cursor == date(2021, 9, 20)
        makeup = _calendar_cell(screen, date(2021, 9, 11))
        assert makeup.has_class("makeup", "working") and "補行上班" in str(makeup.render())
        assert "中秋節" in str(_calendar_cell(screen, date(2021, 9, 21)).render())
        assert "民國 110 年 9 月" in str(screen.query_one("#month-title").render())
        # the arrows walk the cursor; off the end of the month the page turns
        await pilot.press("down", "down", "right", "right", "right")
        assert screen.cursor == date(2021, 10, 7)
        await wait_for(pilot, lambda: screen.shown == (2021, 10))
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.shown == (2026, 11) and screen.cursor == TODAY)


async def test_a_closure_on_the_calendar_moves_an_open_notice(engine, db_url):
    pdfs.seed_applications(engine)
    notice = raise_notice(engine, CLERK, pdfs.FIRST, date(2026, 11, 19), ["缺營業稅繳納證明"])
    assert notice.due_on == date(2026, 11, 24)  # Fri 20, Mon 23, Tue 24
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _calendar(pilot)
        await pilot.press("right", "right", "right")
        assert screen.cursor == date(2026, 11, 23)
        await press_to_screen(pilot, "c", "ClosureScreen", "#reason")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "原因" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#reason", Input).value = "颱風停止上班"
        app.screen.query_one("#announcement", Input).value = "人事行政總處公告臺北市停止上班"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _notice(engine, notice.id).due_on == date(2026, 11, 25))
        await wait_for(pilot, lambda: _calendar_cell(screen, date(2026, 11, 23)).has_class("closure"))
        assert f"{pdfs.FIRST} 115/11/24 → 115/11/25" in _messages(app)
        assert "停止上班" in str(_calendar_cell(screen, date(2026, 11, 23)).render())
        assert "颱風停止上班" in str(screen.query_one("#day-detail").render())
        with read_session(engine) as s:
            override = s.scalars(select(CalendarOverride)).one()
        assert (override.day, override.kind, override.announcement) == (date(2026, 11, 23), "closure",
                                                                        "人事行政總處公告臺北市停止上班")
        # x takes it back out; the deadline returns
        await pilot.press("x")
        await wait_for(pilot, lambda: _notice(engine, notice.id).due_on == date(2026, 11, 24))
        await wait_for(pilot, lambda: not _calendar_cell(screen, date(2026, 11, 23)).has_class("closure"))
        # w on Saturday 11-21: an extra workday pulls the deadline in (Fri 20, Sat 21, Mon 23)
        await pilot.press("left", "left")
        await press_to_screen(pilot, "w", "ReasonScreen", "#reason")
        app.screen.query_one("#reason", Input).value = "補行上班（選舉日調移）"
        await pilot.press("enter")
        await wait_for(pilot, lambda: _notice(engine, notice.id).due_on == date(2026, 11, 23))
        await wait_for(pilot, lambda: _calendar_cell(screen, date(2026, 11, 21)).has_class("extra", "working"))
    with read_session(engine) as s:
        assert s.scalars(select(CalendarOverride.kind)).all() == ["workday"]
        history = s.scalars(select(AuditEntry.reason).where(AuditEntry.table_name == "correctionnotice",
                                                            AuditEntry.action == "update")).all()
    assert any("停止上班 2026-11-23" in reason for reason in history)  # the notice's history says why


async def test_a_closure_on_a_day_off_is_not_asked(engine, db_url):
    app = make_app(db_url, actor=CLERK, offer_demo=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _calendar(pilot)
        await pilot.press("right")  # Saturday 11-21
        await pilot.press("c")
        await pilot.pause(0.2)
        assert app.screen is screen and "本來就不上班" in _messages(app)
        await pilot.press("x")
        await pilot.pause(0.2)
        assert "沒有辦公日曆異動" in _messages(app)
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(CalendarOverride)) == 0


def test_calendar_september_2021(snap_compare, engine, db_url):
    async def september(pilot) -> None:
        screen = await _calendar(pilot)
        await _go_to(pilot, screen, "110/09/11", (2021, 9))
        await pilot.pause()

    assert snap_compare(make_app(db_url, actor=CLERK, offer_demo=False), terminal_size=(120, 40),
                        run_before=september)


# -- the decks screen -------------------------------------------------------------------------------
async def test_decks_key_raises_a_notice_for_each_gap(demo_url, demo_engine):
    from office_tui.notices.correction import deck_gaps

    gaps = deck_gaps(demo_engine, 3)
    assert gaps and not any(g.notice_open for g in gaps)
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _notices(pilot)
        await press_to_screen(pilot, "d", "DecksScreen", "#gaps")
        screen = app.screen
        table = screen.query_one("#gaps")
        await wait_for(pilot, lambda: table.row_count == len(gaps))
        assert screen.batch == 3
        assert "115/11/27" in str(screen.query_one("#meeting").render())  # the demo's meeting, a week on
        assert "PowerPoint" in str(table.get_row_at(0)[2]) and str(table.get_row_at(0)[3]) == "未發出"
        await pilot.press("r")
        await wait_for(pilot, lambda: str(table.get_row_at(0)[3]) == "已發出（待補正）")
        assert f"已發出 {len(gaps)} 件簡報補正通知" in _messages(app)
        await pilot.press("r")  # nothing left to send
        await wait_for(pilot, lambda: "沒有需要發出簡報補正通知" in _messages(app))
        # another batch: chosen in the select; the demo's older batches have every deck
        screen.query_one("#batch", Select).value = 2
        await wait_for(pilot, lambda: screen.batch == 2 and table.row_count == 0)
        assert "第 2 批次合格申請案的簡報" in str(screen.query_one("#decks-summary").render())
        await press_to_screen(pilot, "escape", "NoticesScreen")
        notices = app.screen
        await wait_for(pilot, lambda: sum(r.purpose == "deck" for r in notices.rows) == len(gaps))
    with read_session(demo_engine) as s:
        deck = s.scalars(select(CorrectionNotice).where(CorrectionNotice.purpose == "deck")).all()
    assert sorted(n.application_id for n in deck) == sorted(g.application_id for g in gaps)
    assert {(n.notified_on, n.status) for n in deck} == {(TODAY, "open")}


def test_the_default_batch_is_the_newest_with_a_meeting():
    assert default_batch([(3, None), (2, date(2021, 9, 1)), (1, date(2021, 7, 20))]) == 2
    assert default_batch([(2, None), (1, None)]) == 2
    assert default_batch([]) is None
