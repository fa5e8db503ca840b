"""Committee review: members, conflicts of interest, assignments, score sheets,
outlier resolutions and decisions (docs/rules/committee.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Reviewer(SQLModel, table=True):
    """審查委員 — a committee member."""

    id: Optional[int] = Field(default=None, primary_key=True)
    reviewer_no: str = Field(max_length=16, unique=True)
    name: str
    affiliation: str = ""
    email: str = ""
    expertise: str = ""  # categories or free words joined by ","
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Conflict(SQLModel, table=True):
    """利益迴避 — a UBN the member must not review."""

    __table_args__ = (UniqueConstraint("reviewer_id", "ubn"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    reviewer_id: int = Field(foreign_key="reviewer.id", index=True)
    ubn: str = Field(max_length=8, index=True)
    source: str = Field(default="declared", max_length=16)  # declared / affiliation
    note: str = ""


class Assignment(SQLModel, table=True):
    """A member's score sheet for one application."""

    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    reviewer_id: int = Field(foreign_key="reviewer.id", index=True)
    sheet_status: str = Field(default="assigned", max_length=16)  # assigned/draft/submitted
    comment: str = Field(default="", sa_type=Text)
    submitted_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    assigned_by: Optional[int] = Field(default=None, foreign_key="user.id")
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Score(SQLModel, table=True):
    """One criterion's score on one sheet (T1…T9, P1…P4 by default)."""

    __table_args__ = (
        UniqueConstraint("assignment_id", "criterion"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    criterion: str = Field(max_length=16)
    value: float


class OutlierResolution(SQLModel, table=True):
    """How the committee settled a member's outlying score for an application."""

    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    reviewer_id: int = Field(foreign_key="reviewer.id")
    note: str = Field(sa_type=Text)
    resolved_by: Optional[int] = Field(default=None, foreign_key="user.id")
    resolved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Decision(SQLModel, table=True):
    """The ministry's decision on an application: approved / rejected / waitlisted."""

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    outcome: str = Field(max_length=16)
    decided_on: date
    doc_no: str = ""  # 文號
    rank: Optional[int] = None
    score: Optional[float] = None
    # Why it was decided with sheets still missing ('' when every sheet was in).
    incomplete_reason: str = Field(default="", sa_type=Text)
    decided_by: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
