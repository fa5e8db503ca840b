"""Cell parsers shared by the importers: what they accept, what they refuse and how the
refusal reads in each language."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from importers import fields
from importers.fields import FieldError
from office_tui.core import dates
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language

TAIPEI = ZoneInfo("Asia/Taipei")


@pytest.mark.parametrize("value, expected", [
    (30000, 30000), (30000.0, 30000), (Decimal("30000"), 30000), ("30000", 30000), ("30,000", 30000),
    ("NT$30,000", 30000), ("NT$ 30,000", 30000), ("nt$30000", 30000), ("NTD 30,000", 30000), ("$1,000,000", 1_000_000),
    ("ＮＴ＄３０，０００", 30000), ("30,000元", 30000), ("新臺幣30,000元", 30000), (" 30000.00 ", 30000), (0, 0),
])
def test_money_accepts_whole_nt_dollars(value, expected):
    assert fields.parse_money(value) == expected


@pytest.mark.parametrize("value, key", [
    (-1, "import.field.money_negative"), (-0.5, "import.field.money_negative"), ("-30,000", "import.field.money_negative"),
    ("NT$-30,000", "import.field.money_negative"), ("(30,000)", "import.field.money_negative"),
    ("−500", "import.field.money_negative"),
    (30000.5, "import.field.money_fraction"), ("30,000.50", "import.field.money_fraction"),
    ("三萬", "import.field.money"), ("30,00", "import.field.money"), ("", "import.field.money"),
    ("30 000 000", "import.field.money"), (True, "import.field.money"), (float("nan"), "import.field.money"),
    (date(2021, 7, 1), "import.field.money"), ("USD 300", "import.field.money"),
])
def test_money_refuses_negatives_fractions_and_garbage(value, key):
    with pytest.raises(FieldError) as refused:
        fields.parse_money(value)
    assert refused.value.key == key


@pytest.mark.parametrize("value, expected", [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("Yes", True), ("NO", False), ("true", True),
    ("FALSE", False), ("1", True), ("0", False), (1, True), (0.0, False), (True, True), (False, False),
    ("Ｙ", True), (" 是 ", True),
])
def test_bool_cells(value, expected):
    assert fields.parse_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, "", "是的", None])
def test_bool_refuses_anything_else(value):
    with pytest.raises(FieldError) as refused:
        fields.parse_bool(value)
    assert refused.value.key == "import.field.bool"


@pytest.mark.parametrize("value, expected", [
    (12, 12), (12.0, 12), ("12", 12), ("１２", 12), ("1,000", 1000), ("-3", -3), ("24.0", 24),
])
def test_int(value, expected):
    assert fields.parse_int(value) == expected


@pytest.mark.parametrize("value", [12.5, "12.5", "十二", "", "1,00", True, date(2021, 1, 1)])
def test_int_refuses(value):
    with pytest.raises(FieldError):
        fields.parse_int(value)


@pytest.mark.parametrize("value, expected", [
    (180, 180), (180.0, 180), ("180", 180), ("3:00", 180), ("0:03:00", 180), (timedelta(minutes=3, seconds=5), 185),
    (time(0, 4, 30), 270),
])
def test_seconds(value, expected):
    assert fields.parse_seconds(value) == expected


@pytest.mark.parametrize("value", ["3分鐘", "3:75", -5, "1.5"])
def test_seconds_refuses(value):
    with pytest.raises(FieldError):
        fields.parse_seconds(value)


@pytest.mark.parametrize("value", [
    "2021-07-05", "110/07/05", "110/7/5", "110.07.05", "110-07-05", "110年7月5日", "中華民國110年7月5日", "民國110年07月05日",
    "1100705", 1100705, 1100705.0, "２０２１－０７－０５", "20210705", date(2021, 7, 5), datetime(2021, 7, 5, 0, 0),
])
def test_dates_in_every_form(value):
    assert fields.parse_date(value) == date(2021, 7, 5)


@pytest.mark.parametrize("value", ["110/13/01", "110/02/30", "yesterday", "", 3.5, True, "0/01/01"])
def test_unreadable_dates(value):
    with pytest.raises(FieldError) as refused:
        fields.parse_date(value)
    assert refused.value.key == "import.field.date"


@pytest.mark.parametrize("value", [
    "2021-07-08 17:00", "2021-07-08 17:00:00", "110/07/08 17:00", "110/7/8 17:00:00", "110.07.08 17:00",
    "110年7月8日 17:00", "1100708 17:00", "2021-07-08T17:00:00", "2021-07-08 09:00Z", "2021-07-08T17:00+08:00",
    datetime(2021, 7, 8, 17, 0), datetime(2021, 7, 8, 16, 59, 59, 999_800), datetime(2021, 7, 8, 17, 0, 0, 300),
    datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc),
])
def test_date_times_are_taipei_and_come_back_utc(value):
    parsed = fields.parse_datetime(value)
    assert parsed == datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc)
    assert parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0)


def test_a_date_alone_means_midnight_in_taipei():
    assert fields.parse_datetime(date(2021, 7, 8)) == datetime(2021, 7, 7, 16, 0, tzinfo=timezone.utc)
    assert fields.parse_datetime("110/07/08") == datetime(2021, 7, 7, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", ["110/07/08 25:00", "2021-07-08 17:60", "soon", "", 17.5])
def test_unreadable_date_times(value):
    with pytest.raises(FieldError) as refused:
        fields.parse_datetime(value)
    assert refused.value.key == "import.field.datetime"


def test_the_quick_date_time_path_agrees_with_office_tui_dates():
    rng = random.Random(5)
    checked = 0
    for _ in range(20_000):
        year = rng.choice([f"{rng.randint(0, 130)}", f"{rng.randint(0, 130):03d}", f"{rng.randint(1890, 2100)}"])
        sep = rng.choice("-/.")
        text = (f"{year}{sep}{rng.randint(0, 13)}{sep}{rng.randint(0, 32):02d} "
                f"{rng.randint(0, 25)}:{rng.randint(0, 61):02d}" + rng.choice(["", f":{rng.randint(0, 61):02d}"]))
        try:
            expected = dates.parse_datetime(text)
        except ValueError:
            expected = None
        quick = fields._usual_datetime(text)
        if quick is not None:
            checked += 1
            assert quick == expected, text
    assert checked > 5_000


def test_fixed_offset_conversion_matches_the_zone_database():
    rng = random.Random(9)
    for _ in range(2_000):
        naive = datetime(1980, 1, 1) + timedelta(seconds=rng.randint(0, 60 * 365 * 86_400))
        assert fields._local_to_utc(naive) == naive.replace(tzinfo=TAIPEI).astimezone(timezone.utc)
    # Before 1980 Taiwan had summer time: the zone database decides.
    summer = datetime(1975, 7, 1, 12, 0)
    assert fields._local_to_utc(summer) == summer.replace(tzinfo=TAIPEI).astimezone(timezone.utc)


@pytest.mark.parametrize("value, expected", [
    ("I301010、I301020", ["I301010", "I301020"]), ("a, b，c d", ["a", "b", "c", "d"]), ("x、、x", ["x"]),
    ("", []), (None, []), ("  R01  ", ["R01"]), ("04595257\u300012345675", ["04595257", "12345675"]),
])
def test_split_list(value, expected):
    assert fields.split_list(value) == expected


def test_to_text_drops_the_float_tail_of_whole_numbers():
    assert fields.to_text(12.0) == "12"
    assert fields.to_text(None) == ""
    assert fields.to_text("  x ") == "x"
    assert fields.to_text(12.5) == "12.5"


def test_refusals_read_in_the_interface_language():
    with pytest.raises(FieldError) as refused:
        fields.parse_money("三萬")
    assert describe(refused.value) == "「三萬」不是有效的金額，請填新臺幣整數，例如 30,000"
    set_language("en")
    assert describe(refused.value) == "\"三萬\" is not an amount; give whole NT$, e.g. 30,000"


# -- control characters ------------------------------------------------------------

@pytest.mark.parametrize("value", ["雲翔\x07資訊", "A\x01B", "line\nbreak", "tab\there", "del\x7f", "\x1b[31m紅"])
def test_a_one_line_cell_refuses_control_characters(value):
    with pytest.raises(FieldError) as refused:
        fields.line_text(value)
    assert refused.value.key == "import.field.control_char"
    found = next(c for c in value if c < " " or c == "\x7f")
    assert refused.value.params["char"] == f"U+{ord(found):04X}"
    assert refused.value.params["position"] == value.index(found) + 1
    assert "\ufffd" in refused.value.params["value"]  # quoted with the character made visible
    assert not fields.has_control(describe(refused.value))


def test_a_one_line_cell_is_stripped_and_may_hold_any_printable_text():
    assert fields.line_text("  雲翔資訊（股）公司 =1+1 \t\n") == "雲翔資訊（股）公司 =1+1"
    assert fields.line_text(12.0) == "12"


def test_free_text_keeps_tabs_and_line_breaks_and_drops_the_rest():
    assert fields.free_text(" 一\x07二\r\n三\x0b四\x0c五\t六\x00\x1f ") == "一二\r\n三\n四\n五\t六"
    assert fields.to_text("名\x01稱") == "名稱"  # any text read without a closer check
    assert fields.free_text("\x07") == ""


def test_a_quoted_cell_shows_where_a_control_character_was():
    assert fields.shown("雲翔\x07資訊") == "雲翔\ufffd資訊"
