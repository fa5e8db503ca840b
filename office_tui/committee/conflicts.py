"""利益迴避 — which committee members must not review which applications
(docs/rules/committee.md).

A member is conflicted with an application when

* they declared the applicant's UBN (a ``Conflict`` row, from the reviewers import or
  typed by staff), or
* their affiliation (服務單位) is the applicant's company: the same name once both are
  normalised (NFKC, no spaces, case-folded), or the affiliation carries the applicant's
  UBN.

The second rule is computed whenever it is asked, never stored, so a provider renamed or
a member who changed employer is never judged on stale data. Every function answers with
the reason, so whatever refuses a pair can say why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from models import Application, Conflict, Provider, Reviewer
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t

_SPACES = re.compile(r"\s+")
_UBN_IN_TEXT = re.compile(r"(?<!\d)\d{8}(?!\d)")


class ConflictError(OfficeError):
    """A member and an application that must not meet (assignment, score, import row)."""


@dataclass(frozen=True)
class ConflictReason:
    source: str  # "declared" or "affiliation"
    ubn: str
    company: str
    note: str = ""

    def describe(self, reviewer_no: str, application_no: str) -> str:
        return t(f"conflict.{self.source}", reviewer=reviewer_no, application=application_no,
                 ubn=self.ubn, company=self.company, note=self.note or "-")

    def error(self, reviewer_no: str, application_no: str) -> ConflictError:
        return ConflictError(f"conflict.{self.source}", reviewer=reviewer_no, application=application_no,
                             ubn=self.ubn, company=self.company, note=self.note or "-")


def normalise_name(text: str) -> str:
    """NFKC, no spaces, case-folded, 台 read as 臺 (both spellings are in everyday use)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).casefold().replace("台", "臺")


def affiliation_matches(affiliation: str, company: str, ubn: str) -> bool:
    """Is a member's 服務單位 the applicant itself (by company name or UBN)?"""
    norm = normalise_name(affiliation)
    if not norm:
        return False
    return norm == normalise_name(company) or ubn in _UBN_IN_TEXT.findall(unicodedata.normalize("NFKC", affiliation))


def conflict_map(session: Session, reviewer_ids: Iterable[int] | None = None,
                 application_ids: Iterable[int] | None = None) -> dict[tuple[int, int], ConflictReason]:
    """(reviewer id, application id) → reason, for every conflicted pair among the given
    members and applications (all of either when None). Two queries, then set logic."""
    apps_q = select(Application.id, Provider.ubn, Provider.name).join(Provider, Provider.id == Application.provider_id)
    if application_ids is not None:
        apps_q = apps_q.where(Application.id.in_(list(application_ids)))
    apps = session.exec(apps_q).all()
    members_q = select(Reviewer.id, Reviewer.affiliation)
    if reviewer_ids is not None:
        members_q = members_q.where(Reviewer.id.in_(list(reviewer_ids)))
    members = session.exec(members_q).all()
    member_ids = [m[0] for m in members]
    declared: dict[tuple[int, str], tuple[str, str]] = {
        (rid, ubn): (source, note) for rid, ubn, source, note in session.exec(
            select(Conflict.reviewer_id, Conflict.ubn, Conflict.source, Conflict.note)
            .where(Conflict.reviewer_id.in_(member_ids))).all()
    }
    by_ubn: dict[str, list[tuple[int, str]]] = {}
    for app_id, ubn, name in apps:
        by_ubn.setdefault(ubn, []).append((app_id, name))
    found: dict[tuple[int, int], ConflictReason] = {}
    for (rid, ubn), (source, note) in declared.items():
        source = source if source in ("declared", "affiliation") else "declared"
        for app_id, name in by_ubn.get(ubn, ()):
            found[(rid, app_id)] = ConflictReason(source, ubn, name, note)
    by_name: dict[str, list[tuple[int, str, str]]] = {}
    for app_id, ubn, name in apps:
        by_name.setdefault(normalise_name(name), []).append((app_id, ubn, name))
    for rid, affiliation in members:
        norm = normalise_name(affiliation)
        if not norm:
            continue
        hits = list(by_name.get(norm, ()))
        for ubn in _UBN_IN_TEXT.findall(unicodedata.normalize("NFKC", affiliation)):
            hits.extend((app_id, ubn, name) for app_id, name in by_ubn.get(ubn, ()))
        for app_id, ubn, name in hits:
            found.setdefault((rid, app_id), ConflictReason("affiliation", ubn, name))
    return found


def conflict_between(session: Session, reviewer: Reviewer, application: Application) -> ConflictReason | None:
    """The reason this member must not review this application, or None."""
    return conflict_map(session, [reviewer.id], [application.id]).get((reviewer.id, application.id))


def check_no_conflict(session: Session, reviewer: Reviewer, application: Application) -> None:
    """Raise ConflictError (with the reason) when the pair is conflicted."""
    reason = conflict_between(session, reviewer, application)
    if reason is not None:
        raise reason.error(reviewer.reviewer_no, application.application_no)
