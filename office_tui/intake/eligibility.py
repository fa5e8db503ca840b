"""Who qualifies (docs/rules/intake.md): the nine conditions, the documents, the solution checks.

Conditions 1 and 2 follow from the registration data and are computed whenever they are
read; 3–9 staff record with their evidence (QualificationCheck rows). A provider already qualified under 攻頂計畫 need not attach the
qualification documents (一)–(四).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from models import Application, CorrectionNotice, Document, Provider, QualificationCheck
from models.clock import OFFICE_TZ, now_utc
from office_tui.core.errors import OfficeError

QUALIFYING_ITEMS = ("I301010", "I301020", "I301030")  # 資訊軟體/資料處理/電子資訊供應服務業
MIN_CAPITAL = 1_000_000
CONDITIONS = tuple(range(1, 10))
COMPUTED_CONDITIONS = (1, 2)
OUTCOMES = ("met", "unmet", "unknown")

VIDEO_SECONDS = (120, 300)  # FAQ 4: a demo video of 2–5 minutes
MIN_TERM_MONTHS = 12
APPLICATION_DOCUMENTS = ("application_form", "tech_spec", "promo_plan")  # 申請書, 附件2, 附件3
# (一) the annual tax return, or form 401 for a company under a year old; (二); (三)
QUALIFICATION_DOCUMENTS = ("tax_return", "tax_payment_proof", "track_record")
# Kinds that belong to the provider, wherever they sit: they count for all its applications.
PROVIDER_KINDS = (*QUALIFICATION_DOCUMENTS, "vat_return_401", "other_cert")


class ChecklistError(OfficeError):
    """A checklist entry that cannot be recorded."""


def business_items(provider: Provider) -> list[str]:
    return [code.strip() for code in provider.business_items.replace("、", ",").split(",") if code.strip()]


def computed_conditions(provider: Provider) -> dict[int, tuple[bool, str]]:
    """Conditions the data decides: {condition: (met, evidence)}."""
    items = business_items(provider)
    qualifying = [code for code in items if code in QUALIFYING_ITEMS]
    return {
        1: (bool(qualifying), "、".join(qualifying) or "、".join(items)),
        2: (provider.paid_in_capital >= MIN_CAPITAL, f"NT${provider.paid_in_capital:,}"),
    }


@dataclass(frozen=True)
class ChecklistEntry:
    condition: int
    outcome: str  # met / unmet / unknown
    evidence: str
    computed: bool  # decided by the registration data, not recorded by staff


def checklist(session: Session, provider: Provider) -> list[ChecklistEntry]:
    """The nine conditions: 1–2 computed from the data now (never stored, so never
    stale), 3–9 as staff recorded them (unknown until they do)."""
    recorded = {c.condition: c for c in session.exec(
        select(QualificationCheck).where(QualificationCheck.provider_id == provider.id))}
    entries = []
    for condition in CONDITIONS:
        if condition in COMPUTED_CONDITIONS:
            met, evidence = computed_conditions(provider)[condition]
            entries.append(ChecklistEntry(condition, "met" if met else "unmet", evidence, True))
        elif condition in recorded:
            check = recorded[condition]
            entries.append(ChecklistEntry(condition, check.outcome, check.evidence, False))
        else:
            entries.append(ChecklistEntry(condition, "unknown", "", False))
    return entries


def record_condition(session: Session, provider: Provider, condition: int, outcome: str, evidence: str,
                     user_id: int | None) -> QualificationCheck:
    """Staff record one of conditions 3–9 with its evidence."""
    if condition not in CONDITIONS:
        raise ChecklistError("checklist.no_such_condition", condition=condition)
    if condition in COMPUTED_CONDITIONS:
        raise ChecklistError("checklist.computed", condition=condition)
    if outcome not in OUTCOMES:
        raise ChecklistError("checklist.bad_outcome", outcome=outcome)
    if outcome == "met" and not evidence.strip():
        raise ChecklistError("checklist.evidence_required", condition=condition)
    check = session.exec(select(QualificationCheck).where(
        QualificationCheck.provider_id == provider.id, QualificationCheck.condition == condition)).first()
    check = check or QualificationCheck(provider_id=provider.id, condition=condition)
    check.outcome, check.evidence = outcome, evidence.strip()
    check.recorded_by, check.recorded_at = user_id, now_utc()
    session.add(check)
    return check


def required_documents(provider: Provider, on: date | None = None) -> tuple[str, ...]:
    """The document kinds an application of this provider, submitted on ``on`` (its
    Asia/Taipei date), must carry. A company under a year old on ``on`` is asked for its
    latest 營業稅申報書 (401) as (一) — its annual return, should it have one, counts for
    it too (:data:`COUNTS_FOR`); without ``on``, (一) is the annual return."""
    if provider.top_qualified:
        return APPLICATION_DOCUMENTS
    first = "vat_return_401" if on is not None and _young(provider, on) else "tax_return"
    return (first, *QUALIFICATION_DOCUMENTS[1:], *APPLICATION_DOCUMENTS)


# A required kind that another kind also meets: (一) asked of a young company as its 401.
COUNTS_FOR = {"vat_return_401": ("vat_return_401", "tax_return")}


def _young(provider: Provider, on: date) -> bool:
    return provider.registered_on is not None and (on - provider.registered_on).days < 365


def submitted_on(application: Application) -> date:
    """The day the application was submitted, at the office (Asia/Taipei): a submission
    at 07:59 Taipei is stored as the day before in UTC."""
    return application.submitted_at.astimezone(OFFICE_TZ).date()


def document_counts():
    """The one rule of which documents count towards an application's checklist, as a SQL
    condition on Document (docs/rules/intake.md, Documents): not marked deficient, and
    either read fine with nothing against it (status ``ok``, no warning), or accepted by
    staff with no warning or with its warnings confirmed (``warnings_confirmed`` as the
    warnings stood when they accepted it). A warned document staff have not accepted so
    does not count: what the system found against it stands until someone confirms it."""
    return and_(Document.triage != "deficient",
                or_(and_(Document.status == "ok", Document.warnings == ""),
                    and_(Document.triage == "accepted",
                         or_(Document.warnings == "", Document.warnings_confirmed == Document.warnings))))


@dataclass(frozen=True)
class DocumentGaps:
    """What an application's documents still lack: the required kinds no counting
    document meets (``missing``), and its own documents marked deficient that no counting
    document of their kind has since replaced (``deficient``: id, kind, file name,
    staff's reason). Complete when both are empty — what triage, the checklist warnings,
    the detail screen and a correction notice all say (one count, everywhere)."""

    missing: tuple[str, ...]
    deficient: tuple[tuple[int, str, str, str], ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.deficient


def document_gaps(session: Session, application: Application) -> DocumentGaps:
    """The one count of an application's documents (see :class:`DocumentGaps`).

    Qualification documents may sit in any of the provider's application folders; the
    application documents must be in its own."""
    provider = session.get(Provider, application.provider_id)
    rows = session.exec(
        select(Document.application_id, Document.kind)
        .join(Application, Document.application_id == Application.id)
        .where(Application.provider_id == provider.id, document_counts())
    ).all()
    own = {kind for app_id, kind in rows if app_id == application.id}
    providers = {kind for _, kind in rows}

    def have(kind: str) -> set[str]:
        return providers if kind in PROVIDER_KINDS else own

    missing = [kind for kind in required_documents(provider, submitted_on(application))
               if not any(k in have(kind) for k in COUNTS_FOR.get(kind, (kind,)))]
    deficient = tuple((doc_id, kind, name, reason) for doc_id, kind, name, reason in session.exec(
        select(Document.id, Document.kind, Document.file_name, Document.triage_reason)
        .where(Document.application_id == application.id, Document.triage == "deficient")
        .order_by(Document.id)).all() if kind not in have(kind))
    return DocumentGaps(tuple(missing), deficient)


def missing_documents(session: Session, application: Application) -> list[str]:
    """The required kinds no counting document meets (:func:`document_gaps`)."""
    return list(document_gaps(session, application).missing)


def solution_deficiencies(application: Application) -> list[str]:
    """Things about the solution itself the office will ask to correct."""
    found = []
    low, high = VIDEO_SECONDS
    if application.video_seconds is None or not low <= application.video_seconds <= high:
        found.append("video_length")
    if not application.video_url:
        found.append("video_missing")
    if application.term_months < MIN_TERM_MONTHS:
        found.append("term_short")
    return found


def unmet_conditions(session: Session, provider: Provider) -> list[int]:
    """Conditions not (yet) confirmed met."""
    return [entry.condition for entry in checklist(session, provider) if entry.outcome != "met"]


def move_warnings(session: Session, application: Application, new: str) -> list[str]:
    """What the data says against moving ``application`` to ``new`` (keys, not blocks)."""
    if new not in ("eligible", "approved", "listed"):
        return []
    provider = session.get(Provider, application.provider_id)
    warnings = []
    if not document_gaps(session, application).complete:
        warnings.append("warn.documents_missing")
    if unmet_conditions(session, provider):
        warnings.append("warn.conditions_open")
    if solution_deficiencies(application):
        warnings.append("warn.solution_deficient")
    if session.exec(select(CorrectionNotice.id).where(
            CorrectionNotice.application_id == application.id, CorrectionNotice.status == "open")).first():
        warnings.append("warn.notice_open")
    return warnings
