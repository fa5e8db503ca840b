"""文件檢視 (document triage): the office's decision on each document.

Staff go through the documents one by one (:func:`queue`, :func:`document_facts`) and
accept them, mark them deficient (the next step turns those into correction notices) or
skip them for later. A document with warnings is accepted only with each warning
confirmed by name (``confirm_warnings``): a document that argues against itself is never
taken with one key. Each decision is a write through
:func:`office_tui.core.db.write_session`, so the audit log has it, and each answers with
the application's checklist after the decision — the one count of
:func:`office_tui.intake.eligibility.document_gaps`, as every other screen says it.

What a document's text says — its kind, UBNs, dates and period — is read at import by
:func:`office_tui.documents.reading.read_pages`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import select

from models import Application, Document, Provider, User
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.actor import Actor
from models.clock import now_utc
from office_tui.core.db import read_session, write_session
from office_tui.documents.kinds import KINDS, kind_label
from office_tui.documents.reading import UNREADABLE_STATUSES, sentences, status_label, warning_label
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t

TRIAGE_STATES = ("pending", "accepted", "deficient")


class TriageError(OfficeError):
    """A triage decision that cannot be made."""


def triage_label(state: str) -> str:
    return t(f"triage.triage_{state}") if state in TRIAGE_STATES else state


_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def queue(engine: Engine, application_no: str | None = None) -> list[int]:
    """Document ids in the order staff go through them.

    Pending documents first — those never skipped, then the skipped ones, the one
    skipped longest ago first (a skip records its time in ``triaged_at`` and leaves
    ``triage`` pending) — then documents in no application (unmatched folders: they
    need the folder renamed and imported again), then the decided ones. Within each
    group by application number, kind (in :data:`KINDS` order) and file name."""
    with read_session(engine) as session:
        query = (select(Document.id, Document.file_name, Document.kind, Document.triage, Document.triaged_at,
                        Document.application_id, Application.application_no)
                 .join(Application, Document.application_id == Application.id, isouter=True))
        if application_no is not None:
            query = query.where(Application.application_no == normalise_application_no(application_no))
        rows = session.exec(query).all()

    def key(row):
        doc_id, file_name, kind, state, triaged_at, app_id, number = row
        undecided = state not in ("accepted", "deficient")
        if app_id is None:
            group = 2 if undecided else 3
        elif undecided:
            group = 1 if triaged_at is not None or state == "skipped" else 0
        else:
            group = 3
        skipped_at = triaged_at.timestamp() if group == 1 and triaged_at is not None else 0.0
        return (group, skipped_at, number or "", _KIND_ORDER.get(kind, len(KINDS)), file_name, doc_id)

    return [row[0] for row in sorted(rows, key=key)]


@dataclass(frozen=True)
class DocumentFacts:
    """Everything a triage screen shows about one document."""

    id: int
    file_name: str
    original_path: str
    stored_path: str | None
    sha256: str
    size_bytes: int
    pages: int
    application_id: int | None
    application_no: str | None
    solution_name: str
    company: str
    ubn: str  # the applicant's
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    warnings: tuple[str, ...]
    warning_labels: tuple[str, ...]
    ubns_found: tuple[str, ...]
    ubn_matches: bool | None  # None: the document shows no UBN (or has no applicant)
    dates_found: tuple[date, ...]
    preview: str
    triage: str
    triage_label: str
    triage_reason: str
    triaged_by: str  # user name of the last decision (or skip)
    triaged_at: datetime | None
    skipped: bool  # still pending, skipped at triaged_at
    imported_at: datetime
    missing: tuple[str, ...]  # the application's checklist: kinds still missing
    can_accept: bool
    deficient_files: tuple[str, ...] = ()  # the application's deficient documents not yet replaced
    confirmed: tuple[str, ...] = ()  # the warnings staff confirmed when they accepted it


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(",") if part)


def _dates(value: str) -> tuple[date, ...]:
    out = []
    for part in _split(value):
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            pass
    return tuple(out)


def document_facts(engine: Engine, doc_id: int) -> DocumentFacts:
    from office_tui.intake.eligibility import DocumentGaps, document_gaps

    with read_session(engine) as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise TriageError("triage.no_such_document", doc_id=doc_id)
        application = session.get(Application, doc.application_id) if doc.application_id else None
        provider = session.get(Provider, application.provider_id) if application else None
        user = session.get(User, doc.triaged_by) if doc.triaged_by else None
        gaps = document_gaps(session, application) if application else DocumentGaps((), ())
        ubns = _split(doc.ubns_found)
        warnings = _split(doc.warnings)
        return DocumentFacts(
            id=doc.id, file_name=doc.file_name, original_path=doc.original_path, stored_path=doc.stored_path,
            sha256=doc.sha256, size_bytes=doc.size_bytes, pages=doc.pages,
            application_id=doc.application_id, application_no=application.application_no if application else None,
            solution_name=application.solution_name if application else "",
            company=provider.name if provider else "", ubn=provider.ubn if provider else "",
            kind=doc.kind, kind_label=kind_label(doc.kind), status=doc.status, status_label=status_label(doc.status),
            reason=doc.reason, warnings=warnings, warning_labels=tuple(warning_label(w) for w in warnings),
            ubns_found=ubns, ubn_matches=(provider.ubn in ubns) if provider and ubns else None,
            dates_found=_dates(doc.dates_found), preview=doc.text_preview,
            triage=doc.triage, triage_label=triage_label(doc.triage), triage_reason=doc.triage_reason,
            triaged_by=(user.display_name or user.username) if user else "", triaged_at=doc.triaged_at,
            skipped=doc.triage not in ("accepted", "deficient") and doc.triaged_at is not None,
            imported_at=doc.imported_at, missing=gaps.missing, can_accept=_acceptable(doc) is None,
            deficient_files=tuple(name for _, _, name, _ in gaps.deficient),
            confirmed=_split(doc.warnings_confirmed),
        )


@dataclass(frozen=True)
class Decision:
    """A triage decision made, and the application's checklist after it."""

    document_id: int
    application_no: str
    triage: str  # pending (skipped), accepted, deficient
    kind: str
    missing: tuple[str, ...]
    message: str


