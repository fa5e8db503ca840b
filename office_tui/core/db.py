"""Database connections and units of work.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and its write
transactions begin IMMEDIATE: Python's sqlite3 driver otherwise starts the transaction
only at the first write, so two read-then-update transactions can both read the old
value and one update is lost (8 processes × 100 such updates lost 681 of 800;
tests/test_sqlite_concurrency.py). Read-only sessions begin DEFERRED so that lists and
dashboards never hold the write lock. How transactions are owned: docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session

from office_tui.core.errors import DatabaseUrlError  # raised here, said by errors.describe

BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "office_tui_begin"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(url) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_database(Path(parsed.database).expanduser())
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise DatabaseUrlError(url)


def _private_database(path: Path) -> None:
    """The database file (made now if new) and its -wal/-shm readable by this account
    alone, or its shared group (office_tui.core.files); SQLite gives the -wal and -shm it
    creates the database's mode."""
    from office_tui.core import files

    files.make_dirs(path.parent)
    if not path.exists():
        files.create_file(path)
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            files.secure_file(each)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Hand transaction control to us (the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    if not is_sqlite(engine) or engine.url.database in (None, "", ":memory:"):
        return None
    return Path(engine.url.database).expanduser()


@contextmanager
def write_session(engine: Engine, actor=None, reason: str = "") -> Iterator[Session]:
    """A unit of work that writes: IMMEDIATE on SQLite, audited, committed on success.

    ``actor`` is the :class:`office_tui.core.auth.Actor` doing the work; every change made
    through the session lands in AuditEntry with it and ``reason``.
    """
    from office_tui.core import audit

    with Session(engine, expire_on_commit=False) as session:
        audit.attach(session, actor, reason)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work; never takes SQLite's write lock."""
    bind = engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"}) if is_sqlite(engine) else engine
    # Closing (not rolling back) keeps loaded objects readable after the block.
    with Session(bind) as session:
        yield session
