"""委員審查 — the committee's work: members, assignment, score sheets, tally and decisions.

A member (role reviewer) goes straight to their own score sheets; staff choose here.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings

# key → (action argument, label key)
PARTS = [
    ("1", "roster", "review.roster"),
    ("2", "assignments", "review.assignments"),
    ("3", "sheets", "review.sheets"),
    ("4", "tally", "review.tally"),
]


class ReviewScreen(TranslatedBindings, Screen):
    BINDINGS = [Binding(key, f"part('{name}')", label, id=f"review.{name}") for key, name, label in PARTS] + [
        Binding("escape", "app.pop_screen", "key.back", id="review.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            with Vertical(classes="notice-box", id="review-menu"):
                yield Static(f"[b]{t('menu.review')}[/b]")
                for key, _name, label in PARTS:
                    yield Static(f"  [b]{key}[/b]  {t(label)}")
                yield Static(t("review.hint"), classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.review")

    def action_part(self, name: str) -> None:
        open_part(self.app, name)


def _sheets() -> Screen:
    from screens.sheets import SheetsScreen

    return SheetsScreen()


def _roster() -> Screen:
    from screens.roster import RosterScreen

    return RosterScreen()


def _assignments() -> Screen:
    from screens.assignments import AssignmentsScreen

    return AssignmentsScreen()


def _tally() -> Screen:
    from screens.tally import TallyScreen

    return TallyScreen()


# part → the screen it opens (imported when opened)
SCREENS: dict[str, Callable[[], Screen]] = {
    "sheets": _sheets,
    "roster": _roster,
    "assignments": _assignments,
    "tally": _tally,
}


def open_part(app, name: str) -> None:
    if name not in SCREENS:
        raise ValueError(name)
    app.push_screen(SCREENS[name]())


def review_screen(app) -> Screen:
    """The review workflow: a member's own sheets, or the staff's menu."""
    if app.actor is not None and app.actor.role == "reviewer":
        return _sheets()
    return ReviewScreen()
