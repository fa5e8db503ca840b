"""What staff see on the claims screen, pinned: the exceptions queue with the highlighted
claim's every reason, the tabs with their counts and the budget line.

Deterministic: fixed terminal size, pinned clock (conftest), seeded demo data; the shot
is taken once the rows, counts, budget and detail are in, notifications cleared."""

from __future__ import annotations

from apphelpers import figures_loaded, make_app, wait_for

SIZE = (150, 42)


def test_claims_exceptions(snap_compare, demo_url):
    async def open_exceptions(pilot) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: figures_loaded(app))
        await pilot.press("6")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ClaimsScreen" and app.screen.query("#claims"))
        screen = app.screen
        await pilot.press("8")

        def ready() -> bool:
            row = screen.table.current()
            return (screen.tab == "exceptions" and screen.budget is not None and row is not None
                    and screen.table.row_count == screen.counts["exceptions"]
                    and screen.detail is not None and screen.detail.id == row[0])

        await wait_for(pilot, ready)
        await pilot.press("down")  # the second one: a claim with its reasons
        await wait_for(pilot, lambda: screen.detail is not None and screen.detail.id == screen.table.current()[0])
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(demo_url), terminal_size=SIZE, run_before=open_exceptions)
