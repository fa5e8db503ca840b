"""The shell driven by keys: dashboard, every workflow, palette, big list, detail, help."""

from __future__ import annotations

import re

from apphelpers import figures_loaded, make_app, press_to_screen, wait_for
from sqlalchemy import func, select

from models import Application, Claim, Contract, Store
from office_tui.core.db import read_session


async def test_dashboard_shows_the_headline_figures(demo_engine, demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        screen = app.screen
        text = {w.id: str(w.render()) for w in screen.query("Figure")}
    with read_session(demo_engine) as s:
        in_progress = s.scalar(select(func.count()).select_from(Application).where(
            Application.status.in_(["received", "qualification_review", "awaiting_correction", "eligible"])))
        granted = s.scalar(select(func.sum(Claim.approved_amount)).where(Claim.status.in_(["approved", "paid"])))
        approved_stores = s.scalar(select(func.count(func.distinct(Contract.store_id))).join(
            Claim, Claim.contract_id == Contract.id).where(Claim.status.in_(["approved", "paid"])))
    assert f"{in_progress} 件" in text["fig-applications"]
    assert f"{approved_stores} 家" in text["fig-approved"]
    assert f"NT${90_000_000 - granted:,}" in text["fig-budget"]


async def test_each_workflow_opens_by_key_and_escape_returns(demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        expected = {"1": "ApplicationsScreen", "2": "TriageScreen", "3": "NoticesScreen",
                    "4": "CalendarScreen", "5": "ReviewScreen", "6": "ClaimsScreen",
                    "7": "UsageScreen", "8": "StoresScreen"}
        for key, screen_name in expected.items():
            await press_to_screen(pilot, key, screen_name, "Footer")
            await press_to_screen(pilot, "escape", "DashboardScreen")


async def test_stores_list_filters_sorts_and_opens_a_store(demo_engine, demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "8", "StoresScreen", "#rows")
        table = app.screen.query_one("#rows")
        await wait_for(pilot, lambda: table.row_count == 300)
        first_by_name = table.source.row(0)
        with read_session(demo_engine) as s:
            names = s.scalars(select(Store.name).order_by(Store.name, Store.id)).all()
        assert first_by_name[2] == names[0]
        # sort by the next column (industry), then reverse it
        await pilot.press("s")
        await wait_for(pilot, lambda: table.source.sort_key == "industry")
        await pilot.press("S")
        await wait_for(pilot, lambda: table.source.descending)
        with read_session(demo_engine) as s:
            top_industry = s.scalar(select(Store.industry).order_by(Store.industry.desc()).limit(1))
        assert table.source.row(0)[3] == top_industry
        # filter as you type
        await pilot.press("slash")
        for ch in "咖啡":
            await pilot.press(ch)
        await wait_for(pilot, lambda: table.source.filter_text == "咖啡")
        with read_session(demo_engine) as s:
            expected = s.scalar(select(func.count()).select_from(Store).where(
                Store.name.like("%咖啡%") | Store.address.like("%咖啡%")))
        assert 0 < table.row_count == expected < 300
        assert "咖啡" in table.source.row(0)[2]
        # back to the list, move down, open the row's detail
        await pilot.press("enter")
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "StoreDetailScreen"
        chosen = table.source.row(1)
        await wait_for(pilot, lambda: app.screen.sub_title and chosen[1] in app.screen.sub_title)


async def test_applications_list_narrows_by_status(demo_url):
    from textual.widgets import Select

    app = make_app(demo_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "1", "ApplicationsScreen", "#rows")
        table = app.screen.query_one("#rows")
        await wait_for(pilot, lambda: table.row_count == 60)
        app.screen.query_one("#status", Select).value = "awaiting_correction"
        await wait_for(pilot, lambda: table.row_count < 60)
        assert 0 < table.row_count
        assert {table.source.row(i)[7] for i in range(table.row_count)} == {"awaiting_correction"}


async def test_palette_jumps_to_an_application_by_ubn(demo_engine, demo_url):
    from models import Provider

    with read_session(demo_engine) as s:
        app_no, ubn = s.execute(select(Application.application_no, Provider.ubn).join(
            Provider, Application.provider_id == Provider.id).order_by(Application.id).limit(1)).one()
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in ubn:
            await pilot.press(ch)
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ApplicationDetailScreen")
        await wait_for(pilot, lambda: bool(app.screen.sub_title) and app_no in app.screen.sub_title)


async def test_f1_lists_the_bindings_of_the_screen(demo_url):
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "8", "StoresScreen", "#rows")
        await press_to_screen(pilot, "f1", "HelpScreen", "#help-keys")
        from textual.widgets import DataTable

        table = app.screen.query_one("#help-keys", DataTable)
        actions = {table.get_row_at(i)[1] for i in range(table.row_count)}
        assert {"開啟", "排序欄位", "篩選", "返回"} <= actions
        await press_to_screen(pilot, "escape", "StoresScreen")


async def test_language_setting_switches_the_interface_to_english(demo_url):
    from textual.widgets import Select

    from office_tui.core.config import load_settings

    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: figures_loaded(app))
        await press_to_screen(pilot, "comma", "SettingsScreen", "#lang")
        app.screen.query_one("#lang", Select).value = "en"
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: figures_loaded(app))
        assert app.screen.query_one("#fig-budget").border_title == "Subsidy budget remaining"
        footer_keys = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Applications" in footer_keys and "Help" in footer_keys
    assert load_settings().lang == "en"


