"""Opening the office's database: the same steps for the TUI and every command.

Only a few ways in create a database (``demo``, ``db init``, ``db upgrade``, and the TUI
on the default database in the data directory); every other one refuses a database that
is not there, naming it — a mistyped ``--db`` never becomes a new, empty office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from office_tui.core.config import Settings
from office_tui.core.db import make_engine
from office_tui.core.errors import OfficeError
from office_tui.core.migrate import SCHEMA_HEAD, SchemaError, UpgradeResult, current_revision, upgrade


# Revisions whose claims are reconciled again once upgraded (see open_office).
RECONCILE_AFTER = ("0001", "0002", "0003")


class NoOfficeError(OfficeError):
    """The database named holds no office (it is not there, or it is empty)."""


@dataclass(frozen=True)
class Office:
    engine: Engine
    settings: Settings
    upgrade: UpgradeResult
    lapsed: list[int] = field(default_factory=list)  # correction notices that lapsed on opening


def sqlite_file(db_url: str) -> Path | None:
    """The file of a SQLite URL (None for another database, or one in memory)."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(db_url)
    except Exception:  # noqa: BLE001 - make_engine says what is wrong with the URL
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def missing_database(db_url: str) -> Path | None:
    """The SQLite file ``db_url`` names when there is none there (else None)."""
    path = sqlite_file(db_url)
    return path if path is not None and not path.exists() else None


def open_office(settings: Settings, migrate: bool = True, create: bool = True, admit=None) -> Office:
    """Connect, bring the schema up to date (copying an older file aside first) and run
    the chores that must happen whenever the office is opened.

    ``admit(engine)``, if given, is called once connected, before anything is migrated or
    written: it raises to keep the caller out (the command line's check of who runs it).

    ``migrate=False`` (a command that only reads) never upgrades an existing database:
    an older schema is refused with the command that upgrades it. ``create``: a database
    that is not there yet (or is empty) is made and given its tables; without it such a
    database is refused, naming it (NoOfficeError) — nothing is created. ``admit(engine)``
    checks who may open it (the command line's account), before anything is migrated,
    backed up or written."""
    from office_tui.core import files
    from office_tui.core.config import data_dir
    from office_tui.notices.correction import lapse_overdue

    missing = missing_database(settings.db_url)
    if missing is not None and not create:
        raise NoOfficeError("error.no_such_database", path=str(missing))
    files.apply(settings, data_dir())
    engine = make_engine(settings.db_url)
    current = current_revision(engine) if not (migrate and create) else None
    if not create and current is None and _no_tables(engine):
        engine.dispose()
        raise NoOfficeError("error.database_empty", path=str(sqlite_file(settings.db_url) or settings.db_url))
    if admit is not None:
        try:
            admit(engine)
        except BaseException:
            engine.dispose()
            raise
    if migrate:
        result = upgrade(engine)
    else:
        if current is None:
            result = upgrade(engine)  # an empty database: SchemaError if it has tables
        elif current != SCHEMA_HEAD:
            engine.dispose()
            raise SchemaError("error.db_needs_upgrade", revision=current, head=SCHEMA_HEAD)
        else:
            result = UpgradeResult(current, current, None)
    if result.from_revision in RECONCILE_AFTER and engine.dialect.name == "sqlite":
        # Schema 0002 brought the stored reconciliation (subsidy, flags, statuses), schema
        # 0004 the monthly continued-use rule and spot checks: an office coming from before
        # has its claims reconciled once, so that what is stored follows the rules in force.
        from office_tui.core.config import claims_close_on
        from office_tui.claims.reconcile import reconcile

        reconcile(engine, None, close_on=claims_close_on(settings),
                  min_active_days=settings.usage_min_active_days)
    return Office(engine, settings, result, lapse_overdue(engine))


def _no_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    with engine.connect() as connection:
        return not inspect(connection).get_table_names()


def is_empty(engine: Engine) -> bool:
    """No applications and no stores: a new office that could take the demo data."""
    from sqlalchemy import func, select

    from models import Application, Store
    from office_tui.core.db import read_session

    with read_session(engine) as session:
        return not (session.scalar(select(func.count()).select_from(Application))
                    or session.scalar(select(func.count()).select_from(Store)))
