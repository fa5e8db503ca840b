"""Intake: batches, service providers, their solution applications, documents,
correction notices and the office's calendar overrides (docs/rules/intake.md,
documents.md, notices.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Batch(SQLModel, table=True):
    """收件批次 — an intake window; the server's clock decides the cutoff."""

    id: Optional[int] = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    programme: str = Field(default="A", max_length=8)
    opens_on: date
    closes_at: datetime = Field(sa_type=UTCDateTime)
    meeting_on: Optional[date] = None
    rubric: Optional[str] = Field(default=None, sa_type=Text)  # own rubric (TOML): docs/rules/committee.md
    note: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Provider(SQLModel, table=True):
    """服務提供者 — one account per 公司統編 (UBN)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    ubn: str = Field(max_length=8, unique=True)
    name: str = Field(index=True)
    business_items: str = ""  # codes joined by ",", e.g. "I301010,I301020"
    registered_on: Optional[date] = None
    paid_in_capital: int = 0
    website: str = ""
    address: str = ""
    intro: str = Field(default="", max_length=300)
    capacity: str = ""  # 1~10 … 500以上
    owner_name: str = ""
    owner_title: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_mobile: str = ""
    top_qualified: bool = False  # 攻頂計畫 qualified: exempt from documents (一)–(四)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QualificationCheck(SQLModel, table=True):
    """One of the nine qualification conditions for a provider, with its evidence."""

    __table_args__ = (UniqueConstraint("provider_id", "condition"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    condition: int  # 1..9, docs/rules/intake.md
    outcome: str = Field(default="unknown", max_length=16)  # met / unmet / unknown
    evidence: str = ""
    recorded_by: Optional[int] = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Application(SQLModel, table=True):
    """申請案 — one cloud solution a provider puts forward in a batch."""

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_application_batch_status", "batch_id", "status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    application_no: str = Field(max_length=32, unique=True)
    batch_id: int = Field(foreign_key="batch.id")
    provider_id: int = Field(foreign_key="provider.id", index=True)
    solution_name: str
    category: str = Field(max_length=16)  # one of programme.CATEGORIES (5,000 rows: no index needed)
    price: int = 0  # NT$ per year
    term_months: int = 12
    renewal_offer: str = ""
    video_url: str = ""
    video_seconds: Optional[int] = None
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="received", max_length=24, index=True)
    status_reason: str = ""
    status_changed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Document(SQLModel, table=True):
    """A qualification or application document (PDF) and what triage found in it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: Optional[int] = Field(default=None, foreign_key="application.id", index=True)
    file_name: str
    original_path: str
    stored_path: Optional[str] = None  # copy kept under its content hash
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int = 0
    pages: int = 0
    kind: str = Field(default="unknown", max_length=24)
    status: str = Field(default="ok", max_length=16)
    reason: str = ""
    warnings: str = ""  # codes joined by ","
    # The warnings staff confirmed when they accepted it (as ``warnings`` then was): a
    # warned document counts only once its warnings are confirmed (docs/rules/documents.md).
    warnings_confirmed: str = ""
    ubns_found: str = ""
    dates_found: str = ""
    text_preview: str = Field(default="", sa_type=Text)
    triage: str = Field(default="pending", max_length=16)  # pending/accepted/deficient/skipped
    triage_reason: str = ""
    triaged_by: Optional[int] = Field(default=None, foreign_key="user.id")
    triaged_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CorrectionNotice(SQLModel, table=True):
    """補正通知 — the provider must correct within N working days of receiving it."""

    __table_args__ = (Index("ix_correctionnotice_status_due", "status", "due_on"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    purpose: str = Field(default="documents", max_length=16)  # documents / deck
    items: str = Field(default="", sa_type=Text)  # the missing or wrong items, one a line
    notified_on: date  # the day the provider received it
    working_days: int = 3
    due_on: date
    status: str = Field(default="open", max_length=16)  # open/corrected/lapsed/withdrawn
    corrected_on: Optional[date] = None
    closed_reason: str = ""
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CalendarOverride(SQLModel, table=True):
    """An office calendar change no published calendar has: a closure (停止上班,
    e.g. a typhoon day) or an extra working day."""

    id: Optional[int] = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    kind: str = Field(max_length=16)  # closure / workday
    reason: str = ""
    announcement: str = ""
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
