"""文件審查 — the triage queue: one document at a time, with what was read from it.

a accept · d deficient (with the reason) · s skip · n/p next/previous · k accept as
another kind · i import a folder. The application's checklist follows each decision.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens.formatting import display
from screens.i18n import TranslatedBindings


class TriageScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("a", "accept", "key.accept", id="triage.accept"),
        Binding("d", "deficient", "key.deficient", id="triage.deficient"),
        Binding("s", "skip", "key.skip", id="triage.skip"),
        Binding("n", "step(1)", "key.next", id="triage.next"),
        Binding("p", "step(-1)", "key.previous", id="triage.previous"),
        Binding("k", "accept_as", "key.accept_as", id="triage.accept_as"),
        Binding("i", "import", "key.import", id="triage.import"),
        Binding("escape", "app.pop_screen", "key.back", id="triage.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[int] = []
        self.position = 0
        self.facts = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="triage-position", classes="section-title")
        with Horizontal(id="triage-body"):
            with VerticalScroll(id="triage-facts"):
                yield Static("", id="facts")
            with Vertical(id="triage-preview-box"):
                yield Static(t("queue.preview_title"), classes="section-title")
                with VerticalScroll(id="triage-preview"):
                    yield Static("", id="preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("menu.documents")
        self.reload()

    # -- loading -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="triage-load", exit_on_error=False)
    def reload(self, keep: int | None = None) -> None:
        from office_tui.documents.triage import queue

        ids = queue(self.app.office.engine)
        self.app.call_from_thread(self._queued, ids, keep)

    def _queued(self, ids: list[int], keep: int | None) -> None:
        self.ids = ids
        if keep is not None and keep in ids:
            self.position = ids.index(keep)
        self.position = min(self.position, max(0, len(ids) - 1))
        self.show_current()

    def show_current(self) -> None:
        if not self.ids:
            self.facts = None
            self.query_one("#triage-position", Static).update(t("queue.queue_empty"))
            self.query_one("#facts", Static).update("")
            self.query_one("#preview", Static).update("")
            return
        self._load_facts(self.ids[self.position])

    @work(thread=True, exclusive=True, group="triage-facts", exit_on_error=False)
    def _load_facts(self, doc_id: int) -> None:
        from office_tui.documents.triage import document_facts

        try:
            facts = document_facts(self.app.office.engine, doc_id)
        except Exception as error:  # noqa: BLE001 - e.g. removed meanwhile
            self.app.call_from_thread(self.notify, describe(error), severity="error")
            return
        self.app.call_from_thread(self._show, facts)

    def _show(self, f) -> None:
        self.facts = f
        style = self.app.settings.date_style
        self.query_one("#triage-position", Static).update(
            t("queue.position", n=self.position + 1, total=len(self.ids), file=f.file_name))
        found = "、".join(f"{u}{'' if u == f.ubn else ' ≠'}" for u in f.ubns_found) or "—"
        lines = [
            (t("col.application_no"), f.application_no or t("queue.no_application_short")),
            (t("col.company_name"), f"{f.company}（{f.ubn}）" if f.company else "—"),
            (t("col.kind"), f.kind_label),
            (t("col.doc_status"), f.status_label),
            (t("col.triage"), f.triage_label + (f"：{f.triage_reason}" if f.triage_reason else "")),
            (t("col.warnings"), "、".join(f.warning_labels) or "—"),
            (t("queue.ubns_found"), found),
            (t("queue.dates_found"), "、".join(display(("date", d), style) for d in f.dates_found) or "—"),
            (t("queue.pages"), str(f.pages)),
            (t("col.reason"), f.reason or "—"),
            (t("queue.still_missing"), "、".join([*(t(f"doc.{k}") for k in f.missing),
                                                   *(t("triage.outstanding_deficient", file=name)
                                                     for name in f.deficient_files)]) or t("queue.nothing_missing")),
        ]
        text = "\n".join(f"[b]{label}[/b]\n  {_escape(value)}" for label, value in lines)
        self.query_one("#facts", Static).update(text)
        self.query_one("#preview", Static).update(f.preview or t("queue.no_preview"))
        self.query_one("#triage-preview", VerticalScroll).scroll_home(animate=False)

    # -- decisions ----------------------------------------------------------------------
    def _decide(self, call, *args) -> None:
        if self.facts is None:
            return
        doc_id = self.facts.id
        self.run_worker(lambda: self._run_decision(call, doc_id, *args), thread=True, exclusive=True,
                        group="triage-decide", exit_on_error=False)

    def _run_decision(self, call, doc_id: int, *args) -> None:
        try:
            decision = call(self.app.office.engine, self.app.actor, doc_id, *args)
        except Exception as error:  # noqa: BLE001 - told to the user; nothing was written
            self.app.call_from_thread(self.notify, describe(error), severity="warning")
            return
        self.app.call_from_thread(self.notify, decision.message, timeout=6)
        following = self.ids[self.position + 1] if self.position + 1 < len(self.ids) else None
        self.app.call_from_thread(self.reload, following)

    def action_accept(self) -> None:
        self._accept(None)

    def _accept(self, kind: str | None) -> None:
        """Accept as ``kind`` (None: as read); a document with warnings only once staff
        confirm them, each named (office_tui.documents.triage.accept refuses otherwise)."""
        from office_tui.documents.reading import warning_label
        from office_tui.documents.triage import accept, warnings_to_confirm
        from screens.confirm import ConfirmScreen

        if self.facts is None:
            return
        warnings = warnings_to_confirm(self.facts.warnings, kind_named=kind is not None)
        if not warnings:
            self._decide(accept, kind)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide(accept, kind, warnings)

        self.app.push_screen(ConfirmScreen(
            t("queue.confirm_warnings_title", file=self.facts.file_name),
            t("queue.confirm_warnings_text", warnings="\n".join(f"・{warning_label(w)}" for w in warnings))),
            answered)

    def action_skip(self) -> None:
        from office_tui.documents.triage import skip

        self._decide(skip)

    def action_deficient(self) -> None:
        from office_tui.documents.triage import mark_deficient
        from screens.forms import ReasonScreen

        if self.facts is None:
            return

        def given(reason: str | None) -> None:
            if reason:
                self._decide(mark_deficient, reason)

        self.app.push_screen(ReasonScreen(t("queue.deficient_title", file=self.facts.file_name)), given)

    def action_accept_as(self) -> None:
        from office_tui.documents.kinds import KINDS
        from screens.forms import ChoiceScreen

        if self.facts is None:
            return
        options = [(t(f"doc.{k}"), k) for k in KINDS if k != "unknown"]

        def chosen(kind: str | None) -> None:
            if kind:
                self._accept(kind)

        self.app.push_screen(ChoiceScreen(t("queue.accept_as_title", file=self.facts.file_name), options), chosen)

    def action_step(self, step: int) -> None:
        if self.ids:
            self.position = (self.position + step) % len(self.ids)
            self.show_current()

    def action_import(self) -> None:
        from screens.import_dialog import ImportScreen, documents_runner

        def closed(changed: bool | None) -> None:
            if changed:
                self.reload()

        self.app.push_screen(ImportScreen(t("dialog.documents_title"), documents_runner, folder=True), closed)


def _escape(text: str) -> str:
    return str(text).replace("[", "\\[")
