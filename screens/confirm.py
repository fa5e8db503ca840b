"""Ask yes or no before something that cannot simply be undone (submitting a sheet)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


class ConfirmScreen(TranslatedBindings, ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]{self.title_text}[/b]", classes="dialog-title")
            yield Static(self.text, markup=False, id="confirm-text")
            with Horizontal(classes="buttons"):
                yield Button(t("confirm.yes"), id="yes", variant="primary")
                yield Button(t("confirm.no"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # Enter alone never confirms by accident

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
