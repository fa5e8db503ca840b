"""The tally screen's flows: record how an outlier was resolved, decide (approve, reject,
waitlist), export the committee summary or the gazette list.

Each flow is one coroutine the screen runs as a ``@work`` worker: it asks what it needs
(awaiting each dialog in turn), then hands the change to a worker (screens/jobs.py).
The worker's :class:`TallyChanged` is told by the screen, which then reloads. ``screen``
is the TallyScreen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.message import Message
from textual.screen import Screen

from models.clock import office_today
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import cell
from screens.score_form import number


@dataclass(frozen=True)
class DecisionAnswer:
    decided_on: date
    doc_no: str
    incomplete_reason: str = ""  # asked when some of the applications have sheets missing


@dataclass
class TallyChanged(Message):
    """What to tell (a toast), or ``refused``: the decisions refused, each with why (a
    message to acknowledge); ``unmark`` when the marked applications were decided."""

    text: str | None
    refused: str = ""
    unmark: bool = False


async def resolve(screen: Screen) -> None:
    """Which outlier (when several), then the committee's note: recorded, audited."""
    from office_tui.committee.decisions import resolve_outlier
    from screens.forms import ChoiceScreen, TextField, TextFieldsScreen

    row = screen.current
    if row is None or not row.outliers:
        screen.notify(t("ranking.no_outliers"), severity="warning")
        return
    member = row.outliers[0]
    if len(row.outliers) > 1:
        options = [(f"{m}  {number(row.totals[m])}", m) for m in row.outliers]
        member = await screen.app.push_screen_wait(
            ChoiceScreen(t("ranking.pick_outlier", application_no=row.application_no), options))
        if not member:
            return
    application_no = row.application_no
    current = screen.result.resolutions.get((application_no, member), "")
    note = await screen.app.push_screen_wait(TextFieldsScreen(
        t("ranking.resolve_title", application_no=application_no, reviewer=member),
        [TextField("note", t("ranking.resolve_hint"), "ranking.note_required", value=current)],
        lambda values: values["note"]))
    if not note:
        return
    actor = screen.app.actor
    done = t("ranking.resolved", application_no=application_no, reviewer=member)

    def change(session) -> str:
        resolve_outlier(session, actor, application_no, member, note)
        return done

    jobs.write(screen, change, TallyChanged, reason=t("ranking.resolve_reason", application_no=application_no,
                                                       reviewer=member), group="tally-act")


def _check_date(text: str) -> str | None:
    from office_tui.core.dates import parse_date

    try:
        parse_date(text)
    except ValueError:
        return t("error.bad_date", option=t("ranking.decided_on"), value=text)
    return None


async def decide(screen: Screen, outcome: str) -> None:
    """The marked applications, else the highlighted one: the date and the document
    number asked, then decided in one transaction; refusals listed with why."""
    from office_tui.committee.decisions import decide as record
    from office_tui.core.dates import parse_date
    from screens.forms import TextField, TextFieldsScreen

    if screen.app.actor is None or screen.app.actor.role not in ("staff", "admin"):
        screen.notify(t("ranking.staff_only"), severity="warning")
        return
    numbers = sorted(screen.marked) or ([screen.current.application_no] if screen.current else [])
    if not numbers:
        return
    fields = [TextField("day", t("ranking.decided_on"), "ranking.date_required",
                        value=cell("date", office_today(), screen.app.settings.date_style), check=_check_date),
              TextField("doc_no", t("ranking.doc_no"), "ranking.doc_no_required" if outcome != "waitlist" else None)]
    # Sheets still missing: the decision needs the reason for deciding on what there is.
    short = [row for row in screen.result.rows if row.application_no in numbers and row.missing] \
        if screen.result is not None else []
    if short:
        fields.append(TextField("incomplete", t("ranking.incomplete_reason", applications="、".join(
            f"{row.application_no} {row.submitted}/{row.assigned}" for row in short)),
            "ranking.incomplete_reason_required"))
    title = t("ranking.decide_title", outcome=t(f"ranking.outcome_{outcome}"), n=len(numbers), first=numbers[0])
    answer = await screen.app.push_screen_wait(TextFieldsScreen(
        title, fields, lambda v: DecisionAnswer(parse_date(v["day"]), v["doc_no"], v.get("incomplete", ""))))
    if answer is None:
        return
    actor, method = screen.app.actor, screen.method
    reason = t("ranking.decide_reason", outcome=t(f"ranking.outcome_{outcome}"), doc_no=answer.doc_no or "-")

    def change(session) -> TallyChanged:
        results = record(session, actor, numbers, outcome, answer.decided_on, answer.doc_no, method=method,
                         incomplete_reason=answer.incomplete_reason)
        refused = [r for r in results if r.refusal is not None]
        done = len(results) - len(refused)
        if refused:
            text = "\n".join(f"{r.application_no}: {describe(r.refusal)}" for r in refused)
            return TallyChanged(t("ranking.refused_title", done=done, refused=len(refused)), text, unmark=True)
        return TallyChanged(t("ranking.decided", n=done, outcome=t(f"ranking.outcome_{outcome}")), unmark=True)

    jobs.write(screen, change, lambda told: told, reason=reason, group="tally-act")


async def export(screen: Screen, kind: str) -> None:
    """The committee summary (``summary``) or the gazette list (``approvals``) of the batch shown."""
    from office_tui.core.config import data_dir
    from screens.notice_forms import PathScreen

    if screen.result is None:
        return
    batch_no, method = screen.result.batch.number, screen.method
    default = str(data_dir() / t(f"ranking.file_{kind}", batch=batch_no, day=office_today().strftime("%Y%m%d")))
    path = await screen.app.push_screen_wait(PathScreen(t(f"ranking.export_{kind}_title", batch=batch_no), default))
    if not path:
        return
    engine = screen.app.office.engine

    def job() -> str:
        if kind == "summary":
            from exports.summary import export_summary

            written, _count = export_summary(engine, batch_no, path, method)
        else:
            from exports.approvals import export_approvals

            written, _count = export_approvals(engine, batch_no, path)
        return t("ranking.exported", path=str(written))

    jobs.call(screen, job, TallyChanged, group="tally-act")
