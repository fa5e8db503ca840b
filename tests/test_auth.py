"""Users, roles, scrypt passwords and operating-system account sign-in."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import select

import office_tui.core.auth as auth
from models import AuditEntry, Reviewer, User
from office_tui.core.auth import (
    Actor,
    AuthError,
    add_user,
    hash_password,
    login,
    login_os_account,
    shell_actor,
    user_count,
    verify_password,
)
from office_tui.core.db import read_session, write_session

ADMIN = Actor(user_id=None, username="setup", role="admin")


def _set_active(engine, username: str, active: bool) -> None:
    with write_session(engine, ADMIN, reason="deactivate") as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.active = active


def _add_reviewer(engine) -> int:
    with write_session(engine, ADMIN, reason="committee") as session:
        reviewer = Reviewer(reviewer_no="R001", name="王委員")
        session.add(reviewer)
        session.flush()
        return reviewer.id


# --- password hashing ----------------------------------------------------------------


def test_hash_password_format():
    stored = hash_password("密碼 correct horse")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert stored.startswith("scrypt$")
    assert scheme == "scrypt"
    assert (int(n), int(r), int(p)) == (2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16
    assert len(bytes.fromhex(digest)) == 32
    assert "correct horse" not in stored
    # It really is scrypt of the password with that salt.
    expected = hashlib.scrypt(
        "密碼 correct horse".encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32
    )
    assert digest == expected.hex()


def test_hash_password_is_salted():
    first, second = hash_password("same"), hash_password("same")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_password("same", first)
    assert verify_password("same", second)


def test_verify_password():
    stored = hash_password("s3cret!horse")
    assert verify_password("s3cret!horse", stored) is True
    assert verify_password("s3cret", stored) is False
    assert verify_password("S3cret!horse", stored) is False
    assert verify_password("", stored) is False


def test_verify_password_non_ascii():
    stored = hash_password("臺灣雲端2021")
    assert verify_password("臺灣雲端2021", stored)
    assert not verify_password("台灣雲端2021", stored)


def test_tampered_digest_or_salt_is_refused():
    stored = hash_password("s3cret!horse")
    scheme, n, r, p, salt, digest = stored.split("$")
    flipped_digest = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    flipped_salt = ("0" if salt[0] != "0" else "1") + salt[1:]
    assert not verify_password("s3cret!horse", "$".join([scheme, n, r, p, salt, flipped_digest]))
    assert not verify_password("s3cret!horse", "$".join([scheme, n, r, p, flipped_salt, digest]))
    assert not verify_password("s3cret!horse", "$".join(["bcrypt", n, r, p, salt, digest]))
    assert not verify_password("s3cret!horse", stored[:-2])
    assert not verify_password("s3cret!horse", stored + "$extra")
    assert not verify_password("s3cret!horse", "plain-text-password")


def test_missing_hash_is_refused():
    assert verify_password("anything", None) is False
    assert verify_password("", None) is False
    assert verify_password("anything", "") is False


@pytest.mark.parametrize(
    "field, value",
    [(4, "not-hex"), (1, "abc"), (1, "3"), (5, "é" * 64)],
    ids=["salt-not-hex", "n-not-int", "n-not-power-of-2", "digest-non-ascii"],
)
def test_malformed_hash_is_refused_not_raised(field, value):
    parts = hash_password("s3cret!horse").split("$")
    parts[field] = value
    assert verify_password("s3cret!horse", "$".join(parts)) is False


def test_login_with_corrupt_stored_hash_fails_cleanly(engine):
    add_user(engine, ADMIN, "mei", "staff", password="s3cret!horse")
    with write_session(engine, ADMIN, reason="corrupt") as session:
        user = session.exec(select(User).where(User.username == "mei")).one()
        user.password_hash = "scrypt$16384$8$1$zz$00"
    with pytest.raises(AuthError) as caught:
        login(engine, "mei", "s3cret!horse")
    assert caught.value.key == "login.failed"


# --- users and login -----------------------------------------------------------------


def test_add_user_and_login(engine):
    assert user_count(engine) == 0
    user = add_user(engine, ADMIN, "  mei  ", "staff", password="s3cret!horse", display_name="陳小美")
    assert user.id is not None
    assert user.username == "mei"
    assert user_count(engine) == 1
    with read_session(engine) as session:
        stored = session.get(User, user.id)
        assert stored.password_hash.startswith("scrypt$")
        assert "s3cret!horse" not in stored.password_hash
        assert stored.display_name == "陳小美"
        assert stored.active

    actor = login(engine, "mei", "s3cret!horse")
    assert actor == Actor(user_id=user.id, username="mei", role="staff", reviewer_id=None)
    assert not actor.is_admin
    assert login(engine, " mei ", "s3cret!horse").user_id == user.id  # name is trimmed


def test_admin_role_is_admin(engine):
    add_user(engine, None, "boss", "admin", password="pw-boss-2026")
    actor = login(engine, "boss", "pw-boss-2026")
    assert actor.role == "admin"
    assert actor.is_admin


def test_add_user_is_audited_without_the_password(engine):
    add_user(engine, ADMIN, "mei", "staff", password="s3cret!horse")
    with read_session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.table_name == "user")).all()
    assert len(entries) == 1
    assert entries[0].action == "insert"
    assert entries[0].username == "setup"
    assert entries[0].reason == "add user"
    changes = json.loads(entries[0].changes)
    assert changes["username"] == [None, "mei"]
    assert "s3cret!horse" not in entries[0].changes


def test_display_name_defaults_to_username(engine):
    user = add_user(engine, ADMIN, "lin", "staff", password="x-correct-horse")
    assert user.display_name == "lin"


@pytest.mark.parametrize("password", ["wrong", "", "S3CRET!HORSE", "s3cret!horse "])
def test_wrong_password_fails(engine, password):
    add_user(engine, ADMIN, "mei", "staff", password="s3cret!horse")
    with pytest.raises(AuthError) as caught:
        login(engine, "mei", password)
    assert caught.value.key == "login.failed"


def test_unknown_user_fails_with_the_same_message(engine):
    add_user(engine, ADMIN, "mei", "staff", password="s3cret!horse")
    with pytest.raises(AuthError) as caught:
        login(engine, "nobody", "s3cret!horse")
    assert caught.value.key == "login.failed"


def test_user_without_password_cannot_log_in_with_password(engine):
    add_user(engine, ADMIN, "osonly", "staff", os_account="osonly")
    for attempt in ("", "osonly", "None"):
        with pytest.raises(AuthError) as caught:
            login(engine, "osonly", attempt)
        assert caught.value.key == "login.failed"


def test_inactive_user_cannot_log_in(engine):
    add_user(engine, ADMIN, "mei", "staff", password="s3cret!horse")
    assert login(engine, "mei", "s3cret!horse").username == "mei"
    _set_active(engine, "mei", False)
    with pytest.raises(AuthError) as caught:
        login(engine, "mei", "s3cret!horse")
    assert caught.value.key == "login.failed"
    _set_active(engine, "mei", True)
    assert login(engine, "mei", "s3cret!horse").username == "mei"


def test_reviewer_role_requires_reviewer_link(engine):
    with pytest.raises(AuthError) as caught:
        add_user(engine, ADMIN, "wang", "reviewer", password="pw-correct-horse")
    assert caught.value.key == "user.reviewer_link_required"
    assert user_count(engine) == 0

    reviewer_id = _add_reviewer(engine)
    user = add_user(engine, ADMIN, "wang", "reviewer", password="pw-correct-horse", reviewer_id=reviewer_id)
    assert user.reviewer_id == reviewer_id
    actor = login(engine, "wang", "pw-correct-horse")
    assert actor.role == "reviewer"
    assert actor.reviewer_id == reviewer_id


@pytest.mark.parametrize("role", ["root", "Admin", "", "reviewers"])
def test_bad_role_is_refused(engine, role):
    with pytest.raises(AuthError) as caught:
        add_user(engine, ADMIN, "mei", role, password="pw-correct-horse")
    assert caught.value.key == "user.bad_role"
    assert caught.value.params["role"] == role
    assert user_count(engine) == 0


def test_blank_username_is_refused(engine):
    with pytest.raises(AuthError) as caught:
        add_user(engine, ADMIN, "   ", "staff", password="pw-correct-horse")
    assert caught.value.key == "user.name_required"
    assert user_count(engine) == 0


def test_duplicate_username_is_refused(engine):
    add_user(engine, ADMIN, "mei", "staff", password="first-password-1")
    with pytest.raises(AuthError) as caught:
        add_user(engine, ADMIN, "mei ", "admin", password="second-password-2")
    assert caught.value.key == "user.exists"
    assert user_count(engine) == 1
    assert login(engine, "mei", "first-password-1").role == "staff"


# --- operating-system account --------------------------------------------------------


@pytest.fixture
def os_alice(monkeypatch):
    monkeypatch.setattr(auth, "os_username", lambda: "alice")


def test_login_os_account_finds_the_linked_user(engine, os_alice):
    add_user(engine, ADMIN, "bob", "staff", os_account="bob")
    user = add_user(engine, ADMIN, "alice.chen", "admin", os_account="alice")
    actor = login_os_account(engine)
    assert actor == Actor(user_id=user.id, username="alice.chen", role="admin")


def test_login_os_account_unknown(engine, os_alice):
    add_user(engine, ADMIN, "bob", "staff", os_account="bob")
    with pytest.raises(AuthError) as caught:
        login_os_account(engine)
    assert caught.value.key == "login.os_unknown"
    assert caught.value.params == {"name": "alice"}


def test_login_os_account_inactive(engine, os_alice):
    add_user(engine, ADMIN, "alice.chen", "staff", os_account="alice")
    _set_active(engine, "alice.chen", False)
    with pytest.raises(AuthError) as caught:
        login_os_account(engine)
    assert caught.value.key == "login.os_unknown"


def test_login_os_account_uses_the_real_os_name(engine, monkeypatch):
    """The account is the real user id's, whatever $USER, $LOGNAME or getpass say."""
    import getpass
    import os
    import pwd

    real = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setattr(getpass, "getuser", lambda: "carol")
    for name in ("USER", "LOGNAME", "USERNAME", "LNAME"):
        monkeypatch.setenv(name, "carol")
    assert auth.os_username() == real
    add_user(engine, None, "carol", "admin", os_account="carol")
    with pytest.raises(AuthError) as caught:
        login_os_account(engine)
    assert caught.value.params == {"name": real}
    assert shell_actor(engine).username == f"os:{real}"
    add_user(engine, ADMIN, "me", "staff", os_account=real)
    assert login_os_account(engine).username == "me"


def test_shell_actor_linked_user(engine, os_alice):
    user = add_user(engine, ADMIN, "alice.chen", "admin", os_account="alice")
    assert shell_actor(engine) == Actor(user_id=user.id, username="alice.chen", role="admin")


def test_shell_actor_unlinked_os_account(engine, os_alice):
    add_user(engine, ADMIN, "bob", "admin", os_account="bob")
    actor = shell_actor(engine)
    assert actor.user_id is None
    assert actor.username == "os:alice"
    assert actor.role == auth.UNLINKED
    assert not actor.is_admin


def test_shell_actor_ignores_inactive_linked_user(engine, os_alice):
    add_user(engine, ADMIN, "alice.chen", "admin", os_account="alice")
    _set_active(engine, "alice.chen", False)
    actor = shell_actor(engine)
    assert actor.user_id is None
    assert actor.username == "os:alice"


def test_shell_actor_changes_are_audited_under_os_name(engine, os_alice):
    actor = shell_actor(engine)
    add_user(engine, actor, "mei", "admin", password="pw-correct-horse")  # the first admin
    with read_session(engine) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.username == "os:alice"
    assert entry.user_id is None
