"""Importing a file or folder from the TUI: a path, a progress bar, then the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from office_tui.core.i18n import t
from screens import jobs
from screens.i18n import TranslatedBindings


@dataclass(frozen=True)
class ImportOutcome:
    summary: str
    headers: list[str]
    rows: list[tuple]
    changed: bool


# (engine, actor, path, progress(done, total)) -> ImportOutcome
Runner = Callable[..., ImportOutcome]


@dataclass
class Imported(Message):
    outcome: ImportOutcome


@dataclass
class Progress(Message):
    """Posted by the import's worker as it goes."""

    done: int
    total: int


class ImportFailed(jobs.Failed):
    """Shown in the dialog's report: nothing was written."""


def report_outcome(report) -> ImportOutcome:
    """A table import's report (importers/report.py) as the dialog shows it."""
    rows = [(e.row, e.column, e.reason) for e in report.rejected]
    rows += [(note.row, note.column, note.reason) for note in report.notes]
    rows += [("", column, t("cli.import_unknown_column", column=column)) for column in report.unknown_columns]
    return ImportOutcome(report.summary(), [t("dialog.col_row"), t("dialog.col_column"), t("col.reason")], rows,
                         report.changed)


def applications_runner(engine, actor, path: Path, progress) -> ImportOutcome:
    from importers.applications import import_applications

    return report_outcome(import_applications(engine, actor, path, progress=progress))


def reviewers_runner(engine, actor, path: Path, progress) -> ImportOutcome:
    from importers.reviewers import import_reviewers

    return report_outcome(import_reviewers(engine, actor, path, progress=progress))


def scores_runner(engine, actor, path: Path, progress) -> ImportOutcome:
    from importers.scores import import_scores

    return report_outcome(import_scores(engine, actor, path, progress=progress))


def documents_runner(engine, actor, path: Path, progress) -> ImportOutcome:
    from importers.documents import import_documents, import_summary, report_table

    results = import_documents(engine, actor, path, progress=progress)
    headers, rows = report_table(results)
    return ImportOutcome(import_summary(results), headers, rows, bool(results))


def claims_runner(engine, actor, path: Path, progress, *, close_on=None) -> ImportOutcome:
    """請款 (docs/import-layouts.md, ``claims``), reconciled before the import commits; ``close_on``
    is the announced claims deadline (office_tui.core.config.claims_close_on)."""
    from importers.claims import import_claims

    return report_outcome(import_claims(engine, actor, path, close_on=close_on))


def past_recipients_runner(engine, actor, path: Path, progress, *, close_on=None) -> ImportOutcome:
    """過往受補助店家 (docs/import-layouts.md, ``past-recipients``), the claims reconciled again."""
    from importers.past_recipients import import_past_recipients

    return report_outcome(import_past_recipients(engine, actor, path, close_on=close_on))


class ImportScreen(TranslatedBindings, ModalScreen[bool]):
    """Type a path, Enter to import; the report stays until Esc. Dismisses True when
    anything was written, so the screen below can reload."""

    BINDINGS = [Binding("escape", "close", "key.close", id="import.close")]

    def __init__(self, title: str, runner: Runner, folder: bool = False) -> None:
        super().__init__()
        self.title_text, self.runner, self.folder = title, runner, folder
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="import-dialog"):
            yield Label(f"[b]{self.title_text}[/b]", classes="dialog-title")
            yield Input(placeholder=t("dialog.folder_prompt" if self.folder else "dialog.file_prompt"), id="path")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("", id="summary")
            yield DataTable(id="report", cursor_type="row", zebra_stripes=True)

    @on(Input.Submitted, "#path")
    def _start(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        exists = path.is_dir() if self.folder else path.is_file()
        if not exists:
            key = "cli.no_such_folder" if self.folder else "cli.no_such_file"
            self.query_one("#summary", Static).update(t(key, path=str(path)))
            return
        self.query_one("#path", Input).disabled = True
        self.query_one("#summary", Static).update(t("dialog.running"))
        self._run(path)

    def _run(self, path: Path) -> None:
        engine, actor, runner = self.app.office.engine, self.app.actor, self.runner
        shown = [-1]  # the last percentage told: one message a percent, not one a row

        def progress(done: int, total: int, *_detail) -> None:
            percent = 100 * done // total if total else 100
            if percent != shown[0]:
                shown[0] = percent
                self.post_message(Progress(done, total))

        jobs.call(self, lambda: runner(engine, actor, path, progress), Imported, group="import", failed=ImportFailed)

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(ImportFailed)
    def _failed(self, message: ImportFailed) -> None:
        message.stop()
        self.query_one("#summary", Static).update(t("dialog.failed", reason=message.text))
        self.query_one("#path", Input).disabled = False

    @on(Imported)
    def _imported(self, message: Imported) -> None:
        self._show(message.outcome)

    def _show(self, outcome: ImportOutcome) -> None:
        self.changed = outcome.changed
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one("#summary", Static).update(outcome.summary)
        table = self.query_one("#report", DataTable)
        table.clear(columns=True)
        table.add_columns(*outcome.headers)
        for row in outcome.rows:
            table.add_row(*(str(c) for c in row))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(self.changed)
