"""Every test gets its own data directory, settings file and database, and a pinned
office clock (Friday 2026-11-20 10:00 Asia/Taipei); the user's own are never touched."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

PINNED_NOW = "2026-11-20T10:00:00+08:00"

# The commands the tests run in subprocesses keep their byte-code (in a folder of their
# own, per user), as an installed office-tui does, instead of compiling every module
# anew each time when the environment sets PYTHONDONTWRITEBYTECODE.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / f"office-tui-test-pycache-{getattr(os, 'getuid', lambda: 0)()}"))


@pytest.fixture(autouse=True)
def isolated_office(tmp_path, monkeypatch):
    monkeypatch.setenv("OFFICE_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OFFICE_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("OFFICE_TUI_NOW", PINNED_NOW)
    monkeypatch.delenv("OFFICE_TUI_DB", raising=False)
    monkeypatch.delenv("OFFICE_TUI_LANG", raising=False)
    from office_tui.core.i18n import set_language

    set_language("zh_TW")
    umask = os.umask(0o022)  # opening an office sets the process's umask (office_tui.core.files)
    os.umask(umask)
    yield tmp_path
    set_language("zh_TW")
    os.umask(umask)
    from office_tui.core import files

    files._gid = None


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'office.db'}"


@pytest.fixture
def engine(db_url):
    """An empty database at the newest schema."""
    from office_tui.core.db import make_engine
    from office_tui.core.migrate import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The small demo office, built once per test run (pinned clock, seed 1). The
    account running the tests works in it as the demo's admin, as after `office-tui demo`."""
    import os

    from office_tui.core.auth import link_os_account, os_username
    from office_tui.core.db import make_engine
    from office_tui.demo import DEMO_ADMIN, load_demo
    from office_tui.core.migrate import upgrade

    os.environ["OFFICE_TUI_NOW"] = PINNED_NOW
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    load_demo(engine, None, "small", seed=1)
    link_os_account(engine, None, DEMO_ADMIN, os_username())
    engine.dispose()  # the last connection to close folds the WAL into the file
    return path


@pytest.fixture
def demo_url(demo_template, tmp_path) -> str:
    """A private copy of the small demo office for one test."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def demo_engine(demo_url):
    from office_tui.core.db import make_engine

    engine = make_engine(demo_url)
    yield engine
    engine.dispose()


SHELL_ADMIN = "shell-admin"


@pytest.fixture
def shell_admin(engine):
    """The account running the tests, linked to an admin of the (empty) test database:
    commands run as it may do what an admin may (an account linked to nobody may not)."""
    from office_tui.core.auth import add_user, os_username

    return add_user(engine, None, SHELL_ADMIN, "admin", os_account=os_username())
