"""請款勾稽 — every claim checked against its contract, invoice, store and usage log in
one set-based pass (docs/rules/claims.md, docs/rules/usage.md).

:func:`reconcile` runs a few SQL statements over all claims at once (no Python loop per
row) and stores on each claim what it found: ``subsidy`` (NT$ due) and ``flags`` (the
comma-joined codes of programme.CLAIM_FLAGS, '' when clean); a claim still open (待審,
待補件, 不符) moves to the status its flags give: any flag of FATAL_FLAGS → ``rejected``
(不符), only correctable ones → ``incomplete`` (待補件), none → ``filed`` (待審, approvable).
Approved, paid and clawed-back claims keep their status; their flags are still shown.

The rules, as the SQL applies them:

- subsidy = min(contract total, 30,000); a contract ended early (終止日) gets
  subsidy × performed days / contract days, both counted inclusive, rounded down.
- ``contract_too_short``: a 1-year term runs from the start to the day before the same
  date a year later (2021-10-01 → 2022-09-30); a term ending before that is short.
- ``filed_late``: filed more than 30 calendar days after the end (the termination date
  where there is one) — the 30th day is in time, the 31st late — or after the announced
  claims deadline (Settings.claims_close_on) when one is set.
- ``no_usage_log`` / ``usage_gap``: continued use, judged per monthly period of the
  term (office_tui.usage.periods, docs/rules/usage.md): no event at all in the term, or
  a period with fewer days with use than ``min_active_days`` (the setting
  usage_min_active_days). Both correctable: the provider may hand in the missing log.
- ``spot_check_failed``: a spot check (抽查) of the claim was recorded as failed
  (office_tui.usage.spotcheck); fatal.
- ``store_already_subsidised``: one subsidy per store, ever (FAQ 12). Per store the
  claim holding it is a granted one (核定/已撥款: money committed never moves), else the
  earliest filed (then lowest id) of those not clawed back and not refused on their own
  account (a fatal flag other than this one). Every other claim of the store carries the
  flag, and the holder's contract becomes the store's one ``subsidised`` contract (the
  partial unique index ``uq_contract_subsidised_store`` holds it to one).

SQLite only (julianday, date modifiers, UPDATE … FROM): the office's database.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from office_tui.core import audit
from office_tui.core.errors import OfficeError
from office_tui.core.programme import (
    CLAIM_ENDED_STATUSES,
    CLAIM_FLAGS,
    CLAIM_GRANTED_STATUSES,
    CLAIM_OPEN_STATUSES,
    CLAIM_STATUSES,
    CLAIM_WINDOW_DAYS,
    FATAL_FLAGS,
    SUBSIDISABLE_APPLICATION_STATUSES,
    SUBSIDY_CAP,
    USAGE_MIN_ACTIVE_DAYS,
)
from office_tui.claims.stores import ineligible_sql
from office_tui.usage import periods as usage_periods

# Flags the first statement computes; store_already_subsidised needs the holders first.
_OWN_FLAGS = tuple(code for code in CLAIM_FLAGS if code != "store_already_subsidised")
_OWN_FATAL = tuple(code for code in FATAL_FLAGS if code != "store_already_subsidised")


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


@contextmanager
def unit_of_work(target: Engine | Session, actor=None, reason: str = "") -> Iterator[Session]:
    """The caller's session as it is (its actor and reason stay), or a new audited write
    session on an engine."""
    if isinstance(target, Session):
        yield target
        return
    from office_tui.core.db import write_session

    with write_session(target, actor, reason) as session:
        yield session


def _check_dialect(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        raise OfficeError("reconcile.sqlite_only")


# -- the pass ------------------------------------------------------------------------

def _bit(code: str) -> int:
    return 1 << CLAIM_FLAGS.index(code)


def _mask(codes) -> int:
    return sum(_bit(code) for code in codes)


# Each claim's own flags as a bit mask (bit k: CLAIM_FLAGS[k]), one row read per claim in
# claim order with index lookups only; the temporary table keeps just what the later
# steps need.
_OWN_CONDITIONS = {
    "invoice_mismatch": "i.amount <> k.total",
    "invoice_malformed": "NOT (i.invoice_no GLOB '[A-Z][A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')",
    # Every invoice row belongs to a claim (one claim per invoice): a number on two rows is
    # on two claims. The repeated numbers are found once, then looked up per claim.
    "invoice_duplicate": "i.invoice_no IN (SELECT invoice_no FROM invoice GROUP BY invoice_no HAVING count(*) > 1)",
    "store_ineligible": ineligible_sql("s"),
    "existing_customer": "k.existing_customer <> 0",
    "contract_too_short": "k.ends_on < date(k.starts_on, '+1 year', '-1 day')",
    "no_approved_solution": ("NOT EXISTS (SELECT 1 FROM contractsolution cs JOIN application a ON a.id = cs.application_id"
                             " WHERE cs.contract_id = k.id AND a.provider_id = k.provider_id"
                             f" AND a.status IN ({_quoted(SUBSIDISABLE_APPLICATION_STATUSES)}))"),
    "filed_late": ("(julianday(c.filed_on) - julianday(coalesce(k.terminated_on, k.ends_on)) > :window"
                   " OR (:close_on IS NOT NULL AND c.filed_on > :close_on))"),
    "withholding_mismatch": "c.withholding_amount <> {subsidy}",
    "missing_documents": "NOT (c.has_declaration AND c.has_receipt AND c.has_signed_contract AND c.has_invoice_copy)",
    # temp.usage_verdict (office_tui.usage.periods): 1 no event in the term, 2 a period short.
    "no_usage_log": "v.state = 1",
    "usage_gap": "v.state = 2",
    "spot_check_failed": "EXISTS (SELECT 1 FROM spotcheck sc WHERE sc.claim_id = c.id AND sc.result = 'fail')",
}
assert set(_OWN_CONDITIONS) == set(_OWN_FLAGS)

# subsidy = min(total, cap); ended early: × performed days / contract days (inclusive), floor.
_SUBSIDY = ("CASE WHEN k.terminated_on IS NULL THEN min(k.total, :cap)"
            " ELSE max(0, min(k.total, :cap)"
            " * (CAST(julianday(min(k.terminated_on, k.ends_on)) - julianday(k.starts_on) AS INTEGER) + 1)"
            " / (CAST(julianday(k.ends_on) - julianday(k.starts_on) AS INTEGER) + 1)) END")

_CHECKS = f"""
CREATE TEMP TABLE rc_claim AS
SELECT c.id, k.store_id, c.contract_id, c.status, c.filed_on, {_SUBSIDY} AS subsidy,
       {" + ".join(f"(({_OWN_CONDITIONS[code].format(subsidy=_SUBSIDY)}) << {CLAIM_FLAGS.index(code)})"
                   for code in _OWN_FLAGS)} AS mask
