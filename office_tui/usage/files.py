"""Imported system-log files: putting one file's daily counts in, listing the files, and
taking one back out exactly (docs/rules/usage.md).

UsageDaily holds one count per store and day. Each imported file keeps its own share
(UsageContribution: per store, its counts from a first day, as a JSON array with -1
where the file has no figure), so that:

* counts from different files add up;
* a file imported with ``replace`` (a provider's corrected log) sets each store-day it
  has to its own count, and keeps what the day held before (``replaced``);
* removing a file takes exactly its share back out: for each of its store-days the
  change is ``(what it replaced, if it replaced) − its count``, applied to the day —
  or, when a later file replaced that day, to what that later file replaced, so that
  removing the later one too comes back to the right count. A day that ends at 0 with
  no other file giving a figure for it has its row removed.

The same content (the SHA-256 of the file's text bytes, after gzip) is in at most once
while it is in: importing it again changes nothing (a partial unique index holds it).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import UsageFile
from models.clock import now_utc
from office_tui.core import audit
from office_tui.core.errors import OfficeError


class UsageFileError(OfficeError):
    """A file that cannot be removed (unknown, or removed already)."""


@dataclass(frozen=True)
class StoreCounts:
    """One store's daily counts in a file: ``counts[i]`` is day ``first_day + i`` (-1:
    the file has no figure for that day)."""

    first_day: date
    counts: array

    def days(self):
        """(day, count) for each day with a figure."""
        first = self.first_day
        for i, n in enumerate(self.counts):
            if n >= 0:
                yield first + timedelta(days=i), n


@dataclass(frozen=True)
class FileFacts:
    """What a file held, as the importer read it."""

    name: str
    sha256: str
    kind: str  # events / daily
    encoding: str
    rows: int


def same_content(session: Session, sha256: str) -> UsageFile | None:
    """The file now in with this content, if any."""
    return session.scalars(select(UsageFile).where(UsageFile.sha256 == sha256, UsageFile.removed_at.is_(None))).first()


def record_file(session: Session, actor, facts: FileFacts, stores: Mapping[int, StoreCounts], *,
                replace: bool = False) -> UsageFile | None:
    """Put one file's counts in (in the caller's transaction): its UsageFile row
    (audited), its contributions, and UsageDaily added to — or, with ``replace``, set —
    for each store-day it has. None when the same content is in already (nothing is
    written). A file with no store-day at all is not recorded either (None)."""
    if same_content(session, facts.sha256) is not None:
        return None
    # Sums over the arrays at C speed: a -1 (no figure) counts once in the sum and once
    # in count(-1). An array's first and last entries are figures (it grows only by them).
    days = events = 0
    first = last = None
    for c in stores.values():
        missing = c.counts.count(-1)
        days += len(c.counts) - missing
        events += sum(c.counts) + missing
        end = c.first_day + timedelta(days=len(c.counts) - 1)
        first = c.first_day if first is None or c.first_day < first else first
        last = end if last is None or end > last else last
    if not days:
        return None
    file = UsageFile(name=facts.name, sha256=facts.sha256, kind=facts.kind, encoding=facts.encoding, replace=replace,
                     rows=facts.rows, events=events, stores=len(stores), days=days, first_day=first, last_day=last,
                     imported_at=now_utc(), imported_by_id=getattr(actor, "user_id", None),
                     imported_by=getattr(actor, "username", "") or "")
    session.add(file)
    session.flush()
    connection = session.connection()
    replaced = _current_values(connection, stores) if replace else {}
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(
            "INSERT INTO usagecontribution (file_id, store_id, first_day, counts, replaced) VALUES (?, ?, ?, ?, ?)",
            ((file.id, store_id, c.first_day.isoformat(), _dump(c.counts),
              _dump(replaced[store_id]) if replace else "") for store_id, c in stores.items()))
        cursor.execute(_MERGE.format(count="excluded.count" if replace else "usagedaily.count + excluded.count"),
                       (file.id,))
    finally:
        cursor.close()
    audit.record_bulk(session, "usagecontribution", len(stores), f"{facts.name} (file {file.id})")
    audit.record_bulk(session, "usagedaily", days, f"{'replace' if replace else 'add'}: {facts.name} (file {file.id})")
    return file


# Each day of the file with a figure into UsageDaily: added, or (replace) set.
_MERGE = """
INSERT INTO usagedaily (store_id, day, count)
SELECT c.store_id, date(c.first_day, '+' || j.key || ' days'), j.value
FROM usagecontribution c, json_each(c.counts) j
WHERE c.file_id = ? AND j.value >= 0
ON CONFLICT (store_id, day) DO UPDATE SET count = {count}
"""


def _dump(counts: array) -> str:
    return json.dumps(counts.tolist(), separators=(",", ":"))


def _load(counts: str) -> array:
    return array("q", json.loads(counts)) if counts else array("q")


def _current_values(connection, stores: Mapping[int, StoreCounts]) -> dict[int, array]:
    """For a file that replaces: what UsageDaily holds now on each of its store-days (0
    where no row), -1 on the days it has no figure for."""
    found: dict[int, array] = {}
    for store_id, c in stores.items():
        last = c.first_day + timedelta(days=len(c.counts) - 1)
        held = array("q", [-1]) * len(c.counts)
        for i, n in enumerate(c.counts):
            if n >= 0:
                held[i] = 0
        for day, n in connection.exec_driver_sql(
                "SELECT day, count FROM usagedaily WHERE store_id = ? AND day BETWEEN ? AND ?",
                (store_id, c.first_day.isoformat(), last.isoformat())):
            i = (date.fromisoformat(day) - c.first_day).days
            if held[i] >= 0:
                held[i] = n
        found[store_id] = held
    return found


# -- listing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRow:
    """One imported file as `usage files` lists it."""

    id: int
    name: str
    sha256: str
    kind: str
    encoding: str
    replace: bool
    rows: int
    events: int
    stores: int
    days: int
    first_day: date | None
    last_day: date | None
    imported_at: datetime
    imported_by: str
    removed_at: datetime | None
    removed_by: str

    def to_json(self) -> dict:
        return {"id": self.id, "file": self.name, "sha256": self.sha256, "kind": self.kind, "encoding": self.encoding,
                "replace": self.replace, "imported_by": self.imported_by, "imported_at": self.imported_at.isoformat(),
                "rows": self.rows, "events": self.events, "stores": self.stores, "days": self.days,
                "first_day": self.first_day.isoformat() if self.first_day else None,
                "last_day": self.last_day.isoformat() if self.last_day else None,
                "removed_at": self.removed_at.isoformat() if self.removed_at else None,
                "removed_by": self.removed_by or None}


def list_files(session: Session, *, removed: bool = False) -> list[FileRow]:
    """The files in, newest first; with ``removed``, the removed ones too."""
    query = select(UsageFile).order_by(UsageFile.id.desc())
    if not removed:
        query = query.where(UsageFile.removed_at.is_(None))
    return [FileRow(f.id, f.name, f.sha256, f.kind, f.encoding, f.replace, f.rows, f.events, f.stores, f.days,
                    f.first_day, f.last_day, f.imported_at, f.imported_by, f.removed_at, f.removed_by)
            for f in session.scalars(query)]


# -- removing ---------------------------------------------------------------------------------


@dataclass
class _Share:
    file_id: int
    replace: bool
    first: int  # ordinal of counts[0]
    counts: array
    replaced: array

    def at(self, ordinal: int) -> int:
        i = ordinal - self.first
        return self.counts[i] if 0 <= i < len(self.counts) else -1


def remove_file(session: Session, actor, file_id: int) -> tuple[UsageFile, list[int]]:
    """Take file ``file_id``'s counts out of UsageDaily (see the module), mark it removed
    (audited, who and when) and drop its contributions; in the caller's transaction.
    Returns the file and the stores whose counts changed (to reconcile)."""
    file = session.get(UsageFile, file_id)
    if file is None:
        raise UsageFileError("usage.files.no_such_file", file_id=file_id)
    if file.removed_at is not None:
        raise UsageFileError("usage.files.removed_already", file_id=file_id, name=file.name)
    connection = session.connection()
    mine = {store_id: _Share(file.id, file.replace, date.fromisoformat(first).toordinal(), _load(counts), _load(replaced))
            for store_id, first, counts, replaced in connection.exec_driver_sql(
                "SELECT store_id, first_day, counts, replaced FROM usagecontribution WHERE file_id = ?", (file.id,))}
    others: dict[int, list[_Share]] = {}
    for store_id, other_id, other_replace, first, counts, replaced in connection.exec_driver_sql(
            "SELECT c.store_id, c.file_id, f.replace, c.first_day, c.counts, c.replaced"
            " FROM usagecontribution c JOIN usagefile f ON f.id = c.file_id"
            " WHERE c.file_id <> ? AND f.removed_at IS NULL AND c.store_id IN"
            " (SELECT store_id FROM usagecontribution WHERE file_id = ?) ORDER BY c.file_id", (file.id, file.id)):
        others.setdefault(store_id, []).append(
            _Share(other_id, bool(other_replace), date.fromisoformat(first).toordinal(), _load(counts), _load(replaced)))
    changes: list[tuple[int, str, int, int]] = []  # store_id, day, delta, covered by another file
    moved: dict[int, _Share] = {}  # id() → a later replacing file whose `replaced` changed
    for store_id, share in mine.items():
        later = [o for o in others.get(store_id, ()) if o.file_id > file.id and o.replace]
        rest = others.get(store_id, ())
        for i, n in enumerate(share.counts):
            if n < 0:
                continue
            ordinal = share.first + i
            delta = (max(share.replaced[i], 0) if share.replace else 0) - n
            successor = next((o for o in later if o.at(ordinal) >= 0), None)
            if successor is not None:
                j = ordinal - successor.first
                successor.replaced[j] = max(successor.replaced[j], 0) + delta
                moved[id(successor)] = successor
                continue
            covered = any(o.at(ordinal) >= 0 for o in rest)
            changes.append((store_id, date.fromordinal(ordinal).isoformat(), delta, int(covered)))
    cursor = connection.connection.cursor()
    try:
        cursor.execute("DROP TABLE IF EXISTS temp.usage_change")
        cursor.execute("CREATE TEMP TABLE usage_change (store_id INTEGER, day TEXT, delta INTEGER, covered INTEGER,"
                       " PRIMARY KEY (store_id, day))")
        cursor.executemany("INSERT INTO usage_change VALUES (?, ?, ?, ?)", changes)
        cursor.execute("UPDATE usagedaily SET count = max(0, usagedaily.count + x.delta) FROM usage_change x"
                       " WHERE usagedaily.store_id = x.store_id AND usagedaily.day = x.day AND x.delta <> 0")
        cursor.execute("DELETE FROM usagedaily WHERE count = 0 AND (store_id, day) IN"
                       " (SELECT store_id, day FROM usage_change WHERE NOT covered)")
        cursor.executemany("UPDATE usagecontribution SET replaced = ? WHERE file_id = ? AND store_id = ?",
                           [(_dump(o.replaced), o.file_id, store_id) for store_id, shares in others.items()
                            for o in shares if id(o) in moved])
        cursor.execute("DROP TABLE temp.usage_change")
    finally:
        cursor.close()
    connection.exec_driver_sql("DELETE FROM usagecontribution WHERE file_id = ?", (file.id,))
    audit.record_bulk(session, "usagedaily", len(changes), f"remove {file.name} (file {file.id})")
    audit.record_bulk(session, "usagecontribution", len(mine), f"remove {file.name} (file {file.id})")
    file.removed_at = now_utc()
    file.removed_by_id = getattr(actor, "user_id", None)
    file.removed_by = getattr(actor, "username", "") or ""
    session.flush()
    return file, sorted(mine)
