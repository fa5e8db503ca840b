"""評分表 — a committee member's score sheet for one application (docs/rules/committee.md).

A sheet moves assigned → draft (saved with Ctrl-S, or partly keyed from paper) →
submitted (every criterion scored; locked). Only staff can reopen a submitted sheet, with
a reason the audit log keeps. A member reads and writes only their own sheets and never
sees another member's scores; staff may key in any sheet (paper sheets).

The primitives (write_scores, submit) take an Assignment in an open session and are shared
by the score form and the paper-sheet import; the actor-facing functions check who may
do what first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from models import Application, Assignment, Batch, OutlierResolution, Provider, Reviewer, Score
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.actor import Actor
from models.clock import now_utc
from office_tui.committee.batch_tally import DECIDED
from office_tui.committee.conflicts import check_no_conflict
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.committee.roster import find_reviewer, reviewer_no_matches
from office_tui.intake.applications import find_application
from office_tui.committee.rubric import Rubric, rubric_for

SHEET_STATUSES = ("assigned", "draft", "submitted")


class SheetError(OfficeError):
    """A sheet that cannot be read or changed this way (locked, not yours, incomplete)."""


@dataclass
class SheetRow:
    """One line of a member's list of sheets."""

    assignment_id: int
    application_no: str
    solution_name: str
    company: str
    category: str
    reviewer_no: str
    reviewer_name: str
    status: str
    total: float | None = None
    batch_no: int | None = None


@dataclass
class Sheet:
    assignment_id: int
    application_no: str
    solution_name: str
    company: str
    category: str
    reviewer_no: str
    reviewer_name: str
    status: str
    rubric: Rubric
    scores: dict[str, float] = field(default_factory=dict)
    comment: str = ""
    submitted_at: datetime | None = None
    application_status: str = "eligible"

    @property
    def locked(self) -> bool:
        return self.status == "submitted" or self.application_status != "eligible"

    @property
    def total(self) -> float | None:
        return self.rubric.total(self.scores)


def sheet_total(rubric: Rubric, scores: dict[str, float]) -> float | None:
    return rubric.total(scores)


def scores_of(session: Session, assignment_id: int) -> dict[str, float]:
    return dict(session.exec(select(Score.criterion, Score.value).where(Score.assignment_id == assignment_id)).all())


def write_scores(session: Session, assignment: Assignment, rubric: Rubric, scores: dict[str, float],
                 comment: str | None = None) -> None:
    """Replace the sheet's scores (range-checked against ``rubric``) and its comment; the
    sheet becomes a draft. Refused on a submitted sheet.

    When this changes the total of a sheet that had one (a submitted sheet reopened and
    re-scored), the committee's resolution of this member's outlying score for the
    application is withdrawn (deleted, so audited): it settled a score that is no longer
    there, and the outlier, if it still is one, must be discussed again."""
    if assignment.sheet_status == "submitted":
        raise SheetError("sheet.locked")
    for code, value in scores.items():
        rubric.check(code, value)
    before = rubric.total(scores_of(session, assignment.id))
    after = rubric.total(scores)
    if before is not None and (after is None or abs(after - before) > 1e-9):
        for resolution in session.exec(select(OutlierResolution).where(
                OutlierResolution.application_id == assignment.application_id,
                OutlierResolution.reviewer_id == assignment.reviewer_id)).all():
            session.delete(resolution)
    session.exec(delete(Score).where(Score.assignment_id == assignment.id))
    for code, value in scores.items():
        session.add(Score(assignment_id=assignment.id, criterion=code, value=float(value)))
    if comment is not None:
        assignment.comment = comment
    assignment.sheet_status = "draft"
    session.add(assignment)
    session.flush()


def submit(session: Session, assignment: Assignment, rubric: Rubric) -> None:
    """Lock the sheet; every criterion must be scored."""
    if assignment.sheet_status == "submitted":
        raise SheetError("sheet.locked")
    scored = scores_of(session, assignment.id)
    missing = [c.code for c in rubric.criteria if c.code not in scored]
    if missing:
        raise SheetError("sheet.incomplete", codes="、".join(missing))
    assignment.sheet_status = "submitted"
    assignment.submitted_at = now_utc()
    session.add(assignment)
    session.flush()


def _sheet_query():
    return (select(Assignment, Application.application_no, Application.solution_name, Application.category,
                   Application.status, Provider.name, Reviewer.reviewer_no, Reviewer.name, Batch)
            .join(Application, Application.id == Assignment.application_id)
            .join(Provider, Provider.id == Application.provider_id)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .join(Batch, Batch.id == Application.batch_id))


def _may_read(actor: Actor, assignment: Assignment) -> None:
    if actor.role == "reviewer" and actor.reviewer_id != assignment.reviewer_id:
        raise SheetError("sheet.not_yours")


