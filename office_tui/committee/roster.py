"""審查委員名冊與利益迴避 — the committee's members and their conflicts of interest
(docs/rules/committee.md).

A member's conflicts are the UBNs they declared (``Conflict`` rows: from the reviewers
import, or added here by staff) plus those office_tui.committee.conflicts finds from the member's
affiliation (服務單位) whenever asked. Functions that write take a session opened with
:func:`office_tui.core.db.write_session` (which audits them) and the actor doing the work.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from models import Application, Assignment, Conflict, Provider, Reviewer
from office_tui.core.identifiers import normalise_member_no
from office_tui.core.actor import Actor
from office_tui.core.auth import require_staff
from office_tui.committee.conflicts import conflict_map
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.core.ubn import is_valid_ubn, normalize_ubn

NOTE_MAX = 200


@dataclass(frozen=True)
class RosterRow:
    """One member as the roster shows them."""

    reviewer_no: str
    name: str
    affiliation: str
    email: str
    expertise: str
    active: bool
    conflict_count: int  # distinct UBNs: declared plus found from the affiliation
    assigned: int  # score sheets assigned (any state)
    submitted: int  # of which submitted

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ConflictLine:
    """One UBN a member must not review, and why."""

    ubn: str
    company: str  # the provider's name when the UBN is registered, else ""
    source: str  # "declared", or "affiliation" (found from 服務單位, or stored so)
    note: str
    applications: tuple[str, ...]  # application numbers it keeps the member from
    reason: str  # in the interface language

    def to_json(self) -> dict:
        return {"ubn": self.ubn, "company": self.company, "source": self.source, "note": self.note,
                "applications": list(self.applications), "reason": self.reason}


def normalise_reviewer_no(value: object) -> str:
    """A member number as the office stores it: NFKC (full-width 「Ｒ０１」 → R01),
    without surrounding spaces, upper-cased (r01 → R01). The one rule for every number
    that comes in: typed in the shell or a screen, or read from an import
    (office_tui.core.identifiers)."""
    return normalise_member_no(value)


def reviewer_no_matches(reviewer_no: str):
    """A WHERE clause finding the member ``reviewer_no`` (normalised) names. Stored
    numbers are compared upper-cased too, should one ever have been stored otherwise."""
    return func.upper(Reviewer.reviewer_no) == normalise_reviewer_no(reviewer_no)


def find_reviewer(session: Session, reviewer_no: str) -> Reviewer:
    reviewer = session.exec(select(Reviewer).where(reviewer_no_matches(reviewer_no))).first()
    if reviewer is None:
        raise OfficeError("reviewer.not_found", reviewer=(reviewer_no or "").strip())
    return reviewer


def parse_conflict_ubn(value: str) -> str:
    """The 8 digits of a UBN to declare, checked with the rule in force."""
    try:
        ubn = normalize_ubn(value or "")
    except ValueError:
        raise OfficeError("conflict.bad_ubn_format", value=value) from None
    if not is_valid_ubn(ubn):
        raise OfficeError("conflict.bad_ubn_checksum", ubn=ubn)
    return ubn


def roster(session: Session) -> list[RosterRow]:
    """Every member in reviewer-number order, with conflict and sheet counts."""
    members = session.exec(select(Reviewer).order_by(Reviewer.reviewer_no)).all()
    ubns: dict[int, set[str]] = {}
    for reviewer_id, ubn in session.exec(select(Conflict.reviewer_id, Conflict.ubn)).all():
        ubns.setdefault(reviewer_id, set()).add(ubn)
    for (reviewer_id, _app_id), reason in conflict_map(session).items():
        ubns.setdefault(reviewer_id, set()).add(reason.ubn)
    assigned = Counter(dict(session.exec(
        select(Assignment.reviewer_id, func.count()).group_by(Assignment.reviewer_id)).all()))
    submitted = Counter(dict(session.exec(
        select(Assignment.reviewer_id, func.count()).where(Assignment.sheet_status == "submitted")
        .group_by(Assignment.reviewer_id)).all()))
    return [RosterRow(m.reviewer_no, m.name, m.affiliation, m.email, m.expertise, m.active,
                      len(ubns.get(m.id, ())), assigned[m.id], submitted[m.id]) for m in members]


def _companies(session: Session, ubns) -> dict[str, tuple[str, list[str]]]:
    """UBN → (provider name, its application numbers) for the registered ones."""
    rows = session.exec(select(Provider.ubn, Provider.name, Application.application_no)
                        .join(Application, Application.provider_id == Provider.id, isouter=True)
                        .where(Provider.ubn.in_(list(ubns))).order_by(Application.application_no)).all()
    found: dict[str, tuple[str, list[str]]] = {}
    for ubn, name, number in rows:
        entry = found.setdefault(ubn, (name, []))
        if number:
            entry[1].append(number)
    return found


def conflicts_of(session: Session, reviewer_no: str) -> list[ConflictLine]:
    """The member's conflicts: declared ones first (by UBN), then those found from the
    affiliation that nothing declared."""
    reviewer = find_reviewer(session, reviewer_no)
    declared = session.exec(select(Conflict).where(Conflict.reviewer_id == reviewer.id)
                            .order_by(Conflict.ubn)).all()
    detected = {reason.ubn: reason for (_rid, _aid), reason in conflict_map(session, [reviewer.id]).items()
                if reason.source == "affiliation"}
    companies = _companies(session, {c.ubn for c in declared} | set(detected))
    lines = []
    for conflict in declared:
        company, numbers = companies.get(conflict.ubn, ("", []))
        if conflict.source == "affiliation":  # stored by an older import or the demo
            reason = t("roster.conflict_affiliation", affiliation=reviewer.affiliation, company=company,
                       ubn=conflict.ubn)
        else:
            reason = t("roster.conflict_declared", note=conflict.note or "-")
        lines.append(ConflictLine(conflict.ubn, company, conflict.source, conflict.note, tuple(numbers), reason))
    stored = {c.ubn for c in declared}
    for ubn in sorted(set(detected) - stored):
        company, numbers = companies.get(ubn, (detected[ubn].company, []))
        lines.append(ConflictLine(ubn, company, "affiliation", "", tuple(numbers),
                                  t("roster.conflict_affiliation", affiliation=reviewer.affiliation,
                                    company=company, ubn=ubn)))
    return lines


def add_conflict(session: Session, actor: Actor | None, reviewer_no: str, ubn: str, note: str = "") -> Conflict:
    """Declare that the member must not review ``ubn`` (idempotent; a new note replaces
    the old one). Assignments already made to that company stay, but their sheets no
    longer count (office_tui.committee.batch_tally): :func:`conflict_warnings` names them with the
    command that removes them
    (:func:`office_tui.committee.assignment.remove_conflicted_assignment`)."""
    require_staff(actor)
    reviewer = find_reviewer(session, reviewer_no)
    number = parse_conflict_ubn(ubn)
    note = (note or "").strip()[:NOTE_MAX]
    conflict = session.exec(select(Conflict).where(Conflict.reviewer_id == reviewer.id,
                                                   Conflict.ubn == number)).first()
    if conflict is None:
        conflict = Conflict(reviewer_id=reviewer.id, ubn=number, source="declared", note=note)
        session.add(conflict)
    elif note and note != conflict.note:
        conflict.note = note
        session.add(conflict)
    session.flush()
    return conflict


def remove_conflict(session: Session, actor: Actor | None, reviewer_no: str, ubn: str) -> None:
    """Withdraw a declared conflict. One found from the affiliation cannot be withdrawn:
    change the affiliation instead."""
    require_staff(actor)
    reviewer = find_reviewer(session, reviewer_no)
    number = parse_conflict_ubn(ubn)
    conflict = session.exec(select(Conflict).where(Conflict.reviewer_id == reviewer.id,
                                                   Conflict.ubn == number)).first()
    if conflict is None:
        if any(line.ubn == number for line in conflicts_of(session, reviewer.reviewer_no)):
            raise OfficeError("conflict.from_affiliation", reviewer=reviewer.reviewer_no, ubn=number)
        raise OfficeError("conflict.not_declared", reviewer=reviewer.reviewer_no, ubn=number)
    session.delete(conflict)
    session.flush()


def set_active(session: Session, actor: Actor | None, reviewer_no: str, active: bool) -> Reviewer:
    """An inactive member keeps their sheets but gets no new assignments."""
    require_staff(actor)
    reviewer = find_reviewer(session, reviewer_no)
    if reviewer.active != active:
        reviewer.active = active
        session.add(reviewer)
        session.flush()
    return reviewer


def conflicted_assignments(session: Session, reviewer_no: str | None = None,
                           reviewer_ids: list[int] | None = None) -> list[tuple[str, str, str]]:
    """(application_no, reviewer_no, reason) for every assignment that is now a conflict
    (declared or found after the member was assigned), in that order: of the member
    ``reviewer_no``, of the members ``reviewer_ids``, or of everyone."""
    members = reviewer_ids
    if reviewer_no is not None:
        members = [find_reviewer(session, reviewer_no).id]
    if members is not None and not members:
        return []
    pairs = conflict_map(session, members)
    if not pairs:
        return []
    query = (select(Assignment.reviewer_id, Assignment.application_id, Reviewer.reviewer_no,
                    Application.application_no)
             .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
             .join(Application, Application.id == Assignment.application_id))
    if members is not None:
        query = query.where(Assignment.reviewer_id.in_(members))
    found = [(app_no, rev_no, pairs[(rid, aid)].describe(rev_no, app_no))
             for rid, aid, rev_no, app_no in session.exec(query).all() if (rid, aid) in pairs]
    return sorted(found)


def conflict_warnings(session: Session, reviewer_no: str | None = None,
                      reviewer_ids: list[int] | None = None) -> list[str]:
    """One warning, in the interface language, for each assignment that is now a conflict
    of interest (as :func:`conflicted_assignments` selects them): the reason, that the
    sheet no longer counts, and the command that removes the assignment."""
    return [t("roster.already_assigned", application=app_no, reviewer=rev_no, why=why)
            for app_no, rev_no, why in conflicted_assignments(session, reviewer_no, reviewer_ids)]
