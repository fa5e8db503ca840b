"""Dates as the office types and reads them: ROC (Minguo) or ISO.

ROC year = Gregorian year - 1911, so ``110/07/05`` is 2021-07-05. Parsing only ever
yields dates from 1912-01-01 (ROC year 1) on; earlier dates have no ROC form.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from office_tui.core.errors import OfficeError

ROC_OFFSET = 1911
ROC_EPOCH = date(1912, 1, 1)

# re.ASCII: NFKC folds full-width digits to ASCII but leaves e.g. Arabic-Indic digits
# alone, and those should not sneak through as \d.
# A 4-digit year is Gregorian, 1-3 digits are ROC; both separators must be the same.
_SEPARATED = re.compile(r"(\d{1,4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
_CHARACTERS = re.compile(
    r"((?:中華)?民國)?\s*(\d{1,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", re.ASCII
)
# The length fixes the layout: 8 = YYYYMMDD, 7 = YYYMMDD (ROC), 6 = YYMMDD (ROC).
_COMPACT = re.compile(r"\d{6,8}", re.ASCII)
# "T" only after a real ISO date (fixed-width lookbehind); an offset overrides `tz`.
_DATETIME = re.compile(
    r"(?P<date>.+?)(?:(?:\s+|(?<=\d{4}-\d\d-\d\d)T)"
    r"(?P<h>\d{1,2}):(?P<m>\d\d)(?::(?P<s>\d\d))?\s*(?P<off>Z|[+-]\d\d:?[0-5]\d)?)?",
    re.ASCII,
)


class DateParseError(ValueError):
    """The text is not a date we accept; ``.text`` is the input as given."""

    def __init__(self, text: str, reason: str = "unrecognised date") -> None:
        super().__init__(f"{reason}: {text!r}")
        self.text = text


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _to_date(year: str, month: str, day: str, text: str) -> date:
    y = int(year) + (ROC_OFFSET if len(year) < 4 else 0)
    try:
        result = date(y, int(month), int(day))
    except ValueError:
        raise DateParseError(text, "no such date") from None
    if result < ROC_EPOCH:  # also catches ROC year 0
        raise DateParseError(text, "before ROC year 1")
    return result


def _parse_date(s: str, text: str) -> date:
    if m := _SEPARATED.fullmatch(s):
        return _to_date(m[1], m[3], m[4], text)
    if m := _CHARACTERS.fullmatch(s):
        if m[1] and len(m[2]) == 4:
            raise DateParseError(text, "Gregorian year after 民國")
        return _to_date(m[2], m[3], m[4], text)
    if _COMPACT.fullmatch(s):
        return _to_date(s[:-4], s[-4:-2], s[-2:], text)
    raise DateParseError(text)


def parse_date(text: str) -> date:
    return _parse_date(_normalize(text), text)


def _offset(value: str) -> timezone:
    if value == "Z":
        return timezone.utc
    sign = -1 if value[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(value[1:3]), minutes=int(value[-2:])))


def parse_datetime(text: str, tz: str = "Asia/Taipei") -> datetime:
    """Local date-time text -> aware UTC datetime; a bare date means 00:00."""
    m = _DATETIME.fullmatch(_normalize(text))
    if m is None:
        raise DateParseError(text)
    day = _parse_date(m["date"], text)
    try:
        clock = time(int(m["h"] or 0), int(m["m"] or 0), int(m["s"] or 0))
        zone = _offset(m["off"]) if m["off"] else None
    except ValueError:
        raise DateParseError(text, "no such time or offset") from None
    return datetime.combine(day, clock, zone or ZoneInfo(tz)).astimezone(timezone.utc)


def roc_year(d: date) -> int:
    if d.year <= ROC_OFFSET:
        raise ValueError(f"{d.isoformat()} is before ROC year 1")
    return d.year - ROC_OFFSET


def format_date(d: date | None, style: str = "roc") -> str:
    if d is None:
        return ""
    if style == "roc":
        return f"{roc_year(d)}/{d.month:02d}/{d.day:02d}"
    if style == "iso":
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    raise ValueError(f"unknown date style {style!r}")


def format_datetime(
    dt: datetime | None, style: str = "roc", tz: str = "Asia/Taipei"
) -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:  # the database hands back naive UTC on some backends
        dt = dt.replace(tzinfo=timezone.utc)
    local = dt.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), style)} {local:%H:%M}"


class FutureDateError(OfficeError, ValueError):
    """A date of something that has already happened lies after today (Taipei). A
    ValueError too, so code that reads a typed date (``except ValueError``) refuses it
    like any other date it cannot take."""


def check_happened(day: date | None, what: str, today: date | None = None) -> date | None:
    """The one check for the date of an event that has happened (a correction received,
    a payment, a decision, a claw-back, a receipt or filing): it may not lie after
    today, the office's today in Asia/Taipei (docs/rules/README.md). ``what`` names the
    event: the i18n key of its name (``event.paid``). Returns ``day``; None passes."""
    if day is None:
        return None
    if today is None:
        from models.clock import office_today

        today = office_today()
    if day > today:
        from office_tui.core.i18n import t

        raise FutureDateError("error.date_in_future", what=t(what), day=format_date(day), today=format_date(today))
    return day
