"""Cell parsers shared by every importer: money, yes/no, whole numbers, dates, lists.

A cell arrives as the reader hands it over: text from a csv, or from an xlsx a str,
float (Excel keeps every number as one), bool, date, datetime, time or timedelta.
Each parser takes any of those and returns the value or raises :class:`FieldError`,
whose message (an i18n key and its values) names what was found, in the interface
language. Blank cells are the caller's business (see :func:`is_blank`): a parser given
one refuses it like any other unreadable value.

Control characters (C0: U+0000–U+001F, and DEL) are never stored: an .xlsx cannot hold
most of them, so an export of the name would fail, and on a screen they ring bells or
break lines. A one-line cell — a name, a code, an address — holding one is refused
(:func:`line_text`, the row's problem names the character and where it is); free text
such as a company's introduction keeps its tabs and line breaks, Word's line and page
breaks (U+000B, U+000C) become line breaks and the other control characters are dropped
(:func:`free_text`; :func:`to_text` does the same, for any text not checked further).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from office_tui.core import dates
from models.clock import OFFICE_TZ
from office_tui.core.errors import OfficeError

_SHOWN_MAX = 40


class FieldError(OfficeError):
    """A cell that cannot be read as what its column holds."""


def shown(value: object) -> str:
    """A cell value as a message quotes it: text as typed (a control character shown
    as U+FFFD), numbers without ``.0``."""
    text = value.strip() if isinstance(value, str) else to_text(value)
    if _CONTROL.search(text):
        text = _CONTROL.sub("\ufffd", text)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


# C0 control characters and DEL; free text keeps tab, LF and CR of them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FREE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})  # Word's line break, page break


def has_control(text: str) -> bool:
    """Does ``text`` hold a control character (C0 or DEL; tab and line breaks included)?"""
    return not text.isprintable() and _CONTROL.search(text) is not None


def line_text(value: object) -> str:
    """A one-line cell as text, stripped (as :func:`to_text`); a control character in it
    — a tab or line break inside it too — is refused, naming the character and where."""
    text = value.strip() if isinstance(value, str) else to_text(value)
    found = None if text.isprintable() else _CONTROL.search(text)
    if found is not None:
        raise FieldError("import.field.control_char", char=f"U+{ord(found.group()):04X}",
                         position=found.start() + 1, value=shown(text))
    return text


def free_text(value: object) -> str:
    """Free text, stripped: tabs and line breaks kept (U+000B and U+000C, Word's line and
    page breaks, become line breaks), every other control character dropped."""
    return to_text(value)


def is_blank(value: object) -> bool:
    """Nothing in the cell: None, or text that is empty or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def to_text(value: object) -> str:
    """A cell as text, stripped; a whole float (how xlsx stores 12) without ``.0``;
    control characters as :func:`free_text` leaves them (tab and line breaks only)."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.isprintable() and _FREE_CONTROL.search(value):  # isprintable: the quick test
            return _FREE_CONTROL.sub("", value.translate(_WORD_BREAKS)).strip()
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(" ", "seconds")
    return str(value).strip()


def _nfkc(value: str) -> str:
    # Full-width digits, ＮＴ＄ and the ideographic space are what office staff type.
    return unicodedata.normalize("NFKC", value).strip()


# -- numbers -------------------------------------------------------------------------

# NT$ / NTD / $ / 新臺幣 before, 元 after; thousands grouped by commas or not at all.
_MONEY = re.compile(
    r"(?:NT\s*\$|NTD|\$|新[臺台]幣)?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*元?",
    re.ASCII | re.IGNORECASE,
)
_MINUS = ("-", "\u2212", "\u2013")  # hyphen, minus sign, en dash


def _whole_number(value: float | Decimal, bad: str, fraction: str) -> int:
    if not math.isfinite(value):
        raise FieldError(bad, value=shown(value))
    if value != int(value):
        raise FieldError(fraction, value=shown(value))
    return int(value)


def parse_money(value: object) -> int:
    """Whole NT$, not negative: 30000, 30000.0, "30,000", "NT$30,000", "NT$ 30,000",
    "ＮＴ＄３０，０００", "30,000元"."""
    cls = value.__class__
    if cls is int:
        if value < 0:
            raise FieldError("import.field.money_negative", value=shown(value))
        return value
    if cls is float or cls is Decimal:
        if value < 0:
            raise FieldError("import.field.money_negative", value=shown(value))
        return _whole_number(value, "import.field.money", "import.field.money_fraction")
    if cls is not str:  # bool, dates: not an amount
        raise FieldError("import.field.money", value=shown(value))
    text = _nfkc(value)
    negative = text.startswith(_MINUS) or (text.startswith("(") and text.endswith(")"))
    if negative:
        text = text.strip("()").lstrip("".join(_MINUS)).strip()
    match = _MONEY.fullmatch(text)
    if match is None:
        # "NT$-30,000": the sign after the currency.
        inner = re.sub(r"^(?:NT\s*\$|NTD|\$|新[臺台]幣)\s*", "", text, flags=re.IGNORECASE)
        if inner.startswith(_MINUS) and _MONEY.fullmatch(inner[1:].strip()):
            raise FieldError("import.field.money_negative", value=shown(value))
        raise FieldError("import.field.money", value=shown(value))
    if negative:
        raise FieldError("import.field.money_negative", value=shown(value))
    if match["frac"] and match["frac"].strip("0"):
        raise FieldError("import.field.money_fraction", value=shown(value))
    return int(match["int"].replace(",", ""))


_INT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?", re.ASCII)


def parse_int(value: object) -> int:
    """A whole number: 12, 12.0, "12", "１２", "1,000"; no fractions, no words."""
    cls = value.__class__
    if cls is int:
        return value
    if cls is float or cls is Decimal:
        return _whole_number(value, "import.field.int", "import.field.int")
    if cls is not str:
        raise FieldError("import.field.int", value=shown(value))
    text = _nfkc(value).replace("\u2212", "-")
    if not _INT.fullmatch(text):
        raise FieldError("import.field.int", value=shown(value))
    return int(text.split(".")[0].replace(",", ""))


_CLOCK = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})", re.ASCII)


def parse_seconds(value: object) -> int:
    """A duration in whole seconds: 180, "180", "3:00" (m:ss), "0:03:00", or an xlsx
    time/duration cell."""
    if isinstance(value, timedelta):
        return round(value.total_seconds())
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, str):
        match = _CLOCK.fullmatch(_nfkc(value))
        if match:
            hours, minutes, seconds = int(match[1] or 0), int(match[2]), int(match[3])
            if seconds < 60:
                return hours * 3600 + minutes * 60 + seconds
            raise FieldError("import.field.seconds", value=shown(value))
    try:
        seconds = parse_int(value)
    except FieldError:
        raise FieldError("import.field.seconds", value=shown(value)) from None
    if seconds < 0:
        raise FieldError("import.field.seconds", value=shown(value))
    return seconds


# -- yes / no ------------------------------------------------------------------------

_YES = frozenset({"是", "y", "yes", "true", "1", "t"})
_NO = frozenset({"否", "n", "no", "false", "0", "f"})


def parse_bool(value: object) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0 (any case, full-width too), or an xlsx boolean."""
    if value is True or value is False:
        return value
    if value.__class__ in (int, float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _nfkc(value).casefold()
        if word in _YES:
            return True
        if word in _NO:
            return False
    raise FieldError("import.field.bool", value=shown(value))


# -- dates ---------------------------------------------------------------------------


def _whole_second(value: datetime) -> datetime:
    # xlsx keeps a date-time as a fraction of a day; 17:00:00 can come back a hair off.
    if value.microsecond:
        value = value.replace(microsecond=0) + timedelta(seconds=value.microsecond >= 500_000)
    return value


# Taiwan has kept UTC+8 without summer time since 1980: from then on local → UTC is a
# subtraction (a third of the time of a zoneinfo conversion, which a big import feels).
_FIXED_SINCE = datetime(1980, 1, 1)
_EIGHT_HOURS = timedelta(hours=8)


def _local_to_utc(naive: datetime) -> datetime:
    if naive >= _FIXED_SINCE:
        return (naive - _EIGHT_HOURS).replace(tzinfo=timezone.utc)
    return naive.replace(tzinfo=OFFICE_TZ).astimezone(timezone.utc)


def _number_text(value: object) -> str | None:
    """1100705 typed into a number cell is still a date (ROC, compact)."""
    if value.__class__ is int or (value.__class__ is float and value.is_integer()):
        return str(int(value))
    return None


def parse_date(value: object) -> date:
    """ISO or ROC text (110/07/05, 110.07.05, 110年7月5日, 中華民國110年7月5日, 1100705),
    or an xlsx date cell."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(OFFICE_TZ)
        return value.date()
    if isinstance(value, date):
        return value
    text = value if isinstance(value, str) else _number_text(value)
    if text is None:
        raise FieldError("import.field.date", value=shown(value))
    try:
        return dates.parse_date(text)
    except ValueError:
        raise FieldError("import.field.date", value=shown(value)) from None


# The usual export forms ("110/07/08 16:59:03", "2021-07-08 16:59"), read without the
# general parser's normalising (a 50,000-row import reads one per row); anything else, and
# anything this finds wrong, goes to office_tui.core.dates.
_USUAL_DATETIME = re.compile(r"(\d{2,4})([-/.])(\d{1,2})\2(\d{1,2}) +(\d{1,2}):(\d\d)(?::(\d\d))?", re.ASCII)


def _usual_datetime(text: str) -> datetime | None:
    match = _USUAL_DATETIME.fullmatch(text)
    if match is None:
        return None
    year, _, month, day, hour, minute, second = match.groups()
    try:
        local = datetime(int(year) + (dates.ROC_OFFSET if len(year) < 4 else 0), int(month), int(day),
                         int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    if local.year < dates.ROC_EPOCH.year:
        return None
    return _local_to_utc(local)


def parse_datetime(value: object) -> datetime:
    """A local (Asia/Taipei) date-time → aware UTC: the date forms of :func:`parse_date`
    plus ``HH:MM[:SS]``, or an xlsx date-time cell. A date alone means 00:00."""
    if value.__class__ is str and value.isascii():
        quick = _usual_datetime(value.strip())
        if quick is not None:
            return quick
    if isinstance(value, datetime):
        value = _whole_second(value)
        if value.tzinfo is None:
            return _local_to_utc(value)
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return _local_to_utc(datetime.combine(value, time()))
    text = value if isinstance(value, str) else _number_text(value)
    if text is None:
        raise FieldError("import.field.datetime", value=shown(value))
    try:
        return dates.parse_datetime(text)
    except ValueError:
        raise FieldError("import.field.datetime", value=shown(value)) from None


def happened(parse, what: str, today: date | None = None):
    """``parse`` for the date (or date-time) of an event that has happened — a filing, a
    submission, an invoice: the value may not lie after today, Asia/Taipei (the one check,
    :func:`office_tui.core.dates.check_happened`; ``what`` is the event's i18n key).
    ``today`` fixes the day for a whole import; without it each call reads the clock."""

    def parse_happened(value: object):
        result = parse(value)
        day = result.astimezone(OFFICE_TZ).date() if isinstance(result, datetime) else result
        try:
            dates.check_happened(day, what, today)
        except dates.FutureDateError as error:
            raise FieldError(error.key, **error.params) from None
        return result

    return parse_happened


# -- lists ---------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[、,，\s]+")


def split_list(value: object) -> list[str]:
    """Items separated by 、 , ， or spaces, in order, each once; [] for a blank cell."""
    if is_blank(value):
        return []
    return list(dict.fromkeys(item for item in _SEPARATORS.split(to_text(value)) if item))