FROM claim c
JOIN contract k ON k.id = c.contract_id
JOIN invoice i ON i.id = c.invoice_id
JOIN store s ON s.id = k.store_id
JOIN usage_verdict v ON v.claim_id = c.id
{{where}}
"""

_GRANTED = _quoted(CLAIM_GRANTED_STATUSES)

_HOLDERS = f"""
CREATE TEMP TABLE rc_holder AS
SELECT store_id, id AS claim_id, contract_id FROM (
    SELECT store_id, id, contract_id,
           ROW_NUMBER() OVER (PARTITION BY store_id
                              ORDER BY status IN ({_GRANTED}) DESC, filed_on, id) AS rank
    FROM rc_claim
    WHERE status IN ({_GRANTED}) OR (status NOT IN ({_quoted(CLAIM_ENDED_STATUSES)}) AND (mask & {_mask(_OWN_FATAL)}) = 0)
) WHERE rank = 1
"""

# Each claim's flags with store_already_subsidised added, and the status they give.
_RESULT = f"""
CREATE TEMP TABLE rc_result AS
SELECT id, subsidy, mask,
       CASE WHEN status NOT IN ({_quoted(CLAIM_OPEN_STATUSES)}) THEN status
            WHEN mask & {_mask(FATAL_FLAGS)} THEN 'rejected'
            WHEN mask THEN 'incomplete'
            ELSE 'filed' END AS status
