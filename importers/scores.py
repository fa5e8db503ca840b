"""Import 評分 — paper score sheets keyed in by staff
(docs/import-layouts.md, ``scores``).

One row per member per application: 申請編號, 委員編號, one column per rubric criterion
(headed by its code or its Chinese label) and 評語. Each row is checked against what the
office knows: the application must exist and be before the committee (``eligible``), the
member must exist, the pair must be free of conflicts of interest (refused with the
conflict's reason), every score within its criterion's range under the batch's rubric.
An unassigned, unconflicted pair gets its assignment (office_tui.committee.assignment.assign).

A row with every criterion is a signed paper sheet: saved and submitted. A row with some
criteria blank is saved as a draft (the blanks keep whatever the sheet already had). A
submitted sheet is locked: a row for it is refused — staff reopen it first (``office-tui
sheets reopen``) — unless it says exactly what the sheet says, which is ``unchanged``;
so is a draft row that changes nothing. Importing the same file again changes nothing.

Bad rows come back with their row number, the column as the file heads it and the reason
in the interface language, and are left out; the good rows go in together in one
transaction (a failure part-way, or a file that cannot be read, leaves nothing). Paper
sheets are tens or hundreds of rows, so they go in through the same primitives as the
score form (office_tui.committee.scoresheets.write_scores / submit) and every change is audited.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from importers import fields as f
from office_tui.layouts import scores_layout
from importers.report import ImportReport, RowError
from importers.tabular import ImportFileError, Sheet, open_sheet
from models import Application, Assignment, Batch, Reviewer, Score
from office_tui.committee.assignment import LoadCap, assign, load_cap
from office_tui.committee.conflicts import conflict_map
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.db import write_session
from office_tui.core.errors import OfficeError, describe
from office_tui.core.i18n import t
from office_tui.committee.roster import normalise_reviewer_no
from office_tui.committee.rubric import Rubric, RubricError, default_rubric, rubric_for
from office_tui.committee.scoresheets import submit, write_scores

__all__ = ["ImportReport", "RowError", "ScoresImportReport", "import_scores"]

Progress = Callable[[int, int], None]
_SAME = 1e-9  # scores compare equal within this (xlsx hands back floats)


@dataclass
class _Row:
    number: int
    application_no: str
    reviewer_no: str
    scores: dict[str, float]
    comment: str | None  # None: the cell was empty (keep the sheet's comment)
    complete: bool


def _layout(rubrics: list[Rubric]):
    """The scores layout for every criterion of the rubrics in use (a batch may have its
    own); a code's first label is the one its column also answers to."""
    criteria: dict[str, str] = {}
    for rubric in rubrics:
        for criterion in rubric.criteria:
            criteria.setdefault(criterion.code, criterion.zh)
    return scores_layout(tuple(criteria.items()))


