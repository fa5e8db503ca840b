"""分派總覽 — each application before the committee with its members and their sheets,
as the assignment screen shows a batch."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import Application, Assignment, Batch, Provider, Reviewer


@dataclass
class BoardRow:
    application_no: str
    company: str
    solution_name: str
    category: str
    status: str
    members: list[tuple[str, str, str]] = field(default_factory=list)  # (reviewer_no, name, sheet_status)


def board(session: Session, batch_no: int) -> list[BoardRow]:
    """The batch's eligible applications, and any other of its applications that already
    has members, with those members, by application number."""
    batch_id = session.exec(select(Batch.id).where(Batch.number == batch_no)).first()
    if batch_id is None:
        return []
    assigned = session.exec(
        select(Application.application_no, Reviewer.reviewer_no, Reviewer.name, Assignment.sheet_status)
        .join(Application, Application.id == Assignment.application_id)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .where(Application.batch_id == batch_id).order_by(Reviewer.reviewer_no)).all()
    numbers = {row[0] for row in assigned}
    apps = session.exec(
        select(Application.application_no, Provider.name, Application.solution_name, Application.category,
               Application.status)
        .join(Provider, Provider.id == Application.provider_id)
        .where(Application.batch_id == batch_id).order_by(Application.application_no)).all()
    rows = {a[0]: BoardRow(*a) for a in apps if a[4] == "eligible" or a[0] in numbers}
    for app_no, reviewer_no, name, status in assigned:
        rows[app_no].members.append((reviewer_no, name, status))
    return list(rows.values())


def batch_numbers(session: Session) -> list[int]:
    return list(session.exec(select(Batch.number).order_by(Batch.number)).all())


def busiest_batch(session: Session) -> int | None:
    """The latest batch with applications before the committee, else the latest batch."""
    found = session.exec(select(Batch.number).join(Application, Application.batch_id == Batch.id)
                         .where(Application.status == "eligible").order_by(Batch.number.desc())).first()
    if found is not None:
        return found
    numbers = batch_numbers(session)
    return numbers[-1] if numbers else None
