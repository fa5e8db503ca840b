"""Find an application by its number, the provider's UBN or company name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, or_, select

from models import Application, Provider
from office_tui.core.db import read_session


@dataclass(frozen=True)
class ApplicationHit:
    id: int
    application_no: str
    ubn: str
    company_name: str
    solution_name: str
    status: str


def find_applications(engine: Engine, text: str, limit: int = 20) -> list[ApplicationHit]:
    text = text.strip()
    if not text:
        return []
    pattern = "%" + text.replace("%", "").replace("_", "") + "%"
    query = (
        select(Application.id, Application.application_no, Provider.ubn, Provider.name,
               Application.solution_name, Application.status)
        .join(Provider, Application.provider_id == Provider.id)
        .where(or_(Application.application_no.like(pattern), Provider.ubn.like(pattern), Provider.name.like(pattern)))
        .order_by(Application.application_no)
        .limit(limit)
    )
    with read_session(engine) as session:
        return [ApplicationHit(*row) for row in session.execute(query).all()]
