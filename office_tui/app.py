"""The office-tui application: title, settings, first screen, sign-in. Nothing more."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from office_tui.core.actor import Actor
from office_tui.core.config import Settings, save_setting
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language, t
import screens
from screens.commands import OfficeCommands
from screens.i18n import TranslatedBindings
from screens.messages import OfficeReady, SettingsClosed


CHORE_SECONDS = 600
TERMINAL_CHECK_SECONDS = 3


class OfficeApp(TranslatedBindings, App[None]):
    CSS_PATH = Path(screens.__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    COMMANDS = App.COMMANDS | {OfficeCommands}
    BINDINGS = [
        Binding("f1", "help", "key.help", id="app.help"),
        Binding("ctrl+q", "quit", "key.quit", id="app.quit", priority=True),
    ]

    def __init__(self, settings: Settings, actor: Actor | None = None, offer_demo: bool = True,
                 served: bool = False) -> None:
        """``served``: one browser session of ``office-tui serve`` — whoever is at the other
        end signs in with a user name and password (never as the server's account), no
        demo data is offered, no first admin made, and settings changed last the session."""
        set_language(settings.lang)
        super().__init__()
        self.settings = settings
        self.actor = actor
        self.served = served
        self.offer_demo = offer_demo and not served
        self.office = None  # office_tui.opening.Office, once the database is open
        self.ready = False  # database open and someone signed in
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self.title = t("app.title")

    # -- start ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        from screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen())
        if not self.is_headless and sys.stdin is not None and sys.stdin.isatty():
            self.set_interval(TERMINAL_CHECK_SECONDS, self._terminal_gone)
        # Draw the dashboard first: importing the database layer in a thread would hold
        # the interpreter lock while the first frame waits.
        self.call_after_refresh(self._open_database)

    def _terminal_gone(self) -> None:
        """Leave when the terminal has hung up (a dropped SSH session). Every change runs in
        one transaction, so one cut short is rolled back by SQLite, never half-kept."""
        from office_tui.core.terminal import hung_up

        if hung_up(sys.stdin.fileno()):
            os._exit(0)  # restoring a terminal that is gone could block

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_database(self) -> None:
        from office_tui.core.auth import user_count
        from office_tui.opening import is_empty, open_office

        try:
            office = open_office(self.settings)
            empty, users = is_empty(office.engine), user_count(office.engine)
        except Exception as error:  # noqa: BLE001 - shown to the user, not raised
            self.call_from_thread(self._failed, describe(error))
            return
        self.call_from_thread(self._opened, office, empty, users)

    def _failed(self, message: str) -> None:
        from screens.message import MessageScreen

        self.push_screen(MessageScreen(t("error.title"), message), lambda _: self.exit(return_code=1))

    def _opened(self, office, empty: bool, users: int) -> None:
        # The database layer is loaded and stays: keep the collector from walking it again.
        gc.freeze()
        self.office = office
        if office.upgrade.backup is not None:
            self.notify(t("db.upgraded_backup", path=str(office.upgrade.backup)), timeout=10)
        if office.lapsed:
            self.notify(t("notice.lapsed_on_open", n=len(office.lapsed)), severity="warning", timeout=10)
        # Deadlines run out by themselves, also while the app stays open over midnight.
        self.set_interval(CHORE_SECONDS, self._chores)
        if empty and self.offer_demo:
            from screens.demo_offer import DemoOfferScreen

            self.push_screen(DemoOfferScreen(), self._demo_answer)
        else:
            self._sign_in()

    @work(thread=True, exclusive=True, group="chores", exit_on_error=False)
    def _chores(self) -> None:
        from office_tui.notices.correction import lapse_overdue

        lapsed = lapse_overdue(self.office.engine)
        if lapsed:
            self.call_from_thread(self.notify, t("notice.lapsed_on_open", n=len(lapsed)), severity="warning")
            self.call_from_thread(self.screen.post_message, OfficeReady())

    def _demo_answer(self, load: bool | None) -> None:
        if load:
            self._load_demo()
        else:
            self._sign_in()

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _load_demo(self) -> None:
        from office_tui.demo import load_demo

        self.call_from_thread(self.notify, t("demo.loading"))
        try:
            load_demo(self.office.engine, self.actor)
            from office_tui.notices.correction import lapse_overdue

            lapse_overdue(self.office.engine)  # as opening the office would have
        except Exception as error:  # noqa: BLE001 - shown to the user, not raised
            self.call_from_thread(self._failed, describe(error))
            return
        self.call_from_thread(self._sign_in)

    def _sign_in(self) -> None:
        if self.actor is not None:
            self._signed_in(self.actor)
            return
        if self.settings.auth == "os" and not self.served:
            from office_tui.core.auth import AuthError, login_os_account

            try:
                self._signed_in(login_os_account(self.office.engine))
            except AuthError as error:
                self._failed(t(error.key, **error.params))
            return
        from screens.login import LoginScreen

        self.push_screen(LoginScreen(self.office.engine, served=self.served), self._signed_in)

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.actor = actor
        self.ready = True
        # After the login screen's Header is gone: its title watcher must not see this.
        self.call_after_refresh(setattr, self, "sub_title", f"{actor.username}（{t('role.' + actor.role)}）")
        self.screen.post_message(OfficeReady())
        if actor.role == "reviewer":  # a committee member's work is their score sheets
            from screens.navigation import open_workflow

            open_workflow(self, "review")

    def on_settings_closed(self, _message: SettingsClosed) -> None:
        from screens.dashboard import DashboardScreen

        self.switch_screen(DashboardScreen())

    # -- actions ---------------------------------------------------------------------------
    def action_help(self) -> None:
        from screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "settings", None) and theme != self.settings.theme and not self.served:
            try:
                save_setting("theme", theme)
            except OSError:
                pass