FROM (
    SELECT r.id, r.subsidy, r.status,
           r.mask | ((h.claim_id IS NOT NULL AND h.claim_id <> r.id) << {CLAIM_FLAGS.index("store_already_subsidised")})
           AS mask
    FROM rc_claim r LEFT JOIN rc_holder h ON h.store_id = r.store_id
)
"""


def _flags_sql(mask: str) -> str:
    parts = [f"CASE WHEN {mask} & {_bit(code)} THEN '{code},' ELSE '' END" for code in CLAIM_FLAGS]
    return "rtrim(" + " || ".join(parts) + ", ',')"


# The flags text of each mask that occurs (a few dozen): spelling it out once per mask,
# not once per claim, is a fifth of the pass saved.
_FLAG_TEXTS = f"""
CREATE TEMP TABLE rc_flags (mask INTEGER PRIMARY KEY, flags TEXT NOT NULL);
INSERT INTO rc_flags SELECT mask, {_flags_sql("mask")} FROM (SELECT DISTINCT mask FROM rc_result)
"""

# Subsidy and flags, then status: the status index and the one-subsidy-per-store trigger
# are touched only by the claims whose status moves.
_UPDATE_AMOUNTS = """
UPDATE claim SET subsidy = x.subsidy, flags = x.flags
FROM (SELECT r.id, r.subsidy, f.flags FROM rc_result r JOIN rc_flags f ON f.mask = r.mask) x
WHERE claim.id = x.id AND (claim.subsidy <> x.subsidy OR claim.flags <> x.flags)
RETURNING claim.id
"""
_UPDATE_STATUSES = """
UPDATE claim SET status = x.status, status_reason = ''
FROM rc_result x WHERE claim.id = x.id AND claim.status <> x.status
RETURNING claim.id
"""

# What the pass found, per status and mask (a few dozen rows; counted per flag in Python).
_COUNTS = "SELECT status, mask, count(*) FROM rc_result GROUP BY status, mask"

# Two statements, so that the unique index never sees two subsidised contracts of a store.
_RELEASE = """
UPDATE contract SET subsidised = 0
WHERE id IN (SELECT k.id FROM rc_holder h JOIN contract k ON k.store_id = h.store_id
             WHERE k.subsidised AND k.id <> h.contract_id)
