"""Small modal forms: change an application's status, record a qualification condition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from office_tui.core.i18n import t
from screens.i18n import TranslatedBindings


@dataclass(frozen=True)
class StatusChange:
    status: str
    reason: str
    whole_list: bool


class FormScreen(TranslatedBindings, ModalScreen):
    """A dialog that Ctrl+S or its OK button submits and Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "key.submit", id="form.submit"),
    ]

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button(t("form.ok"), id="ok", variant="primary")
            yield Button(t("form.cancel"), id="cancel")

    def error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        raise NotImplementedError


class StatusChangeScreen(FormScreen):
    def __init__(self, application_no: str, current: str, allowed: list[str], list_count: int = 0) -> None:
        super().__init__()
        self.application_no, self.current, self.allowed, self.list_count = application_no, current, allowed, list_count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"[b]{t('form.status_title', application_no=self.application_no)}[/b]", classes="dialog-title")
            yield Label(t("form.status_now", status=t(f"status.{self.current}")))
            yield Select([(t(f"status.{s}"), s) for s in self.allowed], prompt=t("form.status_new"), id="status")
            yield Input(placeholder=t("form.reason"), id="reason")
            if self.list_count > 1:
                yield Checkbox(t("form.whole_list", n=f"{self.list_count:,}"), id="whole-list")
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    @on(Input.Submitted, "#reason")
    def _reason_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        status = self.query_one("#status", Select).value
        reason = self.query_one("#reason", Input).value.strip()
        if status is Select.NULL:
            self.error(t("form.pick_status"))
            return
        if not reason:
            self.error(t("form.reason_required"))
            self.query_one("#reason", Input).focus()
            return
        whole = bool(self.query("#whole-list")) and self.query_one("#whole-list", Checkbox).value
        self.dismiss(StatusChange(status, reason, whole))


@dataclass(frozen=True)
class ConditionRecord:
    condition: int
    outcome: str
    evidence: str


class ConditionScreen(FormScreen):
    """Record one of the staff-checked qualification conditions (3–9) with its evidence."""

    def __init__(self, company: str) -> None:
        super().__init__()
        self.company = company

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"[b]{t('form.condition_title', company=self.company)}[/b]", classes="dialog-title")
            yield Select([(t(f"condition.{n}"), n) for n in range(3, 10)], prompt=t("form.condition"), id="condition")
            yield Select([(t(f"outcome.{o}"), o) for o in ("met", "unmet", "unknown")], value="met",
                         allow_blank=False, id="outcome")
            yield Input(placeholder=t("form.evidence"), id="evidence")
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    @on(Input.Submitted, "#evidence")
    def _evidence_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        condition = self.query_one("#condition", Select).value
        if condition is Select.NULL:
            self.error(t("form.pick_condition"))
            return
        outcome = self.query_one("#outcome", Select).value
        evidence = self.query_one("#evidence", Input).value.strip()
        if outcome == "met" and not evidence:
            self.error(t("checklist.evidence_required", condition=condition))
            self.query_one("#evidence", Input).focus()
            return
        self.dismiss(ConditionRecord(int(condition), str(outcome), evidence))


@dataclass(frozen=True)
class TextField:
    """One line of a TextFieldsScreen."""

    id: str
    placeholder: str
    required: str | None = None  # i18n key of the message when left empty
    value: str = ""
    type: str = "text"  # Textual Input type: text / integer / number
    check: Callable[[str], str | None] | None = None  # a message when the value is wrong


class TextFieldsScreen(FormScreen):
    """A title and a few text lines: Enter goes to the next line, the last one submits;
    each line is checked in order and the first problem is shown beside the form."""

    def __init__(self, title: str, fields: list[TextField], result: Callable[[dict[str, str]], object]) -> None:
        super().__init__()
        self.title_text, self.fields, self.result = title, fields, result

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"[b]{self.title_text}[/b]", classes="dialog-title")
            for field in self.fields:
                yield Input(value=field.value, placeholder=field.placeholder, type=field.type, id=field.id)
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        ids = [f.id for f in self.fields]
        position = ids.index(event.input.id)
        if position + 1 < len(ids):
            self.query_one(f"#{ids[position + 1]}", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        values = {f.id: self.query_one(f"#{f.id}", Input).value.strip() for f in self.fields}
        for field in self.fields:
            problem = t(field.required) if field.required and not values[field.id] else None
            if problem is None and field.check is not None and values[field.id]:
                problem = field.check(values[field.id])
            if problem:
                self.error(problem)
                self.query_one(f"#{field.id}", Input).focus()
                return
        self.dismiss(self.result(values))


class ReasonScreen(TextFieldsScreen):
    """Ask for a required reason (e.g. why a document is deficient)."""

    def __init__(self, title: str) -> None:
        super().__init__(title, [TextField("reason", t("form.reason"), "form.reason_required")],
                         lambda values: values["reason"])


class ChoiceScreen(FormScreen):
    """Pick one of a few options."""

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.options = title, options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"[b]{self.title_text}[/b]", classes="dialog-title")
            yield Select(self.options, prompt=t("form.choose"), id="choice")
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    def action_submit(self) -> None:
        value = self.query_one("#choice", Select).value
        if value is Select.NULL:
            self.error(t("form.choose"))
            return
        self.dismiss(value)
