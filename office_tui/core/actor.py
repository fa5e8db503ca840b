"""Who is doing the work. Kept free of database imports: the app needs it at start."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person behind a change, as AuditEntry records them."""

    user_id: int | None
    username: str
    role: str
    reviewer_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
