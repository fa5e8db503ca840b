"""Screen 7 使用驗證 with Pilot on the demo office: claims by verdict with their counts and
a filter, a claim's weekly use with its short period, removing a file, importing with a
progress bar that moves and a cancel that leaves nothing of the file, a spot-check draw
and a result; and the claim's detail pinned as a snapshot at 80×24."""

from __future__ import annotations

from pathlib import Path

from apphelpers import STAFF, figures_loaded, make_app, wait_for
from sqlalchemy import text

from office_tui.core.db import make_engine, read_session
from office_tui.usage.view import tab_counts

TIMEOUT = 30


def _counts(url: str) -> dict:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return tab_counts(session)
    finally:
        engine.dispose()


def _scalar(url: str, sql: str):
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return c.execute(text(sql)).scalar()
    finally:
        engine.dispose()


async def _open(pilot):
    app = pilot.app
    await wait_for(pilot, lambda: figures_loaded(app), TIMEOUT)
    await pilot.press("7")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "UsageScreen" and app.screen.counts, TIMEOUT)
    screen = app.screen
    await wait_for(pilot, lambda: screen.table.row_count == screen.counts["covered"], TIMEOUT)
    return screen


async def test_verdict_tabs_filter_and_a_claims_weekly_use(demo_url):
    expected = _counts(demo_url)
    assert expected["covered"] and expected["gap"] and expected["no_log"]
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        assert screen.counts == expected
        assert "1 持續使用" in str(screen.query_one("#tab-covered").label)
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.tab == "gap" and screen.table.row_count == expected["gap"], TIMEOUT)
        first = screen.table.source.row(0)
        store_name = first[3]
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.tab == "no_log" and screen.table.row_count == expected["no_log"], TIMEOUT)
        await pilot.press("2", "slash")
        await pilot.press(*store_name[:4])
        await wait_for(pilot, lambda: screen.table.source.filter_text == store_name[:4]
                       and 1 <= screen.table.row_count < expected["gap"] + 1, TIMEOUT)
        await pilot.press("enter")  # the filter box hands the keys back to the list
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "UsageDetailScreen"
                       and app.screen.use is not None, TIMEOUT)
        detail = app.screen
        assert detail.use.verdict == "gap" and detail.use.short
        assert any(week.short for week in detail.weeks) and sum(w.events for w in detail.weeks) > 0
        assert len(detail.query_one("#usage-chart").data) >= len(detail.weeks)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, TIMEOUT)


async def test_removing_a_file_takes_its_counts_out(demo_url):
    before = _scalar(demo_url, "SELECT sum(count) FROM usagedaily")
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: screen.tab == "files" and screen.table.row_count == 3, TIMEOUT)
        newest = screen.table.source.row(0)
        await pilot.press("x")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", TIMEOUT)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.table.row_count == 2 and screen.counts.get("files") == 2, TIMEOUT)
    removed = _scalar(demo_url, f"SELECT events FROM usagefile WHERE id = {newest[0]} AND removed_at IS NOT NULL")
    assert removed and _scalar(demo_url, "SELECT sum(count) FROM usagedaily") == before - removed


def _big_log(path: Path, url: str, rows: int) -> Path:
    ubns = [row for row in _rows(url, "SELECT ubn FROM store ORDER BY id LIMIT 50")]
    with path.open("w", encoding="utf-8") as handle:
        handle.write("店家統編,時間\n")
        handle.writelines(f"{ubns[k % len(ubns)]},2026-11-{1 + k % 19:02d} 10:{k % 60:02d}:00\n" for k in range(rows))
    return path


def _rows(url: str, sql: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return [r[0] for r in c.execute(text(sql))]
    finally:
        engine.dispose()


async def test_import_moves_its_progress_bar_and_a_cancel_leaves_nothing(demo_url, tmp_path):
    small = _big_log(tmp_path / "十一月.csv", demo_url, 1_500_000)
    big = _big_log(tmp_path / "big.csv", demo_url, 3_000_000)
    files_before = _scalar(demo_url, "SELECT count(*) FROM usagefile")
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "UsageImportScreen", TIMEOUT)
        dialog = app.screen
        bar = dialog.query_one("#progress")
        seen: list[float] = []

        def shown(value: float) -> None:
            seen.append(value)

        dialog.watch(bar, "progress", shown, init=False)  # every value the bar shows
        dialog.query_one("#paths").value = str(small)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not dialog.running and dialog.changed, 120)
        assert len([p for p in seen if 0 < p < bar.total]) >= 5 and seen == sorted(seen)  # it moved, block by block
        assert bar.progress == bar.total and "匯入 1 個檔案" in str(dialog.query_one("#summary").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, TIMEOUT)

        await pilot.press("i")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "UsageImportScreen", TIMEOUT)
        dialog = app.screen
        bar = dialog.query_one("#progress")
        dialog.query_one("#paths").value = str(big)
        await pilot.press("enter")
        await wait_for(pilot, lambda: (bar.progress or 0) > 0, 120)
        await pilot.press("escape")  # cancel while it reads
        await wait_for(pilot, lambda: not dialog.running, 120)
        assert "取消" in str(dialog.query_one("#summary").render())
        await pilot.press("escape")
    assert _scalar(demo_url, "SELECT count(*) FROM usagefile") == files_before + 1
    assert _rows(demo_url, "SELECT name FROM usagefile ORDER BY id DESC LIMIT 1") == ["十一月.csv"]


async def test_a_draw_and_a_recorded_result(demo_url):
    app = make_app(demo_url, actor=STAFF)
    draws = _scalar(demo_url, "SELECT count(*) FROM spotcheckdraw")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await pilot.press("D")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TextFieldsScreen", TIMEOUT)
        form = app.screen
        form.query_one("#percent").value = "10"
        form.query_one("#seed").value = "77"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.tab == "spot" and screen.counts.get("draw") == draws + 1
                       and screen.table.row_count == screen.counts["spot"], TIMEOUT)
        claim_no = screen.table.source.row(0)[1]
        await pilot.press("p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TextFieldsScreen", TIMEOUT)
        app.screen.query_one("#note").value = "現場查核相符"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.source.row(0)[6] == "pass", TIMEOUT)
    assert _rows(demo_url, "SELECT seed FROM spotcheckdraw ORDER BY id DESC LIMIT 1") == [77]
    assert _rows(demo_url, f"SELECT s.result FROM spotcheck s JOIN claim c ON c.id = s.claim_id"
                           f" WHERE c.claim_no = '{claim_no}' ORDER BY s.draw_id DESC LIMIT 1") == ["pass"]


def test_a_claims_use_at_80_by_24(snap_compare, demo_url):
    claim = _rows(demo_url, "SELECT id FROM claim WHERE flags LIKE '%usage_gap%' ORDER BY claim_no LIMIT 1")[0]

    async def open_detail(pilot) -> None:
        from screens.usage_detail import UsageDetailScreen

        app = pilot.app
        await wait_for(pilot, lambda: figures_loaded(app), TIMEOUT)
        await app.push_screen(UsageDetailScreen(claim))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "UsageDetailScreen" and app.screen.use is not None,
                       TIMEOUT)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(demo_url), terminal_size=(80, 24), run_before=open_detail)
