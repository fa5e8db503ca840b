"""補正通知 — correction notices and their 3-working-day windows (docs/rules/notices.md).

Day 1 is the first working day after the day the provider received the notice; the
window closes at the end of the Nth working day (N per programme, 3 by default). The
due date is always ``calendar.add_working_days(notified_on, working_days)``: an
extension adds working days, and a closure declared later moves the date by itself.
The day after the due date, a notice still open lapses — whenever the app or any command
next runs — and its application is not accepted (a deck notice: it loses its meeting
slot). Every change goes through write_session, so the audit log has it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from models import Application, Batch, CorrectionNotice, Document, Provider
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.actor import Actor
from models.clock import OFFICE_TZ, office_today
from office_tui.core.dates import check_happened, format_date
from office_tui.core.db import read_session, write_session
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.notices.calendar import load_calendar
from office_tui.core.workdays import WorkCalendar

SYSTEM = Actor(None, "system", "admin")  # the chores that run by themselves
DECK_KINDS = ("deck_ppt", "deck_pdf")
LAPSED_DOCUMENTS = "逾期未補正，不予受理"
LAPSED_DECK = "簡報逾期未補正，喪失審查會議資格"


class NoticeError(OfficeError):
    """A notice change that cannot be made."""


def working_days_for(session: Session, application: Application) -> int:
    from office_tui.core.config import load_settings

    programme = session.get(Batch, application.batch_id).programme
    return load_settings().correction_working_days.get(programme, 3)


# -- raising -----------------------------------------------------------------------------------
def items_to_correct(session: Session, application: Application) -> list[str]:
    """What a documents notice asks for, as the one count of the application's documents
    says (office_tui.intake.eligibility.document_gaps): its deficient documents not yet
    replaced (with staff's reason), the required kinds still missing (a kind a deficient
    document already stands for is not asked twice), and the solution's own deficiencies."""
    from office_tui.documents.kinds import kind_label
    from office_tui.intake.eligibility import document_gaps, solution_deficiencies

    gaps = document_gaps(session, application)
    items = [f"{kind_label(kind)}（{name}）：{reason}" for _, kind, name, reason in gaps.deficient]
    named = {kind for _, kind, _, _ in gaps.deficient}
    items += [t("notice.item_missing", kind=kind_label(k)) for k in gaps.missing if k not in named]
    items += [t(f"deficiency.{code}") for code in solution_deficiencies(application)]
    return items


# A documents notice is raised while the office still handles the application.
RAISED_WHILE = ("received", "qualification_review", "awaiting_correction", "eligible")


def _raise(session: Session, application: Application, items: list[str], notified_on: date, purpose: str,
           actor: Actor | None, calendar: WorkCalendar, move_reason: str | None = None) -> CorrectionNotice:
    """Raise one notice. A documents notice moves a 收件 or 資格審查中 application to
    待補正 through the state machine — a 收件 one by way of 資格審查中, both moves
    recorded: raising a notice is the outcome of reviewing it."""
    check_happened(notified_on, "event.notified")
    submitted_on = application.submitted_at.astimezone(OFFICE_TZ).date()
    if notified_on < submitted_on:
        raise NoticeError("notice.notified_before_submission", application_no=application.application_no,
                          notified=format_date(notified_on), submitted=format_date(submitted_on))
    if purpose == "documents" and application.status not in RAISED_WHILE:
        raise NoticeError("notice.not_in_review", application_no=application.application_no,
                          status=t(f"status.{application.status}"))
    if not items:
        raise NoticeError("notice.nothing_to_correct", application_no=application.application_no)
    open_one = session.exec(select(CorrectionNotice.id).where(
        CorrectionNotice.application_id == application.id, CorrectionNotice.status == "open",
        CorrectionNotice.purpose == purpose)).first()
    if open_one is not None:
        raise NoticeError("notice.already_open", application_no=application.application_no)
    days = working_days_for(session, application)
    notice = CorrectionNotice(application_id=application.id, purpose=purpose, items="\n".join(items),
                              notified_on=notified_on, working_days=days,
                              due_on=calendar.add_working_days(notified_on, days),
                              created_by=actor.user_id if actor else None)
    session.add(notice)
    if purpose == "documents" and application.status in ("received", "qualification_review"):
        from office_tui.intake.status import move

        reason = move_reason or t("notice.moved_reason")
        if application.status == "received":
            move(session, application, "qualification_review", actor or SYSTEM, reason)
        move(session, application, "awaiting_correction", actor or SYSTEM, reason)
    session.flush()
    return notice


def raise_notice(engine: Engine, actor: Actor | None, application_no: str, notified_on: date,
                 items: list[str] | None = None) -> CorrectionNotice:
    """A documents notice, listing ``items`` or, when none are given, what the records show."""
    with write_session(engine, actor, reason=t("notice.raised_reason")) as session:
        application = _application(session, application_no)
        items = [i.strip() for i in items if i.strip()] if items else items_to_correct(session, application)
        return _raise(session, application, items, notified_on, "documents", actor, load_calendar(session))


