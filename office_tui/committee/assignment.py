"""分派審查委員 — which members review which applications (docs/rules/committee.md).

By hand (:func:`assign`, :func:`unassign`) or for a whole batch (:func:`auto_assign`):
K members per application (default 5), no member above a load cap (default the fair
share, ⌈seats / active members⌉), loads balanced, expertise matched to the category
where possible, never a conflict of interest. Only applications in status ``eligible``
go before the committee.

The automatic plan is made by :func:`office_tui.committee.assignment_plan.plan_assignments`
on plain data (no database), a min-cost maximum flow, so it is the best plan there is, in this order: the most
assignments the conflicts and the cap allow (never one fewer than possible); then the
shortage, if any, spread over the applications (with 10 seats for three applications
of K = 5: 4, 3 and 3 members, not 5, 5 and 0); then loads balanced (max load − min load
≤ 1 unless conflicts or earlier loads forbid it); then as many members as possible whose
expertise names the category. The same data always gives the same plan, whatever the
order it comes in; where plans are equally good the search takes lower application and
member numbers first (the earlier applications fill, the lower-numbered members take
the extra sheet). Assignments already made count towards K and the loads, so running
it again only tops up; a sheet whose member has since been found in conflict still
counts in the member's load but not towards K. An application left short says why,
exactly: every active member not on it is either in conflict with it or at the load cap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from models import Application, Assignment, Batch, OutlierResolution, Provider, Reviewer, Score
from office_tui.committee.assignment_plan import (DEFAULT_K, PlanApplication, PlanMember, default_cap,
                                                  plan_assignments)
from office_tui.committee.conflicts import ConflictReason, conflict_map
from office_tui.committee.roster import find_reviewer
from office_tui.core import audit
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.actor import Actor
from office_tui.core.auth import require_staff
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.intake.applications import find_application

BEFORE_COMMITTEE = "eligible"


# -- the database --------------------------------------------------------------------


@dataclass
class AssignmentPlan:
    """What :func:`auto_assign` did."""

    batch_no: int
    k: int
    cap: int
    created: list[tuple[str, str]]  # (application_no, reviewer_no)
    unstaffed: list[tuple[str, int, str]]  # (application_no, staffed_count, reason text)
    loads: dict[str, int]  # reviewer_no → sheets in the batch after the plan

    def to_json(self) -> dict:
        return {"batch": self.batch_no, "k": self.k, "cap": self.cap,
                "created": [{"application_no": a, "reviewer_no": r} for a, r in self.created],
                "unstaffed": [{"application_no": a, "staffed": n, "reason": why} for a, n, why in self.unstaffed],
                "loads": dict(self.loads)}


@dataclass(frozen=True)
class AssignmentRow:
    application_no: str
    solution_name: str
    company: str
    category: str
    reviewer_no: str
    reviewer_name: str
    sheet_status: str
    ubn: str = ""
    batch_no: int | None = None

    def to_json(self) -> dict:
        return dict(self.__dict__)


def find_batch(session: Session, batch_no: int) -> Batch:
    batch = session.exec(select(Batch).where(Batch.number == batch_no)).first()
    if batch is None:
        raise OfficeError("assign.no_such_batch", batch=batch_no)
    return batch


def assign(session: Session, actor: Actor | None, application_no: str, reviewer_no: str) -> Assignment:
    """Put the member on the application (idempotent: an existing assignment is returned).
    Refused for a conflict (with its reason), an application not before the committee,
    or an inactive member."""
    require_staff(actor)
    app = find_application(session, application_no)
    reviewer = find_reviewer(session, reviewer_no)
    reason = conflict_map(session, [reviewer.id], [app.id]).get((reviewer.id, app.id))
    if reason is not None:
        raise reason.error(reviewer.reviewer_no, app.application_no)
    existing = session.exec(select(Assignment).where(Assignment.application_id == app.id,
                                                     Assignment.reviewer_id == reviewer.id)).first()
    if existing is not None:
        return existing
    if app.status != BEFORE_COMMITTEE:
        raise OfficeError("assign.not_eligible", application=app.application_no, status=t(f"status.{app.status}"))
    if not reviewer.active:
        raise OfficeError("assign.inactive", reviewer=reviewer.reviewer_no)
    assignment = Assignment(application_id=app.id, reviewer_id=reviewer.id,
                            assigned_by=actor.user_id if actor else None)
    session.add(assignment)
    session.flush()
    return assignment


def unassign(session: Session, actor: Actor | None, application_no: str, reviewer_no: str) -> None:
    """Take the member off the application, unless the sheet has scores or was submitted."""
    require_staff(actor)
    app = find_application(session, application_no)
    reviewer = find_reviewer(session, reviewer_no)
    assignment = session.exec(select(Assignment).where(Assignment.application_id == app.id,
                                                       Assignment.reviewer_id == reviewer.id)).first()
    if assignment is None:
        raise OfficeError("assign.not_assigned", application=app.application_no, reviewer=reviewer.reviewer_no)
    scored = session.exec(select(func.count()).select_from(Score)
                          .where(Score.assignment_id == assignment.id)).one()
    if scored or assignment.sheet_status == "submitted":
        raise OfficeError("assign.has_scores", application=app.application_no, reviewer=reviewer.reviewer_no)
    session.delete(assignment)
    session.flush()


@dataclass(frozen=True)
class _BatchPlanData:
    apps: list  # (id, application_no, category) of the batch's applications before the committee
    members: list[Reviewer]
    plan_applications: list[PlanApplication]
    plan_members: list[PlanMember]


def _plan_data(session: Session, batch: Batch) -> _BatchPlanData:
    """What the automatic plan is made from: the batch's eligible applications with the
    members on them and those conflicted with them, every member with their load."""
    apps = session.exec(select(Application.id, Application.application_no, Application.category)
                        .where(Application.batch_id == batch.id, Application.status == BEFORE_COMMITTEE)
                        .order_by(Application.application_no)).all()
    members = session.exec(select(Reviewer).order_by(Reviewer.reviewer_no)).all()
    number_of = {m.id: m.reviewer_no for m in members}
    app_ids = [a.id for a in apps]
    on: dict[int, set[str]] = {a.id: set() for a in apps}
    loads = {m.reviewer_no: 0 for m in members}
    for app_id, reviewer_id in session.exec(select(Assignment.application_id, Assignment.reviewer_id)
                                            .where(Assignment.application_id.in_(app_ids))).all():
        on[app_id].add(number_of[reviewer_id])
        loads[number_of[reviewer_id]] += 1
    conflicted: dict[int, set[str]] = {}
    for (reviewer_id, app_id) in conflict_map(session, list(number_of), app_ids):
        conflicted.setdefault(app_id, set()).add(number_of[reviewer_id])
    return _BatchPlanData(
        apps, members,
        [PlanApplication(a.application_no, a.category, frozenset(on[a.id]), frozenset(conflicted.get(a.id, ())))
         for a in apps],
        [PlanMember(m.reviewer_no, m.expertise, loads[m.reviewer_no], m.active) for m in members])


@dataclass(frozen=True)
class LoadCap:
    """A batch's load cap as automatic assignment sets it by default, and each member's
    load in the batch (sheets on its applications before the committee)."""

    batch_no: int
    cap: int
    loads: dict[str, int]  # reviewer_no → sheets


def load_cap(session: Session, batch: Batch, k: int = DEFAULT_K) -> LoadCap:
    """The default load cap of :func:`auto_assign` for ``batch`` (the fair share,
    :func:`office_tui.committee.assignment_plan.default_cap`) and the members' loads: what
    an assignment made another way (paper sheets) is held to."""
    data = _plan_data(session, batch)
    return LoadCap(batch.number, default_cap(data.plan_applications, data.plan_members, k),
                   {m.reviewer_no: m.load for m in data.plan_members})


def auto_assign(session: Session, actor: Actor | None, batch_no: int, k: int = DEFAULT_K,
                cap: int | None = None) -> AssignmentPlan:
    """Staff every eligible application of the batch with ``k`` members (see the module)."""
    require_staff(actor)
    batch = find_batch(session, batch_no)
    data = _plan_data(session, batch)
    plan = plan_assignments(data.plan_applications, data.plan_members, k, cap)
    app_id_of = {a.application_no: a.id for a in data.apps}
    reviewer_id_of = {m.reviewer_no: m.id for m in data.members}
    session.add_all(Assignment(application_id=app_id_of[a], reviewer_id=reviewer_id_of[r],
                               assigned_by=actor.user_id if actor else None) for a, r in plan.created)
    session.flush()
    return AssignmentPlan(batch_no, k, plan.cap, plan.created,
                          [(s.application_no, s.staffed, s.reason()) for s in plan.shortfalls], plan.loads)


def assignment_rows(session: Session, batch_no: int | None = None,
                    application_nos: Iterable[str] | None = None) -> list[AssignmentRow]:
    """The assignment table, by application then reviewer number."""
    query = (select(Application.application_no, Application.solution_name, Provider.name, Application.category,
                    Reviewer.reviewer_no, Reviewer.name, Assignment.sheet_status, Provider.ubn, Batch.number)
             .join(Application, Application.id == Assignment.application_id)
             .join(Provider, Provider.id == Application.provider_id)
             .join(Batch, Batch.id == Application.batch_id)
             .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
             .order_by(Application.application_no, Reviewer.reviewer_no))
    if batch_no is not None:
        query = query.where(Batch.number == batch_no)
    if application_nos is not None:
        query = query.where(Application.application_no.in_([normalise_application_no(n) for n in application_nos]))
    return [AssignmentRow(*row) for row in session.exec(query).all()]


# -- taking a conflicted member off an application -----------------------------------


@dataclass(frozen=True)
class RemovedAssignment:
    """What :func:`remove_conflicted_assignment` deleted."""

    application_no: str
    reviewer_no: str
    sheet_status: str  # the sheet's state when it was removed
    scores: int  # score rows deleted with it
    reason: str  # the conflict, in the interface language

    def describe(self) -> str:
        """What was deleted and why, in the interface language."""
        return t("assign.removed_conflicted", application=self.application_no, reviewer=self.reviewer_no,
                 status=t(f"sheet.status_{self.sheet_status}"), n=self.scores, why=self.reason)


def pair_conflict(session: Session, application_no: str, reviewer_no: str
                  ) -> tuple[Application, Reviewer, ConflictReason | None]:
    """The application, the member and the reason they must not meet (None if they may)."""
    app = find_application(session, application_no)
    reviewer = find_reviewer(session, reviewer_no)
    return app, reviewer, conflict_map(session, [reviewer.id], [app.id]).get((reviewer.id, app.id))


def remove_conflicted_assignment(session: Session, actor: Actor | None, application_no: str,
                                 reviewer_no: str) -> RemovedAssignment | None:
    """Take a member off an application they must not review, whatever state the sheet
    is in: a conflicted member's sheet never counts (office_tui.committee.batch_tally leaves it out),
    so its scores, submitted or not, are deleted with it, and so is any outlier
    resolution of the pair. Each deleted row is audited, with the conflict as the reason.
    Returns None, changing nothing, when the pair is not conflicted: then an assignment
    with scores stays (office_tui.committee.assignment.unassign refuses it)."""
    require_staff(actor)
    app, reviewer, conflict = pair_conflict(session, application_no, reviewer_no)
    if conflict is None:
        return None
    assignment = session.exec(select(Assignment).where(Assignment.application_id == app.id,
                                                       Assignment.reviewer_id == reviewer.id)).first()
    if assignment is None:
        raise OfficeError("assign.not_assigned", application=app.application_no, reviewer=reviewer.reviewer_no)
    why = conflict.describe(reviewer.reviewer_no, app.application_no)
    with audit.reason_for(session, t("assign.conflict_removal_reason", application=app.application_no,
                                     reviewer=reviewer.reviewer_no, why=why)):
        scores = session.exec(select(Score).where(Score.assignment_id == assignment.id)).all()
        for score in scores:
            session.delete(score)
        for resolution in session.exec(select(OutlierResolution).where(
                OutlierResolution.application_id == app.id, OutlierResolution.reviewer_id == reviewer.id)).all():
            session.delete(resolution)
        session.flush()
        status = assignment.sheet_status
        session.delete(assignment)
        session.flush()
    return RemovedAssignment(app.application_no, reviewer.reviewer_no, status, len(scores), why)


def remove_assignment(session: Session, actor: Actor | None, application_no: str,
                      reviewer_no: str) -> RemovedAssignment | None:
    """Take the member off the application: a conflicted pair always
    (:func:`remove_conflicted_assignment`, which says what it deleted), any other pair only
    while its sheet is untouched (office_tui.committee.assignment.unassign; returns None)."""
    removed = remove_conflicted_assignment(session, actor, application_no, reviewer_no)
    if removed is None:
        unassign(session, actor, application_no, reviewer_no)
    return removed
