"""核定 — settling outlying scores and recording the ministry's decisions
(docs/rules/committee.md).

An outlying score (a member more than the rubric's threshold from the mean of the others)
must be discussed by the committee and the outcome recorded before the application can
be decided. A decision moves the application through the one state machine
(office_tui.intake.status): approve → approved and at once listed (上架), reject → rejected,
waitlist → waitlisted (a waitlisted application may later be approved or rejected). Only a
decision makes those moves: the machine takes them only with the Decision row, which keeps
the date, the ministry's document number (文號) and the application's rank and score in the
tally it was decided from. The date is one that has come (not after today, Taipei) and
not before the application was submitted. An application some of whose assigned members
have not submitted their sheet is decided only with the reason staff give for deciding
on what there is (``incomplete_reason``), kept on the decision and in the audit log.

Both functions work in the caller's session (a :func:`office_tui.core.db.write_session`, so
every change is audited). In a bulk decision each application is tried in its own
savepoint: one refused, with its reason, stops no other — as status.set_status does with
one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import Application, Batch, Decision, OutlierResolution, Reviewer
from office_tui.core import audit
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.actor import Actor
from models.clock import OFFICE_TZ, now_utc
from office_tui.committee.batch_tally import BatchTally, batch_tally, submitted_totals
from office_tui.core.dates import check_happened, format_date
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.committee.roster import reviewer_no_matches
from office_tui.committee.rubric import rubric_for
from office_tui.intake.status import StatusError, check_move, move
from office_tui.committee.tally import outliers

OUTCOMES = {"approve": "approved", "reject": "rejected", "waitlist": "waitlisted"}
NEEDS_DOC_NO = ("approve", "reject")
# An outlier may be settled while the application can still be decided.
OPEN_TO_DECISION = ("eligible", "waitlisted")


class DecisionError(OfficeError):
    """A decision or an outlier resolution refused, with the reason."""


@dataclass
class DecisionResult:
    """What became of one application of a (bulk) decision."""

    application_no: str
    outcome: str  # approve / reject / waitlist
    decided: bool
    old: str | None = None  # status before
    new: str | None = None  # status after (approved applications end up listed)
    rank: int | None = None
    score: float | None = None
    refusal: OfficeError | None = None
    warnings: list[str] = field(default_factory=list)  # i18n keys
    sheets_submitted: int | None = None
    sheets_assigned: int | None = None
    incomplete_reason: str = ""  # kept when it was decided with sheets missing

    def to_json(self) -> dict:
        from office_tui.core.errors import describe

        return {"application_no": self.application_no, "outcome": self.outcome, "decided": self.decided,
                "old": self.old, "new": self.new, "rank": self.rank,
                "score": None if self.score is None else round(self.score, 2),
                "sheets_submitted": self.sheets_submitted, "sheets_assigned": self.sheets_assigned,
                "incomplete_reason": self.incomplete_reason or None,
                "refusal": None if self.refusal is None else describe(self.refusal),
                "warnings": [t(w) for w in self.warnings]}


def _staff_only(actor: Actor, key: str) -> None:
    if actor.role not in ("staff", "admin"):
        raise DecisionError(key)


def _application(session: Session, application_no: str) -> Application:
    application_no = normalise_application_no(application_no)
    found = session.scalars(select(Application).where(Application.application_no == application_no)).first()
    if found is None:
        raise DecisionError("decide.no_such_application", application_no=application_no)
    return found


def resolve_outlier(session: Session, actor: Actor, application_no: str, reviewer_no: str,
                    note: str) -> OutlierResolution:
    """Record how the committee settled member ``reviewer_no``'s outlying score for
    ``application_no``. Only a current outlier of an application still open to decision;
    resolving again replaces the note (the audit log keeps the old one)."""
    _staff_only(actor, "outlier.staff_only")
    note = (note or "").strip()
    if not note:
        raise DecisionError("outlier.note_required")
    application = _application(session, application_no)
    reviewer = session.scalars(select(Reviewer).where(reviewer_no_matches(reviewer_no))).first()
    if reviewer is None:
        raise DecisionError("outlier.no_such_reviewer", reviewer=(reviewer_no or "").strip())
    reviewer_no = reviewer.reviewer_no  # as stored: r3 and Ｒ３ name member R3
    if application.status not in OPEN_TO_DECISION:
        raise DecisionError("outlier.not_open", application=application_no, status=t(f"status.{application.status}"))
    rubric = rubric_for(session.get(Batch, application.batch_id))
    totals = submitted_totals(session, application, rubric)
    if reviewer_no not in outliers(totals, rubric.outlier_threshold):
        raise DecisionError("outlier.not_an_outlier", application=application_no, reviewer=reviewer_no,
                            threshold=f"{rubric.outlier_threshold:g}")
    resolution = session.scalars(select(OutlierResolution).where(
        OutlierResolution.application_id == application.id, OutlierResolution.reviewer_id == reviewer.id)).first()
    if resolution is None:
        resolution = OutlierResolution(application_id=application.id, reviewer_id=reviewer.id, note=note)
    resolution.note = note
    resolution.resolved_by = actor.user_id
    resolution.resolved_at = now_utc()
    session.add(resolution)
    session.flush()
    return resolution


def decide(session: Session, actor: Actor, application_nos: list[str], outcome: str, decided_on: date,
           doc_no: str, method: str = "mean", incomplete_reason: str = "") -> list[DecisionResult]:
    """Decide each application (approve | reject | waitlist) on ``decided_on`` under the
    ministry's document ``doc_no`` (required to approve or reject). Refused as a whole: a
    date after today. Refused, each with the reason: an application not open to that
    decision (the state machine says why), a date before it was submitted, one with no
    submitted sheet, one with an unresolved outlier, one with sheets still missing unless
    ``incomplete_reason`` says why it is decided on what there is. Rank and score are
    taken from the batch's tally by ``method``."""
    _staff_only(actor, "decide.staff_only")
    if outcome not in OUTCOMES:
        raise DecisionError("decide.bad_outcome", outcome=outcome, outcomes=", ".join(OUTCOMES))
    doc_no = (doc_no or "").strip()
    if outcome in NEEDS_DOC_NO and not doc_no:
        raise DecisionError("decide.doc_no_required")
    if decided_on is None:
        raise DecisionError("decide.date_required")
    check_happened(decided_on, "event.decided")
    incomplete_reason = (incomplete_reason or "").strip()
    tallies: dict[int, BatchTally] = {}
    results = []
    for application_no in dict.fromkeys(application_nos):
        result = DecisionResult(application_no, outcome, decided=False)
        savepoint = session.begin_nested()
        try:
            _decide_one(session, actor, result, tallies, decided_on, doc_no, method, incomplete_reason)
            savepoint.commit()
        except (DecisionError, StatusError) as refusal:
            savepoint.rollback()
            result.refusal, result.decided, result.new = refusal, False, None
        results.append(result)
    return results


