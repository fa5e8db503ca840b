"""Who uses the office's system, what they changed, and small app facts."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow

ROLES = ("admin", "staff", "reviewer")


class User(SQLModel, table=True):
    """A person who signs in: admin, staff, or a reviewer linked to a committee member."""

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = ""
    role: str = Field(max_length=16)
    password_hash: Optional[str] = None  # scrypt; None for OS-account-only users
    os_account: Optional[str] = Field(default=None, max_length=64, unique=True)
    reviewer_id: Optional[int] = Field(default=None, foreign_key="reviewer.id")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """稽核紀錄 — who changed which row of which table, when, from what to what, and why."""

    __table_args__ = (Index("ix_auditentry_table_row", "table_name", "row_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: Optional[int] = Field(default=None, foreign_key="user.id")
    username: str = ""  # kept even if the user is later removed
    action: str = Field(max_length=16)  # insert / update / delete / bulk
    table_name: str = Field(max_length=64)
    row_key: str = Field(default="", max_length=64)
    changes: str = Field(default="{}", sa_type=Text)  # JSON {column: [old, new]}
    reason: str = ""


class AppMeta(SQLModel, table=True):
    """Small facts about this database, e.g. whether demo data was loaded."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""
