"""Measurement probes, each run in a fresh Python process by benchmarks/run.py.

    python benchmarks/probes.py PROBE SPAWN_TIME [DB_URL] [OUT_JSON]

SPAWN_TIME is ``time.time()`` taken by the parent just before it spawned this process,
so every time reported here (seconds, "since spawn") includes interpreter start-up and
imports. Each probe prints one line ``BENCH-RESULT {json}`` on stdout when it is done.

Nothing here changes the application: probes subclass OfficeApp / App and override
``App._display`` (called once per composed frame, also in headless mode, after the
compositor has rendered every dirty widget's lines) to see when a frame is drawn.

This module imports nothing heavy at the top: import time is part of what is measured.
"""

from __future__ import annotations

import sys
import time

SIZE = (120, 40)
ACTOR = ("bench", "admin")


def _emit(result: dict) -> None:
    import json

    sys.stdout.write("BENCH-RESULT " + json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------
# (a) start-up
# ---------------------------------------------------------------------------------------
def probe_bare(spawn: float) -> dict:
    """A bare Textual app (Header + DataTable + Footer) that exits after its first frame."""
    marks: dict[str, float] = {}

    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    marks["imported"] = time.time() - spawn

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self._bench_ready)

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None and "first_frame" not in marks:
                marks["first_frame"] = time.time() - spawn

        def _bench_ready(self) -> None:
            marks["ready"] = time.time() - spawn
            self.exit()

    Bare().run(headless=True, size=SIZE)
    marks["run_returned"] = time.time() - spawn
    return marks


def _office_probe_class(marks: dict, spawn: float, on_ready=None):
    """An OfficeApp that records its first dashboard frame and the first frame in which
    the dashboard's figures (#fig-budget) are no longer "…"; then calls ``on_ready``
    (default: exit)."""
    from pathlib import Path

    import office_tui.app
    from office_tui.app import OfficeApp

    class OfficeProbe(OfficeApp):
        # CSS_PATH is relative to the module defining the class: keep pointing at the app's.
        CSS_PATH = str(Path(office_tui.app.__file__).parent / OfficeApp.CSS_PATH)
        frame_hooks: list = []

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is None:
                return
            now = time.time() - spawn
            marks["frames"] = marks.get("frames", 0) + 1
            for hook in list(self.frame_hooks):
                hook(screen, now)
            if "figures_drawn" in marks or type(screen).__name__ != "DashboardScreen":
                return
            budget = str(screen.query_one("#fig-budget").content)
            if "first_dashboard_frame" not in marks:
                marks["first_dashboard_frame"] = now
                marks["first_dashboard_frame_shows_ellipsis"] = "…" in budget
            if budget and "…" not in budget:
                marks["figures_drawn"] = now
                self.call_later(on_ready or self.exit)

    return OfficeProbe


def _settings(url: str):
    from office_tui.core.config import load_settings

    return load_settings(db=url)


def _actor():
    from office_tui.core.actor import Actor

    return Actor(None, *ACTOR)


def probe_office(spawn: float, url: str) -> dict:
    """office-tui on the given database, signed in, exiting once the figures are drawn."""
    marks: dict = {}
    OfficeProbe = _office_probe_class(marks, spawn)
    marks["imported"] = time.time() - spawn
    app = OfficeProbe(_settings(url), actor=_actor(), offer_demo=False)
    app.run(headless=True, size=SIZE)
    marks["run_returned"] = time.time() - spawn
    marks["return_code"] = app.return_code
    return marks


# ---------------------------------------------------------------------------------------
# (b) the 100,000-row stores list
# ---------------------------------------------------------------------------------------
def probe_stores(spawn: float, url: str) -> dict:
    """Dashboard ready → push StoresScreen → first frame in which the PagedTable drew rows."""
    marks: dict = {}
    state: dict = {}

    from screens.big_list import PagedTable

    original_render_line = PagedTable.render_line

    def render_line(self, y):  # counts lines that show a row
        strip = original_render_line(self, y)
        if strip.text.strip():
            state["row_lines"] = state.get("row_lines", 0) + 1
        return strip

    PagedTable.render_line = render_line

    def start() -> None:
        state["row_lines"] = 0
        state["t0"] = time.perf_counter()
        from screens.lists import StoresScreen  # part of opening the list, as in the app

        app.push_screen(StoresScreen())

    def on_frame(screen, _now) -> None:
        if "t0" not in state or type(screen).__name__ != "StoresScreen":
            return
        elapsed = time.perf_counter() - state["t0"]
        marks.setdefault("first_stores_frame_s", elapsed)
        if state["row_lines"] and "rows_drawn_s" not in marks:
            table = screen.query_one("#rows")
            marks["rows_drawn_s"] = elapsed
            marks["row_count"] = table.row_count
            marks["row_lines_drawn"] = state["row_lines"]
            app.frame_hooks.clear()
            app.call_later(app.exit)

    OfficeProbe = _office_probe_class(marks, spawn, on_ready=start)
    app = OfficeProbe(_settings(url), actor=_actor(), offer_demo=False)
    app.frame_hooks.append(on_frame)
    app.run(headless=True, size=SIZE)
    return marks


