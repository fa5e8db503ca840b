"""The tally screen by keys: ranking, an unresolved outlier blocks the decision until the
committee's resolution is recorded, bulk approval moves applications to listed."""

from __future__ import annotations

from sqlmodel import select

from apphelpers import STAFF, figures_loaded, make_app, press_to_screen, wait_for
from models import Application, Decision, OutlierResolution
from office_tui.core.db import read_session


def _status(engine, number):
    with read_session(engine) as s:
        return s.exec(select(Application.status).where(Application.application_no == number)).one()


async def test_outlier_blocks_approval_until_resolved_then_bulk_approve(demo_engine, demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "5", "ReviewScreen")
        await press_to_screen(pilot, "4", "TallyScreen", "#tally")
        screen = app.screen
        await wait_for(pilot, lambda: screen.result is not None and screen.table.row_count)
        rows = screen.result.rows
        assert [r.rank for r in rows if r.rank] == list(range(1, len([r for r in rows if r.rank]) + 1))
        blocked = next(r for r in rows if screen.result.unresolved(r.application_no))
        clean = next(r for r in rows if not r.outliers and r.totals and r.application_no != blocked.application_no)
        # Mark both and approve: the one with an unresolved outlier is refused, with why.
        for row in (blocked, clean):
            screen.table.move_cursor(row=[r.application_no for r in screen.result.rows].index(row.application_no))
            await pilot.press("space")
        assert screen.marked == {blocked.application_no, clean.application_no}
        await press_to_screen(pilot, "a", "TextFieldsScreen")
        # The demo's eligible applications have sheets missing: the dialog asks why decide now.
        reason_box = app.screen.query_one("#incomplete")
        assert f"{clean.application_no} {clean.submitted}/{clean.assigned}" in reason_box.placeholder
        await pilot.press("enter", *"經商字第11500001號", "enter")
        assert type(app.screen).__name__ == "TextFieldsScreen"  # not without the reason
        await pilot.press("ctrl+s")
        assert "評分表未送齊" in str(app.screen.query_one("#form-error").render())
        await pilot.press(*"兩位委員未送出 委員會同意依現有評分決議", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MessageScreen")
        assert blocked.application_no in str(app.screen.query_one("#message-text").render())
        await press_to_screen(pilot, "enter", "TallyScreen")
        await wait_for(pilot, lambda: _status(demo_engine, clean.application_no) == "listed")
        assert _status(demo_engine, blocked.application_no) == "eligible"
        with read_session(demo_engine) as s:
            decision = s.exec(select(Decision).join(Application, Application.id == Decision.application_id)
                              .where(Application.application_no == clean.application_no)).one()
            assert decision.outcome == "approved" and decision.doc_no == "經商字第11500001號"
            assert decision.incomplete_reason == "兩位委員未送出 委員會同意依現有評分決議"
        # Record the committee's resolution (o), then the approval goes through.
        await wait_for(pilot, lambda: not screen.marked and screen.result is not None)
        screen.table.move_cursor(row=[r.application_no for r in screen.result.rows].index(blocked.application_no))
        member = blocked.outliers[0]
        await pilot.press("o")
        if len(blocked.outliers) > 1:
            await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceScreen")
            app.screen.query_one("#choice").value = member
            await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TextFieldsScreen")
        await pilot.press(*"委員說明後維持原分數", "enter")
        await wait_for(pilot, lambda: _resolved(demo_engine, blocked.application_no))
        await wait_for(pilot, lambda: screen.result is not None and not screen.result.unresolved(blocked.application_no)
                       or len(blocked.outliers) > 1)
        if len(blocked.outliers) == 1:
            screen.table.move_cursor(row=[r.application_no for r in screen.result.rows].index(blocked.application_no))
            await press_to_screen(pilot, "a", "TextFieldsScreen")
            await pilot.press("enter", *"經商字第11500002號", "enter", *"依現有評分決議", "enter")
            await wait_for(pilot, lambda: _status(demo_engine, blocked.application_no) == "listed")


def _resolved(engine, number) -> bool:
    with read_session(engine) as s:
        return bool(s.exec(select(OutlierResolution).join(Application, Application.id == OutlierResolution.application_id)
                           .where(Application.application_no == number)).all())


async def test_method_key_switches_the_ranking(demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "5", "ReviewScreen")
        await press_to_screen(pilot, "4", "TallyScreen", "#tally")
        screen = app.screen
        await wait_for(pilot, lambda: screen.result is not None)
        for method in ("trimmed", "ranksum", "mean"):
            await pilot.press("m")
            await wait_for(pilot, lambda: screen.result.method == method)
            assert screen.method == method
        assert "序位法" not in str(screen.query_one("#tally-head").render())


async def test_exports_from_the_tally_screen(demo_engine, demo_url, tmp_path):
    from openpyxl import load_workbook
    from textual.widgets import Input

    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "5", "ReviewScreen")
        await press_to_screen(pilot, "4", "TallyScreen", "#tally")
        screen = app.screen
        await wait_for(pilot, lambda: screen.result is not None)
        ranked = [r.application_no for r in screen.result.rows if r.rank]
        for key, name in (("x", "summary.xlsx"), ("g", "approvals.xlsx")):
            await press_to_screen(pilot, key, "PathScreen", "#path")
            assert app.screen.query_one("#path", Input).value.endswith(".xlsx")  # a default is offered
            app.screen.query_one("#path", Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await wait_for(pilot, lambda: (tmp_path / name).exists())
    summary = load_workbook(tmp_path / "summary.xlsx").active
    numbers = [c.value for c in next(summary.iter_cols(min_col=2, max_col=2, min_row=3))]
    assert numbers[: len(ranked)] == ranked, "the summary lists the applications in rank order"
    gazette = load_workbook(tmp_path / "approvals.xlsx").active
    assert gazette["A1"].value == "建構零售暨服務業數據共享創新服務計畫 第3批 雲端解決方案核定名單"


async def test_a_conflicted_members_sheet_is_shown_as_such_not_counted(demo_engine, demo_url):
    """A member who declared a conflict after scoring: the tally's detail says so, with the
    reason, and their total is not among the counted ones."""
    from apphelpers import conflict_after_scoring

    number, reviewer_no, batch_no, _ = conflict_after_scoring(demo_engine, "配偶任職")
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "5", "ReviewScreen")
        await press_to_screen(pilot, "4", "TallyScreen", "#tally")
        screen = app.screen
        screen.batch_no = batch_no
        screen.reload()
        await wait_for(pilot, lambda: screen.result is not None and screen.result.batch.number == batch_no
                       and screen.table.row_count)
        row = screen.result.row(number)
        assert reviewer_no not in row.totals and reviewer_no not in row.missing
        screen.table.move_cursor(row=[r.application_no for r in screen.result.rows].index(number))
        await wait_for(pilot, lambda: "應迴避" in str(screen.query_one("#tally-detail").render()))
        detail = str(screen.query_one("#tally-detail").render())
        assert reviewer_no in detail and "配偶任職" in detail
