"""First start on an empty database: offer the demo office."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


class DemoOfferScreen(TranslatedBindings, ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "key.yes", id="demo.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="demo.no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]{t('demo.offer_title')}[/b]", classes="dialog-title")
            yield Static(t("demo.offer_text"))
            with Horizontal(classes="buttons"):
                yield Button(t("demo.offer_yes"), id="yes", variant="primary")
                yield Button(t("demo.offer_no"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, load: bool) -> None:
        self.dismiss(load)
