"""文件審查 — the triage queue: one document at a time, with what was read from it.

a accept · d deficient (with the reason) · s skip · n/p next/previous · k accept as
another kind · i import a folder. The application's checklist follows each decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import display
from screens.i18n import TranslatedBindings


@dataclass
class Queued(Message):
    ids: list  # the documents waiting, in order
    keep: int | None  # the document to stay on, if still waiting


@dataclass
class FactsLoaded(Message):
    facts: object  # office_tui.documents.triage.DocumentFacts


@dataclass
class Decided(Message):
    text: str
    following: int | None  # the document after the one decided


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
    def reload(self, keep: int | None = None) -> None:
        from office_tui.documents.triage import queue

        engine = self.app.office.engine
        jobs.fetch(self, lambda: queue(engine), lambda ids: Queued(ids, keep), group="triage-load")

    @on(Queued)
    def _queued(self, message: Queued) -> None:
        ids, keep = message.ids, message.keep
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

    def _load_facts(self, doc_id: int) -> None:
        from office_tui.documents.triage import document_facts

        engine = self.app.office.engine
        jobs.fetch(self, lambda: document_facts(engine, doc_id), FactsLoaded, group="triage-facts")

    @on(FactsLoaded)
    def _facts_loaded(self, message: FactsLoaded) -> None:
        self._show(message.facts)

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
        engine, actor, doc_id = self.app.office.engine, self.app.actor, self.facts.id
        following = self.ids[self.position + 1] if self.position + 1 < len(self.ids) else None
        jobs.call(self, lambda: call(engine, actor, doc_id, *args).message, lambda text: Decided(text, following),
                  group="triage-decide")

    @on(Decided)
    def _decided(self, message: Decided) -> None:
        self.notify(message.text, timeout=6)
        self.reload(message.following)

    @work(group="triage-flow")
    async def action_accept(self) -> None:
        await self._accept(None)

    async def _accept(self, kind: str | None) -> None:
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
        confirmed = await self.app.push_screen_wait(ConfirmScreen(
            t("queue.confirm_warnings_title", file=self.facts.file_name),
            t("queue.confirm_warnings_text", warnings="\n".join(f"・{warning_label(w)}" for w in warnings))))
        if confirmed:
            self._decide(accept, kind, warnings)

    def action_skip(self) -> None:
        from office_tui.documents.triage import skip

        self._decide(skip)

    @work(group="triage-flow")
    async def action_deficient(self) -> None:
        from office_tui.documents.triage import mark_deficient
        from screens.forms import ReasonScreen

        if self.facts is None:
            return
        reason = await self.app.push_screen_wait(ReasonScreen(t("queue.deficient_title", file=self.facts.file_name)))
        if reason:
            self._decide(mark_deficient, reason)

    @work(group="triage-flow")
    async def action_accept_as(self) -> None:
        from office_tui.documents.kinds import KINDS
        from screens.forms import ChoiceScreen

        if self.facts is None:
            return
        options = [(t(f"doc.{k}"), k) for k in KINDS if k != "unknown"]
        kind = await self.app.push_screen_wait(ChoiceScreen(t("queue.accept_as_title", file=self.facts.file_name),
                                                            options))
        if kind:
            await self._accept(kind)

    def action_step(self, step: int) -> None:
        if self.ids:
            self.position = (self.position + step) % len(self.ids)
            self.show_current()

    @work(group="triage-flow")
    async def action_import(self) -> None:
        from screens.import_dialog import ImportScreen, documents_runner

        if await self.app.push_screen_wait(ImportScreen(t("dialog.documents_title"), documents_runner, folder=True)):
            self.reload()


def _escape(text: str) -> str:
    return str(text).replace("[", "\\[")
