"""The office's numbers as it stores them, however they are typed (README "Numbers"):
application numbers (C114-1-1001), claim numbers and committee members' numbers (R01).

One rule, as for UBNs and dates: NFKC (full-width 「Ｃ１１４－１－１００１」 → C114-1-1001),
every dash a hyphen (－ – — ‐ −), no spaces, upper case. Every number that comes in —
an import's cell, a command's argument, a form's field — goes through the normaliser of
its kind, so that a number typed two ways is one number.
"""

from __future__ import annotations

import re
import unicodedata

DASHES = str.maketrans({dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_SPACE = re.compile(r"\s+")


def normalise_number(value: object) -> str:
    """``value`` (a cell, an argument, a field) as an office number: see the module."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).translate(DASHES)
    return _SPACE.sub("", text).upper()


def normalise_application_no(value: object) -> str:
    """An application number (申請編號) as stored."""
    return normalise_number(value)


def normalise_claim_no(value: object) -> str:
    """A claim number (請款編號) as stored."""
    return normalise_number(value)


def normalise_member_no(value: object) -> str:
    """A committee member's number (委員編號) as stored."""
    return normalise_number(value)
