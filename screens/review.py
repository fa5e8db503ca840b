"""委員審查 — the committee's work: members, assignment, score sheets, tally and decisions.

A member (role reviewer) goes straight to their own score sheets; staff choose here.
"""

from __future__ import annotations

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


def open_part(app, name: str) -> None:
    if name == "sheets":
        from screens.sheets import SheetsScreen

        app.push_screen(SheetsScreen())
    elif name == "roster":
        from screens.roster import RosterScreen

        app.push_screen(RosterScreen())
    elif name == "assignments":
        from screens.assignments import AssignmentsScreen

        app.push_screen(AssignmentsScreen())
    elif name == "tally":
        from screens.tally import TallyScreen

        app.push_screen(TallyScreen())
    else:
        raise ValueError(name)


def open_review(app) -> None:
    """The review workflow: a member's own sheets, or the staff's menu."""
    if app.actor is not None and app.actor.role == "reviewer":
        open_part(app, "sheets")
    else:
        app.push_screen(ReviewScreen())
