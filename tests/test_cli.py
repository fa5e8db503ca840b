"""The ``office-tui`` command, run for real in a subprocess.

Each call gets the test's environment (the isolated data directory, settings file and
pinned clock set by the autouse fixture in conftest.py), plus whatever a test changes.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import AuditEntry, Batch, User

REPO = Path(__file__).resolve().parents[1]

if importlib.util.find_spec("office_tui.__main__") is not None:
    ENTRY = [sys.executable, "-m", "office_tui"]
else:  # before office_tui/__main__.py existed
    ENTRY = [sys.executable, "-c", "import sys; from office_tui.cli.main import main; sys.exit(main())"]


def run_cli(*args: str, env: dict[str, str | None] | None = None, input: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """Run ``office-tui ARGS``; ``env`` adds to (or, with None, removes from) os.environ."""
    environment = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    environment["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([*ENTRY, *args], env=environment, input=input, capture_output=True,
                          text=True, encoding="utf-8", cwd=REPO, timeout=120)


def run_all(*calls: tuple) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands side by side (each is mostly interpreter start-up).

    Each call is ``(args,)`` or ``(args, run_cli_keywords)``."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run_cli, *args, **(kwargs[0] if kwargs else {})) for args, *kwargs in calls]
        return [f.result() for f in futures]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def query(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def count_rows(path: Path, table: str) -> int:
    return query(path, f'SELECT count(*) FROM "{table}"')[0][0]


def _os_account() -> str:
    from office_tui.core.auth import os_username

    return os_username()


# The account running the tests, as the audit log names it while it is linked to nobody
# (it may then only set a new office up: the first admin, the demo).
SHELL_USER = f"os:{_os_account()}"


def audit_rows(engine, table: str) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.table_name == table)
                                    .order_by(AuditEntry.id)))


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


# -- demo ----------------------------------------------------------------------------

def test_demo_loads_once_then_refuses(tmp_path):
    db = tmp_path / "x.db"
    first = run_cli("--db", sqlite_url(db), "demo")
    assert first.returncode == 0, first.stderr
    assert "已載入示範資料" in first.stdout
    assert "60" in first.stdout and "300" in first.stdout
    assert first.stderr == ""
    assert count_rows(db, "application") == 60
    assert count_rows(db, "store") == 300
    audits = query(db, "SELECT username, user_id FROM auditentry")
    assert audits  # the load is audited, as the OS account (no linked user)
    assert set(audits) == {(SHELL_USER, None)}

    again, english = run_all((("--db", sqlite_url(db), "demo"),),
                             (("--lang", "en", "--db", sqlite_url(db), "demo"),))
    assert again.returncode != 0
    assert "資料庫已有資料" in again.stderr
    assert english.returncode != 0
    assert "The database already holds data" in english.stderr
    assert "資料庫" not in english.stderr
    for result in (again, english):
        assert result.stdout == ""
        assert_no_traceback(result)
    assert count_rows(db, "application") == 60
    assert count_rows(db, "store") == 300
    # Opening the office again lapsed the demo's overdue notice (audited as "system");
    # the refused loads themselves wrote nothing.
    later = query(db, "SELECT username, user_id FROM auditentry")
    assert later[:len(audits)] == audits and set(later[len(audits):]) <= {("system", None)}


# -- which database ------------------------------------------------------------------

def test_which_database_is_used(tmp_path, demo_url):
    """--db beats OFFICE_TUI_DB, which beats $OFFICE_TUI_DATA_DIR/office.db."""
    default = Path(os.environ["OFFICE_TUI_DATA_DIR"]) / "office.db"
    other_dir = tmp_path / "other-data"  # the data dir of every call but the first
    loser = tmp_path / "loser.db"
    assert not default.exists()
    by_default, env_refused, flag_refused = run_all(
        # Neither --db nor OFFICE_TUI_DB: the demo goes into the data dir's office.db.
        (("demo",), {"env": {"OFFICE_TUI_DB": None}}),
        # OFFICE_TUI_DB names the (non-empty) demo copy: demo must refuse it (the refusal
        # shows which file was opened) and leave the data dir alone.
        (("demo",), {"env": {"OFFICE_TUI_DB": demo_url, "OFFICE_TUI_DATA_DIR": str(other_dir)}}),
        # --db names the demo copy while OFFICE_TUI_DB names a new file: refused too, and
        # the new file never created.
        (("--db", demo_url, "demo"),
         {"env": {"OFFICE_TUI_DB": sqlite_url(loser), "OFFICE_TUI_DATA_DIR": str(other_dir)}}),
    )
    assert by_default.returncode == 0, by_default.stderr
    assert "已載入示範資料" in by_default.stdout
    assert count_rows(default, "application") == 60
    for result in (env_refused, flag_refused):
        assert result.returncode != 0
        assert "資料庫已有資料" in result.stderr, result.stderr
        assert_no_traceback(result)
    assert not loser.exists()
    assert not (other_dir / "office.db").exists()


# -- db ------------------------------------------------------------------------------

def test_db_upgrade_and_backup(tmp_path, demo_url):
    from office_tui.core.migrate import head_revision

    head = head_revision()
    new = tmp_path / "new.db"
    source = Path(demo_url.removeprefix("sqlite:///"))
    target = tmp_path / "backups" / "copy.db"
    upgraded, backed_up = run_all((("--db", sqlite_url(new), "db", "upgrade"),),
                                  (("--db", demo_url, "db", "backup", str(target)),))
    assert upgraded.returncode == 0, upgraded.stderr
    assert head in upgraded.stdout
    assert query(new, "SELECT version_num FROM alembic_version") == [(head,)]

    assert backed_up.returncode == 0, backed_up.stderr
    assert str(target) in backed_up.stdout
    assert query(target, "PRAGMA integrity_check") == [("ok",)]
    assert count_rows(target, "application") == count_rows(source, "application") == 60
    assert count_rows(target, "usagedaily") == count_rows(source, "usagedaily") > 0


# -- batch ---------------------------------------------------------------------------

def _batches(engine) -> list[Batch]:
    with Session(engine) as session:
        return list(session.scalars(select(Batch).order_by(Batch.number)))


def test_batch_add_then_update(engine, db_url, shell_admin):
    created, compact, bad = run_all(
        (("--db", db_url, "batch", "add", "4", "--opens", "115/12/01", "--closes", "115/12/08"),),
        (("--db", db_url, "batch", "add", "5", "--opens", "1151201", "--closes", "1151208"),),
        (("--db", db_url, "batch", "add", "6", "--opens", "115/13/01", "--closes", "115/12/08"),),
    )
    assert created.returncode == 0, created.stderr
    assert "已新增第 4 批次" in created.stdout
    assert "115/12/08 17:00" in created.stdout
    assert compact.returncode == 0, compact.stderr
    assert "已新增第 5 批次" in compact.stdout
    assert bad.returncode == 2
    assert "--opens" in bad.stderr
    assert "115/13/01" in bad.stderr
    assert "無法辨識" in bad.stderr
    assert bad.stdout == ""
    assert_no_traceback(bad)
    cutoff = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # 17:00 Asia/Taipei
    assert [(b.number, b.opens_on, b.closes_at) for b in _batches(engine)] == [
        (4, date(2026, 12, 1), cutoff), (5, date(2026, 12, 1), cutoff)]

    updated = run_cli("--db", db_url, "batch", "add", "4", "--opens", "115年12月1日",
                      "--closes", "2026-12-08 12:00")
    assert updated.returncode == 0, updated.stderr
    assert "已更新第 4 批次" in updated.stdout
    assert "115/12/08 12:00" in updated.stdout
    assert [(b.number, b.opens_on, b.closes_at) for b in _batches(engine)] == [  # not duplicated
        (4, date(2026, 12, 1), datetime(2026, 12, 8, 4, 0, tzinfo=timezone.utc)),
        (5, date(2026, 12, 1), cutoff)]

    audits = audit_rows(engine, "batch")
    assert sorted(a.action for a in audits) == ["insert", "insert", "update"]
    assert {(a.username, a.user_id) for a in audits} == {(shell_admin.username, shell_admin.id)}


# -- errors --------------------------------------------------------------------------

def test_bad_url_and_usage_errors_are_said_in_chinese():
    bad_url, unknown, missing = run_all((("--db", "mysql://x/y", "demo"),), (("frobnicate",),),
                                        (("batch", "add", "4", "--opens", "115/12/01"),))
    assert bad_url.returncode != 0
    assert "資料庫 URL 不支援" in bad_url.stderr
    assert "mysql://x/y" in bad_url.stderr
    for result in (unknown, missing):
        assert result.returncode == 2
        assert "命令格式錯誤" in result.stderr
    assert "frobnicate" in unknown.stderr
    assert "--closes" in missing.stderr
    for result in (bad_url, unknown, missing):
        assert result.stdout == ""
        assert_no_traceback(result)
    assert not (Path(os.environ["OFFICE_TUI_DATA_DIR"]) / "office.db").exists()


def test_unparseable_url_is_an_unsupported_url():
    result = run_cli("--db", "notaurl", "demo")
    assert result.returncode != 0
    assert_no_traceback(result)
    assert "資料庫 URL 不支援" in result.stderr


# -- user ----------------------------------------------------------------------------

def test_user_add_with_password_from_stdin(engine, db_url, shell_admin):
    from office_tui.core.auth import AuthError, login

    added = run_cli("--db", db_url, "user", "add", "alice", "--role", "staff", "--password-stdin",
                    input="s3cret-horse\n")
    assert added.returncode == 0, added.stderr
    assert "alice" in added.stdout
    actor = login(engine, "alice", "s3cret-horse")
    assert (actor.username, actor.role) == ("alice", "staff")
    with pytest.raises(AuthError):  # the newline is not part of the password
        login(engine, "alice", "s3cret-horse\n")

    again = run_cli("--db", db_url, "user", "add", "alice", "--role", "admin", "--password-stdin",
                    input="other-password\n")
    assert again.returncode != 0
    assert "已存在" in again.stderr
    assert again.stdout == ""
    assert_no_traceback(again)
    with Session(engine) as session:
        assert [(u.username, u.role) for u in session.scalars(select(User).order_by(User.id))] == [
            (shell_admin.username, "admin"), ("alice", "staff")]
    audits = audit_rows(engine, "user")
    assert [(a.action, a.username, a.user_id) for a in audits][1:] == [
        ("insert", shell_admin.username, shell_admin.id)]


def test_unknown_language_and_empty_password_are_usage_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    bad_lang = run_cli("--lang", "xx", "--db", url, "db", "upgrade")
    assert bad_lang.returncode == 2
    assert "xx" in bad_lang.stderr and "Traceback" not in bad_lang.stderr
    empty = run_cli("--db", url, "user", "add", "bob", "--role", "staff", "--password-stdin", input="\n")
    assert empty.returncode == 2
    assert "密碼" in empty.stderr
