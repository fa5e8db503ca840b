"""分派審查委員 — which members review which applications (DOMAIN.md A3, issue 5).

By hand (:func:`assign`, :func:`unassign`) or for a whole batch (:func:`auto_assign`):
K members per application (default 5), no member above a load cap (default the fair
share, ⌈seats / active members⌉), loads balanced, expertise matched to the category
where possible, never a conflict of interest. Only applications in status ``eligible``
go before the committee.

The automatic plan is made by :func:`plan_assignments` on plain data (no database), a
greedy pass: the applications with the fewest members who could review them go first;
each takes the members with the lowest load, then those whose expertise names its
category, then by reviewer number (so the same data always gives the same plan).
Picking the least-loaded members every time keeps max load − min load ≤ 1 when
nothing else constrains. Assignments already made count towards K and the loads, so
running it again only tops up.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from models import Application, Assignment, Batch, Provider, Reviewer, Score
from office_tui.actor import Actor
from office_tui.conflicts import conflict_map
from office_tui.errors import OfficeError
from office_tui.i18n import catalogue, t
from office_tui.programme import CATEGORIES
from office_tui.reviewers import find_reviewer, require_staff

DEFAULT_K = 5
BEFORE_COMMITTEE = "eligible"


# -- expertise -----------------------------------------------------------------------

_WORDS = re.compile(r"[、,，;；/()（）\s]+")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def category_words(code: str) -> set[str]:
    """What names a category in a member's expertise: its code, its Chinese programme
    label and the parts of it (「雲端收銀(POS)」 → 雲端收銀, pos), its English label."""
    zh = catalogue("zh_TW").get(f"category.{code}", code)
    en = catalogue("en").get(f"category.{code}", code)
    words = {_norm(code), _norm(zh), _norm(en)}
    words |= {w for w in (_norm(part) for part in _WORDS.split(zh)) if len(w) >= 2}
    return words - {""}


def expertise_matches(expertise: str, category: str) -> bool:
    """Does the member's 專長 mention the application's category (code or label)?"""
    text = _norm(expertise)
    if not text or category not in CATEGORIES:
        return False
    items = {w for w in (_norm(part) for part in re.split(r"[、,，;；]+", text)) if w}
    words = category_words(category)
    zh = _norm(catalogue("zh_TW").get(f"category.{category}", ""))
    return bool(items & words) or (bool(zh) and zh in text)


# -- the plan, on plain data ---------------------------------------------------------


@dataclass(frozen=True)
class PlanApplication:
    application_no: str
    category: str
    assigned: frozenset[str] = frozenset()  # reviewer numbers already on it
    conflicted: frozenset[str] = frozenset()  # reviewer numbers that must not review it


@dataclass(frozen=True)
class PlanMember:
    reviewer_no: str
    expertise: str = ""
    load: int = 0  # sheets already assigned in the batch
    active: bool = True


@dataclass(frozen=True)
class Shortfall:
    """An application the plan could not fully staff, and the facts that explain it."""

    application_no: str
    staffed: int  # members on it after the plan
    k: int
    active: int  # active members in all
    conflicted: tuple[str, ...]  # active members who must not review it
    at_cap: int  # members free of conflict, not on it, but at the load cap
    cap: int

    def reason(self) -> str:
        """Why, in the interface language."""
        parts = []
        if self.active < self.k:
            parts.append(t("assign.why_too_few", active=self.active, k=self.k))
        if self.conflicted:
            parts.append(t("assign.why_conflicts", n=len(self.conflicted), members="、".join(self.conflicted)))
        if self.at_cap:
            parts.append(t("assign.why_cap", n=self.at_cap, cap=self.cap))
        if not parts:
            parts.append(t("assign.why_no_members"))
        return t("assign.shortfall", staffed=self.staffed, k=self.k, why="；".join(parts))


@dataclass
class Plan:
    created: list[tuple[str, str]] = field(default_factory=list)  # (application_no, reviewer_no)
    shortfalls: list[Shortfall] = field(default_factory=list)
    loads: dict[str, int] = field(default_factory=dict)  # reviewer_no → load after the plan
    cap: int = 0


def default_cap(applications: Sequence[PlanApplication], members: Sequence[PlanMember], k: int) -> int:
    """The fair share: ⌈seats / active members⌉ (a seat: one member on one application)."""
    active = sum(1 for m in members if m.active)
    seats = sum(max(k, len(a.assigned)) for a in applications)
    return max(1, math.ceil(seats / active)) if active else 0


def plan_assignments(applications: Sequence[PlanApplication], members: Sequence[PlanMember],
                     k: int = DEFAULT_K, cap: int | None = None) -> Plan:
    """Top every application up to ``k`` members, no member above ``cap`` sheets."""
    if k < 1:
        raise OfficeError("assign.bad_k", k=k)
    if cap is not None and cap < 1:
        raise OfficeError("assign.bad_cap", cap=cap)
    cap = default_cap(applications, members, k) if cap is None else cap
    loads = {m.reviewer_no: m.load for m in members}
    active = sorted((m for m in members if m.active), key=lambda m: m.reviewer_no)
    plan = Plan(loads=loads, cap=cap)

    def free(app: PlanApplication) -> list[PlanMember]:
        return [m for m in active if m.reviewer_no not in app.conflicted and m.reviewer_no not in app.assigned]

    # Hardest to staff first: fewest members who could take it at all.
    order = sorted(applications, key=lambda a: (len(free(a)), a.application_no))
    for app in order:
        on = set(app.assigned)
        candidates = free(app)
        need = k - len(on)
        if need > 0:
            open_ = [m for m in candidates if loads[m.reviewer_no] < cap]
            open_.sort(key=lambda m: (loads[m.reviewer_no], not expertise_matches(m.expertise, app.category),
                                      m.reviewer_no))
            for member in open_[:need]:
                loads[member.reviewer_no] += 1
                on.add(member.reviewer_no)
                plan.created.append((app.application_no, member.reviewer_no))
        if len(on) < k:
            conflicted = tuple(m.reviewer_no for m in active if m.reviewer_no in app.conflicted)
            at_cap = sum(1 for m in candidates if m.reviewer_no not in on and loads[m.reviewer_no] >= cap)
            plan.shortfalls.append(Shortfall(app.application_no, len(on), k, len(active), conflicted, at_cap, cap))
    plan.created.sort()
    plan.shortfalls.sort(key=lambda s: s.application_no)
    return plan


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


def _application(session: Session, application_no: str) -> Application:
    number = (application_no or "").strip()
    app = session.exec(select(Application).where(Application.application_no == number)).first()
    if app is None:
        raise OfficeError("assign.no_such_application", application=number)
    return app


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
    app = _application(session, application_no)
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
    app = _application(session, application_no)
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


def auto_assign(session: Session, actor: Actor | None, batch_no: int, k: int = DEFAULT_K,
                cap: int | None = None) -> AssignmentPlan:
    """Staff every eligible application of the batch with ``k`` members (see the module)."""
    require_staff(actor)
    batch = find_batch(session, batch_no)
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
    plan = plan_assignments(
        [PlanApplication(a.application_no, a.category, frozenset(on[a.id]), frozenset(conflicted.get(a.id, ())))
         for a in apps],
        [PlanMember(m.reviewer_no, m.expertise, loads[m.reviewer_no], m.active) for m in members], k, cap)
    app_id_of = {a.application_no: a.id for a in apps}
    reviewer_id_of = {m.reviewer_no: m.id for m in members}
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
        query = query.where(Application.application_no.in_(list(application_nos)))
    return [AssignmentRow(*row) for row in session.exec(query).all()]
