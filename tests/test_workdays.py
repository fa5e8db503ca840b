"""The government office calendar (行政機關辦公日曆表) and the correction-window arithmetic.

Hand-checked against the DGPA calendar for 2021 (110年):
  Lunar New Year 02-10 (Wed, 彈性放假, made up Sat 02-20) to 02-16 (Tue);
  02-28 (Sun) with 03-01 (Mon) off; 04-02 (Fri) to 04-05 (Mon) Children's/Tomb Sweeping;
  06-14 (Mon) Dragon Boat; 09-20 (Mon, 彈性放假, made up Sat 09-11) and 09-21 (Tue)
  Mid-Autumn; 10-11 (Mon) for National Day on Sunday; 12-31 (Fri) for 2022-01-01 (Sat).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from office_tui.core.workdays import WorkCalendar

CAL = WorkCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("day", ["2021-02-20", "2021-09-11"])
def test_make_up_saturdays_are_working_days(day):
    assert d(day).weekday() == 5
    assert CAL.is_working_day(d(day))


@pytest.mark.parametrize("day", ["2021-02-27", "2021-09-18", "2021-09-12", "2021-02-21"])
def test_ordinary_weekend_days_are_not_working_days(day):
    assert d(day).weekday() >= 5
    assert not CAL.is_working_day(d(day))


@pytest.mark.parametrize(
    "day",
    [
        "2021-01-01",  # New Year
        "2021-02-10",  # flexible day off before Lunar New Year (made up 02-20)
        "2021-02-11",
        "2021-02-12",
        "2021-02-15",
        "2021-02-16",
        "2021-03-01",  # Peace Memorial Day substituted
        "2021-04-02",
        "2021-04-05",
        "2021-06-14",  # Dragon Boat
        "2021-09-20",  # flexible day off (made up 09-11)
        "2021-09-21",  # Mid-Autumn
        "2021-10-11",  # National Day substituted
        "2021-12-31",  # 2022 New Year (a Saturday) substituted
    ],
)
def test_national_holidays_and_substituted_days_are_not_working_days(day):
    assert d(day).weekday() < 5
    assert not CAL.is_working_day(d(day))


@pytest.mark.parametrize(
    "day", ["2021-02-09", "2021-02-17", "2021-06-15", "2021-09-22", "2021-10-12", "2021-12-30"]
)
def test_ordinary_weekdays_are_working_days(day):
    assert CAL.is_working_day(d(day))


def test_2021_has_the_dgpa_number_of_working_days():
    """DGPA 110年: 116 days off = 104 weekend days - 2 make-up Saturdays + 14 weekday
    days off (01-01, 02-10, 02-11, 02-12, 02-15, 02-16, 03-01, 04-02, 04-05, 06-14,
    09-20, 09-21, 10-11, 12-31), so 365 - 116 = 249 working days."""
    start = d("2021-01-01")
    working = sum(CAL.is_working_day(start + timedelta(days=i)) for i in range(365))
    assert working == 249
    assert CAL.working_days_between(d("2020-12-31"), d("2021-12-31")) == 249


def test_make_up_saturday_counts_in_the_window():
    # Thu 09-09 = 1, Fri 09-10 = 2, Sat 09-11 (補行上班) = 3.
    assert CAL.add_working_days(d("2021-09-08"), 3) == d("2021-09-11")


def test_window_across_lunar_new_year_2021():
    # Notice Tue 02-09. 02-10..02-16 off; Wed 02-17 = 1, Thu 02-18 = 2, Fri 02-19 = 3.
    assert CAL.add_working_days(d("2021-02-09"), 1) == d("2021-02-17")
    assert CAL.add_working_days(d("2021-02-09"), 3) == d("2021-02-19")
    # One more: Sat 02-20 is the make-up day.
    assert CAL.add_working_days(d("2021-02-09"), 4) == d("2021-02-20")
    assert CAL.add_working_days(d("2021-02-09"), 5) == d("2021-02-22")


def test_window_across_mid_autumn_2021():
    # Thu 09-16: Fri 09-17 = 1; 09-18..09-21 off; Wed 09-22 = 2, Thu 09-23 = 3.
    assert CAL.add_working_days(d("2021-09-16"), 3) == d("2021-09-23")


def test_window_across_the_year_end():
    # Thu 2021-12-30: 12-31 off (substituted), weekend; Mon 01-03 = 1, Tue 01-04 = 2.
    assert CAL.add_working_days(d("2021-12-30"), 2) == d("2022-01-04")


def test_notice_on_a_day_off_starts_counting_at_the_next_working_day():
    # Notice on Sat 2021-10-09: 10-10 Sun, 10-11 off; Tue 10-12 = 1 ... Thu 10-14 = 3.
    assert CAL.add_working_days(d("2021-10-09"), 3) == d("2021-10-14")


def test_the_notice_day_itself_never_counts():
    assert CAL.add_working_days(d("2021-06-15"), 1) == d("2021-06-16")


def test_a_closure_moves_the_deadline_one_working_day_later():
    # Typhoon closure on Fri 2021-09-10: 09-09 = 1, 09-11 = 2, Mon 09-13 = 3.
    closed = WorkCalendar(closures=frozenset({d("2021-09-10")}))
    assert not closed.is_working_day(d("2021-09-10"))
    assert closed.add_working_days(d("2021-09-08"), 3) == d("2021-09-13")
    assert CAL.add_working_days(d("2021-09-08"), 3) == d("2021-09-11")  # unchanged default


def test_a_closure_on_a_make_up_saturday():
    closed = WorkCalendar(closures=frozenset({d("2021-09-11")}))
    assert not closed.is_working_day(d("2021-09-11"))
    assert closed.add_working_days(d("2021-09-08"), 3) == d("2021-09-13")


def test_a_closure_after_the_deadline_changes_nothing():
    closed = WorkCalendar(closures=frozenset({d("2021-09-13")}))
    assert closed.add_working_days(d("2021-09-08"), 3) == d("2021-09-11")


def test_an_extra_workday_on_a_sunday_counts():
    # Notice Fri 2021-09-03: normally Mon 09-06 = 1, Tue 09-07 = 2.
    assert CAL.add_working_days(d("2021-09-03"), 2) == d("2021-09-07")
    extra = WorkCalendar(extra_workdays=frozenset({d("2021-09-05")}))
    assert d("2021-09-05").weekday() == 6
    assert extra.is_working_day(d("2021-09-05"))
    assert extra.add_working_days(d("2021-09-03"), 2) == d("2021-09-06")


def test_an_extra_workday_on_a_holiday_counts():
    extra = WorkCalendar(extra_workdays=frozenset({d("2021-06-14")}))
    assert extra.is_working_day(d("2021-06-14"))
    assert extra.add_working_days(d("2021-06-11"), 1) == d("2021-06-14")


def test_closure_wins_over_extra_workday_on_the_same_day():
    both = WorkCalendar(
        closures=frozenset({d("2021-09-05")}), extra_workdays=frozenset({d("2021-09-05")})
    )
    assert not both.is_working_day(d("2021-09-05"))


@pytest.mark.parametrize("n", [0, -1, -3])
def test_n_below_one_is_refused(n):
    with pytest.raises(ValueError):
        CAL.add_working_days(d("2021-09-08"), n)


@pytest.mark.parametrize(
    "start, n",
    [
        ("2021-09-08", 3),
        ("2021-02-09", 3),
        ("2021-02-09", 10),
        ("2021-10-08", 3),
        ("2021-12-29", 5),
        ("2021-06-11", 1),
    ],
)
def test_working_days_between_matches_add_working_days(start, n):
    end = CAL.add_working_days(d(start), n)
    assert CAL.working_days_between(d(start), end) == n
    # The day before the deadline is still short of n.
    assert CAL.working_days_between(d(start), end - timedelta(days=1)) == n - 1


def test_working_days_between_edges():
    assert CAL.working_days_between(d("2021-09-08"), d("2021-09-08")) == 0
    assert CAL.working_days_between(d("2021-09-10"), d("2021-09-08")) == 0  # end before start
    # (Fri 02-05, Fri 02-19]: 02-08, 02-09, 02-17, 02-18, 02-19.
    assert CAL.working_days_between(d("2021-02-05"), d("2021-02-19")) == 5
    closed = WorkCalendar(closures=frozenset({d("2021-02-18")}))
    assert closed.working_days_between(d("2021-02-05"), d("2021-02-19")) == 4
