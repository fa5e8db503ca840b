"""登入 — who is working. With no users yet, the first admin is created here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from office_tui.core.actor import Actor
from office_tui.core.i18n import t
from screens import jobs
from screens.i18n import TranslatedBindings


def login_facts(session) -> tuple[bool, bool]:
    """(nobody has an account yet, the demo office is loaded): what the form asks and hints."""
    from sqlmodel import func, select

    from models import AppMeta, User

    users = session.exec(select(func.count()).select_from(User)).one()
    return users == 0, session.get(AppMeta, "demo") is not None


def _sign_in(engine: Engine, first_admin: bool, username: str, password: str) -> Actor:
    from office_tui.core.auth import add_user, login

    if first_admin:
        add_user(engine, None, username, "admin", password)
    return login(engine, username, password)


@dataclass
class LoggedIn(Message):
    actor: Actor


class LoginRefused(jobs.Failed):
    """Told on the form, never as a traceback."""


class LoginScreen(TranslatedBindings, Screen[Actor | None]):
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("escape", "cancel", "key.quit", id="login.cancel")]

    def __init__(self, engine: Engine, first_admin: bool, demo: bool = False, served: bool = False) -> None:
        """``first_admin``: nobody has an account yet. ``served``: in a browser (``office-tui
        serve``), where the first admin is never made — whoever reached the page would
        become it."""
        super().__init__()
        self.engine, self.demo = engine, demo
        self.no_users = first_admin
        self.first_admin = first_admin and not served

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="login", classes="dialog"):
            title = "login.first_admin_title" if self.first_admin else "login.title"
            yield Static(f"[b]{t(title)}[/b]", classes="dialog-title")
            if self.no_users and not self.first_admin:
                yield Static(t("login.no_users_served"), classes="error")
            yield Input(placeholder=t("login.username"), id="username")
            yield Input(placeholder=t("login.password"), password=True, id="password")
            if self.first_admin:
                yield Input(placeholder=t("login.password_again"), password=True, id="password2")
            elif self.demo:
                yield Static(t("login.demo_hint"), classes="dim")
            yield Static("", id="login-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        # AUTO_FOCUS alone leaves the field unfocused in a browser session (textual-serve's
        # driver): the first key would go nowhere.
        self.call_after_refresh(self.query_one("#username", Input).focus)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["username", "password"] + (["password2"] if self.first_admin else [])
        position = order.index(event.input.id)
        if position + 1 < len(order):
            self.query_one(f"#{order[position + 1]}", Input).focus()
        else:
            self._submit()

    def _submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self._error(t("login.fill_both"))
            return
        if self.first_admin and password != self.query_one("#password2", Input).value:
            self._error(t("login.passwords_differ"))
            return
        engine, first_admin = self.engine, self.first_admin
        jobs.call(self, lambda: _sign_in(engine, first_admin, username, password), LoggedIn, group="login",
                  failed=LoginRefused)

    @on(LoggedIn)
    def _logged_in(self, message: LoggedIn) -> None:
        self.dismiss(message.actor)

    @on(LoginRefused)
    def _refused(self, message: LoginRefused) -> None:
        message.stop()
        self._error(message.text)

    def _error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        self.query_one("#password", Input).value = ""
        self.query_one("#password", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
