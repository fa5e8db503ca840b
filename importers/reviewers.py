"""Import 審查委員 (committee members) from a staff spreadsheet
(docs/import-layouts.md, ``reviewers``).

Each row is one member, keyed by 委員編號 (normalised as everywhere:
office_tui.committee.roster.normalise_reviewer_no). A new number adds the member; a known one
updates the name, affiliation, email and expertise (reported as ``updated``); a row that
changes nothing comes back as ``unchanged``. Each UBN in 迴避統編 becomes a declared ``Conflict`` (checked
with the rule in force). Declared conflicts are only ever added by an import, never
withdrawn: a conflict that silently disappeared could let a member review their own
company, so withdrawing one is a deliberate act (``reviewers conflict remove``).

Bad rows come back with their row number, the column as the file heads it and the
reason in the interface language, and are left out; the good rows go in together in one
transaction (a failure part-way leaves nothing). The report is the applications
import's :class:`importers.report.ImportReport`, which also tells the members added
from those updated, and warns of every assignment of a member the import changed that
is now a conflict of interest (a new 迴避統編, or an affiliation that is now an
applicant's): such a sheet no longer counts, and the warning names the command that
removes the assignment. A roster is tens of rows, so rows go in as ORM objects and each
change is audited on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from importers import fields as f
from importers.application_rows import parse_ubn
from importers.fields import FieldError
from office_tui.layouts import REVIEWERS
from importers.report import ImportReport, RowError
from importers.tabular import Sheet, open_sheet
from models import Conflict, Reviewer
from office_tui.core.db import write_session
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from office_tui.committee.roster import conflict_warnings, normalise_reviewer_no

__all__ = ["ImportReport", "ReviewersReport", "RowError", "import_reviewers"]

REVIEWER_NO_MAX = 16  # Reviewer.reviewer_no
_REVIEWER_NO = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MEMBER_FIELDS = ("name", "affiliation", "email", "expertise")

Progress = Callable[[int, int], None]


@dataclass
class ReviewersReport(ImportReport):
    """The import report, with the members updated told from those added (``accepted``
    holds both: every row that went in) and the conflict warnings."""

    updated: list[int] = field(default_factory=list)  # of accepted: members already on the roster
    warnings: list[str] = field(default_factory=list)  # in the interface language

    @property
    def added(self) -> list[int]:
        updated = set(self.updated)
        return [row for row in self.accepted if row not in updated]

    def to_json(self) -> dict:
        return {**super().to_json(), "updated": list(self.updated), "warnings": list(self.warnings)}

    def summary(self) -> str:
        text = t("reviewer.import_summary", added=len(self.added), updated=len(self.updated),
                 unchanged=len(self.unchanged), rejected=len(self.rejected_rows))
        if self.warnings:
            text += t("reviewer.import_conflicts", n=len(self.warnings))
        return text

    def lines(self) -> list[str]:
        lines = super().lines()
        return [lines[0], *self.warnings, *lines[1:]]


@dataclass(frozen=True)
class _Member:
    row: int
    reviewer_no: str
    name: str
    affiliation: str
    email: str
    expertise: str  # items joined by ","
    conflict_ubns: tuple[str, ...]


def _text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", f.to_text(value)).split()) if not f.is_blank(value) else ""


def _check_row(number: int, cells: dict[str, Any], sheet: Sheet) -> tuple[_Member | None, list[RowError]]:
    errors: list[RowError] = []

    def refuse(name: str, key: str, **params) -> None:
        errors.append(RowError(number, sheet.header(name), t(key, **params)))

    reviewer_no = normalise_reviewer_no(_text(cells.get("reviewer_no")))
    if not reviewer_no:
        refuse("reviewer_no", "import.field.required")
    elif len(reviewer_no) > REVIEWER_NO_MAX or not _REVIEWER_NO.fullmatch(reviewer_no):
        refuse("reviewer_no", "reviewer.import_bad_number", value=f.shown(cells.get("reviewer_no")),
               max=REVIEWER_NO_MAX)
    name = _text(cells.get("name"))
    if not name:
        refuse("name", "import.field.required")
    email = _text(cells.get("email"))
    if email and not _EMAIL.fullmatch(email):
        refuse("email", "reviewer.import_bad_email", value=f.shown(email))
    expertise = ",".join(f.split_list(_text(cells.get("expertise"))))
    ubns: list[str] = []
    for item in f.split_list(cells.get("conflict_ubns")):
        try:
            ubns.append(parse_ubn(item))
        except FieldError as error:
            errors.append(RowError(number, sheet.header("conflict_ubns"), describe(error)))
    if errors:
        return None, errors
    return _Member(number, reviewer_no, name, _text(cells.get("affiliation")), email, expertise,
                   tuple(dict.fromkeys(ubns))), []


def import_reviewers(engine: Engine, actor, path: str | Path, progress: Progress | None = None) -> ReviewersReport:
    """Import the members in ``path`` (.xlsx or .csv). A problem with the file as a whole
    raises ImportFileError and nothing is imported; a bad row is reported and left out.
    ``progress(done, total)`` counts rows (the same call as the applications import)."""
    path = Path(path)
    with open_sheet(path, REVIEWERS) as sheet:
        report = ReviewersReport(file=path.name, unknown_columns=list(sheet.unknown_columns))
        total = max(sheet.estimated_rows, 1)
        if progress:
            progress(0, total)
        members: list[_Member] = []
        first_row: dict[str, int] = {}
        done = 0
        for row in sheet.rows():
            done += 1
            member, errors = _check_row(row.number, row.values, sheet)
            if member is not None:
                first = first_row.setdefault(member.reviewer_no, row.number)
                if first != row.number:
                    errors = [RowError(row.number, sheet.header("reviewer_no"),
                                       t("reviewer.import_duplicate", number=member.reviewer_no, first=first))]
            else:  # a later row with the same number is still a repeat of this one
                number = normalise_reviewer_no(_text(row.values.get("reviewer_no")))
                if number:
                    first_row.setdefault(number, row.number)
            if errors:
                report.rejected.extend(errors)
            else:
                members.append(member)
        with write_session(engine, actor, reason=f"import reviewers {path.name}") as session:
            _write(session, members, report)
    if progress:
        progress(done, max(done, 1))
    report.rejected.sort(key=lambda error: error.row)
    return report


def _write(session, members: list[_Member], report: ReviewersReport) -> None:
    stored = {normalise_reviewer_no(r.reviewer_no): r for r in session.exec(select(Reviewer))}
    declared: dict[int, set[str]] = {}
    for reviewer_id, ubn in session.exec(select(Conflict.reviewer_id, Conflict.ubn)):
        declared.setdefault(reviewer_id, set()).add(ubn)
    touched: list[int] = []  # members whose affiliation or declared UBNs changed
    for member in members:
        reviewer = stored.get(member.reviewer_no)
        changed = new = reviewer is None
        if new:
            reviewer = Reviewer(reviewer_no=member.reviewer_no)
        affiliation = reviewer.affiliation
        for name in _MEMBER_FIELDS:
            value = getattr(member, name)
            if getattr(reviewer, name) != value:
                setattr(reviewer, name, value)
                changed = True
        if changed:
            session.add(reviewer)
            session.flush()
        new_ubns = [ubn for ubn in member.conflict_ubns if ubn not in declared.get(reviewer.id, set())]
        for ubn in new_ubns:
            session.add(Conflict(reviewer_id=reviewer.id, ubn=ubn, source="declared"))
        if changed or new_ubns:
            report.accepted.append(member.row)
            if not new:
                report.updated.append(member.row)
            if new_ubns or reviewer.affiliation != affiliation:
                touched.append(reviewer.id)
        else:
            report.unchanged.append(member.row)
    session.flush()
    report.warnings.extend(conflict_warnings(session, reviewer_ids=touched))