def my_sheets(session: Session, actor: Actor, batch_no: int | None = None) -> list[SheetRow]:
    """A member's own sheets; staff see every sheet. Totals only of a member's own."""
    query = _sheet_query().order_by(Application.application_no, Reviewer.reviewer_no)
    if actor.role == "reviewer":
        query = query.where(Assignment.reviewer_id == (actor.reviewer_id or -1))
    if batch_no is not None:
        query = query.where(Batch.number == batch_no)
    results = session.exec(query).all()
    ids = [r[0].id for r in results]
    values: dict[int, dict[str, float]] = {}
    for assignment_id, code, value in session.exec(
            select(Score.assignment_id, Score.criterion, Score.value).where(Score.assignment_id.in_(ids))).all():
        values.setdefault(assignment_id, {})[code] = value
    rows = []
    for assignment, app_no, solution, category, _status, company, reviewer_no, reviewer_name, batch in results:
        rubric = rubric_for(batch)
        rows.append(SheetRow(assignment.id, app_no, solution, company=company, category=category, reviewer_no=reviewer_no,
                             reviewer_name=reviewer_name, status=assignment.sheet_status,
                             total=rubric.total(values.get(assignment.id, {})), batch_no=batch.number))
    return rows


def load_sheet(session: Session, actor: Actor, assignment_id: int) -> Sheet:
    found = session.exec(_sheet_query().where(Assignment.id == assignment_id)).first()
    if found is None:
        raise SheetError("sheet.not_found", id=assignment_id)
    assignment, app_no, solution, category, app_status, company, reviewer_no, reviewer_name, batch = found
    _may_read(actor, assignment)
    return Sheet(assignment.id, app_no, solution, company=company, category=category, reviewer_no=reviewer_no,
                 reviewer_name=reviewer_name, status=assignment.sheet_status, rubric=rubric_for(batch),
                 scores=scores_of(session, assignment.id), comment=assignment.comment,
                 submitted_at=assignment.submitted_at, application_status=app_status)


def save_sheet(session: Session, actor: Actor, assignment_id: int, scores: dict[str, float], comment: str,
               submit_now: bool = False) -> Sheet:
    """Save a draft (and submit it when ``submit_now``). A member saves only their own
    sheet; staff may key in any. The pair must still be free of conflicts and the
    application still before the committee."""
    if actor.role not in ("reviewer", "staff", "admin"):
        raise SheetError("sheet.not_yours")
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise SheetError("sheet.not_found", id=assignment_id)
    _may_read(actor, assignment)
    application = session.get(Application, assignment.application_id)
    if application.status != "eligible":
        raise SheetError("sheet.not_before_committee", application=application.application_no)
    check_no_conflict(session, session.get(Reviewer, assignment.reviewer_id), application)
    rubric = rubric_for(session.get(Batch, application.batch_id))
    write_scores(session, assignment, rubric, scores, comment)
    if submit_now:
        submit(session, assignment, rubric)
    return load_sheet(session, actor, assignment_id)


def reopen_sheet(session: Session, actor: Actor, assignment_id: int, reason: str) -> None:
    """Staff unlock a submitted sheet; the reason goes to the audit log with the change.
    Only while the application is before the committee (``eligible``): once it is
    decided, its sheets are the record the decision was taken on."""
    if actor.role not in ("staff", "admin"):
        raise SheetError("sheet.reopen_staff_only")
    if not reason.strip():
        raise SheetError("sheet.reason_required")
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise SheetError("sheet.not_found", id=assignment_id)
    application = session.get(Application, assignment.application_id)
    if application.status in DECIDED:
        raise SheetError("sheet.reopen_decided", application=application.application_no,
                         status=t(f"status.{application.status}"))
    if application.status != "eligible":
        raise SheetError("sheet.not_before_committee", application=application.application_no)
    if assignment.sheet_status != "submitted":
        raise SheetError("sheet.not_submitted")
    assignment.sheet_status = "draft"
    assignment.submitted_at = None
    session.add(assignment)
    session.flush()


def find_assignment(session: Session, application_no: str, reviewer_no: str) -> Assignment:
    """The sheet of member ``reviewer_no`` (r01, Ｒ０１ and R01 are one member) for
    ``application_no``."""
    application_no = normalise_application_no(application_no)
    find_application(session, application_no)  # an unknown number is named as unknown,
    find_reviewer(session, reviewer_no)  # not as a pair never assigned
    found = session.exec(
        select(Assignment).join(Application, Application.id == Assignment.application_id)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .where(Application.application_no == application_no, reviewer_no_matches(reviewer_no))).first()
    if found is None:
        raise SheetError("sheet.no_assignment", application=application_no, reviewer=(reviewer_no or "").strip())
    return found


def counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many of the actor's sheets are in each state (the member's to-do line)."""
    query = select(Assignment.sheet_status, func.count()).group_by(Assignment.sheet_status)
    if actor.role == "reviewer":
        query = query.where(Assignment.reviewer_id == (actor.reviewer_id or -1))
    found = dict(session.exec(query).all())
    return {status: found.get(status, 0) for status in SHEET_STATUSES}
