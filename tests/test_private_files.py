"""The office's files are the office's (README "Where data lives"): the data directory
0700 and every file in it 0600 — the database with its -wal/-shm, backups, the document
store — and exports too; with ``shared_group`` 0660/2770 of that group. A second account
on the machine reads none of them."""

from __future__ import annotations

import grp
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from office_tui.core import files
from office_tui.core.config import Settings
from test_cli import run_cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, as a login shell has it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_database_its_wal_and_a_backup_are_private(tmp_path, umask_022):
    from sqlalchemy import text

    from office_tui.core.db import make_engine
    from office_tui.core.migrate import backup_sqlite, upgrade

    path = tmp_path / "new" / "deeper" / "office.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as connection:  # the -wal and -shm exist while a connection is open
        connection.execute(text("INSERT INTO appmeta (key, value) VALUES ('x', 'y')"))
        assert {mode(p) for p in (path, path.with_name("office.db-wal"), path.with_name("office.db-shm"))} == {0o600}
    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "deeper") == 0o700
    backup = backup_sqlite(engine, tmp_path / "copies" / "office.bak")
    assert mode(backup) == 0o600 and mode(tmp_path / "copies") == 0o700
    engine.dispose()


def test_an_older_office_is_tightened_when_opened(tmp_path, umask_022):
    from office_tui.core.config import load_settings
    from office_tui.opening import open_office

    data = Path(os.environ["OFFICE_TUI_DATA_DIR"])
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "office.db.0002.20260101-000000.bak").write_bytes(b"")
    os.chmod(data / "office.db.0002.20260101-000000.bak", 0o644)
    office = open_office(load_settings())
    office.engine.dispose()
    assert mode(data) == 0o700
    assert {mode(p) for p in data.iterdir() if p.is_file()} == {0o600}


def test_an_export_and_the_document_store_are_private(tmp_path, umask_022):
    from exports.output import write_file
    from importers.document_store import store_copy, store_folder

    target = write_file(tmp_path / "made" / "list.xlsx", lambda p: p.write_bytes(b"PK"))
    assert mode(target) == 0o600 and mode(tmp_path / "made") == 0o700
    source = tmp_path / "a.pdf"
    source.write_bytes(b"%PDF-1.4 x")
    stored = store_copy(source, store_folder())
    assert mode(stored.path) == 0o600
    assert mode(store_folder()) == mode(stored.path.parent) == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="giving files a group needs root here")
def test_a_shared_group_gets_group_access(tmp_path, umask_022):
    from office_tui.core.db import make_engine

    group = grp.getgrnam("users")
    files.apply(Settings(shared_group="users"), Path(os.environ["OFFICE_TUI_DATA_DIR"]))
    path = tmp_path / "shared" / "office.db"
    make_engine(f"sqlite:///{path}").dispose()
    data = Path(os.environ["OFFICE_TUI_DATA_DIR"])
    from importers.document_store import store_folder

    store = store_folder()
    for folder in (tmp_path / "shared", data, store):
        assert mode(folder) == 0o2770 and folder.stat().st_gid == group.gr_gid
    assert mode(path) == 0o660 and path.stat().st_gid == group.gr_gid


def test_an_unknown_shared_group_is_refused(tmp_path):
    with pytest.raises(files.FilesError) as caught:
        files.apply(Settings(shared_group="no-such-group-here"))
    assert caught.value.key == "files.no_such_group"


# -- a second account on the same machine --------------------------------------------------


def _as_nobody(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "nobody", "--", *command], capture_output=True, text=True, timeout=60)


def _second_account_available() -> str | None:
    if not hasattr(os, "getuid") or os.getuid() != 0:
        return "runs as root only (runuser -u nobody), and the suite is not running as root"
    if shutil.which("runuser") is None:
        return "runuser is not installed"
    return None


@pytest.mark.skipif(_second_account_available() is not None, reason=str(_second_account_available()))
def test_a_second_account_reads_none_of_the_offices_files(umask_022):
    """The office made the usual way (umask 022) in a folder everyone may pass through:
    `nobody` reads neither the database, a backup, a stored document nor an export."""
    import pdfs

    place = Path(tempfile.mkdtemp(prefix="office-tui-shared-"))
    try:
        os.chmod(place, 0o755)
        env = {"OFFICE_TUI_DATA_DIR": str(place / "data")}
        loaded = run_cli("demo", env=env)
        assert loaded.returncode == 0, loaded.stderr
        inbox = place / "inbox" / "C114-1-0001"  # an application of the demo office
        inbox.mkdir(parents=True)
        (inbox / "401.pdf").write_bytes(pdfs.vat_401(pdfs.APPLICANT_UBN, 114, (1, 2)))
        os.chmod(place / "inbox", 0o755)
        backup, imported, exported = (
            run_cli("db", "backup", str(place / "backup.db"), env=env),
            run_cli("import", "documents", str(place / "inbox"), env=env),
            run_cli("export", "approvals", "--batch", "1", "-o", str(place / "out" / "approvals.xlsx"), env=env),
        )
        for result in (backup, imported, exported):
            assert result.returncode == 0, result.stderr
        stored = [p for p in (place / "data" / "documents").rglob("*.pdf")]
        assert stored
        control = place / "readme.txt"
        control.write_text("anyone may read this")
        os.chmod(control, 0o644)
        assert _as_nobody("cat", str(control)).returncode == 0  # the account itself works

        for secret in (place / "data" / "office.db", place / "backup.db", stored[0], place / "out" / "approvals.xlsx"):
            attempt = _as_nobody("cat", str(secret))
            assert attempt.returncode != 0, secret
            assert "Permission denied" in attempt.stderr
            assert attempt.stdout == ""
        assert _as_nobody("ls", str(place / "data")).returncode != 0
        assert mode(place / "data") == 0o700
        assert {mode(p) for p in (place / "data").iterdir() if p.is_file()} == {0o600}
        assert mode(place / "backup.db") == mode(place / "out" / "approvals.xlsx") == 0o600
    finally:
        shutil.rmtree(place, ignore_errors=True)
