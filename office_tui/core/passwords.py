"""What a password must be (README "Passwords"): at least :data:`MIN_LENGTH` characters
and not a common one — the rule of NIST SP 800-63B 5.1.1.2 (length and a block list; no
rules of composition, no forced changes).

Common means: on the block list shipped beside this module (``common_passwords.txt``,
its source and licence in its head), once case is set aside; or such a word with only
digits and punctuation after it (``summer2026!``); or the user's own name, the
application's name, or one character over and over.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 10
_BLOCK_LIST = Path(__file__).with_name("common_passwords.txt")
_TRAILING = re.compile(r"[\d\W_]+$")
_CONTEXT = ("office-tui", "officetui", "office tui")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with _BLOCK_LIST.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """The locale key saying what is wrong with ``password`` (None: it will do)."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    folded = unicodedata.normalize("NFKC", password).casefold()
    blocked = common_passwords()
    base = _TRAILING.sub("", folded)
    if folded in blocked or (len(base) >= 4 and base in blocked):
        return "password.common"
    name = unicodedata.normalize("NFKC", username).casefold().strip()
    if (name and (folded == name or base == name)) or folded in _CONTEXT or base in _CONTEXT:
        return "password.common"
    if len(set(folded)) == 1:
        return "password.common"
    return None
