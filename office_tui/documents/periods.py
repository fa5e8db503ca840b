"""Which UBNs, dates and tax periods a document shows (:func:`find_ubns`,
:func:`find_dates`, :func:`annual_years`, :func:`vat_periods`), and whether a tax
document is the latest one on the day the application was submitted
(:func:`latest_annual_year`, :func:`latest_vat_period`, :func:`period_check`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from models.clock import OFFICE_TZ
from office_tui.documents.kinds import TAX_KINDS
from office_tui.documents.text import compact
from office_tui.core.i18n import t

_UBN_LABEL = re.compile(
    r"(?:統一編號|統編|營利事業編號|扣繳單位編號|UBN|Tax\s*ID)[^\d\n]{0,15}?\n?[^\d\n]{0,15}?"
    r"((?:\d[ \t]?){7}\d)(?![ \t]?\d)", re.IGNORECASE)
_UBN_BARE = re.compile(r"(?<![\dA-Za-z/.\-])\d{8}(?![\dA-Za-z/\-])(?!\.\d)")
_NOT_UBN_BEFORE = re.compile(r"電話|傳真|手機|專線|分機|帳號|帳戶|TEL|FAX|PHONE", re.IGNORECASE)


def find_ubns(text: str) -> list[str]:
    """The UBNs a document shows, in order of appearance: every 8-digit number after a
    label (統一編號, 統編 …), then bare 8-digit numbers that pass the checksum and are
    neither a date (YYYYMMDD) nor a phone or account number."""
    from office_tui.core.ubn import is_valid_ubn

    text = unicodedata.normalize("NFKC", text)
    found: list[str] = []
    for m in _UBN_LABEL.finditer(text):
        ubn = re.sub(r"\s", "", m[1])
        if ubn not in found:
            found.append(ubn)
    for m in _UBN_BARE.finditer(text):
        ubn = m[0]
        if ubn in found or not is_valid_ubn(ubn):
            continue
        if _NOT_UBN_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        if _plausible_yyyymmdd(ubn):
            continue
        found.append(ubn)
    return found


def _plausible_yyyymmdd(digits: str) -> bool:
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return 1950 <= day.year <= 2100


_DATE = re.compile(
    r"(?:中華)?民國\s*\d{1,3}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?<!\d)\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?<![\d/.\-])\d{2,4}([/.\-])\d{1,2}\1\d{1,2}(?![\d/.\-])")
DATE_YEARS = (1950, 2100)  # dates outside are version numbers and the like
MAX_DATES = 60


def find_dates(text: str) -> list[date]:
    """The dates a document shows (ROC or Gregorian, as office_tui.core.dates reads them), in
    order of appearance, each once."""
    from office_tui.core.dates import DateParseError, parse_date

    text = unicodedata.normalize("NFKC", text)
    found: list[date] = []
    for m in _DATE.finditer(text):
        try:
            day = parse_date(m[0])
        except DateParseError:
            continue
        if DATE_YEARS[0] <= day.year <= DATE_YEARS[1] and day not in found:
            found.append(day)
            if len(found) >= MAX_DATES:
                break
    return found


def _year(text: str) -> int | None:
    year = int(text)
    year = year if len(text) == 4 else year + 1911
    return year if DATE_YEARS[0] <= year <= DATE_YEARS[1] else None


_ANNUAL = re.compile(r"(?<!\d)(\d{2,4})年度")
_ANNUAL_END = re.compile(r"至(?:中華)?(?:民國)?(\d{2,4})年12月31日")


def annual_years(text: str) -> list[int]:
    """The (Gregorian) years an income tax return says it is for: 「114年度」, or the
    end of its period 「自114年1月1日至114年12月31日」."""
    c = compact(text)
    years = [y for y in (_year(m[1]) for m in _ANNUAL.finditer(c)) if y]
    if not years:
        years = [y for y in (_year(m[1]) for m in _ANNUAL_END.finditer(c)) if y]
    return years


_SEP = r"[-~～至到、及]"
_VAT_PATTERNS = (
    # 114年9-10月, 114年9至10月
    re.compile(rf"(?<!\d)(?P<y>\d{{2,3}})年(?P<m1>\d{{1,2}}){_SEP}(?P<m2>\d{{1,2}})月"),
    # 114年9月至10月, 113年1月至114年10月
    re.compile(rf"(?<!\d)(?P<y>\d{{2,3}})年(?P<m1>\d{{1,2}})月份?{_SEP}(?:(?P<y2>\d{{2,3}})年)?(?P<m2>\d{{1,2}})月"),
    # 11409-11410
    re.compile(rf"(?<!\d)(?P<y>\d{{3}})(?P<m1>\d{{2}}){_SEP}(?P<y2>\d{{3}})(?P<m2>\d{{2}})(?!\d)"),
    # 所屬年月：114年10月
    re.compile(r"所屬年月份?[:：]?(?P<y>\d{2,3})年(?P<m2>\d{1,2})月"),
)


def vat_periods(text: str) -> list[tuple[int, int]]:
    """The 營業稅 periods a document shows, as (Gregorian year, last month of the
    two-month period: 2, 4 … 12)."""
    c = compact(text)
    found = []
    for pattern in _VAT_PATTERNS:
        for m in pattern.finditer(c):
            groups = m.groupdict()
            year = _year(groups.get("y2") or groups["y"])
            month = int(groups["m2"])
            if year is None or not 1 <= month <= 12:
                continue
            if groups.get("m1") is not None and not 1 <= int(groups["m1"]) <= 12:
                continue
            month += month % 2  # a month stands for its two-month period
            if (year, month) not in found:
                found.append((year, month))
    return found


def latest_annual_year(submitted_on: date) -> int:
    """The latest income tax year a company can show on ``submitted_on``.

    Annual 營利事業所得稅 returns are filed in May for the previous year. So from June on
    the latest return is for the previous year (D − 1); before June the return for D − 1
    may not be filed yet, and the latest one is for D − 2."""
    return submitted_on.year - 1 if submitted_on.month >= 6 else submitted_on.year - 2


def vat_deadline(year: int, last_month: int) -> date:
    """營業稅 is filed by the 15th of the odd month after each two-month period (a 15th
    that is no working day moves to the next working day)."""
    from office_tui.core.workdays import WorkCalendar

    day = date(year + 1, 1, 15) if last_month == 12 else date(year, last_month + 1, 15)
    calendar = WorkCalendar()
    while not calendar.is_working_day(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day


def latest_vat_period(submitted_on: date) -> tuple[int, int]:
    """The latest 營業稅 period a company must have filed by ``submitted_on``: the most
    recent two-month period (Jan–Feb … Nov–Dec) whose filing deadline (see
    :func:`vat_deadline`) lies before that day. A newer period, filed early, is fine."""
    year, month = submitted_on.year, submitted_on.month - submitted_on.month % 2
    if month == 0:
        year, month = year - 1, 12
    while vat_deadline(year, month) >= submitted_on:
        year, month = (year, month - 2) if month > 2 else (year - 1, 12)
    return year, month


def format_period(period: tuple[int, int] | int) -> str:
    if isinstance(period, int):
        return t("triage.period_year", year=period - 1911)
    year, month = period
    return t("triage.period_vat", year=year - 1911, start=month - 1, end=month)


@dataclass(frozen=True)
class PeriodCheck:
    warning: str | None  # None, "outdated" or "no_period"
    shown: tuple[int, int] | int | None = None
    latest: tuple[int, int] | int | None = None


def period_check(kind: str, text: str, submitted_on: date | None) -> PeriodCheck:
    """Whether a tax document is of the latest period (see :func:`latest_annual_year`
    and :func:`latest_vat_period`); the newest period the document shows counts."""
    if kind not in TAX_KINDS:
        return PeriodCheck(None)
    if kind == "tax_return":
        years = annual_years(text)
        if not years:
            return PeriodCheck("no_period")
        shown: tuple[int, int] | int = max(years)
        latest: tuple[int, int] | int | None = latest_annual_year(submitted_on) if submitted_on else None
    else:
        periods = vat_periods(text)
        if not periods:
            return PeriodCheck("no_period")
        shown = max(periods)
        latest = latest_vat_period(submitted_on) if submitted_on else None
    if latest is not None and shown < latest:  # type: ignore[operator]
        return PeriodCheck("outdated", shown, latest)
    return PeriodCheck(None, shown, latest)


def submission_day(submitted_at: datetime) -> date:
    """An application's submission day at the office (Asia/Taipei)."""
    return submitted_at.astimezone(OFFICE_TZ).date()