"""
_HOLD = "UPDATE contract SET subsidised = 1 WHERE NOT subsidised AND id IN (SELECT contract_id FROM rc_holder)"

_TEMP_TABLES = ("rc_claim", "rc_holder", "rc_result", "rc_flags", "rc_store")
# Only the claims of some stores (a usage import's): every claim of each such store, so
# that the one subsidy per store is decided among all of them.
_STORES_ONLY = "WHERE k.store_id IN (SELECT store_id FROM rc_store)"
PASS_CACHE_KIB = 65_536


@dataclass(frozen=True)
class ReconcileSummary:
    """What a pass found: claims seen, claims whose subsidy/flags/status changed,
    contracts whose subsidised mark moved, counts by status and by flag."""

    claims: int
    changed: int
    contracts_moved: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_flag: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"claims": self.claims, "changed": self.changed, "contracts_moved": self.contracts_moved,
                "by_status": self.by_status, "by_flag": self.by_flag}


def reconcile(target: Engine | Session, actor=None, *, close_on: date | None = None,
              cap: int = SUBSIDY_CAP, min_active_days: int | None = None,
              stores: Iterable[int] | None = None) -> ReconcileSummary:
    """Reconcile every claim (see the module's docstring) — or, given ``stores`` (store
    ids), every claim of those stores; ``close_on`` is the announced claims deadline
    (config.claims_close_on), ``min_active_days`` the setting usage_min_active_days (read
    from the settings in force when not given, so that every caller judges alike). Given a session, runs in its transaction (an import reconciles before it commits);
    given an engine, in its own audited one."""
    started = time.perf_counter()
    if min_active_days is None:
        min_active_days = active_days_setting()
    with unit_of_work(target, actor, "reconcile") as session:
        _check_dialect(session)
        session.flush()  # the caller's pending changes are what the pass must see
        connection = session.connection()
        # The pass reads tens of MiB of pages: a 64 MiB page cache for this connection
        # (the default is 2 MiB).
        connection.exec_driver_sql(f"PRAGMA cache_size=-{PASS_CACHE_KIB}")
        for name in _TEMP_TABLES:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")
        params = {"cap": cap, "window": CLAIM_WINDOW_DAYS, "close_on": close_on.isoformat() if close_on else None}
        where = ""
        if stores is not None:
            connection.exec_driver_sql("CREATE TEMP TABLE rc_store (store_id INTEGER PRIMARY KEY)")
            connection.exec_driver_sql("INSERT OR IGNORE INTO rc_store VALUES (?)", [(int(s),) for s in stores])
            where = _STORES_ONLY
        try:
            usage_periods.create_terms(connection, where)
            usage_periods.create_verdicts(connection, min_active_days)
            connection.execute(text(_CHECKS.format(where=where)), params)
            connection.execute(text(_HOLDERS))
            connection.exec_driver_sql("CREATE INDEX temp.rc_holder_store ON rc_holder (store_id)")
            connection.exec_driver_sql(_RESULT)
            for statement in _FLAG_TEXTS.strip().split(";"):
                connection.exec_driver_sql(statement)
            # The driver's own cursor: up to every claim's id comes back, as plain tuples.
            cursor = connection.connection.cursor()
            try:
                amounts = {row[0] for row in cursor.execute(_UPDATE_AMOUNTS).fetchall()}
                statuses = {row[0] for row in cursor.execute(_UPDATE_STATUSES).fetchall()}
            finally:
                cursor.close()
            moved = connection.execute(text(_RELEASE)).rowcount + connection.execute(text(_HOLD)).rowcount
            claims, by_status, flag_counts = 0, {}, dict.fromkeys(CLAIM_FLAGS, 0)
            for status, mask, n in connection.exec_driver_sql(_COUNTS):
                claims += n
                by_status[status] = by_status.get(status, 0) + n
                for code in CLAIM_FLAGS:
                    if mask & _bit(code):
                        flag_counts[code] += n
        finally:
            usage_periods.drop_verdicts(connection)
            for name in _TEMP_TABLES:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")
        changed = len(amounts | statuses)
        if changed:
            audit.record_bulk(session, "claim", changed, "reconcile: subsidy, flags, status")
        if moved:
            audit.record_bulk(session, "contract", moved, "reconcile: subsidised contract of a store")
    return ReconcileSummary(
        claims=claims, changed=changed, contracts_moved=moved,
        by_status={code: by_status.get(code, 0) for code in CLAIM_STATUSES if by_status.get(code)},
        by_flag={code: flag_counts[code] for code in CLAIM_FLAGS if flag_counts[code]},
        seconds=time.perf_counter() - started)


def active_days_setting() -> int:
    """The setting usage_min_active_days in force (load_settings refuses a bad one)."""
    from office_tui.core.config import load_settings

    try:
        return load_settings().usage_min_active_days
    except ValueError:  # a settings file that cannot be read: the command opening the office says so
        return USAGE_MIN_ACTIVE_DAYS


def one_year_end(starts: date) -> date:
    """The last day of a 1-year term: the day before the same date a year later
    (2021-10-01 → 2022-09-30; 2024-02-29 → 2025-02-28), as the pass's
    ``date(starts_on, '+1 year', '-1 day')`` has it."""
    from datetime import timedelta

    try:
        return starts.replace(year=starts.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February: SQLite rolls the same date a year later to 1 March
        return date(starts.year + 1, 3, 1) - timedelta(days=1)


def split_flags(flags: str) -> list[str]:
    """'a,b' → ['a', 'b']; '' → []."""
    return [code for code in flags.split(",") if code] if flags else []