def _decide_one(session: Session, actor: Actor, result: DecisionResult, tallies: dict[int, BatchTally],
                decided_on: date, doc_no: str, method: str, incomplete_reason: str) -> None:
    application = _application(session, result.application_no)
    result.old = application.status
    new = OUTCOMES[result.outcome]
    # Refuse early, before any tally, what the state machine would refuse of this decision.
    check_move(application, new, actor, Decision(application_id=application.id, outcome=new, decided_on=decided_on))
    submitted_on = application.submitted_at.astimezone(OFFICE_TZ).date()
    if decided_on < submitted_on:
        raise DecisionError("decide.before_submission", application=application.application_no,
                            date=format_date(decided_on), submitted=format_date(submitted_on))
    if application.batch_id not in tallies:
        number = session.get(Batch, application.batch_id).number
        tallies[application.batch_id] = batch_tally(session, number, method)
    board = tallies[application.batch_id]
    row = board.row(application.application_no)
    if row is None or row.mean is None:
        raise DecisionError("decide.no_sheets", application=application.application_no)
    result.sheets_submitted, result.sheets_assigned = row.submitted, row.assigned
    if row.missing and not incomplete_reason:
        raise DecisionError("decide.sheets_missing", application=application.application_no,
                            submitted=row.submitted, assigned=row.assigned, members="、".join(row.missing))
    unresolved = board.unresolved(application.application_no)
    if unresolved:
        raise DecisionError("decide.unresolved_outliers", application=application.application_no,
                            reviewers="、".join(unresolved))
    result.rank, result.score = row.rank, board.score(row)
    result.incomplete_reason = incomplete_reason if row.missing else ""
    if new == "approved" and not row.passed:
        result.warnings.append("decide.warn_below_pass_line")
    if new == "rejected" and row.passed:
        result.warnings.append("decide.warn_rejected_above_pass_line")
    reason = t("decision.reason", outcome=t(f"decision.outcome_{new}"), date=format_date(decided_on),
               doc_no=doc_no or "-")
    if result.incomplete_reason:
        reason += t("decision.reason_incomplete", submitted=row.submitted, assigned=row.assigned,
                    why=result.incomplete_reason)
    # The decision's own words are the audit reason of what it writes: the decision row
    # and the application's moves.
    with audit.reason_for(session, reason):
        decision = session.scalars(select(Decision).where(Decision.application_id == application.id)).first()
        if decision is None:
            decision = Decision(application_id=application.id, outcome=new, decided_on=decided_on)
        decision.outcome, decision.decided_on, decision.doc_no = new, decided_on, doc_no
        decision.rank, decision.score, decision.decided_by = row.rank, result.score, actor.user_id
        decision.incomplete_reason = result.incomplete_reason
        session.add(decision)
        session.flush()
        result.warnings.extend(move(session, application, new, actor, reason, decision=decision))
        if new == "approved":
            move(session, application, "listed", actor, reason)
        session.flush()
    result.new = application.status
    result.decided = True
