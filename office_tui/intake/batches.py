"""收件批次 — intake windows."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Engine
from sqlmodel import select

from models import Batch
from office_tui.core.errors import OfficeError
from models.clock import OFFICE_TZ
from office_tui.core.db import write_session

DEFAULT_CUTOFF = time(17, 0)  # 17:00 Asia/Taipei on the closing day


class BatchError(OfficeError):
    """A batch window that cannot be saved."""


def cutoff_from_text(text: str) -> datetime:
    """The closing time typed by staff: a date alone means 17:00 Asia/Taipei that day."""
    from office_tui.core.dates import parse_date, parse_datetime

    try:
        day = parse_date(text)
    except ValueError:
        return parse_datetime(text)
    return datetime.combine(day, DEFAULT_CUTOFF, tzinfo=OFFICE_TZ)


def save_batch(
    engine: Engine,
    actor,
    number: int,
    opens_on: date,
    closes_at: datetime,
    meeting_on: date | None = None,
) -> tuple[Batch, bool]:
    """Create batch ``number`` or update its window. Returns (batch, created)."""
    if number < 1:
        raise BatchError("batch.bad_number", number=number)
    if closes_at.astimezone(OFFICE_TZ).date() < opens_on:
        raise BatchError("batch.closes_before_opens")
    with write_session(engine, actor, reason=f"batch {number}") as session:
        batch = session.exec(select(Batch).where(Batch.number == number)).first()
        created = batch is None
        if batch is None:
            batch = Batch(number=number, opens_on=opens_on, closes_at=closes_at, meeting_on=meeting_on)
            session.add(batch)
        else:
            batch.opens_on, batch.closes_at = opens_on, closes_at
            if meeting_on is not None:
                batch.meeting_on = meeting_on
        session.flush()
        session.refresh(batch)
    return batch, created
