"""Importing system logs from screen 7: one or more paths, a progress bar that moves as
the files are read, and Esc (or the cancel button) to stop — the file being read is then
not imported at all, the files finished before stay in (importers.usage)."""

from __future__ import annotations

import shlex
import threading
from pathlib import Path

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, ProgressBar, Static

from office_tui.core.i18n import t
from screens import jobs
from screens.i18n import TranslatedBindings


def split_paths(text: str) -> list[Path]:
    """Paths as typed: separated by spaces, quoted when they hold one."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return [Path(word).expanduser() for word in words]


@dataclass
class ImportProgress(Message):
    """Posted by the import's worker as it reads."""

    done: int
    total: int


@dataclass
class Imported(Message):
    report: object


class ImportFailed(jobs.Failed):
    """Said in the dialog; nothing half-imported was kept."""


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

    def _run(self, paths: list[Path], replace: bool) -> None:
        from office_tui.core.config import claims_close_on

        engine, actor, settings = self.app.office.engine, self.app.actor, self.app.settings
        close_on, need, cancelled = claims_close_on(settings), settings.usage_min_active_days, self._cancel.is_set

        def progress(done: int, total: int) -> None:
            self.post_message(ImportProgress(done, total))  # thread-safe: the bar moves on the UI thread

        def job():
            from importers.usage import import_usage

            return import_usage(engine, actor, paths, replace=replace, progress=progress, cancelled=cancelled,
                                close_on=close_on, min_active_days=need)

        jobs.call(self, job, Imported, group="usage-import", failed=ImportFailed)

    @on(ImportProgress)
    def _progress(self, message: ImportProgress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(ImportFailed)
    def _failed(self, message: ImportFailed) -> None:
        message.stop()
        self.running = False
        self.query_one("#summary", Static).update(t("dialog.failed", reason=message.text))
        self.query_one("#paths", Input).disabled = False

    @on(Imported)
    def _show(self, message: Imported) -> None:
        report = message.report
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
