"""Which screen each workflow opens: a table from the workflow's name to what opens it.

Each entry imports its screen when the workflow is opened, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.screen import Screen

# What a committee member (role reviewer) may open: their score sheets, and settings.
MEMBER_WORKFLOWS = ("review", "settings")


def _applications(_app: App) -> Screen:
    from screens.lists import ApplicationsScreen

    return ApplicationsScreen()


def _stores(_app: App) -> Screen:
    from screens.lists import StoresScreen

    return StoresScreen()


def _documents(_app: App) -> Screen:
    from screens.triage import TriageScreen

    return TriageScreen()


def _notices(_app: App) -> Screen:
    from screens.notices import NoticesScreen

    return NoticesScreen()


def _claims(_app: App) -> Screen:
    from screens.claims import ClaimsScreen

    return ClaimsScreen()


def _calendar(_app: App) -> Screen:
    from screens.calendar import CalendarScreen

    return CalendarScreen()


def _decks(_app: App) -> Screen:
    from screens.decks import DecksScreen

    return DecksScreen()


def _review(app: App) -> Screen:
    """A member's own score sheets, or the staff's review menu."""
    from screens.review import review_screen

    return review_screen(app)


def _settings(_app: App) -> Screen:
    from screens.settings import SettingsScreen

    return SettingsScreen()


def _usage(_app: App) -> Screen:
    from screens.usage import UsageScreen

    return UsageScreen()


# name → the screen it opens, given the app (the review workflow depends on who is signed in)
WORKFLOWS: dict[str, Callable[[App], Screen]] = {
    "applications": _applications,
    "stores": _stores,
    "documents": _documents,
    "notices": _notices,
    "claims": _claims,
    "calendar": _calendar,
    "decks": _decks,
    "review": _review,
    "settings": _settings,
    "usage": _usage,
}


def open_workflow(app: App, name: str) -> None:
    if app.actor is not None and app.actor.role == "reviewer" and name not in MEMBER_WORKFLOWS:
        from office_tui.core.i18n import t

        app.notify(t("review.member_only_sheets"), severity="warning")
        return
    if name not in WORKFLOWS:
        raise ValueError(name)
    app.push_screen(WORKFLOWS[name](app))
