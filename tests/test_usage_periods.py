"""The month arithmetic of continued use (docs/rules/usage.md): periods from a 31st, across
a leap February, a term ended early, the verdict in Python, and the SQL that
reconciliation and `usage verify` use agreeing with it day for day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from office_tui.claims.reconcile import one_year_end
from office_tui.core.months import add_months, monthly_periods, period_of
from office_tui.usage.periods import COVERED, GAP, NO_LOG, create_periods, create_terms, judge


@pytest.mark.parametrize("day, k, expected", [
    (date(2021, 1, 31), 1, date(2021, 2, 28)),   # 31 February → the month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),   # a leap February
    (date(2021, 1, 31), 2, date(2021, 3, 31)),   # always from the start, not the previous period
    (date(2021, 3, 31), 1, date(2021, 4, 30)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2021, 12, 15), 1, date(2022, 1, 15)),
    (date(2022, 1, 15), -1, date(2021, 12, 15)),
    (date(2021, 8, 30), 6, date(2022, 2, 28)),
])
def test_add_months(day, k, expected):
    assert add_months(day, k) == expected


def test_periods_from_the_31st():
    periods = monthly_periods(date(2021, 1, 31), date(2022, 1, 30))
    assert [(p.first, p.last) for p in periods[:4]] == [
        (date(2021, 1, 31), date(2021, 2, 27)),  # the day before 02-28 (31 February)
        (date(2021, 2, 28), date(2021, 3, 30)),
        (date(2021, 3, 31), date(2021, 4, 29)),  # the day before 04-30 (31 April)
        (date(2021, 4, 30), date(2021, 5, 30)),
    ]
    assert len(periods) == 12 and periods[-1] == (12, date(2021, 12, 31), date(2022, 1, 30))
    # Contiguous: each period starts the day after the one before ends.
    assert all(b.first == a.last + timedelta(days=1) for a, b in zip(periods, periods[1:]))


def test_periods_across_a_leap_february():
    periods = monthly_periods(date(2024, 1, 31), one_year_end(date(2024, 1, 31)))
    assert [(p.first, p.last) for p in periods[:2]] == [(date(2024, 1, 31), date(2024, 2, 28)),
                                                         (date(2024, 2, 29), date(2024, 3, 30))]
    assert periods[-1].last == date(2025, 1, 30) and len(periods) == 12


def test_a_term_starting_on_a_leap_day_has_a_one_day_13th_period():
    # 2024-02-29 + 12 months is 2025-02-28 (no 29 February), which is also the term's
    # last day: the rule as written leaves a period of one day.
    end = one_year_end(date(2024, 2, 29))
    periods = monthly_periods(date(2024, 2, 29), end)
    assert end == date(2025, 2, 28)
    assert periods[0] == (1, date(2024, 2, 29), date(2024, 3, 28))
    assert periods[11] == (12, date(2025, 1, 29), date(2025, 2, 27))
    assert periods[12] == (13, date(2025, 2, 28), date(2025, 2, 28)) and periods[12].days == 1


def test_a_term_ended_early_stops_on_the_termination_day():
    periods = monthly_periods(date(2025, 10, 1), date(2026, 1, 15))
    assert [(p.first, p.last) for p in periods] == [
        (date(2025, 10, 1), date(2025, 10, 31)), (date(2025, 11, 1), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 1, 15))]
    assert monthly_periods(date(2025, 10, 1), date(2025, 10, 1)) == [(1, date(2025, 10, 1), date(2025, 10, 1))]
    assert monthly_periods(date(2025, 10, 2), date(2025, 10, 1)) == []


def test_period_of_a_day():
    start = date(2021, 1, 31)
    for period in monthly_periods(start, date(2022, 1, 30)):
        assert period_of(start, period.first) == period_of(start, period.last) == period.number
    assert period_of(start, date(2021, 1, 30)) == 0


def test_the_verdict():
    start, end = date(2025, 10, 1), date(2026, 9, 30)
    every = {p.first: 2 for p in monthly_periods(start, end)}
    assert judge(start, end, every)[0] == COVERED
    assert judge(start, end, {}, 1)[0] == NO_LOG
    assert judge(start, end, {d: 0 for d in every})[0] == NO_LOG  # counts of 0 are no use
    assert judge(start, end, {date(2025, 10, 1): 5, date(2026, 9, 30): 5})[0] == GAP
    verdict, periods = judge(start, end, every, min_active_days=2)
    assert verdict == GAP and periods[0].to_json() == {"from": "2025-10-01", "to": "2025-10-31", "active_days": 1,
                                                        "events": 2, "ok": False}
    # A last period shorter than the minimum needs each of its days, no more.
    verdict, periods = judge(start, date(2025, 11, 1), {date(2025, 10, 3): 1, date(2025, 10, 4): 1,
                                                        date(2025, 11, 1): 1}, min_active_days=2)
    assert verdict == COVERED and periods[-1].needed == 1


def test_the_sql_periods_are_the_python_periods_day_for_day(engine):
    """Every start day over three years (31sts, leap days, month ends), full terms and
    terms ended early: the SQL gives exactly office_tui.core.months.monthly_periods."""
    starts = [date(2023, 1, 1) + timedelta(days=n) for n in range(0, 3 * 366)]
    terms = []
    for n, start in enumerate(starts):
        end = one_year_end(start)
        terminated = start + timedelta(days=n % 200) if n % 3 == 0 else None
        terms.append((n + 1, start, end, terminated))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TEMP TABLE claim (id INTEGER PRIMARY KEY, contract_id INTEGER)")
        connection.exec_driver_sql("CREATE TEMP TABLE contract (id INTEGER PRIMARY KEY, store_id INTEGER,"
                                   " starts_on TEXT, ends_on TEXT, terminated_on TEXT)")
        connection.exec_driver_sql("INSERT INTO temp.claim VALUES (?, ?)", [(n, n) for n, *_ in terms])
        connection.exec_driver_sql("INSERT INTO temp.contract VALUES (?, 1, ?, ?, ?)",
                                   [(n, s.isoformat(), e.isoformat(), t.isoformat() if t else None)
                                    for n, s, e, t in terms])
        create_terms(connection)
        create_periods(connection)
        rows = connection.execute(text("SELECT claim_id, number, first, last FROM usage_period"
                                       " ORDER BY claim_id, number")).all()
        connection.exec_driver_sql("DROP TABLE temp.claim")
        connection.exec_driver_sql("DROP TABLE temp.contract")
    got: dict[int, list] = {}
    for claim_id, number, first, last in rows:
        got.setdefault(claim_id, []).append((number, date.fromisoformat(first), date.fromisoformat(last)))
    expected = {n: [tuple(p) for p in monthly_periods(s, t or e)] for n, s, e, t in terms}
    assert got == expected
