"""Who is working: users, roles, passwords (scrypt), sign-in and its throttle, and the
operating-system account.

The operating-system account is the one the process runs as — the password-database
entry of its real user id — never ``$USER`` or ``$LOGNAME``, which anyone can set. An
account linked to no user is nobody here: on the command line it may only create the
first admin of a database that has no users (README "Who may do what").

Sign-in is throttled per user name (README "Passwords and sign-in"): after
:data:`FREE_FAILURES` failures in a row each further attempt must wait, twice as long
each time; every failure, every refusal while waiting and every sign-in is in the audit
log (table ``signin``), which is also where the failures are counted from.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime, timezone

from sqlalchemy import Engine, func
from sqlmodel import select

from models import ROLES, AuditEntry, User
from models.clock import now_utc
from office_tui.core.actor import Actor
from office_tui.core.errors import OfficeError
from office_tui.core.db import read_session, write_session
from office_tui.core.passwords import password_problem

# scrypt parameters (RFC 7914 interactive-login strength; ~50 ms here).
_N, _R, _P = 2**14, 8, 1


class AuthError(OfficeError):
    """Sign-in or account failure."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    try:
        candidate = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
        return hmac.compare_digest(candidate, bytes.fromhex(digest))
    except (ValueError, TypeError, OverflowError, MemoryError):
        return False  # a damaged stored hash never signs anyone in


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.reviewer_id)


# The role of an operating-system account that is linked to no user: it may do nothing
# but create the first admin (and load the demo) on a database without users.
UNLINKED = "none"


def os_username() -> str:
    """The name of the account this process runs as, from its real user id.

    POSIX: the password database (``pwd.getpwuid(os.getuid())``), or ``#<uid>`` for a
    user id with no entry. Windows has no ``pwd``: the name in the process's access
    token (``os.getlogin()``, which asks Windows — GetUserNameW — not the environment).
    """
    try:
        import pwd
    except ImportError:  # Windows
        return os.getlogin()
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"#{uid}"


def shell_actor(engine: Engine) -> Actor:
    """The actor for command-line work: the OS account's active linked user, else the
    bare OS account (``os:<name>``, role :data:`UNLINKED`), which may do next to nothing."""
    name = os_username()
    with read_session(engine) as session:
        user = session.exec(
            select(User).where((User.os_account == name) & User.active)
        ).first()
        if user is not None:
            return actor_of(user)
    return Actor(None, f"os:{name}", UNLINKED)


# -- sign-in and its throttle -------------------------------------------------------------

SIGNIN_TABLE = "signin"
FREE_FAILURES = 5  # failures in a row before the first wait
FIRST_WAIT_SECONDS = 30  # then 60, 120, … up to MAX_WAIT_SECONDS
MAX_WAIT_SECONDS = 3600
_LOOK_BACK = 64  # audit entries read to count the failures in a row


def wait_after(failures: int) -> int:
    """Seconds a user name must wait after ``failures`` failed sign-ins in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def signin_state(engine: Engine, username: str) -> tuple[int, int]:
    """(failed sign-ins in a row, seconds still to wait) for ``username``."""
    key = username.strip()[:64]
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEntry.action, AuditEntry.at)
            .where((AuditEntry.table_name == SIGNIN_TABLE) & (AuditEntry.row_key == key))
            .order_by(AuditEntry.id.desc()).limit(_LOOK_BACK)
        ).all()
    failures, last = 0, None
    for action, at in rows:
        if action == "signin":
            break
        if action == "signin_failed":
            failures += 1
            last = last or _aware(at)
    if last is None:
        return failures, 0
    left = wait_after(failures) - (now_utc() - last).total_seconds()
    return failures, max(0, int(left + 0.999))


def _record_signin(engine: Engine, user: User | None, username: str, action: str, **facts) -> None:
    """One audit entry of a sign-in attempt (who typed which name, from which account)."""
    from office_tui.core import audit

    key = username.strip()[:64]
    actor = actor_of(user) if user is not None else Actor(None, key, UNLINKED)
    facts = {"os_account": os_username(), **facts}
    with write_session(engine, actor, reason="sign-in") as session:
        audit.record_event(session, action, SIGNIN_TABLE, key,
                           {name: [None, value] for name, value in facts.items()})


def login(engine: Engine, username: str, password: str) -> Actor:
    """The user ``username`` signed in with ``password``, or AuthError: ``login.failed``
    (whatever was wrong), ``login.wait`` (too many failures: try again in N seconds)."""
    username = username.strip()
    failures, wait = signin_state(engine, username)
    with read_session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
    if wait:
        _record_signin(engine, user, username, "signin_locked", failures=failures, wait_seconds=wait)
        raise AuthError("login.wait", seconds=wait)
    if user is None or not user.active or not verify_password(password, user.password_hash):
        failures += 1
        wait = wait_after(failures)
        _record_signin(engine, user, username, "signin_failed", failures=failures, wait_seconds=wait)
        if wait:
            raise AuthError("login.failed_wait", seconds=wait)
        raise AuthError("login.failed")
    _record_signin(engine, user, username, "signin")
    return actor_of(user)


def login_os_account(engine: Engine) -> Actor:
    name = os_username()
    with read_session(engine) as session:
        user = session.exec(select(User).where(User.os_account == name)).first()
    if user is None or not user.active:
        raise AuthError("login.os_unknown", name=name)
    return actor_of(user)


def user_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(User)).one()


def add_user(
    engine: Engine,
    actor: Actor | None,
    username: str,
    role: str,
    password: str | None = None,
    os_account: str | None = None,
    display_name: str = "",
    reviewer_id: int | None = None,
) -> User:
    """A new user. Only an admin adds users, except the first: on a database with no
    users anyone may add an admin (the first sign-in, ``user add … --role admin``)."""
    username = username.strip()
    if role not in ROLES:
        raise AuthError("user.bad_role", role=role, roles=", ".join(ROLES))
    if not username:
        raise AuthError("user.name_required")
    if role == "reviewer" and reviewer_id is None:
        raise AuthError("user.reviewer_link_required")
    with write_session(engine, actor, reason="add user") as session:
        if actor is None or not actor.is_admin:
            if session.exec(select(func.count()).select_from(User)).one():
                raise AuthError("user.admin_only")
            if role != "admin":
                raise AuthError("user.first_is_admin")
        if password is not None:
            check_password(password, username)
        if session.exec(select(User).where(User.username == username)).first():
            raise AuthError("user.exists", username=username)
        if os_account and session.exec(select(User).where(User.os_account == os_account)).first():
            raise AuthError("user.os_account_taken", account=os_account)
        user = User(
            username=username,
            display_name=display_name or username,
            role=role,
            password_hash=hash_password(password) if password else None,
            os_account=os_account or None,
            reviewer_id=reviewer_id,
        )
        session.add(user)
    return user


def check_password(password: str, username: str = "") -> None:
    """AuthError (``password.too_short``, ``password.common``) unless ``password`` will do."""
    from office_tui.core.passwords import MIN_LENGTH

    problem = password_problem(password, username)
    if problem is not None:
        raise AuthError(problem, n=MIN_LENGTH)


def link_os_account(engine: Engine, actor: Actor | None, username: str, os_account: str) -> None:
    """Link ``os_account`` to the user ``username`` (audited)."""
    with write_session(engine, actor, reason="link OS account") as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.os_account = os_account
        session.add(user)


def require_staff(actor: Actor | None) -> None:
    """Members never change the roster or the assignments (the shell's actor is staff)."""
    if actor is not None and actor.role == "reviewer":
        raise OfficeError("roster.staff_only")
