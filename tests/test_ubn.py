import random

import pytest

from office_tui.core.ubn import is_valid_ubn, is_valid_ubn_old_rule, make_ubn, normalize_ubn

# Weights 1,2,1,2,1,2,4,1; the digits of each product are added (Z).
# 04595257: 0+8+5+(18->9)+5+4+(20->2)+7 = 40
# 22099131: 2+4+0+(18->9)+9+2+(12->3)+1 = 30
# 10458575: 1+0+4+(10->1)+8+(10->1)+(28->10)+5 = 30 (7th digit 7, Z branch)
# 04193850: 0+8+1+(18->9)+3+(16->7)+(20->2)+0 = 30 (the applicant in our domain docs)
# 12345675: 1+4+3+8+5+(12->3)+(28->10)+5 = 39, Z + 1 = 40 (7th digit 7, Z+1 branch)
VALID_UNDER_BOTH = ["04595257", "22099131", "10458575", "04193850", "12345675", "04633978"]

# Found by brute force: Z is a multiple of 5 but not of 10.
# 76397250: 7+(12->3)+3+(18->9)+7+4+(20->2)+0 = 35
NEW_RULE_ONLY = ["76397250", "87455328", "29754951", "02884299", "39780845"]

# 7th digit 7, new rule only.
# 64454973: 6+8+4+(10->1)+4+(18->9)+(28->10)+3 = 45
SEVEN_Z_BRANCH = ["64454973", "73957878"]  # Z = 45, 55
# 79343270: 7+(18->9)+3+8+3+4+(28->10)+0 = 44, Z + 1 = 45
SEVEN_Z_PLUS_ONE_BRANCH = ["79343270", "02240178", "37741579"]  # Z = 44, 34, 44

INVALID = [
    "12345678",  # Z = 42
    "04595258",  # valid number with the last digit bumped: Z = 41
    "22099132",
    "04193851",
    "12345677",  # 7th digit 7 but Z = 41: neither Z nor Z + 1 divisible by 5
    "81328449",  # Z = 49: Z + 1 only counts when the 7th digit is 7
    "97041038",  # Z = 34, same
]


@pytest.mark.parametrize("ubn", VALID_UNDER_BOTH)
def test_known_numbers_valid_under_both_rules(ubn: str) -> None:
    assert is_valid_ubn_old_rule(ubn)
    assert is_valid_ubn(ubn)


def test_domain_docs_applicant_is_valid() -> None:
    assert is_valid_ubn("04193850")
    assert is_valid_ubn_old_rule("04193850")


@pytest.mark.parametrize("ubn", NEW_RULE_ONLY + SEVEN_Z_BRANCH + SEVEN_Z_PLUS_ONE_BRANCH)
def test_valid_only_under_new_rule(ubn: str) -> None:
    assert not is_valid_ubn_old_rule(ubn)
    assert is_valid_ubn(ubn)


@pytest.mark.parametrize("ubn", INVALID)
def test_invalid_numbers(ubn: str) -> None:
    assert not is_valid_ubn(ubn)
    assert not is_valid_ubn_old_rule(ubn)


@pytest.mark.parametrize(
    "value",
    ["", "0459525", "045952570", "0459525a", "0459 5257", "0459-5257", "+4595257",
     "04595257.0", "٠٤٥٩٥٢٥٧"],  # last: Arabic-Indic digits, untouched by NFKC
)
def test_malformed_values_are_invalid(value: str) -> None:
    assert not is_valid_ubn(value)
    assert not is_valid_ubn_old_rule(value)


def test_full_width_digits_and_surrounding_space() -> None:
    assert is_valid_ubn("０４５９５２５７")
    assert is_valid_ubn("　04595257 ")
    assert is_valid_ubn("７６３９７２５０")
    assert not is_valid_ubn("１２３４５６７８")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04595257", "04595257"),
        (" 0459 5257 ", "04595257"),
        ("0459-5257", "04595257"),
        ("０４５９５２５７", "04595257"),
        ("０４５９－５２５７", "04595257"),
        ("12345678", "12345678"),  # formatting only, no checksum
    ],
)
def test_normalize_ubn(value: str, expected: str) -> None:
    assert normalize_ubn(value) == expected


@pytest.mark.parametrize("value", ["", "1234567", "123456789", "1234567a", "12_345678"])
def test_normalize_ubn_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        normalize_ubn(value)


def test_old_rule_valid_implies_new_rule_valid() -> None:
    rng = random.Random(20230401)
    old_valid = 0
    for _ in range(20_000):
        ubn = f"{rng.randrange(10**8):08d}"
        if is_valid_ubn_old_rule(ubn):
            old_valid += 1
            assert is_valid_ubn(ubn), ubn
    assert old_valid > 1000  # about 1 in 10 (a bit more with the 7th-digit-7 case)


def test_new_rule_accepts_about_twice_as_many() -> None:
    rng = random.Random(5)
    sample = [f"{rng.randrange(10**8):08d}" for _ in range(20_000)]
    old = sum(map(is_valid_ubn_old_rule, sample))
    new = sum(map(is_valid_ubn, sample))
    assert 1.8 < new / old < 2.2


@pytest.mark.parametrize("prefix", ["0459525", "7639725", "1234567", "0000000", "9999999"])
def test_make_ubn_appends_a_valid_check_digit(prefix: str) -> None:
    ubn = make_ubn(prefix)
    assert ubn[:7] == prefix and len(ubn) == 8
    assert is_valid_ubn(ubn)


def test_make_ubn_picks_the_first_digit_that_fits() -> None:
    assert make_ubn("0459525") == "04595252"  # Z = 35 before 04595257 (Z = 40)
    assert make_ubn("0419385") == "04193850"


def test_make_ubn_random_prefixes_always_valid() -> None:
    rng = random.Random(7)
    for _ in range(2_000):
        prefix = f"{rng.randrange(10**7):07d}"
        assert is_valid_ubn(make_ubn(prefix))


@pytest.mark.parametrize("prefix", ["", "123456", "12345678", "123456a"])
def test_make_ubn_rejects_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError):
        make_ubn(prefix)
