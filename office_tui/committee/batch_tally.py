"""評審總表 — the committee's tally of one batch, read from the database
(docs/rules/committee.md).

Which applications: those of the batch still before the committee (``eligible``) and
those already decided (approved, rejected, waitlisted, listed, delisted) that had members
assigned. Which sheets: only submitted ones count — a draft is the member's work in
progress, so its member shows among the ``missing``. A conflicted member's sheet never
counts, whenever the conflict came to light (declared after the sheet was scored, or an
affiliation changed since): it is neither a score nor missing, only listed in
``BatchTally.conflicted`` (迴避) until staff remove the assignment
(office_tui.committee.assignment.remove_conflicted_assignment). Each sheet's total is weighed by the
batch's own rubric (``rubric_for``), whose pass line and outlier threshold the tally uses;
the numbers themselves come from :func:`office_tui.committee.tally.tally`.

Speed: a batch of 1,000 applications × 5 members is 65,000 Score rows. They are read by
five set-based Core queries of plain tuples (no ORM object per score), never per
application (benchmarks/tally.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from models import Application, Assignment, Batch, Decision, OutlierResolution, Provider, Reviewer, Score
from office_tui.committee.conflicts import ConflictReason, conflict_map
from office_tui.core.errors import OfficeError
from office_tui.committee.rubric import Rubric, rubric_for
from office_tui.committee.tally import METHODS, TallyRow, tally

BEFORE_COMMITTEE = "eligible"
DECIDED = ("approved", "rejected", "waitlisted", "listed", "delisted")


class TallyError(OfficeError):
    """A tally that cannot be made (no such batch, an unknown method)."""


@dataclass(frozen=True)
class AppInfo:
    """What the tally screen and the exports show beside an application's numbers."""

    application_no: str
    solution_name: str
    company: str
    ubn: str
    category: str
    price: int
    status: str
    decision: str | None  # Decision.outcome (approved / rejected / waitlisted), None until decided


@dataclass
class BatchTally:
    batch: Batch
    rubric: Rubric
    method: str
    rows: list[TallyRow]  # in rank order (office_tui.committee.tally)
    info: dict[str, AppInfo]
    reviewers: list[str]  # reviewer numbers seen (assigned or scored, conflicted pairs aside), sorted
    sheets: dict[str, dict[str, dict[str, float]]]  # application_no → reviewer_no → criterion → score
    comments: dict[tuple[str, str], str]  # (application_no, reviewer_no) → a submitted sheet's comment
    resolutions: dict[tuple[str, str], str]  # (application_no, reviewer_no) → how the committee settled it
    # (application_no, reviewer_no) → why: assigned members who must not review it; never counted
    conflicted: dict[tuple[str, str], ConflictReason] = field(default_factory=dict)
    _by_no: dict[str, TallyRow] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_no = {row.application_no: row for row in self.rows}

    def row(self, application_no: str) -> TallyRow | None:
        return self._by_no.get(application_no)

    def unresolved(self, application_no: str) -> list[str]:
        """The application's outlying members whose score the committee has not yet settled."""
        row = self.row(application_no)
        if row is None:
            return []
        return [m for m in row.outliers if (application_no, m) not in self.resolutions]

    def score(self, row: TallyRow) -> float | None:
        """The application's score under the chosen method: the trimmed mean for ``trimmed``,
        else the mean (序位法 ranks by rank sum, but a decision still records a score)."""
        return row.trimmed_mean if self.method == "trimmed" else row.mean


def find_batch(session: Session, batch_no: int) -> Batch:
    batch = session.scalars(select(Batch).where(Batch.number == batch_no)).first()
    if batch is None:
        raise TallyError("tally.no_such_batch", number=batch_no)
    return batch