def parse_score(value: Any) -> float:
    """A score cell: 85, 85.5, "85", "８５"."""
    if value.__class__ in (int, float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(unicodedata.normalize("NFKC", value).strip().replace(",", ""))
        except ValueError:
            raise f.FieldError("tally.import_not_a_number", value=f.shown(value)) from None
    else:
        raise f.FieldError("tally.import_not_a_number", value=f.shown(value))
    if not math.isfinite(number):
        raise f.FieldError("tally.import_not_a_number", value=f.shown(value))
    return number


@dataclass
class ScoresImportReport(ImportReport):
    """An :class:`ImportReport` that also says, row by row, each assignment a paper sheet
    made (``assigned``: row, application, member, their load in the batch after it, the
    cap) — a sheet for a member nobody had assigned is never taken in silently."""

    assigned: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {**super().to_json(), "assigned": list(self.assigned)}

    def note(self, row: int, column: str, application_no: str, reviewer_no: str, load: int, cap: int) -> None:
        self.assigned.append({"row": row, "application_no": application_no, "reviewer_no": reviewer_no,
                              "load": load, "cap": cap})
        key = "tally.import_assigned_over_cap" if load > cap else "tally.import_assigned"
        self.notes.append(RowError(row, column, t(key, application=application_no, reviewer=reviewer_no,
                                                  load=load, cap=cap)))


class _Checker:
    """Checks each row against the office's data, loaded once for the whole file."""

    def __init__(self, session, sheet: Sheet, rows: list, report: ImportReport) -> None:
        self.session, self.sheet, self.report = session, sheet, report
        connection = session.connection()
        app_nos = {normalise_application_no(f.to_text(r.values.get("application_no"))) for r in rows}
        reviewer_nos = {normalise_reviewer_no(f.to_text(r.values.get("reviewer_no"))) for r in rows}
        self.apps = {row.application_no: row for row in connection.execute(
            select(Application.id, Application.application_no, Application.status, Application.batch_id)
            .where(Application.application_no.in_(app_nos)))}
        # By the number normalised (r01, Ｒ０１ → R01), as every other way in finds a member.
        self.members = {normalise_reviewer_no(row.reviewer_no): row for row in connection.execute(
            select(Reviewer.id, Reviewer.reviewer_no, Reviewer.active)
            .where(func.upper(Reviewer.reviewer_no).in_(reviewer_nos)))}
        self.batches = {b.id: b for b in session.scalars(
            select(Batch).where(Batch.id.in_({a.batch_id for a in self.apps.values()})))}
        self.rubrics = {batch_id: rubric_for(batch) for batch_id, batch in self.batches.items()}
        self.conflicts = conflict_map(session, [m.id for m in self.members.values()],
                                      [a.id for a in self.apps.values()])
        self.sheets = {(a, r): (i, s, c) for i, a, r, s, c in connection.execute(
            select(Assignment.id, Assignment.application_id, Assignment.reviewer_id, Assignment.sheet_status,
                   Assignment.comment).where(Assignment.application_id.in_([a.id for a in self.apps.values()])))}
        self.stored: dict[int, dict[str, float]] = {}
        for assignment_id, code, value in connection.execute(
                select(Score.assignment_id, Score.criterion, Score.value)
                .where(Score.assignment_id.in_([i for i, _, _ in self.sheets.values()]))):
            self.stored.setdefault(assignment_id, {})[code] = value
        self.seen: dict[tuple[str, str], int] = {}
        self.caps: dict[int, LoadCap] = {}  # batch id → its default load cap and the loads, read once

    def cap(self, batch_id: int) -> LoadCap:
        if batch_id not in self.caps:
            self.caps[batch_id] = load_cap(self.session, self.batches[batch_id])
        return self.caps[batch_id]

    def require_columns(self) -> None:
        """Every criterion of a rubric the file's applications are scored by needs its
        column: a file without one is refused whole."""
        used = {self.rubrics[a.batch_id] for a in self.apps.values()} or {default_rubric()}
        missing = [c.code for rubric in used for c in rubric.criteria
                   if c.code.lower() not in self.sheet.positions]
        if missing:
            raise ImportFileError("import.file.missing_columns", name=self.sheet.path.name,
                                  columns="、".join(dict.fromkeys(missing)))

    def error(self, number: int, field: str, key: str, **params) -> RowError:
        return RowError(number, self.sheet.header(field), t(key, **params))

    def check(self, number: int, values: dict) -> list[RowError] | _Row:
        errors: list[RowError] = []
        app_no, reviewer_no = (f.to_text(values.get(name)) for name in ("application_no", "reviewer_no"))
        app_no = normalise_application_no(app_no)
        app = self.apps.get(app_no)
        member = self.members.get(normalise_reviewer_no(reviewer_no))
        if member is not None:
            reviewer_no = member.reviewer_no  # as stored
        if not app_no:
            errors.append(self.error(number, "application_no", "import.field.required"))
        elif app is None:
            errors.append(self.error(number, "application_no", "tally.import_no_application", application=app_no))
        elif app.status != "eligible":
            errors.append(self.error(number, "application_no", "tally.import_not_eligible", application=app_no,
                                     status=t(f"status.{app.status}")))
        if not reviewer_no:
            errors.append(self.error(number, "reviewer_no", "import.field.required"))
        elif member is None:
            errors.append(self.error(number, "reviewer_no", "tally.import_no_reviewer", reviewer=reviewer_no))
        if app is not None and member is not None:
            first = self.seen.setdefault((app_no, reviewer_no), number)
            reason = self.conflicts.get((member.id, app.id))
            if first != number:
                errors.append(self.error(number, "reviewer_no", "tally.import_repeats", first=first))
            elif reason is not None:
                errors.append(RowError(number, self.sheet.header("reviewer_no"), reason.describe(reviewer_no, app_no)))
            elif (app.id, member.id) not in self.sheets and not member.active:
                errors.append(self.error(number, "reviewer_no", "assign.inactive", reviewer=reviewer_no))
        rubric = self.rubrics[app.batch_id] if app is not None else default_rubric()
        scores = {}
        codes = {c.code for c in rubric.criteria}
        for column in self.sheet.layout.columns[2:-1]:
            code, cell = column.header, values.get(column.field)
            if f.is_blank(cell):
                continue
            if code not in codes:
                errors.append(self.error(number, column.field, "tally.import_not_in_rubric", code=code))
                continue
            try:
                scores[code] = parse_score(cell)
                rubric.check(code, scores[code])
            except (f.FieldError, RubricError) as problem:
                errors.append(RowError(number, self.sheet.header(column.field), describe(problem)))
        if not errors and not scores:
            errors.append(self.error(number, "application_no", "tally.import_no_scores"))
        if errors:
            return errors
        comment = values.get("comment")
        return _Row(number, app_no, reviewer_no, scores, None if f.is_blank(comment) else f.to_text(comment),
                    complete=len(scores) == len(codes))

    def outcome(self, row: _Row) -> str | None:
        """``unchanged`` when the sheet already says what the row says, ``locked`` when it
        is submitted and says otherwise, None when the row is to be written."""
        app, member = self.apps[row.application_no], self.members[normalise_reviewer_no(row.reviewer_no)]
        found = self.sheets.get((app.id, member.id))
        if found is None:
            return None
        assignment_id, status, comment = found
        stored = self.stored.get(assignment_id, {})
        same = all(code in stored and abs(stored[code] - value) <= _SAME for code, value in row.scores.items()) \
            and (row.comment is None or row.comment == comment)
        if status == "submitted":
            return "unchanged" if same and row.complete else "locked"
        return "unchanged" if same and not row.complete else None


def import_scores(engine: Engine, actor, path: str | Path, progress: Progress | None = None,
                  allow_over_cap: bool = False) -> ScoresImportReport:
    """Import the paper score sheets in ``path`` (.xlsx or .csv). A problem with the file
    as a whole raises ImportFileError and nothing is imported; a bad row is reported and
    left out. ``progress(done, total)`` counts rows. ``allow_over_cap``: assign a member
    already at the load cap all the same (each such row says so)."""
    path = Path(path)
    if getattr(actor, "role", None) == "reviewer":  # paper sheets are keyed in by the office
        raise OfficeError("tally.import_staff_only")
    with write_session(engine, actor, reason=f"import scores {path.name}") as session:
        rubrics = [default_rubric(), *(rubric_for(b) for b in session.scalars(select(Batch).where(Batch.rubric.is_not(None))))]
        with open_sheet(path, _layout(rubrics), require=False) as sheet:
            missing = [name for name in ("application_no", "reviewer_no") if name in sheet.missing]
            if missing:
                raise ImportFileError("import.file.missing_columns", name=path.name,
                                      columns="、".join(sheet.layout.column(n).header for n in missing))
            report = ScoresImportReport(file=path.name, unknown_columns=list(sheet.unknown_columns))
            rows = list(sheet.rows())
        checker = _Checker(session, sheet, rows, report)
        checker.require_columns()
        total = len(rows)
        for done, (number, values) in enumerate(rows, start=1):
            checked = checker.check(number, values)
            if isinstance(checked, list):
                report.rejected.extend(checked)
            else:
                _write(session, actor, checker, checked, report, allow_over_cap)
            if progress is not None:
                progress(done, total)
    report.rejected.sort(key=lambda error: error.row)
    return report


def _write(session, actor, checker: _Checker, row: _Row, report: ScoresImportReport, allow_over_cap: bool) -> None:
    outcome = checker.outcome(row)
    if outcome == "unchanged":
        report.unchanged.append(row.number)
        return
    if outcome == "locked":
        report.rejected.append(checker.error(row.number, "reviewer_no", "tally.import_locked",
                                             application=row.application_no, reviewer=row.reviewer_no))
        return
    app = checker.apps[row.application_no]
    member = checker.members[normalise_reviewer_no(row.reviewer_no)]
    new_pair = (app.id, member.id) not in checker.sheets
    if new_pair:  # no one assigned this member: the load cap of automatic assignment holds
        cap = checker.cap(app.batch_id)
        load = cap.loads.get(member.reviewer_no, 0)
        if load >= cap.cap and not allow_over_cap:
            report.rejected.append(checker.error(row.number, "reviewer_no", "tally.import_at_cap",
                                                 application=row.application_no, reviewer=member.reviewer_no,
                                                 batch=cap.batch_no, load=load, cap=cap.cap))
            return
    savepoint = session.begin_nested()
    try:
        assignment = assign(session, actor, row.application_no, row.reviewer_no)
        rubric = checker.rubrics[checker.apps[row.application_no].batch_id]
        scores = {**checker.stored.get(assignment.id, {}), **row.scores}
        write_scores(session, assignment, rubric, scores, row.comment)
        if row.complete:
            submit(session, assignment, rubric)
        savepoint.commit()
    except OfficeError as problem:  # a rule the checks above did not foresee
        savepoint.rollback()
        report.rejected.append(RowError(row.number, checker.sheet.header("reviewer_no"), describe(problem)))
        return
    if new_pair:
        checker.sheets[(app.id, member.id)] = (assignment.id, assignment.sheet_status, assignment.comment)
        cap.loads[member.reviewer_no] = load + 1
        report.note(row.number, checker.sheet.header("reviewer_no"), row.application_no, member.reviewer_no,
                    load + 1, cap.cap)
    report.accepted.append(row.number)
