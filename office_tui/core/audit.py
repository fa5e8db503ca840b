"""The one place every write is recorded: user, time, table, row, old → new values.

A session opened with :func:`office_tui.core.db.write_session` carries its actor and reason;
after each flush the changes of every ORM object are written to AuditEntry in the same
transaction. Bulk loads that bypass the ORM (demo data, million-row usage logs) record
one ``bulk`` entry with :func:`record_bulk`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from models import AuditEntry
from models.base import utcnow

_INFO_KEY = "office_tui_audit"


def attach(session: Session, actor, reason: str = "") -> None:
    session.info[_INFO_KEY] = (actor, reason)


def set_reason(session: Session, reason: str) -> None:
    actor, _ = session.info.get(_INFO_KEY, (None, ""))
    session.info[_INFO_KEY] = (actor, reason)


@contextmanager
def reason_for(session: Session, reason: str) -> Iterator[None]:
    """Changes flushed inside the block are recorded with ``reason``; the session's own
    reason is back afterwards."""
    saved = session.info.get(_INFO_KEY)
    set_reason(session, reason)
    try:
        yield
    finally:
        if saved is None:
            session.info.pop(_INFO_KEY, None)
        else:
            session.info[_INFO_KEY] = saved


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


# Never copied into the audit log.
SECRET_COLUMNS = frozenset({"password_hash"})
_OLD_KEY = "office_tui_audit_old"


def _row_key(state) -> str:
    # After the INSERT the primary key attributes are set, though the identity is not yet.
    identity = state.mapper.primary_key_from_instance(state.obj())
    return "/".join(str(part) for part in identity)


def _value(key: str, value):
    return "***" if key in SECRET_COLUMNS and value is not None else _plain(value)


def _entry(session: Session, action: str, table: str, key: str, changes: dict) -> dict:
    actor, reason = session.info.get(_INFO_KEY, (None, ""))
    return {
        "at": utcnow(),
        "user_id": getattr(actor, "user_id", None),
        "username": getattr(actor, "username", "") or "",
        "action": action,
        "table_name": table,
        "row_key": key,
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
        "reason": reason,
    }


@event.listens_for(Session, "before_flush")
def _fetch_unknown_old_values(session: Session, _flush_context, _instances) -> None:
    """An attribute set after it was expired has no old value in its history: read the
    stored one before the UPDATE overwrites it."""
    olds: dict[tuple[int, str], object] = {}
    for obj in session.dirty:
        state = inspect(obj)
        if isinstance(obj, AuditEntry) or state.key is None:
            continue
        for attr in state.attrs:
            if attr.key in state.mapper.columns and attr.history.added and not attr.history.deleted \
                    and not attr.history.unchanged:
                olds[(id(obj), attr.key)] = None
        wanted = [k for (o, k) in olds if o == id(obj)]
        if wanted:
            table = state.mapper.local_table
            where = [col == val for col, val in zip(state.mapper.primary_key, state.key[1])]
            row = session.connection().execute(
                select(*(table.c[state.mapper.columns[k].key] for k in wanted)).where(*where)
            ).first()
            if row is not None:
                olds.update({(id(obj), k): v for k, v in zip(wanted, row)})
    session.info[_OLD_KEY] = olds


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _flush_context) -> None:
    rows: list[dict] = []
    olds = session.info.pop(_OLD_KEY, {})
    for obj in session.new:
        if isinstance(obj, AuditEntry):
            continue
        state = inspect(obj)
        values = {a.key: [None, _value(a.key, a.value)] for a in state.attrs if a.key in state.mapper.columns}
        rows.append(_entry(session, "insert", state.mapper.local_table.name, _row_key(state), values))
    for obj in session.dirty:
        if isinstance(obj, AuditEntry):
            continue
        state = inspect(obj)
        changes = {}
        for attr in state.attrs:
            if attr.key not in state.mapper.columns:
                continue
            history = attr.history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else olds.get((id(obj), attr.key))
                new = history.added[0] if history.added else None
                if old != new:
                    changes[attr.key] = [_value(attr.key, old), _value(attr.key, new)]
        if changes:
            rows.append(_entry(session, "update", state.mapper.local_table.name, _row_key(state), changes))
    for obj in session.deleted:
        state = inspect(obj)
        values = {a.key: [_value(a.key, a.loaded_value), None] for a in state.attrs if a.key in state.mapper.columns}
        rows.append(_entry(session, "delete", state.mapper.local_table.name, _row_key(state), values))
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def record_bulk(session: Session, table: str, count: int, note: str = "") -> None:
    """One entry for a bulk load of ``count`` rows that did not go through the ORM."""
    row = _entry(session, "bulk", table, "", {"rows": [None, count], "note": [None, note]})
    session.connection().execute(AuditEntry.__table__.insert(), [row])


def record_event(session: Session, action: str, table: str, row_key: str, changes: dict) -> None:
    """One entry for something that changed no row but must be on record (a sign-in
    attempt, say): ``changes`` as {name: [old, new]}."""
    row = _entry(session, action, table, row_key, changes)
    session.connection().execute(AuditEntry.__table__.insert(), [row])