def enter_correction(engine: Engine, actor: Actor, application_nos: list[str], reason: str,
                     notified_on: date | None = None) -> list:
    """待補正 set by hand (the status dialog, ``applications set-status … awaiting_correction``):
    for each application a documents notice is raised listing what its records show to
    correct (:func:`items_to_correct`, as ``notices raise`` does), received on
    ``notified_on`` (today), and the notice moves it — so no application waits for a
    correction no provider was told of. Refused, each with its reason: a move the state
    machine does not allow (from 收件 the office reviews first), an application with
    nothing on record to correct (raise the notice with its items). One transaction each,
    as office_tui.intake.status.set_status: returns its Move results, each moved one with
    its notice's due date."""
    from office_tui.intake.status import NOTICE_ONLY, Move, StatusError, check_move

    notified_on = notified_on or office_today()
    results = []
    for number in application_nos:
        old = None
        try:
            with write_session(engine, actor, reason=reason) as session:
                application = _application(session, number)
                old = application.status
                check_move(application, NOTICE_ONLY, actor)
                notice = _raise(session, application, items_to_correct(session, application), notified_on,
                                "documents", actor, load_calendar(session), move_reason=reason)
                results.append(Move(number, old, NOTICE_ONLY, True, notice_due=notice.due_on))
        except (NoticeError, StatusError) as refusal:
            results.append(Move(number, old, NOTICE_ONLY, False, refusal))
    return results


def _application(session: Session, application_no: str) -> Application:
    application_no = normalise_application_no(application_no)
    application = session.exec(select(Application).where(Application.application_no == application_no)).first()
    if application is None:
        raise NoticeError("move.no_such_application", application_no=application_no)
    return application


# -- closing ------------------------------------------------------------------------------------
def _open_notice(session: Session, notice_id: int) -> CorrectionNotice:
    notice = session.get(CorrectionNotice, notice_id)
    if notice is None:
        raise NoticeError("notice.no_such_notice", notice_id=notice_id)
    if notice.status != "open":
        raise NoticeError("notice.not_open", notice_id=notice_id, status=t(f"notice.{notice.status}"))
    return notice


def _back_to_review(session: Session, notice: CorrectionNotice, actor: Actor, reason: str) -> None:
    application = session.get(Application, notice.application_id)
    still_open = session.exec(select(CorrectionNotice.id).where(
        CorrectionNotice.application_id == application.id, CorrectionNotice.status == "open",
        CorrectionNotice.id != notice.id)).first()
    if notice.purpose == "documents" and application.status == "awaiting_correction" and still_open is None:
        from office_tui.intake.status import move

        move(session, application, "qualification_review", actor, reason)


def mark_corrected(engine: Engine, actor: Actor, notice_id: int, corrected_on: date) -> CorrectionNotice:
    with write_session(engine, actor, reason=t("notice.corrected_reason")) as session:
        notice = _open_notice(session, notice_id)
        check_happened(corrected_on, "event.corrected")
        if corrected_on < notice.notified_on:
            raise NoticeError("notice.corrected_before_notified")
        notice.status, notice.corrected_on = "corrected", corrected_on
        notice.closed_reason = t("notice.corrected_late") if corrected_on > notice.due_on else ""
        session.add(notice)
        _back_to_review(session, notice, actor, t("notice.corrected_reason"))
        return notice


def withdraw(engine: Engine, actor: Actor, notice_id: int, reason: str) -> CorrectionNotice:
    if not reason.strip():
        raise NoticeError("notice.reason_required")
    with write_session(engine, actor, reason=reason.strip()) as session:
        notice = _open_notice(session, notice_id)
        notice.status, notice.closed_reason = "withdrawn", reason.strip()
        session.add(notice)
        _back_to_review(session, notice, actor, reason.strip())
        return notice


def extend(engine: Engine, actor: Actor, notice_id: int, extra_working_days: int, reason: str) -> CorrectionNotice:
    """Give the provider ``extra_working_days`` more; the reason is kept in the history."""
    if extra_working_days < 1:
        raise NoticeError("notice.bad_extension")
    if not reason.strip():
        raise NoticeError("notice.reason_required")
    with write_session(engine, actor, reason=reason.strip()) as session:
        notice = _open_notice(session, notice_id)
        notice.working_days += extra_working_days
        notice.due_on = load_calendar(session).add_working_days(notice.notified_on, notice.working_days)
        session.add(notice)
        return notice


# -- the calendar moves, the days pass -------------------------------------------------------------
def reschedule(session: Session, calendar: WorkCalendar, around: date, why: str) -> list[CorrectionNotice]:
    """After the calendar changed on ``around``: recompute the open notices whose window
    holds that day. The audit entry of each carries ``why``."""
    from office_tui.core import audit

    audit.set_reason(session, why)
    moved = []
    for notice in session.exec(select(CorrectionNotice).where(
            CorrectionNotice.status == "open", CorrectionNotice.notified_on < around,
            CorrectionNotice.due_on >= around)):
        due = calendar.add_working_days(notice.notified_on, notice.working_days)
        if due != notice.due_on:
            notice.due_on = due
            session.add(notice)
            moved.append(notice)
    session.flush()
    return moved


