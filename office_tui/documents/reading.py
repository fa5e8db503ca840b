"""What the rules make of one document's text (:func:`read_pages`): its status, kind,
warnings, UBNs and dates; the codes of statuses and warnings, their labels, and the
sentences a reason is made of. ``importers.documents`` applies it to each file it reads.

Text that extracts as nonsense (see :func:`office_tui.documents.text.text_quality`) gets
status ``no_text`` like a scan (nothing in it can be trusted, so the checklist does not
count it), warning ``unreadable_text``, and a kind guessed from its file name only
(warning ``kind_from_name``) or ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from office_tui.documents.kinds import TAX_KINDS, classify, kind_from_name, kind_label
from office_tui.documents.periods import find_dates, find_ubns, format_period, period_check
from office_tui.documents.text import TextQuality, text_quality
from office_tui.core.i18n import current_language, t

STATUSES = ("ok", "no_text", "encrypted", "corrupt", "not_pdf", "unmatched", "too_large")
# Status codes that mean the system could not read the file at all (too_large: it would
# inflate past the limits of importers/limits.py — a decompression bomb).
UNREADABLE_STATUSES = ("encrypted", "corrupt", "not_pdf", "too_large")
WARNINGS = (
    "ubn_mismatch",  # the document shows UBNs, none of them the applicant's
    "outdated",  # a tax document of a period before the latest one
    "unknown_kind",  # neither content nor file name says what it is
    "no_ubn",  # a tax document with no UBN in it
    "duplicate",  # the same content is already stored for this application
    "unreadable_text",  # the text extracts as nonsense (see office_tui.documents.text)
    "kind_from_name",  # the kind comes from the file name, not the content
    "name_mismatch",  # the file name says another kind than the content
    "no_period",  # a tax document whose year/period could not be found
    "pages_without_text",  # some pages (not all) have no text: scanned pages
    "unreadable_pages",  # some pages (not all) could not be read
    "combined",  # several documents merged into one file
    "wrong_extension",  # the file name's extension does not fit its content
)


def status_label(status: str) -> str:
    return t(f"triage.status_{status}")


def warning_label(code: str) -> str:
    return t(f"triage.warning_{code}")


def sentences(parts: list[str]) -> str:
    """Sentences joined as the language writes them (no space in Chinese)."""
    return ("" if current_language().startswith("zh") else " ").join(p for p in parts if p)


@dataclass
class Reading:
    """What the rules make of one document's text."""

    status: str  # "ok" or "no_text"
    kind: str
    warnings: list[str]
    ubns: list[str]
    dates: list[date]
    details: dict[str, dict[str, object]]  # warning code → its sentence's values
    quality: TextQuality


def read_pages(pages: list[str], file_name: str, *, applicant_ubn: str | None = None,
               submitted_on: date | None = None, landscape_share: float = 0.0,
               deck_stems: frozenset[str] = frozenset()) -> Reading:
    """Apply every rule to the extracted text of a document's pages."""
    text = "\n".join(pages)
    quality = text_quality(text)
    warnings: list[str] = []
    details: dict[str, dict[str, object]] = {}
    if not quality.readable:
        kind = kind_from_name(file_name, deck_stems) or "unknown"
        if quality.why != "empty":
            warnings.append("unreadable_text")
        if kind != "unknown":
            warnings.append("kind_from_name")
            details["kind_from_name"] = {"kind": kind_label(kind)}
        else:
            warnings.append("unknown_kind")
        return Reading("no_text", kind, warnings, [], [], details, quality)
    found = classify(pages, file_name, landscape_share=landscape_share, deck_stems=deck_stems)
    kind = found.kind
    if found.by == "name":
        warnings.append("kind_from_name")
        details["kind_from_name"] = {"kind": kind_label(kind)}
    elif found.by == "none":
        warnings.append("unknown_kind")
    if found.by == "content" and found.name_kind and found.name_kind != kind:
        warnings.append("name_mismatch")
        details["name_mismatch"] = {"name_kind": kind_label(found.name_kind), "kind": kind_label(kind)}
    if found.parts:
        warnings.append("combined")
        details["combined"] = {"kinds": "、".join(kind_label(k) for k in found.parts)}
    ubns = find_ubns(text)
    if applicant_ubn and ubns and applicant_ubn not in ubns:
        warnings.append("ubn_mismatch")
        details["ubn_mismatch"] = {"found": ", ".join(ubns[:5]), "ubn": applicant_ubn}
    if kind in TAX_KINDS and not ubns:
        warnings.append("no_ubn")
    check = period_check(kind, text, submitted_on)
    if check.warning == "outdated":
        warnings.append("outdated")
        details["outdated"] = {"shown": format_period(check.shown), "latest": format_period(check.latest)}
    elif check.warning == "no_period":
        warnings.append("no_period")
    empty = sum(1 for p in pages if not p.strip())
    if empty:
        warnings.append("pages_without_text")
        details["pages_without_text"] = {"n": empty}
    return Reading("ok", kind, warnings, ubns, find_dates(text), details, quality)


# Warnings with a sentence of their own in a reason; the others are said by the status.
_SAID = ("ubn_mismatch", "outdated", "no_ubn", "no_period", "kind_from_name", "name_mismatch",
         "combined", "pages_without_text", "unreadable_pages", "wrong_extension")


def warning_sentences(warnings: list[str], details: dict[str, dict[str, object]]) -> list[str]:
    return [t(f"triage.say_{code}", **details.get(code, {})) for code in warnings if code in _SAID]
