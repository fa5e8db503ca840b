"""Opening the office's database: the same steps for the TUI and every command."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from office_tui.core.config import Settings
from office_tui.core.db import make_engine
from office_tui.core.migrate import SCHEMA_HEAD, SchemaError, UpgradeResult, current_revision, upgrade


@dataclass(frozen=True)
class Office:
    engine: Engine
    settings: Settings
    upgrade: UpgradeResult
    lapsed: list[int] = field(default_factory=list)  # correction notices that lapsed on opening


def open_office(settings: Settings, migrate: bool = True, admit=None) -> Office:
    """Connect, bring the schema up to date (copying an older file aside first) and run
    the chores that must happen whenever the office is opened.

    ``admit(engine)``, if given, is called once connected, before anything is migrated or
    written: it raises to keep the caller out (the command line's check of who runs it).

    ``migrate=False`` (a command that only reads) never upgrades an existing database:
    an older schema is refused with the command that upgrades it. A new, empty database
    still gets its tables, as there is nothing in it to keep."""
    from office_tui.core import files
    from office_tui.core.config import data_dir
    from office_tui.notices.correction import lapse_overdue

    files.apply(settings, data_dir())
    engine = make_engine(settings.db_url)
    if admit is not None:
        try:
            admit(engine)
        except BaseException:
            engine.dispose()
            raise
    if migrate:
        result = upgrade(engine)
    else:
        current = current_revision(engine)
        if current is None:
            result = upgrade(engine)  # an empty database: SchemaError if it has tables
        elif current != SCHEMA_HEAD:
            engine.dispose()
            raise SchemaError("error.db_needs_upgrade", revision=current, head=SCHEMA_HEAD)
        else:
            result = UpgradeResult(current, current, None)
    if result.from_revision == "0001" and engine.dialect.name == "sqlite":
        # Schema 0002 brought the stored reconciliation (subsidy, flags, statuses): an
        # office coming from 0001 has its claims reconciled once, so nothing reads 0.
        from office_tui.core.config import claims_close_on
        from office_tui.claims.reconcile import reconcile

        reconcile(engine, None, close_on=claims_close_on(settings))
    return Office(engine, settings, result, lapse_overdue(engine))


def is_empty(engine: Engine) -> bool:
    """No applications and no stores: a new office that could take the demo data."""
    from sqlalchemy import func, select

    from models import Application, Store
    from office_tui.core.db import read_session

    with read_session(engine) as session:
        return not (session.scalar(select(func.count()).select_from(Application))
                    or session.scalar(select(func.count()).select_from(Store)))
