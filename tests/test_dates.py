import calendar
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from office_tui.core.dates import (
    DateParseError,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
    roc_year,
)

JUL_5_2021 = date(2021, 7, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO and other Gregorian forms
        ("2021-07-05", JUL_5_2021),
        ("2021/07/05", JUL_5_2021),
        ("2021.07.05", JUL_5_2021),
        ("20210705", JUL_5_2021),
        ("2021-7-5", JUL_5_2021),
        ("2021/7/05", JUL_5_2021),
        ("2021年7月5日", JUL_5_2021),
        # ROC with separators
        ("110/07/05", JUL_5_2021),
        ("110.07.05", JUL_5_2021),
        ("110-07-05", JUL_5_2021),
        ("110/7/5", JUL_5_2021),
        ("99/1/5", date(2010, 1, 5)),
        ("99/01/05", date(2010, 1, 5)),
        ("099/01/05", date(2010, 1, 5)),
        ("1/01/01", date(1912, 1, 1)),
        ("113/02/29", date(2024, 2, 29)),
        # ROC in characters
        ("110年7月5日", JUL_5_2021),
        ("110年07月05日", JUL_5_2021),
        ("中華民國110年7月5日", JUL_5_2021),
        ("民國110年7月5日", JUL_5_2021),
        ("110 年 7 月 5 日", JUL_5_2021),
        ("民國 110 年 7 月 5 日", JUL_5_2021),
        ("中華民國99年12月31日", date(2010, 12, 31)),
        # compact ROC
        ("1100705", JUL_5_2021),
        ("990705", date(2010, 7, 5)),
        ("0990705", date(2010, 7, 5)),
        ("010101", date(1912, 1, 1)),
        # surrounding whitespace, including the ideographic space
        ("  110/07/05\t", JUL_5_2021),
        ("\u3000110/07/05\u3000", JUL_5_2021),
        # full-width input
        ("２０２１－０７－０５", JUL_5_2021),
        ("２０２１／０７／０５", JUL_5_2021),
        ("２０２１．０７．０５", JUL_5_2021),
        ("２０２１０７０５", JUL_5_2021),
        ("１１０／０７／０５", JUL_5_2021),
        ("１１０．７．５", JUL_5_2021),
        ("１１０年７月５日", JUL_5_2021),
        ("中華民國１１０年７月５日", JUL_5_2021),
        ("１１００７０５", JUL_5_2021),
        ("９９０７０５", date(2010, 7, 5)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\u3000",
        "abc",
        "110/07",
        "110/07/05/01",
        "110/02/30",  # no such day
        "113/02/30",
        "112/02/29",  # not a leap year (2023)
        "2021-13-01",
        "2021-00-10",
        "2021-02-29",
        "110/07/32",
        "0/01/01",  # ROC year 0
        "000/01/01",
        "0000705",
        "000705",
        "民國0年1月1日",
        "1911-12-31",  # before ROC year 1
        "0110/07/05",  # 4 digits = Gregorian 110 AD
        "01100705",
        "00000000",
        "10000/01/01",
        "2021/07-05",  # mixed separators
        "110/07-05",
        "2021 07 05",
        "12345",  # compact lengths other than 6-8 are ambiguous
        "123456789",
        "11007",
        "民國2021年7月5日",  # Gregorian year after 民國
        "中華110年7月5日",
        "110年7月",
        "110年7月5",
        "2021-07-05x",
        "x2021-07-05",
        "2021-07-05 17:00",  # parse_date takes no time
        "٢٠٢١-٠٧-٠٥",  # Arabic-Indic digits: NFKC leaves them, we do not read them
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    assert info.value.text == text


def test_date_parse_error_is_a_value_error_carrying_the_input() -> None:
    with pytest.raises(ValueError) as info:
        parse_date("１１０／０２／３０")
    assert isinstance(info.value, DateParseError)
    assert info.value.text == "１１０／０２／３０"


def _sample_dates() -> list[date]:
    days = []
    for roc in range(1, 201):
        year = roc + 1911
        days += [date(year, 1, 1), date(year, 7, 5), date(year, 10, 10), date(year, 12, 31)]
        if calendar.isleap(year):
            days.append(date(year, 2, 29))
    return days


@pytest.mark.parametrize("style", ["roc", "iso"])
def test_format_then_parse_round_trip(style: str) -> None:
    days = _sample_dates()
    assert len(days) > 800
    for d in days:
        assert parse_date(format_date(d, style)) == d


def test_round_trip_through_compact_and_character_forms() -> None:
    for d in _sample_dates():
        roc = roc_year(d)
        assert parse_date(f"{roc:02d}{d.month:02d}{d.day:02d}") == d  # 6 or 7 digits
        assert parse_date(f"民國{roc}年{d.month}月{d.day}日") == d


@pytest.mark.parametrize(
    ("d", "roc", "iso"),
    [
        (JUL_5_2021, "110/07/05", "2021-07-05"),
        (date(2010, 1, 5), "99/01/05", "2010-01-05"),
        (date(1912, 1, 1), "1/01/01", "1912-01-01"),
        (date(2111, 12, 31), "200/12/31", "2111-12-31"),
    ],
)
def test_format_date(d: date, roc: str, iso: str) -> None:
    assert format_date(d) == roc
    assert format_date(d, "roc") == roc
    assert format_date(d, "iso") == iso


def test_format_date_none_is_empty() -> None:
    assert format_date(None) == ""
    assert format_date(None, "iso") == ""


def test_format_date_before_roc_raises_but_iso_works() -> None:
    with pytest.raises(ValueError):
        format_date(date(1911, 12, 31))
    assert format_date(date(1911, 12, 31), "iso") == "1911-12-31"
    assert format_date(date(5, 1, 2), "iso") == "0005-01-02"


def test_format_date_unknown_style() -> None:
    with pytest.raises(ValueError):
        format_date(JUL_5_2021, "us")


def test_roc_year() -> None:
    assert roc_year(JUL_5_2021) == 110
    assert roc_year(date(1912, 1, 1)) == 1
    assert roc_year(datetime(2010, 1, 1, 12, 0)) == 99
    with pytest.raises(ValueError):
        roc_year(date(1911, 12, 31))


UTC_0900 = datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "110/07/08 17:00",
        "110/07/08 17:00:00",
        "110/7/8   17:00",
        "110.07.08 17:00",
        "1100708 17:00",
        "110年7月8日 17:00",
        "中華民國110年7月8日 17:00",
        "2021-07-08 17:00",
        "2021/07/08 17:00",
        "20210708 17:00",
        "2021-07-08T17:00",
        "2021-07-08T17:00:00",
        "2021-07-08T17:00:00+08:00",
        "2021-07-08T17:00:00+0800",
        "2021-07-08T09:00:00Z",
        "2021-07-08T09:00Z",
        "2021-07-08T05:00:00-04:00",
        "１１０／０７／０８　１７：００",
        "１１０年７月８日 １７：００",
        "２０２１－０７－０８Ｔ１７：００：００＋０８：００",
        "  110/07/08 17:00  ",
    ],
)
def test_parse_datetime_to_utc(text: str) -> None:
    result = parse_datetime(text)
    assert result == UTC_0900
    assert result.tzinfo is timezone.utc


