"""A workflow that is not built yet says so plainly."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


class PlaceholderScreen(TranslatedBindings, Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="placeholder.back")]

    def __init__(self, workflow: str) -> None:
        super().__init__()
        self.workflow = workflow

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(t("placeholder.text", name=t(f"menu.{self.workflow}")),
                         id="placeholder", classes="notice-box")
        yield Footer()
