"""F1 — the keys of the screen in front of the user."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    rows = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        # Ours carry an id (users can remap them); Textual's own plumbing does not.
        if not binding.description or binding.system or not binding.id:
            continue
        rows.append((screen.app.get_key_display(binding), binding.description))
    return rows


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "key.close", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.rows = binding_rows(under)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"[b]{t('help.title')}[/b]", classes="dialog-title")
            table = DataTable(id="help-keys", cursor_type="row")
            table.add_columns(t("help.key"), t("help.action"))
            for row in self.rows:
                table.add_row(*row)
            yield table
            yield Static(t("help.palette"), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
