"""Reading applications for lists and scripts, and finding one by its number."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Engine, select
from sqlmodel import Session

from models import Application, Batch, Provider
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.db import read_session
from office_tui.core.errors import OfficeError


@dataclass(frozen=True)
class ApplicationRow:
    application_no: str
    ubn: str
    company_name: str
    solution_name: str
    category: str
    status: str
    status_reason: str
    batch: int

    def to_json(self) -> dict:
        row = asdict(self)
        del row["batch"]
        return row


def list_applications(engine: Engine, batch: int | None = None, status: str | None = None) -> list[ApplicationRow]:
    """The applications, by number; of batch ``batch`` (a batch there is not is named as
    unknown, never an empty list), in ``status``."""
    query = (
        select(Application.application_no, Provider.ubn, Provider.name, Application.solution_name,
               Application.category, Application.status, Application.status_reason, Batch.number)
        .join(Provider, Application.provider_id == Provider.id)
        .join(Batch, Application.batch_id == Batch.id)
        .order_by(Application.application_no)
    )
    if batch is not None:
        query = query.where(Batch.number == batch)
    if status:
        query = query.where(Application.status == status)
    with read_session(engine) as session:
        if batch is not None:
            find_batch_no(session, batch)
        return [ApplicationRow(*row) for row in session.execute(query).all()]


def find_batch_no(session: Session, number: int) -> Batch:
    """Batch ``number``, or OfficeError naming it as unknown."""
    found = session.scalars(select(Batch).where(Batch.number == number)).first()
    if found is None:
        raise OfficeError("batch.no_such_batch", number=number)
    return found


def find_application(session: Session, application_no: str) -> Application:
    """The application numbered ``application_no`` (however typed), or OfficeError."""
    number = normalise_application_no(application_no)
    app = session.scalars(select(Application).where(Application.application_no == number)).first()
    if app is None:
        raise OfficeError("assign.no_such_application", application=number)
    return app
