"""What a command opens (office_tui/cli/base.py): a read-only command never migrates or
backs up an older database — it says how to upgrade — while a command that writes
upgrades it (copying the file aside first), as the app does."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from office_tui.core import migrate
from office_tui.core.db import make_engine
from test_cli import run_cli


def _database_at(path: Path, revision: str) -> str:
    """A database at an older ``revision`` whose admin is the account running the tests."""
    from office_tui.core.auth import os_username

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as connection:
        command.upgrade(migrate._config(connection), revision)
        connection.exec_driver_sql(
            "INSERT INTO user (username, display_name, role, os_account, active, created_at) "
            "VALUES ('shell-admin', 'shell-admin', 'admin', ?, 1, '2026-11-20 02:00:00.000000')", (os_username(),))
    engine.dispose()
    return url


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def test_a_read_only_command_refuses_an_older_schema_and_changes_nothing(tmp_path):
    url = _database_at(tmp_path / "office.db", "0002")
    result = run_cli("applications", "list", "--json", "--db", url)
    assert result.returncode == 1
    assert "office-tui db upgrade" in result.stderr and "0002" in result.stderr
    assert result.stdout == ""
    assert _revision(url) == "0002"
    assert not list(tmp_path.glob("*.bak"))


def test_a_command_that_writes_upgrades_an_older_schema_after_a_backup(tmp_path):
    url = _database_at(tmp_path / "office.db", "0002")
    result = run_cli("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert _revision(url) == migrate.SCHEMA_HEAD
    assert len(list(tmp_path.glob("office.db.0002.*.bak"))) == 1
    listed = run_cli("applications", "list", "--json", "--db", url)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"


def test_a_command_without_the_database_opens_none(tmp_path):
    url = f"sqlite:///{tmp_path / 'never.db'}"
    result = run_cli("ubn", "check", "04193850", "--db", url)
    assert result.returncode == 0
    assert not (tmp_path / "never.db").exists()
