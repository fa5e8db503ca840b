"""Taiwan Unified Business Number (統一編號, UBN) checks.

From 2023-04-01 the Ministry of Finance checks the digit sum modulo 5 instead of 10, so
that the numbering space does not run out; every number valid before stays valid.
python-stdnum <= 2.2 still applies the old rule, hence this module.
"""

from __future__ import annotations

import re
import unicodedata

_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
_UBN = re.compile(r"[0-9]{8}")


def _digit_sum(ubn: str) -> int:
    # Products are at most 9 * 4 = 36, so "add the digits" is tens + units.
    return sum(sum(divmod(int(c) * w, 10)) for c, w in zip(ubn, _WEIGHTS))


def _check(value: str, modulus: int) -> bool:
    ubn = unicodedata.normalize("NFKC", value).strip()
    if not _UBN.fullmatch(ubn):
        return False
    z = _digit_sum(ubn)
    # A 7 in the 7th place gives 7 * 4 = 28 -> 10, which may count as 1 or 0 (the digits
    # of 10 added again, or dropped): Z - 9 is Z + 1 and Z - 10 is Z, modulo 5 or 10.
    return z % modulus == 0 or (ubn[6] == "7" and (z + 1) % modulus == 0)


def is_valid_ubn(value: str) -> bool:
    """The rule in force since 2023-04-01 (digit sum divisible by 5)."""
    return _check(value, 5)


def is_valid_ubn_old_rule(value: str) -> bool:
    """The rule before 2023-04-01 (digit sum divisible by 10)."""
    return _check(value, 10)


def normalize_ubn(value: str) -> str:
    """The 8 digits of a UBN as typed (full-width, spaces, hyphens); ValueError if not 8."""
    ubn = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value))
    if not _UBN.fullmatch(ubn):
        raise ValueError(f"not an 8-digit UBN: {value!r}")
    return ubn


def make_ubn(prefix7: str) -> str:
    """A UBN valid under the current rule: ``prefix7`` plus the first check digit that fits."""
    if not re.fullmatch(r"[0-9]{7}", prefix7):
        raise ValueError(f"not a 7-digit prefix: {prefix7!r}")
    for last in "0123456789":
        if is_valid_ubn(prefix7 + last):
            return prefix7 + last
    raise ValueError(f"no check digit makes {prefix7!r} valid")
