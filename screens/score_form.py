"""評分表 — the screen a committee member scores one application in, by keyboard alone.

Type a number, Enter or Tab to the next criterion, Shift-Tab back. Each value is checked
against its range as it is typed; the stage scores and the total follow live. Ctrl-S
saves a draft; F10 (or the 送出 button) submits after a confirmation, and the sheet is
then locked. Staff may reopen a submitted sheet with a reason (o). Esc goes back, asking
first when there are unsaved changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Label, Static

from office_tui.core.i18n import current_language, t
from screens import jobs
from screens.confirm import ConfirmScreen
from screens.i18n import TranslatedBindings


def parse_score(text: str, maximum: float) -> tuple[float | None, str | None]:
    """(value, problem key): empty → (None, None); not a number or out of range → a key."""
    text = text.strip()
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        return None, "score.not_a_number"
    if not 0 <= value <= maximum:
        return None, "score.out_of_range"
    return value, None


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class SheetLoaded(Message):
    sheet: object  # office_tui.committee.scoresheets.Sheet


@dataclass
class SheetSaved(Message):
    sheet: object  # the sheet as saved
    submitted: bool


@dataclass
class SheetReopened(Message):
    application_no: str


class SheetRefused(jobs.Failed):
    """The sheet cannot be opened (not the member's, gone): told, and the screen closes."""


def sheet_widgets(sheet) -> list[Widget]:
    """A row per criterion (label, field, hint) under each stage's line, the comment, the buttons."""
    english = current_language() == "en"
    widgets: list[Widget] = []
    for stage in sheet.rubric.stages:
        widgets.append(Static("", id=f"stage-{stage.code}", classes="stage-title"))
        for criterion in stage.criteria:
            value = sheet.scores.get(criterion.code)
            label = Label(f"{criterion.code} {criterion.en if english else criterion.zh}", classes="criterion-label")
            field = Input(value="" if value is None else number(value), placeholder=f"0–{number(criterion.max)}",
                          id=f"c-{criterion.code}", classes="score-input", disabled=sheet.locked)
            widgets.append(Horizontal(label, field, Static("", id=f"hint-{criterion.code}", classes="score-hint"),
                                      classes="criterion-row"))
    widgets.append(Label(t("score.comment"), classes="criterion-label"))
    widgets.append(Input(value=sheet.comment, placeholder=t("score.comment_hint"), id="comment", disabled=sheet.locked))
    widgets.append(Horizontal(Button(t("score.save"), id="save"),
                              Button(t("score.submit"), id="submit", variant="primary", disabled=sheet.locked),
                              classes="buttons"))
    return widgets


def sheet_head(sheet) -> str:
    return t("score.head", application_no=sheet.application_no, solution=sheet.solution_name, company=sheet.company,
             reviewer=f"{sheet.reviewer_no} {sheet.reviewer_name}", status=t(f"sheet.status_{sheet.status}"))


class ScoreFormScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save_draft", id="score_form.save", priority=True),
        Binding("f10", "submit", "key.submit_sheet", id="score_form.submit", priority=True),
        Binding("o", "reopen", "key.reopen_sheet", id="score_form.reopen"),
        Binding("escape", "back", "key.back", id="score_form.back"),
    ]

    def __init__(self, assignment_id: int) -> None:
        super().__init__()
        self.assignment_id = assignment_id
        self.sheet = None  # office_tui.committee.scoresheets.Sheet once loaded
        self.dirty = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("common.loading"), id="sheet-head", classes="section-title")
        yield VerticalScroll(id="sheet-body")
        yield Static("", id="sheet-total", classes="sheet-total")
        yield Static("", id="form-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("score.title")
        self.query_one("#sheet-body").can_focus = False  # Tab goes field to field only
        self.load()

    # -- loading -------------------------------------------------------------------------
    def load(self) -> None:
        from office_tui.committee.scoresheets import load_sheet

        actor, assignment_id = self.app.actor, self.assignment_id
        jobs.read(self, lambda s: load_sheet(s, actor, assignment_id), SheetLoaded, group="sheet-load",
                  failed=SheetRefused)

    @on(SheetRefused)
    def _refused(self, message: SheetRefused) -> None:
        message.stop()
        self.notify(message.text, severity="error", timeout=8)
        self.app.pop_screen()

    @on(SheetLoaded)
    async def _loaded(self, message: SheetLoaded) -> None:
        await self._show(message.sheet)

    async def _show(self, sheet) -> None:
        self.sheet, self.dirty = sheet, False
        body = self.query_one("#sheet-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(sheet_widgets(sheet))
        head = sheet_head(sheet)
        if sheet.locked:
            head += "\n" + t("score.locked_note" if sheet.status == "submitted" else "score.closed_note")
        self.query_one("#sheet-head", Static).update(head)
        self._recompute()
        if not sheet.locked:
            self._focus_first_empty()

    def _focus_first_empty(self) -> None:
        for criterion in self.sheet.rubric.criteria:
            field = self.query_one(f"#c-{criterion.code}", Input)
            if not field.value.strip():
                field.focus()
                return
        self.query_one("#comment", Input).focus()

    # -- live checking -------------------------------------------------------------------
    def _values(self) -> tuple[dict[str, float], list[tuple[str, str]]]:
        """The valid scores typed so far, and (code, problem key) for the wrong ones."""
        values, problems = {}, []
        for criterion in self.sheet.rubric.criteria:
            value, problem = parse_score(self.query_one(f"#c-{criterion.code}", Input).value, criterion.max)
            if problem:
                problems.append((criterion.code, problem))
            elif value is not None:
                values[criterion.code] = value
        return values, problems

    @on(Input.Changed, ".score-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.sheet is None:
            return
        code = event.input.id.removeprefix("c-")
        criterion = self.sheet.rubric.criterion(code)
        _, problem = parse_score(event.value, criterion.max)
        hint = self.query_one(f"#hint-{code}", Static)
        event.input.set_class(problem is not None, "-invalid")
        hint.update(t(problem, code=code, value=event.value.strip(), max=number(criterion.max)) if problem else "")
        self.dirty = True
        self._recompute()

    @on(Input.Changed, "#comment")
    def _comment_typed(self) -> None:
        self.dirty = self.sheet is not None and True

    def _recompute(self) -> None:
        values, problems = self._values()
        rubric = self.sheet.rubric
        english = current_language() == "en"
        stages = rubric.stage_scores(values)
        for stage in rubric.stages:
            name = stage.en if english else stage.zh
            self.query_one(f"#stage-{stage.code}", Static).update(
                t("score.stage_line", stage=name, weight=number(stage.weight), score=number(stages[stage.code])))
        filled = len(values)
        self.query_one("#sheet-total", Static).update(
            t("score.total_line", total=number(rubric.total(values)), filled=filled, count=len(rubric.criteria),
              pass_line=number(rubric.pass_line)))
        self.query_one("#form-error", Static).update(
            t("score.fix_first", codes="、".join(code for code, _ in problems)) if problems else "")

    # -- moving between fields -----------------------------------------------------------
    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "comment":
            self.query_one("#submit", Button).focus()
        else:
            self.focus_next()

    # -- saving --------------------------------------------------------------------------
    def _checked(self) -> dict[str, float] | None:
        values, problems = self._values()
        if problems:
            code, key = problems[0]
            field = self.query_one(f"#c-{code}", Input)
            criterion = self.sheet.rubric.criterion(code)
            self.notify(t(key, code=code, value=field.value.strip(), max=number(criterion.max)), severity="error")
            field.focus()
            return None
        return values

    def action_save(self) -> None:
        if self.sheet is None or self.sheet.locked:
            return
        values = self._checked()
        if values is not None:
            self._write(values, submit=False)

    @work(group="sheet-flow")
    async def action_submit(self) -> None:
        if self.sheet is None or self.sheet.locked:
            return
        values = self._checked()
        if values is None:
            return
        missing = [c.code for c in self.sheet.rubric.criteria if c.code not in values]
        if missing:
            self.notify(t("sheet.incomplete", codes="、".join(missing)), severity="warning")
            self.query_one(f"#c-{missing[0]}", Input).focus()
            return
        total = number(self.sheet.rubric.total(values))
        if await self.app.push_screen_wait(ConfirmScreen(t("score.confirm_title"), t(
                "score.confirm_text", application_no=self.sheet.application_no, total=total))):
            self._write(values, submit=True)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    def _write(self, values: dict[str, float], submit: bool) -> None:
        from office_tui.committee.scoresheets import save_sheet

        comment = self.query_one("#comment", Input).value.strip()
        reason = t("score.reason_submit" if submit else "score.reason_draft", application_no=self.sheet.application_no)
        actor, assignment_id = self.app.actor, self.assignment_id
        jobs.write(self, lambda s: save_sheet(s, actor, assignment_id, values, comment, submit_now=submit),
                   lambda sheet: SheetSaved(sheet, submit), reason=reason, group="sheet-save", severity="error")

    @on(SheetSaved)
    async def _saved(self, message: SheetSaved) -> None:
        sheet = message.sheet
        self.notify(t("score.submitted" if message.submitted else "score.saved", application_no=sheet.application_no,
                      total=number(sheet.total)), timeout=6)
        if message.submitted:
            await self._show(sheet)
        else:
            self.sheet, self.dirty = sheet, False
            self.query_one("#sheet-head", Static).update(sheet_head(sheet))

    # -- staff: reopen; leaving ------------------------------------------------------------
    @work(group="sheet-flow")
    async def action_reopen(self) -> None:
        from office_tui.committee.scoresheets import reopen_sheet
        from screens.forms import ReasonScreen

        if self.sheet is None:
            return
        if self.app.actor is None or self.app.actor.role not in ("staff", "admin"):
            self.notify(t("sheet.reopen_staff_only"), severity="warning")
            return
        if self.sheet.status != "submitted":
            self.notify(t("sheet.not_submitted"), severity="warning")
            return
        application_no = self.sheet.application_no
        reason = await self.app.push_screen_wait(ReasonScreen(t("score.reopen_title", application_no=application_no,
                                                                reviewer=self.sheet.reviewer_no)))
        if not reason:
            return
        actor, assignment_id = self.app.actor, self.assignment_id
        jobs.write(self, lambda s: reopen_sheet(s, actor, assignment_id, reason), lambda _: SheetReopened(application_no),
                   reason=reason, group="sheet-save", severity="error")

    @on(SheetReopened)
    def _reopened(self, message: SheetReopened) -> None:
        self.notify(t("score.reopened", application_no=message.application_no), timeout=6)
        self.load()

    @work(group="sheet-flow")
    async def action_back(self) -> None:
        if not self.dirty or (self.sheet is not None and self.sheet.locked):
            self.app.pop_screen()
        elif await self.app.push_screen_wait(ConfirmScreen(t("score.leave_title"), t("score.leave_text"))):
            self.app.pop_screen()
