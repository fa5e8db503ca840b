"""What staff see, pinned: the dashboard in Chinese and in English, and the stores list.

Deterministic: fixed terminal size, pinned clock (conftest), seeded demo data, and the
snapshot is taken only after the figures have loaded.
"""

from __future__ import annotations

import pytest
from apphelpers import figures_loaded, make_app, wait_for

SIZE = (120, 40)


async def _figures(pilot) -> None:
    await wait_for(pilot, lambda: figures_loaded(pilot.app))
    pilot.app.clear_notifications()  # e.g. "a notice lapsed": timing-dependent, not the subject
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_dashboard(snap_compare, demo_url, lang):
    assert snap_compare(make_app(demo_url, lang=lang), terminal_size=SIZE, run_before=_figures)


def test_stores_list(snap_compare, demo_url):
    async def open_stores(pilot) -> None:
        await _figures(pilot)
        await pilot.press("8")
        await pilot.pause()

    assert snap_compare(make_app(demo_url), terminal_size=SIZE, run_before=open_stores)
