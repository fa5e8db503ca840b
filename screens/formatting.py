"""How values look on screen: ROC or ISO dates, NT$ amounts, status labels.

Plain data from office_tui may tag a value with its kind, ``("money", 30000)``; a
bare value is shown as text.
"""

from __future__ import annotations

from datetime import date, datetime

from models.clock import OFFICE_TZ
from office_tui.core.dates import format_date, format_datetime
from office_tui.core.i18n import t

_LABELLED = {"status": "status", "category": "category", "outcome": "outcome", "notice": "notice",
             "claim": "claim", "condition": "condition"}


def cell(kind: str, value, date_style: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "date":
        if isinstance(value, datetime):
            value = value.astimezone(OFFICE_TZ).date()
        return format_date(value, date_style) if isinstance(value, date) else str(value)
    if kind == "datetime":
        return format_datetime(value, date_style)
    if kind == "money":
        return f"{value:,}"
    if kind == "bool":
        return t("common.yes") if value else t("common.no")
    if kind in _LABELLED:
        return t(f"{_LABELLED[kind]}.{value}")
    return str(value)


def display(value, date_style: str) -> str:
    """A possibly tagged value as text; a tuple of tagged values joins with ' – '."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and value[0] in (
        "date", "datetime", "money", "bool", *_LABELLED
    ):
        return cell(value[0], value[1], date_style)
    if isinstance(value, tuple):
        return " – ".join(display(v, date_style) for v in value)
    return cell("text", value, date_style)


def money(value: int) -> str:
    return f"NT${value:,}"