def lapse_overdue(engine: Engine, today: date | None = None) -> list[int]:
    """Lapse every open notice whose due date has passed (the office's today, Taipei);
    their applications are not accepted. Runs whenever the office is opened."""
    from office_tui.intake.status import TRANSITIONS, move

    today = today or office_today()
    with read_session(engine) as session:
        due = session.exec(select(CorrectionNotice.id).where(
            CorrectionNotice.status == "open", CorrectionNotice.due_on < today)).all()
    lapsed = []
    for notice_id in due:  # one transaction each: a failure lapses the others all the same
        with write_session(engine, SYSTEM, reason=t("notice.lapsed_reason")) as session:
            notice = session.get(CorrectionNotice, notice_id)
            if notice is None or notice.status != "open" or notice.due_on >= today:
                continue
            notice.status = "lapsed"
            notice.closed_reason = t("notice.lapsed_reason")
            session.add(notice)
            application = session.get(Application, notice.application_id)
            reason = LAPSED_DECK if notice.purpose == "deck" else LAPSED_DOCUMENTS
            if "not_accepted" in TRANSITIONS[application.status]:
                move(session, application, "not_accepted", SYSTEM, reason)
            lapsed.append(notice_id)
    return lapsed


# -- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeRow:
    id: int
    application_no: str
    company_name: str
    purpose: str
    notified_on: date
    due_on: date
    status: str
    items: str
    corrected_on: date | None
    urgency: str  # overdue / today / soon / later / closed

    def to_json(self) -> dict:
        row = asdict(self)
        for key in ("notified_on", "due_on", "corrected_on"):
            row[key] = row[key].isoformat() if row[key] else None
        return row


def list_notices(engine: Engine, status: str | None = None, today: date | None = None,
                 soon: int = 2, due_within: bool = False) -> list[NoticeRow]:
    """Notices, earliest due first; ``due_within``: only open ones overdue, due today or
    within ``soon`` working days."""
    today = today or office_today()
    with read_session(engine) as session:
        calendar = load_calendar(session)
        horizon = calendar.add_working_days(today, soon)
        query = (select(CorrectionNotice, Application.application_no, Provider.name)
                 .join(Application, CorrectionNotice.application_id == Application.id)
                 .join(Provider, Application.provider_id == Provider.id)
                 .order_by(CorrectionNotice.due_on, Application.application_no))
        if status:
            query = query.where(CorrectionNotice.status == status)
        if due_within:
            query = query.where(CorrectionNotice.status == "open", CorrectionNotice.due_on <= horizon)
        rows = session.exec(query).all()
    out = []
    for notice, number, company in rows:
        if notice.status != "open":
            urgency = "closed"
        elif notice.due_on < today:
            urgency = "overdue"
        elif notice.due_on == today:
            urgency = "today"
        elif notice.due_on <= horizon:
            urgency = "soon"
        else:
            urgency = "later"
        out.append(NoticeRow(notice.id, number, company, notice.purpose, notice.notified_on, notice.due_on,
                             notice.status, notice.items, notice.corrected_on, urgency))
    return out


# -- meeting decks -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeckGap:
    application_id: int
    application_no: str
    company_name: str
    missing: tuple[str, ...]  # deck_ppt / deck_pdf
    notice_open: bool


def deck_gaps(engine: Engine, batch_number: int) -> list[DeckGap]:
    """Eligible applications of the batch that lack their deck as PowerPoint or PDF (a
    batch there is not is named as unknown)."""
    from office_tui.intake.applications import find_batch_no

    with read_session(engine) as session:
        find_batch_no(session, batch_number)
        apps = session.exec(
            select(Application.id, Application.application_no, Provider.name)
            .join(Provider, Application.provider_id == Provider.id)
            .join(Batch, Application.batch_id == Batch.id)
            .where(Batch.number == batch_number, Application.status == "eligible")
            .order_by(Application.application_no)).all()
        from office_tui.intake.eligibility import document_counts

        have = set(session.exec(select(Document.application_id, Document.kind).where(
            Document.kind.in_(DECK_KINDS), document_counts())).all())
        open_deck = set(session.exec(select(CorrectionNotice.application_id).where(
            CorrectionNotice.status == "open", CorrectionNotice.purpose == "deck")).all())
    gaps = []
    for app_id, number, company in apps:
        missing = tuple(kind for kind in DECK_KINDS if (app_id, kind) not in have)
        if missing:
            gaps.append(DeckGap(app_id, number, company, missing, app_id in open_deck))
    return gaps


def raise_deck_notices(engine: Engine, actor: Actor, batch_number: int, notified_on: date) -> list[CorrectionNotice]:
    """One key: a deck notice for every eligible application still lacking a deck format."""
    from office_tui.documents.kinds import kind_label

    raised = []
    with write_session(engine, actor, reason=t("notice.deck_reason")) as session:
        calendar = load_calendar(session)
        for gap in deck_gaps(engine, batch_number):
            if gap.notice_open:
                continue
            application = session.get(Application, gap.application_id)
            items = [t("notice.item_missing", kind=kind_label(kind)) for kind in gap.missing]
            raised.append(_raise(session, application, items, notified_on, "deck", actor, calendar))
    return raised
