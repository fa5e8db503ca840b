"""The office-tui application: title, settings, first screen, sign-in. Nothing more."""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from office_tui.core.actor import Actor
from office_tui.core.config import Settings, save_setting
from office_tui.core.i18n import set_language, t
import screens
from screens import jobs
from screens.commands import OfficeCommands
from screens.i18n import TranslatedBindings
from screens.messages import OfficeReady, SettingsClosed


CHORE_SECONDS = 600
TERMINAL_CHECK_SECONDS = 3


# What the app's work (screens/jobs.py) reports back.
@dataclass
class OfficeOpened(Message):
    office: object  # office_tui.opening.Office
    empty: bool  # no applications and no stores: the demo may be offered


@dataclass
class DemoLoaded(Message):
    counts: dict


@dataclass
class Lapsed(Message):
    notices: list  # ids of the correction notices that lapsed


@dataclass
class LoginAsked(Message):
    first_admin: bool  # nobody has an account yet
    demo: bool  # the demo office: the login screen shows its accounts


@dataclass
class SignedIn(Message):
    actor: Actor


class CannotStart(jobs.Failed):
    """The database cannot be opened, the demo not loaded, or the account not found."""


def _open(settings: Settings) -> tuple[object, bool]:
    from office_tui.opening import is_empty, open_office

    office = open_office(settings)
    return office, is_empty(office.engine)


def _load_demo(engine, actor: Actor | None) -> dict:
    from office_tui.demo import load_demo
    from office_tui.notices.correction import lapse_overdue

    counts = load_demo(engine, actor)
    lapse_overdue(engine)  # as opening the office would have
    return counts


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

    def _open_database(self) -> None:
        jobs.call(self, partial(_open, self.settings), lambda found: OfficeOpened(*found), group="open",
                  failed=CannotStart)

    @on(jobs.Failed)
    def _work_failed(self, message: jobs.Failed) -> None:
        """Work that failed and that no screen told otherwise: a toast; at the start, a
        message, and the app ends."""
        if isinstance(message, CannotStart):
            self._failed(message.text)
        else:
            self.notify(message.text, severity=message.severity, timeout=8)

    @work(group="failed")
    async def _failed(self, text: str) -> None:
        from screens.message import MessageScreen

        await self.push_screen_wait(MessageScreen(t("error.title"), text))
        self.exit(return_code=1)

    @on(OfficeOpened)
    def _opened(self, message: OfficeOpened) -> None:
        office = message.office
        # The database layer is loaded and stays: keep the collector from walking it again.
        gc.freeze()
        self.office = office
        if office.upgrade.backup is not None:
            self.notify(t("db.upgraded_backup", path=str(office.upgrade.backup)), timeout=10)
        if office.lapsed:
            self.notify(t("notice.lapsed_on_open", n=len(office.lapsed)), severity="warning", timeout=10)
        # Deadlines run out by themselves, also while the app stays open over midnight.
        self.set_interval(CHORE_SECONDS, self._chores)
        if message.empty and self.offer_demo:
            self._offer_demo()
        else:
            self._sign_in()

    def _chores(self) -> None:
        from office_tui.notices.correction import lapse_overdue

        engine = self.office.engine
        jobs.call(self, lambda: lapse_overdue(engine), Lapsed, group="chores")

    @on(Lapsed)
    def _lapsed(self, message: Lapsed) -> None:
        if message.notices:
            self.notify(t("notice.lapsed_on_open", n=len(message.notices)), severity="warning")
            self.screen.post_message(OfficeReady())

    @work(group="demo-offer")
    async def _offer_demo(self) -> None:
        from screens.demo_offer import DemoOfferScreen

        if not await self.push_screen_wait(DemoOfferScreen()):
            self._sign_in()
            return
        self.notify(t("demo.loading"))
        jobs.call(self, partial(_load_demo, self.office.engine, self.actor), DemoLoaded, group="demo",
                  failed=CannotStart)

    @on(DemoLoaded)
    def _demo_loaded(self) -> None:
        self._sign_in()

    def _sign_in(self) -> None:
        if self.actor is not None:
            self._signed_in(self.actor)
            return
        engine = self.office.engine
        if self.settings.auth == "os" and not self.served:
            from office_tui.core.auth import login_os_account

            jobs.call(self, lambda: login_os_account(engine), SignedIn, group="login-os", failed=CannotStart)
            return
        from screens.login import login_facts

        jobs.read(self, login_facts, lambda facts: LoginAsked(*facts), group="login-facts")

    @on(LoginAsked)
    def _login_asked(self, message: LoginAsked) -> None:
        self._log_in(message.first_admin, message.demo)

    @work(group="login")
    async def _log_in(self, first_admin: bool, demo: bool) -> None:
        from screens.login import LoginScreen

        self._signed_in(await self.push_screen_wait(LoginScreen(self.office.engine, first_admin, demo, served=self.served)))

    @on(SignedIn)
    def _signed_in_os(self, message: SignedIn) -> None:
        self._signed_in(message.actor)

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