STORE_COLUMNS = ("ubn", "name", "industry", "city", "address")


def probe_datatable(spawn: float, url: str) -> dict:
    """Reference: the same 100,000 stores (same columns, same order) read from the
    database and added to Textual's stock DataTable; time to its first frame."""
    marks: dict = {}
    state: dict = {}

    from sqlalchemy import select
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header

    from models import Store
    from office_tui.core.db import make_engine, read_session

    engine = make_engine(url)
    with read_session(engine) as session:  # a warm connection, as the office app has
        session.execute(select(Store.id).limit(1)).all()

    class StockStores(Screen):
        def compose(self):
            yield Header()
            yield DataTable(id="rows", cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            t = time.perf_counter()
            query = select(*(getattr(Store, c) for c in STORE_COLUMNS)).order_by(Store.name, Store.id)
            with read_session(engine) as session:
                rows = [tuple(r) for r in session.execute(query).all()]
            marks["read_rows_s"] = time.perf_counter() - t
            t = time.perf_counter()
            table = self.query_one(DataTable)
            table.add_columns(*STORE_COLUMNS)
            table.add_rows(rows)
            marks["add_rows_s"] = time.perf_counter() - t
            marks["row_count"] = table.row_count

    class Reference(App):
        def on_mount(self) -> None:
            self.call_after_refresh(self.start)

        def start(self) -> None:
            state["t0"] = time.perf_counter()
            self.push_screen(StockStores())

        def _display(self, screen, renderable) -> None:
            t = time.perf_counter()
            super()._display(screen, renderable)
            if renderable is None or "t0" not in state or not isinstance(screen, StockStores):
                return
            if screen.query_one(DataTable).row_count and "rows_drawn_s" not in marks:
                marks["rows_drawn_s"] = t - state["t0"]
                self.call_later(self.exit)

    Reference().run(headless=True, size=SIZE)
    engine.dispose()
    return marks


# ---------------------------------------------------------------------------------------
# (c) filter keystrokes
# ---------------------------------------------------------------------------------------
# Realistic searches typed one character at a time, each erased again with backspace:
# a store-name head, a kind of shop, a city, a number (UBN / address / "N號店") and the
# suffix nearly every row has.
QUERIES = ["阿明", "咖啡", "臺中", "1000", "號店", "阿明咖啡", "中山路2段"]


def key_sequence() -> list[tuple[str, str]]:
    """(key to press, filter text after it) for the whole session."""
    keys: list[tuple[str, str]] = []
    for query in QUERIES:
        for i, ch in enumerate(query):
            keys.append((ch, query[: i + 1]))
        for i in range(len(query) - 1, -1, -1):
            keys.append(("backspace", query[:i]))
    return keys


def probe_filter(spawn: float, url: str) -> dict:
    import asyncio

    from screens.big_list import PagedTable

    marks: dict = {}
    state = {"reloads": 0, "render_lines": 0, "frames": []}

    original_render_line = PagedTable.render_line

    def render_line(self, y):
        state["render_lines"] += 1
        return original_render_line(self, y)

    PagedTable.render_line = render_line

    def hook(message) -> None:  # called as each message is posted
        if isinstance(message, PagedTable.Reloaded):
            state["reloads"] += 1
            state["reload_t"] = time.perf_counter()
            state["reload_lines"] = state["render_lines"]
            state["last_count"] = message.count

    def on_frame(screen, _now) -> None:
        if type(screen).__name__ == "StoresScreen":
            state["frames"].append((time.perf_counter(), state["render_lines"]))

    OfficeProbe = _office_probe_class(marks, spawn, on_ready=lambda: None)
    app = OfficeProbe(_settings(url), actor=_actor(), offer_demo=False)
    app.frame_hooks.append(on_frame)

    async def until(predicate, timeout: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError
            await asyncio.sleep(0.001)

    async def session() -> list[dict]:
        samples = []
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            await until(lambda: "figures_drawn" in marks)
            await pilot.press("8")  # 8 = stores
            await until(lambda: state["reloads"] >= 1 and type(app.screen).__name__ == "StoresScreen")
            await pilot.pause()
            await pilot.press("slash")  # focus the filter
            await pilot.pause()
            assert app.focused is not None and app.focused.id == "filter", app.focused
            # Calibration: a key that changes nothing (cursor already at the end).
            calib = []
            for _ in range(5):
                t0 = time.perf_counter()
                await pilot.press("end")
                await pilot.pause()
                calib.append(time.perf_counter() - t0)
            marks["pilot_null_key_s"] = sorted(calib)[len(calib) // 2]
            for key, expected in key_sequence():
                before = state["reloads"]
                state["frames"].clear()
                t0 = time.perf_counter()
                await pilot.press(key)
                await until(lambda: state["reloads"] > before)
                await pilot.pause()
                t1 = time.perf_counter()
                value = app.screen.query_one("#filter").value
                assert value == expected, (value, expected)
                # First frame composed after the reload in which the table redrew its lines.
                frame = next((t for t, lines in state["frames"]
                              if t >= state["reload_t"] and lines > state["reload_lines"]), None)
                samples.append({
                    "key": key, "filter": expected, "rows": state["last_count"],
                    "pilot_s": t1 - t0,
                    "in_app_s": (frame - t0) if frame is not None else None,
                    "to_reloaded_s": state["reload_t"] - t0,
                })
        return samples

    marks["samples"] = asyncio.run(session())

    # Reference: the same filters straight through ListSource (count + first page).
    from office_tui.core.db import make_engine
    from office_tui.core.listing import stores_source

    engine = make_engine(url)
    source = stores_source(engine)
    source.count()
    raw = []
    for _key, text in key_sequence():
        source.set_filter(text)
        source.invalidate()
        t0 = time.perf_counter()
        count = source.count()
        t1 = time.perf_counter()
        source.page(0)
        t2 = time.perf_counter()
        raw.append({"filter": text, "rows": count, "count_s": t1 - t0, "page_s": t2 - t1, "total_s": t2 - t0})
    engine.dispose()
    marks["raw"] = raw
    return marks


# ---------------------------------------------------------------------------------------
# where the time goes (informative, not a target)
# ---------------------------------------------------------------------------------------
def probe_breakdown(spawn: float, url: str) -> dict:
    """The start-up path step by step in one fresh process, sequentially (in the app some
    of it runs in a worker thread), plus the plan of the stores list's filtered page query."""
    import gc

    steps: list[tuple[str, float]] = []
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        steps.append((name, now - t))
        t = now

    lap("python start → probe (not counted)")
    steps.clear()
    import textual.app  # noqa: F401
    from textual.widgets import DataTable, Footer, Header  # noqa: F401

    lap("import textual.app + Header/DataTable/Footer (what the bare app imports)")
    import sqlalchemy  # noqa: F401

    lap("import sqlalchemy")
    import sqlmodel  # noqa: F401

    lap("import sqlmodel (pydantic)")
    import models  # noqa: F401

    lap("import models (SQLModel table classes)")
    import office_tui.app  # noqa: F401

    lap("import office_tui.app (the rest)")
    from screens.dashboard import DashboardScreen  # noqa: F401

    lap("import screens.dashboard")
    t_gc = time.perf_counter()
    gc.collect()
    full_gc = time.perf_counter() - t_gc
    objects = len(gc.get_objects())
    t = time.perf_counter()
    from office_tui.core.config import load_settings
    from office_tui.core.db import make_engine

    settings = load_settings(db=url)
    engine = make_engine(settings.db_url)
    lap("load_settings + make_engine")
    from office_tui.core.migrate import upgrade

    upgrade(engine)
    lap("migrate.upgrade(engine) with the schema already at head (no Alembic import)")
    from office_tui.core.auth import user_count
    from office_tui.opening import is_empty

    is_empty(engine), user_count(engine)
    lap("is_empty + user_count")
    from office_tui.views.dashboard import headline
    from office_tui.notices.correction import list_notices

    headline(engine)
    lap("dashboard.headline (5 queries, first call)")
    from models.clock import office_today
    from office_tui.core.workdays import national_holidays

    lap("import office_tui.core.workdays (holidays)")
    national_holidays(office_today().year)
    lap("holidays.country_holidays('TW') for this year (the notices' horizon)")
    list_notices(engine, due_within=True)
    lap("notices.list_notices (rest)")
    headline(engine), list_notices(engine, due_within=True)
    lap("headline + list_notices again (warm)")

    # The stores list's first page under a selective filter: the SQL the app sends.
    from sqlalchemy import event

    from office_tui.core.listing import stores_source

    captured: list = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        captured.append((statement, parameters))

    source = stores_source(engine)
    plans = {}
    for text in ("1000", "阿"):
        source.set_filter(text)
        source.count()
        event.listen(engine, "before_cursor_execute", capture)
        t0 = time.perf_counter()
        source.page(0)
        as_app = time.perf_counter() - t0
        event.remove(engine, "before_cursor_execute", capture)
        statement, parameters = next((s, p) for s, p in captured if "LIMIT" in s)
        captured.clear()
        unindexed = statement.replace("ORDER BY store.name", "ORDER BY +store.name")
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            plan = [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            plan_unindexed = [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + unindexed, parameters)]
            t0 = time.perf_counter()
            cursor.execute(unindexed, parameters).fetchall()
            unindexed_s = time.perf_counter() - t0
        finally:
            raw.close()
        plans[text] = {"sql": statement, "plan": plan, "page0_s": as_app,
                       "plan_order_by_plus_name": plan_unindexed, "page0_order_by_plus_name_s": unindexed_s}
    engine.dispose()
    return {"steps": steps, "full_gc_s": full_gc, "gc_objects": objects, "page_query": plans}


PROBES = {
    "bare": probe_bare,
    "office": probe_office,
    "stores": probe_stores,
    "datatable": probe_datatable,
    "filter": probe_filter,
    "breakdown": probe_breakdown,
}


def main() -> None:
    name, spawn = sys.argv[1], float(sys.argv[2])
    args = sys.argv[3:]
    result = PROBES[name](spawn, *args)
    result["probe"] = name
    _emit(result)


if __name__ == "__main__":
    main()
