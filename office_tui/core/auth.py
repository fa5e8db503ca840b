"""Who is working: users, roles, passwords (scrypt) and the operating-system account."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import secrets

from sqlalchemy import Engine, func
from sqlmodel import select

from models import ROLES, User
from office_tui.core.actor import Actor
from office_tui.core.errors import OfficeError
from office_tui.core.db import read_session, write_session

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


def os_username() -> str:
    return getpass.getuser()


def shell_actor(engine: Engine) -> Actor:
    """The actor for command-line work: the OS account's user if one is linked, else
    the bare OS account name (kept in the audit log as ``os:<name>``)."""
    name = os_username()
    with read_session(engine) as session:
        user = session.exec(
            select(User).where((User.os_account == name) & User.active)
        ).first()
        if user is not None:
            return actor_of(user)
    return Actor(None, f"os:{name}", "staff")


def login(engine: Engine, username: str, password: str) -> Actor:
    with read_session(engine) as session:
        user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise AuthError("login.failed")
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
    username = username.strip()
    if role not in ROLES:
        raise AuthError("user.bad_role", role=role, roles=", ".join(ROLES))
    if not username:
        raise AuthError("user.name_required")
    if role == "reviewer" and reviewer_id is None:
        raise AuthError("user.reviewer_link_required")
    with write_session(engine, actor, reason="add user") as session:
        if session.exec(select(User).where(User.username == username)).first():
            raise AuthError("user.exists", username=username)
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


def require_staff(actor: Actor | None) -> None:
    """Members never change the roster or the assignments (the shell's actor is staff)."""
    if actor is not None and actor.role == "reviewer":
        raise OfficeError("roster.staff_only")
