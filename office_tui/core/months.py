"""Month arithmetic of the programme's periods (docs/rules/usage.md).

A contract's use is judged per monthly period, and a 商圈 store's month m is counted the
same way: period k runs from start + (k−1) months to the day before start + k months. A
day that does not exist in the month (31 February) becomes the month's last day, so
2021-01-31 + 1 month is 2021-02-28 and + 2 months is 2021-03-31 (always counted from the
start, never from the previous period's first day). The last period ends on the term's
last day, however short that leaves it.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import NamedTuple


def add_months(day: date, k: int) -> date:
    """``day`` plus ``k`` calendar months (k may be negative); a day the month lacks
    becomes its last day (2024-01-31 + 1 → 2024-02-29, 2023-01-31 + 1 → 2023-02-28)."""
    months = day.year * 12 + (day.month - 1) + k
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Period(NamedTuple):
    """One monthly period of a term: its number (1-based) and first and last day."""

    number: int
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def monthly_periods(start: date, end: date) -> list[Period]:
    """The term ``start``–``end`` (both inclusive; ``end`` the contract's end or its
    termination date) cut into monthly periods from ``start``. Empty when ``end`` is
    before ``start``."""
    periods: list[Period] = []
    k = 1
    first = start
    while first <= end:
        following = add_months(start, k)
        periods.append(Period(k, first, min(following - timedelta(days=1), end)))
        first = following
        k += 1
    return periods


def period_of(start: date, day: date) -> int:
    """The number of the monthly period from ``start`` that ``day`` falls in (1-based);
    0 for a day before ``start``."""
    if day < start:
        return 0
    k = (day.year - start.year) * 12 + day.month - start.month
    # k months after start may be past day (start 01-31, day 02-27: k = 1, but 02-28 > 02-27).
    while k > 0 and add_months(start, k) > day:
        k -= 1
    while add_months(start, k + 1) <= day:
        k += 1
    return k + 1
