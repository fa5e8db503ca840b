"""申請案狀態 — the one state machine every application moves through
(docs/rules/intake.md).

Every move is a write through :func:`office_tui.core.db.write_session`, so the audit log
records who moved it, from what to what, and why. What the data says against a move
(documents still missing, conditions unmet) is a warning, never a block; only an admin
takes an application out of 不予受理.

Three kinds of move are the record of something else, and the machine makes them only
with it:

* 核定 / 未核定 / 備取 (approved, rejected, waitlisted) are the ministry's decisions: only
  a :class:`models.Decision` of that outcome moves an application there
  (office_tui.committee.decisions.decide, which records the date, the 文號 and the tally
  it was decided from); a move asked for without one is refused, naming the way to decide.
* 待補正 (awaiting_correction) means a correction notice is out: an application enters it
  only with an open documents notice (office_tui.notices.correction raises one and moves
  it), and only from 資格審查中 — the office reviews before it asks for corrections.
* An application leaves 待補正 by its notice: recorded corrected or withdrawn (which moves
  it back to 資格審查中) or lapsed (不予受理). Moving it on by hand while the notice is
  open is refused: the notice would lapse later and throw out an application already
  moved on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from models import Application, CorrectionNotice, Decision
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.actor import Actor
from models.clock import now_utc
from office_tui.core.db import write_session
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.core.programme import APPLICATION_STATUSES

# from → the statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"qualification_review", "not_accepted"}),
    "qualification_review": frozenset({"awaiting_correction", "eligible", "not_accepted"}),
    "awaiting_correction": frozenset({"qualification_review", "eligible", "not_accepted"}),
    "eligible": frozenset({"qualification_review", "approved", "rejected", "waitlisted", "not_accepted"}),
    "waitlisted": frozenset({"approved", "rejected"}),
    "approved": frozenset({"listed"}),
    "listed": frozenset({"delisted"}),
    "delisted": frozenset({"listed"}),
    "rejected": frozenset(),
    "not_accepted": frozenset({"received", "qualification_review"}),  # admin only
}
ADMIN_ONLY_FROM = frozenset({"not_accepted"})
# Set only by a decision of the ministry (office_tui.committee.decisions.decide).
DECISION_ONLY = frozenset({"approved", "rejected", "waitlisted"})
# Entered only with an open correction notice (office_tui.notices.correction).
NOTICE_ONLY = "awaiting_correction"


class StatusError(OfficeError):
    """A move the state machine does not allow."""


@dataclass
class Move:
    application_no: str
    old: str | None
    new: str
    moved: bool
    refusal: OfficeError | None = None
    warnings: list[str] = field(default_factory=list)  # i18n keys
    notice_due: date | None = None  # 待補正 set by hand: the due date of the notice raised with it


def check_move(application: Application, new: str, actor: Actor, decision: Decision | None = None) -> None:
    """Raise StatusError when ``application`` may not move to ``new``. A decided status
    needs ``decision``: the application's Decision of that outcome (see the module)."""
    if new not in APPLICATION_STATUSES:
        raise StatusError("move.unknown_code", code=new, codes=", ".join(APPLICATION_STATUSES))
    old = application.status
    if old == new:
        raise StatusError("move.already", application_no=application.application_no, status=t(f"status.{new}"))
    if new not in TRANSITIONS[old]:
        allowed = "、".join(f"{t('status.' + s)} ({s})" for s in sorted(TRANSITIONS[old])) or "-"
        raise StatusError("move.not_allowed", application_no=application.application_no,
                          old=t(f"status.{old}"), new=t(f"status.{new}"), allowed=allowed)
    if old in ADMIN_ONLY_FROM and not actor.is_admin:
        raise StatusError("move.admin_only", application_no=application.application_no)
    if new in DECISION_ONLY and not (decision is not None and decision.application_id == application.id
                                     and decision.outcome == new):
        raise StatusError("move.decision_only", application_no=application.application_no,
                          new=t(f"status.{new}"))


def _notice_open(session: Session, application: Application) -> bool:
    return session.exec(select(CorrectionNotice.id).where(
        CorrectionNotice.application_id == application.id, CorrectionNotice.status == "open",
        CorrectionNotice.purpose == "documents")).first() is not None


def move(session: Session, application: Application, new: str, actor: Actor, reason: str,
         decision: Decision | None = None) -> list[str]:
    """Move ``application`` to ``new`` in this session; returns warning keys. ``decision``:
    the Decision a decided status is the record of (office_tui.committee.decisions)."""
    check_move(application, new, actor, decision)
    if new == NOTICE_ONLY and not _notice_open(session, application):
        raise StatusError("move.needs_notice", application_no=application.application_no)
    if application.status == NOTICE_ONLY and new != "not_accepted" and _notice_open(session, application):
        raise StatusError("move.notice_still_open", application_no=application.application_no,
                          new=t(f"status.{new}"))
    from office_tui.intake.eligibility import move_warnings

    warnings = move_warnings(session, application, new)
    application.status = new
    application.status_reason = reason
    application.status_changed_at = now_utc()
    session.add(application)
    return warnings


def allowed_moves(application: Application, actor: Actor) -> list[str]:
    """The statuses ``actor`` may move ``application`` to by hand, in the machine's
    order: the decided ones are left out (only a decision sets them)."""
    if application.status in ADMIN_ONLY_FROM and not actor.is_admin:
        return []
    return [s for s in APPLICATION_STATUSES if s in TRANSITIONS[application.status] and s not in DECISION_ONLY]


def set_status(engine: Engine, actor: Actor, application_nos: list[str], new: str, reason: str) -> list[Move]:
    """Move each application, each in its own transaction: one refusal stops no other."""
    results = []
    for number in map(normalise_application_no, application_nos):
        with write_session(engine, actor, reason=reason) as session:
            application = session.exec(
                select(Application).where(Application.application_no == number).with_for_update()
            ).first()
            if application is None:
                results.append(Move(number, None, new, False, StatusError("move.no_such_application",
                                                                          application_no=number)))
                continue
            old = application.status
            try:
                warnings = move(session, application, new, actor, reason)
            except StatusError as refusal:
                results.append(Move(number, old, new, False, refusal))
                continue
            results.append(Move(number, old, new, True, warnings=warnings))
    return results
