"""The one clock of the app.

The office lives in Asia/Taipei whatever the machine's clock zone is. ``OFFICE_TUI_NOW``
(an ISO date-time with offset, e.g. ``2021-07-08T17:00:00+08:00``) pins the clock for
tests, demos and snapshot runs.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Taipei")


def now_utc() -> datetime:
    pinned = os.environ.get("OFFICE_TUI_NOW")
    if pinned:
        value = datetime.fromisoformat(pinned)
        if value.tzinfo is None:
            value = value.replace(tzinfo=OFFICE_TZ)
        return value.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def now_local() -> datetime:
    """Now in the office's zone (Asia/Taipei)."""
    return now_utc().astimezone(OFFICE_TZ)


def office_today() -> date:
    """Today's date at the office, not on the machine's clock zone."""
    return now_local().date()