async def test_login_screen_signs_in_a_demo_user(demo_url):
    from textual.widgets import Input

    app = make_app(demo_url, actor=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen" and bool(app.screen.query("#username")))
        await wait_for(pilot, lambda: app.screen.query_one("#username", Input).has_focus)
        await pilot.pause()
        shown = " ".join(re.findall(r">([^<]*)<", app.export_screenshot()))
        assert "r01 / demo-office" in shown.replace("&#160;", " ")  # the whole hint, not cut by the dialog
        await pilot.press(*"admin", "enter", *"wrong", "enter")
        await wait_for(pilot, lambda: "錯誤" in str(app.screen.query_one("#login-error").render()))
        assert app.actor is None
        await pilot.press(*"demo-office", "enter")
        await wait_for(pilot, lambda: figures_loaded(app))
        assert app.actor.username == "admin" and app.actor.role == "admin"


async def test_first_start_offers_demo_data_then_first_admin(db_url):
    """An empty database: decline the demo, create the first admin, see an empty office."""
    app = make_app(db_url, actor=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DemoOfferScreen")
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen" and bool(app.screen.query("#username")))
        await wait_for(pilot, lambda: app.screen.query_one("#username").has_focus)
        await pilot.press(*"chief", "enter", *"pw-1234-chief", "enter", *"pw-1234-chief", "enter")
        await wait_for(pilot, lambda: figures_loaded(app))
        assert app.actor.username == "chief" and app.actor.is_admin


async def test_first_start_loads_demo_data_on_yes(db_url):
    from office_tui.core.db import make_engine

    app = make_app(db_url, actor=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DemoOfferScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen" and bool(app.screen.query("#username")),
                       timeout=30)
        await wait_for(pilot, lambda: app.screen.query_one("#username").has_focus)
        await pilot.press(*"staff", "enter", *"demo-office", "enter")
        await wait_for(pilot, lambda: figures_loaded(app))
        assert app.actor.username == "staff"
    engine = make_engine(db_url)
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Store)) == 300


async def test_a_database_that_cannot_open_is_reported_not_raised(tmp_path):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    app = make_app(f"sqlite:///{bad}")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MessageScreen"
                       and bool(app.screen.query("#message-text")))
        assert "資料庫錯誤" in str(app.screen.query_one("#message-text").render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 1
