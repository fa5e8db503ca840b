"""SQLModel tables for the whole office. Importing this package registers every table
on ``models.metadata``; Alembic's migrations under office_tui/migrations follow it."""

from models.base import UTCDateTime, metadata, utcnow
from models.intake import (
    Application,
    Batch,
    CalendarOverride,
    CorrectionNotice,
    Document,
    Provider,
    QualificationCheck,
)
from models.people import ROLES, AppMeta, AuditEntry, User
from models.review import Assignment, Conflict, Decision, OutlierResolution, Reviewer, Score
from models.subsidy import (
    Claim,
    Contract,
    ContractSolution,
    District,
    Invoice,
    PastRecipient,
    SpotCheck,
    SpotCheckDraw,
    Store,
    UsageContribution,
    UsageDaily,
    UsageFile,
)

__all__ = [
    "AppMeta", "Application", "Assignment", "AuditEntry", "Batch", "CalendarOverride",
    "Claim", "Conflict", "Contract", "ContractSolution", "CorrectionNotice", "Decision",
    "District", "Document", "Invoice", "OutlierResolution", "PastRecipient", "Provider",
    "QualificationCheck", "ROLES", "Reviewer", "Score", "SpotCheck", "SpotCheckDraw", "Store", "UTCDateTime",
    "UsageContribution", "UsageDaily", "UsageFile",
    "User", "metadata", "utcnow",
]
