"""Schema migrations (Alembic) and file backups.

An older database is upgraded at start, after its file is copied aside, so a failed
upgrade never costs the office its data.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from models.clock import now_local
from office_tui.core.errors import OfficeError
from office_tui.core.db import sqlite_path

MIGRATIONS_DIR = Path(__file__).parents[1] / "migrations"

# The newest revision in migrations/versions. Opening an up-to-date database compares
# against it without loading Alembic (a test keeps it equal to Alembic's head).
SCHEMA_HEAD = "0005"


class SchemaError(OfficeError):
    """The database cannot be brought to this version of the app."""


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def _config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise SchemaError("error.db_branched", revisions=", ".join(rows))
    return rows[0] if rows else None


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """Copy a live SQLite database (WAL included) with SQLite's online backup API."""
    source_path = sqlite_path(engine)
    if source_path is None:
        raise SchemaError("error.backup_sqlite_only")
    from office_tui.core import files

    target = Path(target).expanduser()
    files.make_dirs(target.parent)
    files.create_file(target)  # the copy holds everything: readable by this account alone
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()
    source.close()
    return target


def upgrade(engine: Engine) -> UpgradeResult:
    """Bring the database to the newest schema; copy the file aside first if it had data."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return UpgradeResult(current, current, None)
    from alembic import command
    from alembic.script import ScriptDirectory

    head = head_revision()
    if current == head:
        return UpgradeResult(current, head, None)
    known = {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current is not None and current not in known:
        raise SchemaError("error.db_newer", revision=current)
    has_tables = bool(inspect(engine).get_table_names())
    if current is None and has_tables:
        raise SchemaError("error.db_unversioned")
    backup = None
    path = sqlite_path(engine)
    if current is not None and path is not None and path.exists():
        stamp = now_local().strftime("%Y%m%d-%H%M%S")
        backup = backup_sqlite(engine, path.with_name(f"{path.name}.{current}.{stamp}.bak"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables; SQLite can only switch foreign keys off
            # outside a transaction, and they must be off while a table is rebuilt.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                command.upgrade(_config(connection), "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise SchemaError("error.migration_broke_keys", table=broken[0])
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return UpgradeResult(current, head, backup)


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()
