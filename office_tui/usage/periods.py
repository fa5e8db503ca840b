"""Continued use, per monthly period (docs/rules/usage.md), as plain rules and as SQL.

A claim's term runs from its contract's start to its end, or to the termination date of
a contract ended early. It is cut into monthly periods (office_tui.core.months); use is
continued when every period has at least ``min_active_days`` days with one or more
events (the setting usage_min_active_days, 1 by default) — or, in a last period shorter
than that, every one of its days. The verdict:

* ``no_log`` — the store has no event at all in the term (flag ``no_usage_log``);
* ``gap`` — some period has too few days with use (flag ``usage_gap``, naming them);
* ``covered`` — every period has enough.

:func:`judge` is the rule on a store's daily counts in Python. The SQL below applies the
same rule to many claims at once — reconciliation's one set-based pass and
``office-tui usage verify`` both build on :func:`create_terms` and
:func:`create_periods`, and a test holds the SQL's periods to
:func:`office_tui.core.months.monthly_periods` day for day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from office_tui.core.months import Period, monthly_periods

COVERED, GAP, NO_LOG = "covered", "gap", "no_log"


@dataclass(frozen=True)
class PeriodUse:
    """One monthly period of a term and what the log shows in it."""

    number: int
    first: date
    last: date
    active_days: int  # days with at least one event
    events: int
    needed: int  # days with use the period must have

    @property
    def ok(self) -> bool:
        return self.active_days >= self.needed

    def to_json(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "active_days": self.active_days,
                "events": self.events, "ok": self.ok}


def needed_days(period: Period, min_active_days: int) -> int:
    """Days with use ``period`` needs: the setting, or every day of a shorter period."""
    return min(min_active_days, period.days)


def judge(start: date, end: date, counts: Mapping[date, int], min_active_days: int = 1) -> tuple[str, list[PeriodUse]]:
    """The verdict on a term ``start``–``end`` given the store's daily counts, and each
    period's use."""
    periods = []
    for period in monthly_periods(start, end):
        days = [n for day, n in counts.items() if period.first <= day <= period.last]
        periods.append(PeriodUse(period.number, period.first, period.last, sum(1 for n in days if n > 0),
                                 sum(days), needed_days(period, min_active_days)))
    if not any(p.active_days for p in periods):
        return NO_LOG, periods
    return (COVERED if all(p.ok for p in periods) else GAP), periods


# -- the same in SQL (SQLite) --------------------------------------------------------------

# The term of each claim: its store, first and last day, the shift from the first of a
# month to the start's day ('+30 days' for a 31st), how many calendar months it touches,
# and whether the store has any event in it.
_TERMS = """
CREATE TEMP TABLE usage_term AS
SELECT c.id AS claim_id, k.store_id AS store_id, k.starts_on AS starts,
       coalesce(k.terminated_on, k.ends_on) AS ends,
       '+' || (CAST(strftime('%d', k.starts_on) AS INTEGER) - 1) || ' days' AS day_shift,
       (CAST(strftime('%Y', coalesce(k.terminated_on, k.ends_on)) AS INTEGER)
        - CAST(strftime('%Y', k.starts_on) AS INTEGER)) * 12
       + CAST(strftime('%m', coalesce(k.terminated_on, k.ends_on)) AS INTEGER)
       - CAST(strftime('%m', k.starts_on) AS INTEGER) + 1 AS months,
       EXISTS (SELECT 1 FROM usagedaily u WHERE u.store_id = k.store_id AND u.count > 0
               AND u.day BETWEEN k.starts_on AND coalesce(k.terminated_on, k.ends_on)) AS logged
FROM claim c JOIN contract k ON k.id = c.contract_id
{where}
"""

# start + m months, a missing day becoming the month's last: the start's day in the
# month m months on, or that month's last day, whichever is earlier.
_MONTH_ON = ("min(date(t.starts, 'start of month', {plus}, t.day_shift),"
             " date(t.starts, 'start of month', {plus_next}, '-1 day'))")