def _acceptable(doc: Document) -> TriageError | None:
    if doc.application_id is None:
        return TriageError("triage.no_application", file=doc.file_name)
    if doc.status in UNREADABLE_STATUSES:
        return TriageError("triage.cannot_accept", file=doc.file_name, status=status_label(doc.status))
    return None


def checklist_message(application_no: str, gaps) -> str:
    """What the application's checklist says after a decision: complete, or what it
    still lacks — missing kinds and deficient documents not yet replaced."""
    if gaps.complete:
        return t("triage.checklist_complete", application_no=application_no)
    lacking = [kind_label(k) for k in gaps.missing]
    lacking += [t("triage.outstanding_deficient", file=name) for _, _, name, _ in gaps.deficient]
    return t("triage.checklist_missing", application_no=application_no, kinds="、".join(lacking))


def _decide(engine: Engine, actor: Actor, doc_id: int, reason: str, change) -> Decision:
    from office_tui.intake.eligibility import document_gaps

    with write_session(engine, actor, reason=reason) as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise TriageError("triage.no_such_document", doc_id=doc_id)
        if doc.application_id is None:
            raise TriageError("triage.no_application", file=doc.file_name)
        message = change(doc)
        doc.triaged_by = actor.user_id if actor else None
        doc.triaged_at = now_utc()
        session.add(doc)
        session.flush()
        application = session.get(Application, doc.application_id)
        gaps = document_gaps(session, application)
    summary = checklist_message(application.application_no, gaps)
    return Decision(doc.id, application.application_no, doc.triage, doc.kind, gaps.missing,
                    sentences([message, summary]))


# Warnings about what kind a document is: staff who name the kind themselves settle them.
KIND_WARNINGS = ("unknown_kind", "kind_from_name", "name_mismatch")


def warnings_to_confirm(warnings: Iterable[str], kind_named: bool = False) -> tuple[str, ...]:
    """The warnings accepting a document needs confirmed by name: all of them, except
    those about its kind when staff name the kind themselves (accept as …)."""
    return tuple(w for w in warnings if not (kind_named and w in KIND_WARNINGS))


def accept(engine: Engine, actor: Actor, doc_id: int, kind: str | None = None,
           confirm_warnings: Iterable[str] = ()) -> Decision:
    """Accept a document as its kind (``kind`` corrects what triage read; required when
    the kind is unknown). A document with warnings is refused unless each warning is in
    ``confirm_warnings`` (the screen asks, naming them; :func:`warnings_to_confirm`):
    accepted so, its warnings are recorded as confirmed and it counts. A file the system
    could not open (encrypted, corrupt, not a PDF) cannot be accepted: mark it deficient
    instead. A scan (no_text) can: staff read it on screen."""
    if kind is not None and kind not in KINDS[:-1]:
        raise TriageError("triage.bad_kind", kind=kind, kinds=", ".join(KINDS[:-1]))
    confirmed = set(confirm_warnings)

    def change(doc: Document) -> str:
        refusal = _acceptable(doc)
        if refusal is not None:
            raise refusal
        if kind is not None:
            doc.kind = kind
        if doc.kind == "unknown":
            raise TriageError("triage.kind_required", file=doc.file_name)
        unconfirmed = [w for w in warnings_to_confirm(_split(doc.warnings), kind is not None) if w not in confirmed]
        if unconfirmed:
            raise TriageError("triage.confirm_warnings", file=doc.file_name,
                              warnings="、".join(warning_label(w) for w in unconfirmed))
        doc.triage, doc.triage_reason = "accepted", ""
        doc.warnings_confirmed = doc.warnings
        if doc.warnings:
            return t("triage.accepted_confirmed", file=doc.file_name, kind=kind_label(doc.kind),
                     warnings="、".join(warning_label(w) for w in _split(doc.warnings)))
        return t("triage.accepted", file=doc.file_name, kind=kind_label(doc.kind))

    return _decide(engine, actor, doc_id, f"triage accept document {doc_id}", change)


def mark_deficient(engine: Engine, actor: Actor, doc_id: int, reason: str) -> Decision:
    """Mark a document deficient (不符/無法辨識); ``reason`` is required — it is what the
    correction notice will ask the provider to fix."""
    reason = (reason or "").strip()
    if not reason:
        raise TriageError("triage.reason_required")

    def change(doc: Document) -> str:
        doc.triage, doc.triage_reason, doc.warnings_confirmed = "deficient", reason, ""
        return t("triage.marked_deficient", file=doc.file_name, reason=reason)

    return _decide(engine, actor, doc_id, reason, change)


def skip(engine: Engine, actor: Actor, doc_id: int) -> Decision:
    """Leave a pending document for later: it stays pending, and the time of the skip
    (``triaged_at``, with ``triaged_by``) puts it behind the documents not yet skipped
    in :func:`queue`. A decided document cannot be skipped."""

    def change(doc: Document) -> str:
        if doc.triage in ("accepted", "deficient"):
            raise TriageError("triage.already_decided", file=doc.file_name, triage=triage_label(doc.triage))
        doc.triage = "pending"
        return t("triage.skipped", file=doc.file_name)

    return _decide(engine, actor, doc_id, f"triage skip document {doc_id}", change)
