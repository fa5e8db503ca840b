"""Who may do what (README "Who may do what", "Passwords and sign-in"): the command line
knows the account it runs as from the real user id, never from $USER; an account linked
to nobody may only set a new office up; `user …` needs an admin; passwords are long and
uncommon; sign-in is throttled and every attempt audited."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from sqlmodel import select

from models import AuditEntry, User
from office_tui.core.auth import (
    FIRST_WAIT_SECONDS,
    FREE_FAILURES,
    AuthError,
    add_user,
    login,
    os_username,
    signin_state,
    wait_after,
)
from office_tui.core.db import read_session
from test_cli import assert_no_traceback, run_all, run_cli

ME = os_username()


def _users(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT username, role, os_account FROM user ORDER BY id").fetchall()


def _audited_names(path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT username FROM auditentry")}


# -- the account comes from the real user id -----------------------------------------------


def test_a_spoofed_user_variable_gets_nobody_in(engine, db_url, tmp_path):
    """alice is the admin, linked to the OS account "alice"; the account running the test
    is linked to nobody. Naming alice in $USER/$LOGNAME changes nothing."""
    add_user(engine, None, "alice", "admin", os_account="alice")
    path = tmp_path / "office.db"
    spoofed = {"USER": "alice", "LOGNAME": "alice", "USERNAME": "alice", "LNAME": "alice"}
    tally, batch, adduser = run_all(
        (("--db", db_url, "tally", "--batch", "1", "--json"), {"env": spoofed}),
        (("--db", db_url, "batch", "add", "7", "--opens", "115/12/01", "--closes", "115/12/08"), {"env": spoofed}),
        (("--db", db_url, "user", "add", "mallory", "--role", "admin"), {"env": spoofed}),
    )
    for result in (tally, batch, adduser):
        assert result.returncode == 1, result.stdout
        assert result.stdout == ""
        assert f"作業系統帳號 {ME} 未對應" in result.stderr  # the real account is named
        assert "alice" not in result.stderr
        assert_no_traceback(result)
    assert _users(path) == [("alice", "admin", "alice")]
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT count(*) FROM batch").fetchone() == (0,)
    assert "alice" not in _audited_names(path)


def test_an_unlinked_account_cannot_add_an_admin(engine, db_url, tmp_path):
    add_user(engine, None, "boss", "admin", os_account="someone-else")
    result = run_cli("--db", db_url, "user", "add", "mallory", "--role", "admin", "--os-account", ME)
    assert result.returncode == 1
    assert "未對應" in result.stderr and result.stdout == ""
    assert _users(tmp_path / "office.db") == [("boss", "admin", "someone-else")]


def test_an_unlinked_account_may_create_the_first_admin_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert run_cli("db", "init", "--db", url).returncode == 0  # a new office, with no users yet
    staff_first = run_cli("--db", url, "user", "add", "mei", "--role", "staff")
    assert staff_first.returncode == 1 and "第一個使用者必須是管理員" in staff_first.stderr
    first = run_cli("--db", url, "user", "add", "chief", "--role", "admin", "--password-stdin",
                    input="chief-of-the-office\n")
    assert first.returncode == 0, first.stderr
    # Not linked to it (no --os-account): still nobody, now that the office has a user.
    second, listing = run_all((("--db", url, "user", "add", "mallory", "--role", "admin"),),
                              (("--db", url, "applications", "list", "--json"),))
    assert second.returncode == 1 and "未對應" in second.stderr
    assert listing.returncode == 1 and listing.stdout == ""
    assert _users(tmp_path / "new.db") == [("chief", "admin", None)]
    assert login_name(tmp_path / "new.db") == {f"os:{ME}"}


def login_name(path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT username FROM auditentry WHERE table_name='user'")}


def test_user_add_needs_an_admin(engine, db_url, tmp_path):
    add_user(engine, None, "boss", "admin")
    add_user(engine, _admin(), "mei", "staff", os_account=ME)
    refused = run_cli("--db", db_url, "user", "add", "mallory", "--role", "admin")
    assert refused.returncode == 1
    assert "只有管理員" in refused.stderr and "mei" in refused.stderr
    listed = run_cli("--db", db_url, "applications", "list", "--json")  # staff work goes on
    assert listed.returncode == 0, listed.stderr
    assert [name for name, _, _ in _users(tmp_path / "office.db")] == ["boss", "mei"]


def _admin():
    from office_tui.core.actor import Actor

    return Actor(1, "boss", "admin")


def test_the_demo_links_the_account_that_loads_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    loaded = run_cli("--db", url, "demo")
    assert loaded.returncode == 0, loaded.stderr
    assert f"{ME}" in loaded.stdout and "admin" in loaded.stdout
    assert ("admin", "admin", ME) in _users(tmp_path / "demo.db")
    listed = run_cli("--db", url, "applications", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 60


def test_the_audit_names_the_linked_user_of_the_real_account(demo_url):
    done = run_cli("--db", demo_url, "batch", "add", "9", "--opens", "115/12/01", "--closes", "115/12/08",
                   env={"USER": "staff", "LOGNAME": "staff"})
    assert done.returncode == 0, done.stderr
    path = demo_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT username FROM auditentry WHERE table_name='batch' AND action='insert'").fetchall()
    assert rows == [("admin",)]  # the demo's admin is linked to the account running the tests


# -- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize("password, key", [
    ("short-pw", "password.too_short"),  # 8 characters
    ("password1234", "password.common"),  # on the block list
    ("Qwertyuiop", "password.common"),  # the list ignores case
    ("sunshine2026!", "password.common"),  # a listed word with digits after it
    ("mei-chen-tw", "password.common"),  # the user name
    ("zzzzzzzzzzzz", "password.common"),
])
def test_weak_passwords_are_refused(engine, password, key):
    with pytest.raises(AuthError) as caught:
        add_user(engine, None, "mei-chen-tw", "admin", password=password)
    assert caught.value.key == key
    with read_session(engine) as session:
        assert session.exec(select(User)).all() == []


def test_a_long_uncommon_password_is_taken(engine):
    add_user(engine, None, "mei", "admin", password="鳳梨酥 and tea")
    assert login(engine, "mei", "鳳梨酥 and tea").username == "mei"


def test_the_command_line_says_what_is_wrong_with_a_password(tmp_path):
    one, two = (f"sqlite:///{tmp_path / name}" for name in ("one.db", "two.db"))
    assert all(r.returncode == 0 for r in run_all((("db", "init", "--db", one),), (("db", "init", "--db", two),)))
    short, common = run_all(
        (("--db", one, "user", "add", "chief", "--role", "admin", "--password-stdin"), {"input": "abc123\n"}),
        (("--lang", "en", "--db", two, "user", "add", "chief", "--role", "admin", "--password-stdin"),
         {"input": "1234567890\n"}),
    )
    assert short.returncode == 1 and "密碼至少要 10 個字元" in short.stderr
    assert common.returncode == 1 and "too common" in common.stderr
    assert_no_traceback(common)


def test_the_demo_password_keeps_the_rule():
    from office_tui.core.passwords import password_problem
    from office_tui.demo import DEMO_PASSWORD

    assert password_problem(DEMO_PASSWORD, "admin") is None


def test_the_block_list_is_a_few_thousand_passwords():
    from office_tui.core.passwords import common_passwords

    listed = common_passwords()
    assert 5000 <= len(listed) <= 20000
    assert {"password", "123456", "qwertyuiop", "1234567890"} <= listed


# -- sign-in throttle ------------------------------------------------------------------------


def _signin_entries(engine, name: str) -> list[tuple[str, dict]]:
    with read_session(engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.table_name == "signin", AuditEntry.row_key == name)
                            .order_by(AuditEntry.id)).all()
    return [(row.action, {k: v[1] for k, v in json.loads(row.changes).items()}) for row in rows]


def _at(monkeypatch, seconds: int) -> None:
    """The office clock ``seconds`` after the pinned one."""
    from datetime import datetime, timedelta

    from conftest import PINNED_NOW

    monkeypatch.setenv("OFFICE_TUI_NOW", (datetime.fromisoformat(PINNED_NOW) + timedelta(seconds=seconds)).isoformat())


def test_five_failures_then_a_growing_wait(engine, monkeypatch):
    user = add_user(engine, None, "mei", "admin", password="mei-long-password")
    for attempt in range(1, FREE_FAILURES):
        with pytest.raises(AuthError) as caught:
            login(engine, "mei", f"wrong-{attempt}")
        assert caught.value.key == "login.failed"
    with pytest.raises(AuthError) as caught:  # the fifth
        login(engine, "mei", "wrong-5")
    assert caught.value.key == "login.failed_wait"
    assert caught.value.params == {"seconds": FIRST_WAIT_SECONDS}
    # While waiting even the right password is refused, unchecked.
    with pytest.raises(AuthError) as caught:
        login(engine, "mei", "mei-long-password")
    assert caught.value.key == "login.wait"
    _at(monkeypatch, 10)
    assert signin_state(engine, "mei") == (5, FIRST_WAIT_SECONDS - 10)
    _at(monkeypatch, FIRST_WAIT_SECONDS)
    with pytest.raises(AuthError) as caught:  # the sixth failure doubles the wait
        login(engine, "mei", "wrong-6")
    assert caught.value.params == {"seconds": 2 * FIRST_WAIT_SECONDS}
    _at(monkeypatch, 3 * FIRST_WAIT_SECONDS)
    assert login(engine, "mei", "mei-long-password").user_id == user.id
    assert signin_state(engine, "mei") == (0, 0)  # a sign-in starts the count again

    entries = _signin_entries(engine, "mei")
    assert [action for action, _ in entries] == ["signin_failed"] * 5 + ["signin_locked", "signin_failed", "signin"]
    assert [facts.get("failures") for _, facts in entries[:5]] == [1, 2, 3, 4, 5]
    assert entries[4][1]["wait_seconds"] == FIRST_WAIT_SECONDS
    assert all(facts["os_account"] == ME for _, facts in entries)
    assert "mei-long-password" not in json.dumps(entries) and "wrong" not in json.dumps(entries)


def test_an_unknown_name_is_throttled_and_audited_alike(engine):
    add_user(engine, None, "mei", "admin", password="mei-long-password")
    keys = []
    for attempt in range(FREE_FAILURES + 1):
        with pytest.raises(AuthError) as caught:
            login(engine, "ghost", "whatever-it-is")
        keys.append(caught.value.key)
    assert keys == ["login.failed"] * 4 + ["login.failed_wait", "login.wait"]
    assert [a for a, _ in _signin_entries(engine, "ghost")] == ["signin_failed"] * 5 + ["signin_locked"]
    assert login(engine, "mei", "mei-long-password").username == "mei"  # others are not held up


def test_the_wait_doubles_up_to_an_hour():
    assert [wait_after(n) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 960, 1920]
    assert wait_after(40) == 3600


async def test_the_login_screen_makes_the_sixth_attempt_wait(demo_url, monkeypatch):
    from textual.widgets import Input

    from apphelpers import make_app, wait_for

    app = make_app(demo_url, actor=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen" and bool(app.screen.query("#username")))
        await wait_for(pilot, lambda: app.screen.query_one("#username", Input).has_focus)
        await pilot.press(*"staff", "enter")
        for attempt in range(FREE_FAILURES):
            await pilot.press(*f"wrong-{attempt}", "enter")
            await wait_for(pilot, lambda: "錯誤" in str(app.screen.query_one("#login-error").render())
                           and not app.screen.query_one("#password", Input).value)
            app.screen.query_one("#login-error").update("")
        await pilot.press(*"demo-office", "enter")
        await wait_for(pilot, lambda: "秒後再試" in str(app.screen.query_one("#login-error").render()))
        assert app.actor is None
