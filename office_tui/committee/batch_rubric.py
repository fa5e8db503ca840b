"""A batch's own rubric (評分標準): set before the committee scores, refused after."""

from __future__ import annotations

from sqlalchemy import Engine, func
from sqlmodel import select

from models import Application, Assignment, Batch, Score
from office_tui.committee.rubric import parse_rubric
from office_tui.core.db import write_session
from office_tui.intake.batches import BatchError


def set_batch_rubric(engine: Engine, actor, number: int, rubric_text: str | None) -> Batch:
    """Give batch ``number`` its own rubric (the TOML text of a rubric file), or put it
    back on the default (``None``). Refused once any score of the batch is recorded: a
    rubric changed under entered scores would change totals the members already saw."""
    if rubric_text is not None:
        parse_rubric(rubric_text)  # RubricError, with what is wrong, before anything changes
    with write_session(engine, actor, reason=f"batch {number} rubric") as session:
        batch = session.exec(select(Batch).where(Batch.number == number)).first()
        if batch is None:
            raise BatchError("batch.no_such_batch", number=number)
        scored = session.exec(
            select(func.count()).select_from(Score).join(Assignment, Assignment.id == Score.assignment_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.batch_id == batch.id)).one()
        if scored:
            raise BatchError("batch.rubric_scored", number=number, scores=scored)
        batch.rubric = rubric_text
        session.flush()
        session.refresh(batch)
    return batch
