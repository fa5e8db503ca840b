"""Taiwan's government office calendar (行政機關辦公日曆表) plus the office's overrides.

The `holidays` package has the national holidays, substituted days off and the make-up
Saturdays (補行上班); closures declared on the day (typhoon days, 停止上班) and extra
workdays come from CalendarOverride rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def national_holidays(year: int) -> holidays.HolidayBase:
    """Taiwan's national calendar for ``year`` (zh_TW names, make-up workdays included)."""
    return holidays.country_holidays("TW", years=year, language="zh_TW")


@dataclass(frozen=True)
class WorkCalendar:
    closures: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.closures:
            return False
        if day in self.extra_workdays:
            return True
        national = national_holidays(day.year)
        if day in national.weekend_workdays:
            return True
        return day.weekday() < 5 and day not in national

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after ``start`` (``start`` itself never counts)."""
        if n < 1:
            raise ValueError(n)
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
