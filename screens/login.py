"""登入 — who is working. With no users yet, the first admin is created here."""

from __future__ import annotations

from sqlalchemy import Engine
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from office_tui.core.auth import Actor, add_user, login, user_count
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


def _demo_hint(engine: Engine) -> bool:
    from models import AppMeta
    from office_tui.core.db import read_session

    with read_session(engine) as session:
        return session.get(AppMeta, "demo") is not None


class LoginScreen(TranslatedBindings, Screen[Actor | None]):
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("escape", "cancel", "key.quit", id="login.cancel")]

    def __init__(self, engine: Engine, served: bool = False) -> None:
        """``served``: in a browser (``office-tui serve``), where the first admin is never
        made — whoever reached the page would become it."""
        super().__init__()
        self.engine = engine
        self.no_users = user_count(engine) == 0
        self.first_admin = self.no_users and not served

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
            elif _demo_hint(self.engine):
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
        self._check(username, password)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _check(self, username: str, password: str) -> None:
        try:
            if self.first_admin:
                add_user(self.engine, None, username, "admin", password)
            actor = login(self.engine, username, password)
        except Exception as error:  # noqa: BLE001 - shown on the form, never a traceback
            self.app.call_from_thread(self._error, describe(error))
            return
        self.app.call_from_thread(self.dismiss, actor)

    def _error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        self.query_one("#password", Input).value = ""
        self.query_one("#password", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