def test_parse_datetime_seconds_kept() -> None:
    expected = datetime(2021, 7, 8, 9, 0, 30, tzinfo=timezone.utc)
    assert parse_datetime("110/07/08 17:00:30") == expected


def test_parse_datetime_bare_date_is_local_midnight() -> None:
    midnight = datetime(2021, 7, 7, 16, 0, tzinfo=timezone.utc)
    assert parse_datetime("110/07/08") == midnight
    assert parse_datetime("２０２１－０７－０８") == midnight


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-07-08 00:30", datetime(2021, 7, 7, 16, 30, tzinfo=timezone.utc)),
        ("110/07/08 0:30", datetime(2021, 7, 7, 16, 30, tzinfo=timezone.utc)),
        ("2021-07-08 07:59", datetime(2021, 7, 7, 23, 59, tzinfo=timezone.utc)),
        ("2021-07-08 08:00", datetime(2021, 7, 8, 0, 0, tzinfo=timezone.utc)),
        ("2021-07-08 23:30", datetime(2021, 7, 8, 15, 30, tzinfo=timezone.utc)),
        ("2021-01-01 00:30", datetime(2020, 12, 31, 16, 30, tzinfo=timezone.utc)),
    ],
)
@pytest.mark.usefixtures("machine_in_new_york")
def test_parse_datetime_day_boundary(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


def test_parse_datetime_other_zone() -> None:
    text = "2021-07-08 17:00"
    assert parse_datetime(text, tz="UTC") == datetime(2021, 7, 8, 17, tzinfo=timezone.utc)
    assert parse_datetime(text, tz="Asia/Tokyo") == datetime(2021, 7, 8, 8, tzinfo=timezone.utc)
    # an explicit offset wins over tz
    assert parse_datetime("2021-07-08T17:00+08:00", tz="UTC") == UTC_0900


@pytest.mark.parametrize(
    "text",
    [
        "",
        "17:00",
        "110/07/08 24:00",
        "110/07/08 17:60",
        "110/07/08 17:00:60",
        "110/07/08 17",
        "110/07/08 17:0",
        "110/07/08T17:00",  # T only after an ISO date
        "2021/07/08T17:00",
        "2021-07-08T",
        "2021-07-08 17:00 pm",
        "2021-07-08T17:00:00+25:00",
        "2021-07-08T17:00:00+08:60",
        "110/02/30 17:00",
        "1911-12-31 23:00",
    ],
)
def test_parse_datetime_rejects(text: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_datetime(text)
    assert info.value.text == text


def test_format_datetime() -> None:
    utc = datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc)
    assert format_datetime(utc) == "110/07/08 17:00"
    assert format_datetime(utc, "iso") == "2021-07-08 17:00"
    assert format_datetime(utc, tz="UTC") == "110/07/08 09:00"
    assert format_datetime(None) == ""


def test_format_datetime_crosses_the_day_in_taipei() -> None:
    utc = datetime(2021, 7, 7, 16, 30, tzinfo=timezone.utc)
    assert format_datetime(utc) == "110/07/08 00:30"
    assert format_datetime(utc, "iso") == "2021-07-08 00:30"


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone must not leak in (naive datetimes would otherwise follow it)."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_new_york")
def test_format_datetime_naive_is_utc_and_other_zones_convert() -> None:
    assert format_datetime(datetime(2021, 7, 7, 16, 30)) == "110/07/08 00:30"
    taipei = datetime(2021, 7, 8, 0, 30, tzinfo=ZoneInfo("Asia/Taipei"))
    assert format_datetime(taipei) == "110/07/08 00:30"
    tokyo = datetime(2021, 7, 8, 1, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert format_datetime(tokyo) == "110/07/08 00:30"


@pytest.mark.parametrize(
    "utc",
    [
        datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc),
        datetime(2021, 7, 7, 16, 30, tzinfo=timezone.utc),
        datetime(2021, 7, 8, 15, 59, tzinfo=timezone.utc),
        datetime(2010, 1, 4, 16, 0, tzinfo=timezone.utc),
        datetime(2111, 12, 31, 15, 59, tzinfo=timezone.utc),
    ],
)
@pytest.mark.parametrize("style", ["roc", "iso"])
def test_format_datetime_then_parse_round_trip(utc: datetime, style: str) -> None:
    assert parse_datetime(format_datetime(utc, style)) == utc
