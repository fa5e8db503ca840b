"""A plain message the user acknowledges (errors at start, for instance)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


class MessageScreen(TranslatedBindings, ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "key.close", id="message.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]{self.title_text}[/b]", classes="dialog-title")
            yield Static(self.text, markup=False, id="message-text")
            yield Static(t("message.press_enter"), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
