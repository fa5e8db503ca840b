"""設定 — language, date style and theme, kept in the settings file."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select

from office_tui.core.config import save_setting
from office_tui.core.i18n import set_language, t
from screens.messages import SettingsClosed
from screens.i18n import TranslatedBindings, translate_bindings


class SettingsScreen(TranslatedBindings, ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "key.close", id="settings.close")]

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        with Vertical(classes="dialog"):
            yield Label(f"[b]{t('settings.title')}[/b]", classes="dialog-title")
            yield Label(t("settings.language"))
            yield Select([("繁體中文", "zh_TW"), ("English", "en")], value=settings.lang, allow_blank=False, id="lang")
            yield Label(t("settings.date_style"))
            yield Select([(t("settings.date_roc"), "roc"), (t("settings.date_iso"), "iso")],
                         value=settings.date_style, allow_blank=False, id="date_style")
            yield Label(t("settings.theme_hint"), classes="dim")

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        key, value = event.select.id, event.value
        if value == getattr(self.app.settings, key):
            return
        self.app.settings = replace(self.app.settings, **{key: value})
        try:
            if not getattr(self.app, "served", False):  # a browser session's choice is its own
                save_setting(key, value)
        except OSError as error:
            self.notify(t("settings.not_saved", detail=str(error)), severity="error")
        if key == "lang":
            set_language(value)
            translate_bindings(self.app)
            self.app.title = t("app.title")
        self.notify(t("settings.saved"))

    def action_close(self) -> None:
        self.dismiss(None)
        # The app rebuilds the dashboard so that it speaks the language now chosen.
        self.app.post_message(SettingsClosed())
