"""Importing system logs from screen 7: one or more paths, a progress bar that moves as
the files are read, and Esc (or the cancel button) to stop — the file being read is then
not imported at all, the files finished before stay in (importers.usage)."""

from __future__ import annotations

import shlex
import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, ProgressBar, Static

from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


def split_paths(text: str) -> list[Path]:
    """Paths as typed: separated by spaces, quoted when they hold one."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return [Path(word).expanduser() for word in words]


class UsageImportScreen(TranslatedBindings, ModalScreen[bool]):
    """Dismisses True when anything was imported (the screen below reloads)."""

    CSS_PATH = "usage.tcss"

    BINDINGS = [Binding("escape", "stop", "usageui.key_cancel", id="usage_import.stop")]

    def __init__(self) -> None:
        super().__init__()
        self.changed = False
        self.running = False
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="usage-import-dialog"):
            yield Label(f"[b]{t('usageui.import_title')}[/b]", classes="dialog-title")
            yield Input(placeholder=t("usageui.import_prompt"), id="paths")
            yield Checkbox(t("usage.cli_opt_replace"), id="replace")
            yield ProgressBar(id="progress", show_eta=True)
            yield Static("", id="summary")
            with Horizontal(classes="buttons"):
                yield Button(t("usageui.cancel"), id="cancel")
            yield DataTable(id="report", cursor_type="row", zebra_stripes=True)

    @on(Input.Submitted, "#paths")
    def _start(self, event: Input.Submitted) -> None:
        paths = split_paths(event.value)
        missing = [str(p) for p in paths if not p.is_file()]
        if not paths or missing:
            self.query_one("#summary", Static).update(t("cli.no_such_file", path="、".join(missing) or "—"))
            return
        self.query_one("#paths", Input).disabled = True
        self.query_one("#replace", Checkbox).disabled = True
        self.query_one("#summary", Static).update(t("dialog.running"))
        self.running = True
        self._run(paths, self.query_one("#replace", Checkbox).value)

    @work(thread=True, exclusive=True, group="usage-import", exit_on_error=False)
    def _run(self, paths: list[Path], replace: bool) -> None:
        from importers.usage import import_usage
        from office_tui.core.config import claims_close_on

        app = self.app
        bar = self.query_one("#progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            app.call_from_thread(bar.update, total=total, progress=done)

        try:
            report = import_usage(app.office.engine, app.actor, paths, replace=replace, progress=progress,
                                  cancelled=self._cancel.is_set, close_on=claims_close_on(app.settings),
                                  min_active_days=app.settings.usage_min_active_days)
        except Exception as error:  # noqa: BLE001 - said in the dialog; nothing half-imported was kept
            app.call_from_thread(self._failed, describe(error))
            return
        app.call_from_thread(self._show, report)

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one("#summary", Static).update(t("dialog.failed", reason=message))
        self.query_one("#paths", Input).disabled = False

    def _show(self, report) -> None:
        self.running = False
        self.changed = report.changed
        lines = report.lines()
        shown = lines[:1 + len(report.files)] + ([t("usage.import.cancelled")] if report.cancelled else [])
        self.query_one("#summary", Static).update("\n".join(shown))
        table = self.query_one("#report", DataTable)
        table.clear(columns=True)
        table.add_columns(t("usageui.col_file"), t("dialog.col_row"), t("dialog.col_column"), t("col.reason"))
        for refusal in report.rejected:
            table.add_row(refusal.file, "" if refusal.row is None else str(refusal.row), refusal.column, refusal.reason)
        if report.unknown_stores:
            table.add_row("", "", t("usageui.unknown_store"), "、".join(
                f"{ubn}（{n:,}）" for ubn, n in sorted(report.unknown_stores.items())[:20]))
        self.query_one("#cancel", Button).label = t("usageui.close")
        table.focus()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_stop()

    def action_stop(self) -> None:
        """While importing: cancel (the file being read is left out); else close."""
        if self.running:
            self._cancel.set()
            self.query_one("#summary", Static).update(t("usageui.cancelling"))
            return
        self.dismiss(self.changed)
