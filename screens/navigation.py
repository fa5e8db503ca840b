"""Which screen each workflow opens; workflows whose issue has not landed say so."""

from __future__ import annotations

from textual.app import App

# Workflows still to come.
PENDING: tuple[str, ...] = ()
# What a committee member (role reviewer) may open: their score sheets, and settings.
MEMBER_WORKFLOWS = ("review", "settings")


def open_workflow(app: App, name: str) -> None:
    if app.actor is not None and app.actor.role == "reviewer" and name not in MEMBER_WORKFLOWS:
        from office_tui.core.i18n import t

        app.notify(t("review.member_only_sheets"), severity="warning")
        return
    if name == "applications":
        from screens.lists import ApplicationsScreen

        app.push_screen(ApplicationsScreen())
    elif name == "stores":
        from screens.lists import StoresScreen

        app.push_screen(StoresScreen())
    elif name == "documents":
        from screens.triage import TriageScreen

        app.push_screen(TriageScreen())
    elif name == "notices":
        from screens.notices import NoticesScreen

        app.push_screen(NoticesScreen())
    elif name == "usage":
        from screens.usage import UsageScreen

        app.push_screen(UsageScreen())
    elif name == "claims":
        from screens.claims import ClaimsScreen

        app.push_screen(ClaimsScreen())
    elif name == "calendar":
        from screens.calendar import CalendarScreen

        app.push_screen(CalendarScreen())
    elif name == "decks":
        from screens.decks import DecksScreen

        app.push_screen(DecksScreen())
    elif name == "review":
        from screens.review import open_review

        open_review(app)
    elif name == "settings":
        from screens.settings import SettingsScreen

        app.push_screen(SettingsScreen())
    elif name in PENDING:
        from screens.placeholder import PlaceholderScreen

        app.push_screen(PlaceholderScreen(name))
    else:
        raise ValueError(name)
