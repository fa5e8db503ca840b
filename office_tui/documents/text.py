"""Extracted text: whether it is readable (:func:`text_quality`) and its compact form
for matching (:func:`compact`).

Text that extracts as nonsense — mostly ``(cid:NN)`` tokens (a font without a Unicode
map), private-use or replacement characters, very few CJK/ASCII word characters, or
Chinese characters that are nearly all rare ones (a font whose map points at the wrong
characters) — is never classified from its content (see
:func:`office_tui.documents.reading.read_pages`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

_CID = re.compile(r"\(cid:\d+\)")
# Form filler that says nothing either way: blanks to write on, boxes, rules.
_FILLER = set("_-‐－.．…‥─━=＝·•・□■☐☑☒○●◎*＊~～|｜/／\\()（）[]［］:：,，、。")

CID_SHARE_MAX = 0.3  # more (cid:NN) tokens than this share of the glyphs: nonsense
ODD_SHARE_MAX = 0.1  # private-use, replacement and control characters
WORD_SHARE_MIN = 0.5  # CJK ideographs and ASCII letters/digits among the other glyphs
COMMON_HANZI_MIN = 0.8  # share of common characters (Big5/GB2312 level 1) among CJK
COMMON_HANZI_SAMPLE = 30  # judge the CJK share only with at least this many characters


@cache
def common_hanzi() -> frozenset[str]:
    """The frequently used characters: Big5 level 1 (常用字, 5,401) and GB2312 level 1.

    A font whose map points at the wrong code points still yields CJK characters, but
    mostly rare ones: a real document is nearly all common characters."""
    chars: set[str] = set()
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in trails:
            if (lead, trail) > (0xC6, 0x7E):
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def _is_odd(c: str) -> bool:
    o = ord(c)
    if 0xE000 <= o <= 0xF8FF or o >= 0xF0000 or o == 0xFFFD:
        return True
    return unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn")


@dataclass(frozen=True)
class TextQuality:
    readable: bool
    why: str = ""  # "", "empty", "cid", "odd_chars", "few_words", "rare_hanzi"
    glyphs: int = 0


def text_quality(text: str) -> TextQuality:
    """Whether extracted text is real text or the nonsense of a font without a proper
    Unicode map. Empty text is not readable (``why="empty"``): a scan."""
    cids = len(_CID.findall(text))
    rest = _CID.sub("", text) if cids else text
    glyphs = [c for c in rest if not c.isspace()]
    total = len(glyphs) + cids
    if total == 0:
        return TextQuality(False, "empty", 0)
    if cids / total > CID_SHARE_MAX:
        return TextQuality(False, "cid", total)
    odd = sum(1 for c in glyphs if _is_odd(c))
    if odd / total > ODD_SHARE_MAX:
        return TextQuality(False, "odd_chars", total)
    considered = [c for c in glyphs if c not in _FILLER]
    if considered:
        cjk = [c for c in considered if _is_cjk(c)]
        words = len(cjk) + sum(1 for c in considered if c.isascii() and c.isalnum())
        if words / len(considered) < WORD_SHARE_MIN:
            return TextQuality(False, "few_words", total)
        if len(cjk) >= COMMON_HANZI_SAMPLE:
            common = common_hanzi()
            if sum(1 for c in cjk if c in common) / len(cjk) < COMMON_HANZI_MIN:
                return TextQuality(False, "rare_hanzi", total)
    return TextQuality(True, "", total)


_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_WHITESPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) with the whitespace removed, except
    one space between two digits: 「04193850 113年度」 must not become 「04193850113年度」."""
    text = _DIGIT_GAP.sub(" ", unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub(lambda m: m[0] if m[0] == " " and _between_digits(m) else "", text)


def _between_digits(match: re.Match) -> bool:
    s, a, b = match.string, match.start(), match.end()
    return 0 < a and b < len(s) and s[a - 1].isdigit() and s[b].isdigit()
