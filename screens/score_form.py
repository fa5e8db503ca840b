"""評分表 — the screen a committee member scores one application in, by keyboard alone.

Type a number, Enter or Tab to the next criterion, Shift-Tab back. Each value is checked
against its range as it is typed; the stage scores and the total follow live. Ctrl-S
saves a draft; F10 (or the 送出 button) submits after a confirmation, and the sheet is
then locked. Staff may reopen a submitted sheet with a reason (o). Esc goes back, asking
first when there are unsaved changes.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from office_tui.core.errors import describe
from office_tui.core.i18n import current_language, t
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
    @work(thread=True, exclusive=True, group="sheet-load", exit_on_error=False)
    def load(self) -> None:
        from office_tui.core.db import read_session
        from office_tui.committee.scoresheets import load_sheet

        try:
            with read_session(self.app.office.engine) as s:
                sheet = load_sheet(s, self.app.actor, self.assignment_id)
        except Exception as error:  # noqa: BLE001 - told to the user
            self.app.call_from_thread(self._refused, describe(error))
            return
        self.app.call_from_thread(self._show, sheet)

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", timeout=8)
        self.app.pop_screen()

    async def _show(self, sheet) -> None:
        self.sheet, self.dirty = sheet, False
        english = current_language() == "en"
        body = self.query_one("#sheet-body", VerticalScroll)
        await body.remove_children()
        widgets = []
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
        widgets.append(Input(value=sheet.comment, placeholder=t("score.comment_hint"), id="comment",
                             disabled=sheet.locked))
        widgets.append(Horizontal(Button(t("score.save"), id="save"), Button(t("score.submit"), id="submit",
                                                                              variant="primary", disabled=sheet.locked),
                                  classes="buttons"))
        await body.mount_all(widgets)
        state = t(f"sheet.status_{sheet.status}")
        head = t("score.head", application_no=sheet.application_no, solution=sheet.solution_name,
                 company=sheet.company, reviewer=f"{sheet.reviewer_no} {sheet.reviewer_name}", status=state)
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

    def action_submit(self) -> None:
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

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(values, submit=True)

        self.app.push_screen(ConfirmScreen(t("score.confirm_title"),
                                           t("score.confirm_text", application_no=self.sheet.application_no,
                                             total=total)), answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    def _write(self, values: dict[str, float], submit: bool) -> None:
        comment = self.query_one("#comment", Input).value.strip()
        reason = t("score.reason_submit" if submit else "score.reason_draft", application_no=self.sheet.application_no)
        self._save_job(values, comment, submit, reason)

    @work(thread=True, exclusive=True, group="sheet-save", exit_on_error=False)
    def _save_job(self, values: dict[str, float], comment: str, submit: bool, reason: str) -> None:
        from office_tui.core.db import write_session
        from office_tui.committee.scoresheets import save_sheet

        try:
            with write_session(self.app.office.engine, self.app.actor, reason) as s:
                sheet = save_sheet(s, self.app.actor, self.assignment_id, values, comment, submit_now=submit)
        except Exception as error:  # noqa: BLE001 - told to the user; nothing was written
            self.app.call_from_thread(self.notify, describe(error), severity="error", timeout=8)
            return
        message = t("score.submitted" if submit else "score.saved", application_no=sheet.application_no,
                    total=number(sheet.total))
        self.app.call_from_thread(self._saved, sheet, message, submit)

    async def _saved(self, sheet, message: str, submitted: bool) -> None:
        self.notify(message, timeout=6)
        if submitted:
            await self._show(sheet)
        else:
            self.sheet, self.dirty = sheet, False
            self.query_one("#sheet-head", Static).update(
                t("score.head", application_no=sheet.application_no, solution=sheet.solution_name,
                  company=sheet.company, reviewer=f"{sheet.reviewer_no} {sheet.reviewer_name}",
                  status=t(f"sheet.status_{sheet.status}")))

    # -- staff: reopen; leaving ------------------------------------------------------------
    def action_reopen(self) -> None:
        from screens.forms import ReasonScreen

        if self.sheet is None:
            return
        if self.app.actor is None or self.app.actor.role not in ("staff", "admin"):
            self.notify(t("sheet.reopen_staff_only"), severity="warning")
            return
        if self.sheet.status != "submitted":
            self.notify(t("sheet.not_submitted"), severity="warning")
            return

        def given(reason: str | None) -> None:
            if reason:
                self._reopen_job(reason)

        self.app.push_screen(ReasonScreen(t("score.reopen_title", application_no=self.sheet.application_no,
                                            reviewer=self.sheet.reviewer_no)), given)

    @work(thread=True, exclusive=True, group="sheet-save", exit_on_error=False)
    def _reopen_job(self, reason: str) -> None:
        from office_tui.core.db import read_session, write_session
        from office_tui.committee.scoresheets import load_sheet, reopen_sheet

        try:
            with write_session(self.app.office.engine, self.app.actor, reason) as s:
                reopen_sheet(s, self.app.actor, self.assignment_id, reason)
            with read_session(self.app.office.engine) as s:
                sheet = load_sheet(s, self.app.actor, self.assignment_id)
        except Exception as error:  # noqa: BLE001 - told to the user
            self.app.call_from_thread(self.notify, describe(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self.notify, t("score.reopened", application_no=sheet.application_no), timeout=6)
        self.app.call_from_thread(self._show, sheet)

    def action_back(self) -> None:
        if not self.dirty or (self.sheet is not None and self.sheet.locked):
            self.app.pop_screen()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen(t("score.leave_title"), t("score.leave_text")), answered)
