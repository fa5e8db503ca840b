"""委員評分表 — each committee member's score sheets of a batch, one worksheet per member.

A worksheet is one member's print-out: the applications assigned to them, each criterion's
score as they gave it, the stage scores and the total (the batch's rubric:
``rubric_for(batch)``, ``Rubric.total``), the sheet's state and their comment. Nothing on
it comes from another member's sheet. Drafts show what has been keyed so far; a total
appears once every criterion is scored. Worksheets are named by member number and name
(Excel allows 31 characters and no []:*?/\\).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from exports.approvals import find_batch, programme_name
from models import Application, Assignment, Provider, Reviewer, Score
from office_tui.core.i18n import current_language, t
from office_tui.committee.rubric import Rubric, rubric_for

SCORE_FORMAT = "0.00"


@dataclass
class SheetLine:
    """One application on a member's sheet."""

    application_no: str
    company: str
    solution_name: str
    status: str  # assigned / draft / submitted
    scores: dict[str, float] = field(default_factory=dict)
    comment: str = ""


@dataclass
class MemberSheets:
    reviewer_no: str
    name: str
    lines: list[SheetLine] = field(default_factory=list)


def member_sheets(session: Session, batch_no: int) -> tuple[Rubric, list[MemberSheets]]:
    """The batch's rubric and, per member with an assignment in the batch (by member
    number), their sheets in application order."""
    batch = find_batch(session, batch_no)
    found = session.exec(
        select(Assignment.id, Reviewer.reviewer_no, Reviewer.name, Application.application_no, Provider.name,
               Application.solution_name, Assignment.sheet_status, Assignment.comment)
        .join(Application, Application.id == Assignment.application_id)
        .join(Provider, Provider.id == Application.provider_id)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .where(Application.batch_id == batch.id)
        .order_by(Reviewer.reviewer_no, Application.application_no)).all()
    scores: dict[int, dict[str, float]] = {}
    for assignment_id, code, value in session.exec(
            select(Score.assignment_id, Score.criterion, Score.value)
            .join(Assignment, Assignment.id == Score.assignment_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.batch_id == batch.id)).all():
        scores.setdefault(assignment_id, {})[code] = value
    members: dict[str, MemberSheets] = {}
    for assignment_id, reviewer_no, name, app_no, company, solution, status, comment in found:
        member = members.setdefault(reviewer_no, MemberSheets(reviewer_no, name))
        member.lines.append(SheetLine(app_no, company, solution, status, scores.get(assignment_id, {}), comment or ""))
    return rubric_for(batch), list(members.values())


def _label(item) -> str:
    return item.en if current_language() == "en" else item.zh


def headers(rubric: Rubric) -> list[str]:
    return [t("col.application_no"), t("export.approvals_col_provider"), t("col.solution_name"),
            *(f"{c.code} {_label(c)}" for c in rubric.criteria), *(_label(s) for s in rubric.stages),
            t("export.sheet_col_total"), t("export.sheet_col_status"), t("export.sheet_col_comment")]


def line_values(rubric: Rubric, line: SheetLine) -> list[object]:
    stages = rubric.stage_scores(line.scores)
    return [line.application_no, line.company, line.solution_name,
            *(line.scores.get(c.code) for c in rubric.criteria), *(stages[s.code] for s in rubric.stages),
            rubric.total(line.scores), t(f"export.sheet_status_{line.status}"), line.comment]


def write_scoresheets(rubric: Rubric, members: list[MemberSheets], path: str | Path, *, batch_no: int,
                      programme: str = "A") -> Path:
    """One worksheet per member; returns the path written (".xlsx" added when missing)."""
    from exports.list_sheet import add_list_sheet, new_list_book, save_book, sheet_name

    book = new_list_book()
    heads = headers(rubric)
    first_derived = 3 + len(rubric.criteria)  # stage scores and total: two decimals
    formats = {i: SCORE_FORMAT for i in range(first_derived, first_derived + len(rubric.stages) + 1)}
    taken: list[str] = []
    for member in members:
        name = sheet_name(f"{member.reviewer_no} {member.name}", taken)
        taken.append(name)
        heading = t("export.scoresheet_title", programme=programme_name(programme), batch=batch_no,
                    reviewer=member.reviewer_no, name=member.name)
        add_list_sheet(book, name, heads, (line_values(rubric, line) for line in member.lines), title=heading,
                       number_formats=formats, wrap_columns=(len(heads) - 1,), footer=t("export.footer_pages"))
    return save_book(book, path)


def export_scoresheets(engine, batch_no: int, path: str | Path) -> tuple[Path, int]:
    """Read and write the batch's score sheets; (path, number of sheets). A batch with no
    assignment is an error: an empty workbook is not a print-out."""
    from office_tui.core.db import read_session
    from office_tui.core.errors import OfficeError

    with read_session(engine) as session:
        batch = find_batch(session, batch_no)
        rubric, members = member_sheets(session, batch_no)
    if not members:
        raise OfficeError("export.scoresheets_empty", batch=batch_no)
    path = write_scoresheets(rubric, members, path, batch_no=batch_no, programme=batch.programme)
    return path, sum(len(m.lines) for m in members)