_PERIODS = f"""
CREATE TEMP TABLE usage_period AS
SELECT claim_id, store_id, number, first, last FROM (
    SELECT t.claim_id, t.store_id, n.m + 1 AS number,
           {_MONTH_ON.format(plus="n.plus", plus_next="n.plus_next")} AS first,
           min(date({_MONTH_ON.format(plus="n.plus_next", plus_next="n.plus_after")}, '-1 day'), t.ends) AS last
    FROM usage_term t JOIN usage_month n ON n.m < t.months
    {{where}}
) WHERE first <= last
"""

TEMP_TABLES = ("usage_period", "usage_term", "usage_month")


def drop_temp(connection) -> None:
    for name in TEMP_TABLES:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")


def create_terms(connection, where: str = "", params: dict | None = None) -> None:
    """temp.usage_term: one row per claim chosen by ``where`` (over ``claim c`` and
    ``contract k``, e.g. "WHERE k.store_id IN (…)"), with its term and ``logged``."""
    from sqlalchemy import text

    drop_temp(connection)
    connection.execute(text(_TERMS.format(where=where)), params or {})
    connection.exec_driver_sql("CREATE INDEX temp.usage_term_claim ON usage_term (claim_id)")


def create_periods(connection, logged_only: bool = False) -> None:
    """temp.usage_period: the monthly periods (number, first, last) of every term in
    usage_term (only the terms with an event in them, ``logged_only``)."""
    longest = connection.exec_driver_sql("SELECT coalesce(max(months), 0) FROM usage_term").scalar()
    connection.exec_driver_sql("CREATE TEMP TABLE usage_month (m INTEGER PRIMARY KEY, plus TEXT, plus_next TEXT,"
                               " plus_after TEXT)")
    connection.exec_driver_sql("INSERT INTO usage_month VALUES (?, ?, ?, ?)",
                               [(m, f"+{m} months", f"+{m + 1} months", f"+{m + 2} months")
                                for m in range(max(int(longest or 0), 0) + 1)])
    connection.exec_driver_sql(_PERIODS.format(where="WHERE t.logged" if logged_only else ""))
    connection.exec_driver_sql("CREATE INDEX temp.usage_period_claim ON usage_period (claim_id)")


def short_period_sql(min_active_days: int) -> str:
    """True for a row ``p`` of usage_period with too few days with use (see the module)."""
    need = int(min_active_days)
    if need <= 1:
        return ("NOT EXISTS (SELECT 1 FROM usagedaily u WHERE u.store_id = p.store_id AND u.count > 0"
                " AND u.day BETWEEN p.first AND p.last)")
    return (f"(SELECT count(*) FROM (SELECT 1 FROM usagedaily u WHERE u.store_id = p.store_id AND u.count > 0"
            f" AND u.day BETWEEN p.first AND p.last LIMIT {need}))"
            f" < min({need}, CAST(julianday(p.last) - julianday(p.first) AS INTEGER) + 1)")


def create_verdicts(connection, min_active_days: int) -> None:
    """temp.usage_verdict (claim_id, state): 0 covered, 1 no log, 2 gap, for every claim
    in usage_term; the periods are made only for terms with an event."""
    create_periods(connection, logged_only=True)
    connection.exec_driver_sql(f"""
        CREATE TEMP TABLE usage_verdict AS
        SELECT t.claim_id, CASE WHEN NOT t.logged THEN 1
                                WHEN EXISTS (SELECT 1 FROM usage_period p WHERE p.claim_id = t.claim_id
                                             AND {short_period_sql(min_active_days)}) THEN 2
                                ELSE 0 END AS state
        FROM usage_term t""")
    connection.exec_driver_sql("CREATE UNIQUE INDEX temp.usage_verdict_claim ON usage_verdict (claim_id)")


def drop_verdicts(connection) -> None:
    connection.exec_driver_sql("DROP TABLE IF EXISTS temp.usage_verdict")
    drop_temp(connection)