def batch_tally(session: Session, batch_no: int, method: str = "mean") -> BatchTally:
    """The committee's tally of batch ``batch_no`` by ``method`` (mean | trimmed | ranksum)."""
    if method not in METHODS:
        raise TallyError("tally.bad_method", method=method, methods=", ".join(METHODS))
    batch = find_batch(session, batch_no)
    rubric = rubric_for(batch)
    connection = session.connection()
    in_scope = (Application.batch_id == batch.id) & Application.status.in_((BEFORE_COMMITTEE, *DECIDED))

    apps = connection.execute(
        select(Application.id, Application.application_no, Application.solution_name, Provider.name, Provider.ubn,
               Application.category, Application.price, Application.status, Decision.outcome)
        .join(Provider, Provider.id == Application.provider_id)
        .outerjoin(Decision, Decision.application_id == Application.id)
        .where(in_scope)).all()
    sheets_q = connection.execute(
        select(Assignment.id, Assignment.application_id, Reviewer.reviewer_no, Assignment.sheet_status,
               Assignment.comment, Assignment.reviewer_id)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(in_scope)).all()
    values = connection.execute(
        select(Score.assignment_id, Score.criterion, Score.value)
        .join(Assignment, Assignment.id == Score.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(in_scope, Assignment.sheet_status == "submitted")).all()
    settled = connection.execute(
        select(Application.application_no, Reviewer.reviewer_no, OutlierResolution.note)
        .join(Application, Application.id == OutlierResolution.application_id)
        .join(Reviewer, Reviewer.id == OutlierResolution.reviewer_id)
        .where(in_scope)).all()

    number_of = {app_id: app_no for app_id, app_no, *_ in apps}
    staffed = {app_id for _, app_id, *_ in sheets_q}
    clashes = conflict_map(session, {row[5] for row in sheets_q}, staffed) if sheets_q else {}
    info = {app_no: AppInfo(app_no, solution, company, ubn, category, price, status, outcome)
            for app_id, app_no, solution, company, ubn, category, price, status, outcome in apps
            if status == BEFORE_COMMITTEE or app_id in staffed}

    by_sheet: dict[int, dict[str, float]] = {}
    for assignment_id, criterion, value in values:
        by_sheet.setdefault(assignment_id, {})[criterion] = value
    assigned: dict[str, set[str]] = {app_no: set() for app_no in info}
    totals: dict[str, dict[str, float]] = {}
    sheets: dict[str, dict[str, dict[str, float]]] = {}
    comments: dict[tuple[str, str], str] = {}
    reviewers: set[str] = set()
    conflicted: dict[tuple[str, str], ConflictReason] = {}
    for assignment_id, app_id, reviewer_no, status, comment, reviewer_id in sheets_q:
        app_no = number_of[app_id]
        clash = clashes.get((reviewer_id, app_id))
        if clash is not None:
            conflicted[(app_no, reviewer_no)] = clash
            continue
        assigned[app_no].add(reviewer_no)
        reviewers.add(reviewer_no)
        if status != "submitted":
            continue
        scores = by_sheet.get(assignment_id, {})
        total = rubric.total(scores)
        if total is None:  # submitted under another rubric, since changed: not a whole sheet now
            continue
        totals.setdefault(app_no, {})[reviewer_no] = total
        sheets.setdefault(app_no, {})[reviewer_no] = scores
        if comment:
            comments[(app_no, reviewer_no)] = comment

    rows = tally(totals, assigned, rubric.pass_line, rubric.outlier_threshold, method)
    resolutions = {(app_no, reviewer_no): note for app_no, reviewer_no, note in settled if app_no in info}
    return BatchTally(batch, rubric, method, rows, info, sorted(reviewers), sheets, comments, resolutions,
                      dict(sorted(conflicted.items())))


def submitted_totals(session: Session, application: Application, rubric: Rubric) -> dict[str, float]:
    """reviewer_no → total of each submitted sheet of one application (for one decision,
    without tallying the whole batch); as in the tally, a conflicted member's sheet is
    left out."""
    found: dict[tuple[str, int], dict[str, float]] = {}  # (reviewer_no, reviewer id) → scores
    for reviewer_no, reviewer_id, criterion, value in session.connection().execute(
            select(Reviewer.reviewer_no, Assignment.reviewer_id, Score.criterion, Score.value)
            .join(Assignment, Assignment.id == Score.assignment_id)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .where(Assignment.application_id == application.id, Assignment.sheet_status == "submitted")):
        found.setdefault((reviewer_no, reviewer_id), {})[criterion] = value
    members = {reviewer_id for _, reviewer_id in found}
    barred = conflict_map(session, members, [application.id]) if members else {}
    totals = {}
    for (reviewer_no, reviewer_id), scores in found.items():
        total = rubric.total(scores)
        if total is not None and (reviewer_id, application.id) not in barred:
            totals[reviewer_no] = total
    return totals
