"""Claims reconciliation speed: `.venv/bin/python benchmarks/reconcile.py [--runs 5] [--naive 5000]`.

Target: reconciling the ~100,000 claims of the large demo database takes at
most 2 s. For comparison, the same rules done the naive way — a Python loop over the
claims with the ORM, a few queries per claim — over ``--naive`` claims (``--naive 0``:
all of them), its time per claim extrapolated to every claim; its results are checked
against the set-based pass's on those claims.

* The database: the large demo (``office-tui demo --scale large``, 100,000 stores, every
  term over), built once into ``benchmarks/out/reconcile_large.db`` by the current code
  and reused while it is the large demo at the current schema (delete it to rebuild).
* "cold": every claim's subsidy and flags blanked first, so the pass rewrites all rows;
  "steady": run again at once, nothing to change. Both ``--runs`` times, medians printed.
* Each run in its own transaction, committed (the pass is what ``office-tui reconcile``
  does); the naive loop's transaction is rolled back.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DB = OUT / "reconcile_large.db"
TARGET_S = 2.0

sys.path[:0] = [str(ROOT)]


def say(text: str = "") -> None:
    print(text, flush=True)


def _ok(path: Path) -> bool:
    from office_tui.core.migrate import SCHEMA_HEAD

    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            demo = con.execute("SELECT value FROM appmeta WHERE key = 'demo'").fetchone()
            head = con.execute("SELECT version_num FROM alembic_version").fetchone()
            claims = con.execute("SELECT count(*) FROM claim").fetchone()[0]
        return bool(demo and str(demo[0]).startswith("large") and head and head[0] == SCHEMA_HEAD and claims)
    except sqlite3.Error:
        return False


def ensure_db() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    if _ok(DB):
        say(f"Large demo database: {DB} (already built)")
        return DB
    building = OUT / "reconcile_large.building.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("OFFICE_TUI_DB", "OFFICE_TUI_LANG", "OFFICE_TUI_NOW")}
    env.update(OFFICE_TUI_DATA_DIR=str(OUT / "data"), OFFICE_TUI_CONFIG=str(OUT / "config.toml"))
    say(f"Building the large demo database at {DB} (about a minute) …")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "office_tui", "--db", f"sqlite:///{building}", "demo", "--scale",
                           "large"], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not _ok(building):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("building the large demo database failed")
    shutil.move(str(building), str(DB))
    say(f"  built in {time.perf_counter() - started:.1f} s")
    return DB


# -- the naive reference ---------------------------------------------------------------

def naive(engine, limit: int | None, min_active_days: int = 1) -> tuple[float, int, dict]:
    """The rules one claim at a time through the ORM; returns (seconds, claims, results)."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from models import (Application, Claim, Contract, ContractSolution, Invoice, PastRecipient, SpotCheck, Store,
                        UsageDaily)
    from office_tui.usage.periods import GAP, NO_LOG, judge
    from office_tui.core.programme import (CLAIM_FLAGS, CLAIM_GRANTED_STATUSES, CLAIM_OPEN_STATUSES, CLAIM_WINDOW_DAYS,
                                      FATAL_FLAGS, INDUSTRIES, SUBSIDISABLE_APPLICATION_STATUSES, SUBSIDY_CAP)
    from office_tui.claims.reconcile import one_year_end
    started = time.perf_counter()
    with Session(engine) as s:
        query = select(Claim).order_by(Claim.id)
        claims = list(s.scalars(query.limit(limit) if limit else query))

        def own(claim: Claim) -> tuple[int, set[str]]:
            k = s.get(Contract, claim.contract_id)
            i = s.get(Invoice, claim.invoice_id)
            store = s.get(Store, k.store_id)
            subsidy = min(k.total, SUBSIDY_CAP)
            if k.terminated_on:
                performed = (min(k.terminated_on, k.ends_on) - k.starts_on).days + 1
                subsidy = max(0, subsidy * performed // ((k.ends_on - k.starts_on).days + 1))
            end = k.terminated_on or k.ends_on
            number = i.invoice_no
            flags = set()
            if i.amount != k.total:
                flags.add("invoice_mismatch")
            if not (len(number) == 10 and number[:2].isascii() and number[:2].isupper() and number[:2].isalpha()
                    and number[2:].isascii() and number[2:].isdigit()):
                flags.add("invoice_malformed")
            if s.scalar(select(func.count()).select_from(Invoice).join(Claim, Claim.invoice_id == Invoice.id)
                        .where(Invoice.invoice_no == number)) > 1:
                flags.add("invoice_duplicate")
            if store.industry not in INDUSTRIES or not store.is_sme or not store.operating or s.scalar(
                    select(func.count()).select_from(PastRecipient).where(PastRecipient.store_ubn == store.ubn)):
                flags.add("store_ineligible")
            if k.existing_customer:
                flags.add("existing_customer")
            if k.ends_on < one_year_end(k.starts_on):
                flags.add("contract_too_short")
            if not s.scalar(select(func.count()).select_from(ContractSolution)
                            .join(Application, Application.id == ContractSolution.application_id)
                            .where(ContractSolution.contract_id == k.id, Application.provider_id == k.provider_id,
                                   Application.status.in_(SUBSIDISABLE_APPLICATION_STATUSES))):
                flags.add("no_approved_solution")
            if (claim.filed_on - end).days > CLAIM_WINDOW_DAYS:
                flags.add("filed_late")
            if claim.withholding_amount != subsidy:
                flags.add("withholding_mismatch")
            if not (claim.has_declaration and claim.has_receipt and claim.has_signed_contract and claim.has_invoice_copy):
                flags.add("missing_documents")

            counts = dict(s.execute(select(UsageDaily.day, UsageDaily.count).where(
                UsageDaily.store_id == k.store_id, UsageDaily.day >= k.starts_on, UsageDaily.day <= end)).all())
            verdict = judge(k.starts_on, end, counts, min_active_days)[0]
            if verdict == NO_LOG:
                flags.add("no_usage_log")
            elif verdict == GAP:
                flags.add("usage_gap")
            if s.scalar(select(func.count()).select_from(SpotCheck).where(SpotCheck.claim_id == claim.id,
                                                                         SpotCheck.result == "fail")):
                flags.add("spot_check_failed")
            return subsidy, flags

        results = {}
        for claim in claims:
            subsidy, flags = own(claim)
            store_id = s.get(Contract, claim.contract_id).store_id
            siblings = s.scalars(select(Claim).join(Contract, Contract.id == Claim.contract_id)
                                 .where(Contract.store_id == store_id)).all()
            candidates = [c for c in siblings if c.status in CLAIM_GRANTED_STATUSES or (
                c.status != "clawed_back" and not (own(c)[1] & (set(FATAL_FLAGS) - {"store_already_subsidised"})))]
            if candidates:
                holder = min(candidates, key=lambda c: (c.status not in CLAIM_GRANTED_STATUSES, c.filed_on, c.id))
                if holder.id != claim.id:
                    flags.add("store_already_subsidised")
            codes = [code for code in CLAIM_FLAGS if code in flags]
            status = claim.status
            if status in CLAIM_OPEN_STATUSES:
                status = ("rejected" if any(c in FATAL_FLAGS for c in codes) else "incomplete" if codes else "filed")
            claim.subsidy, claim.flags, claim.status = subsidy, ",".join(codes), status
            results[claim.claim_no] = (subsidy, claim.flags, status)
        s.flush()
        seconds = time.perf_counter() - started
        s.rollback()
    return seconds, len(claims), results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive", type=int, default=5_000, help="claims for the naive loop (0: all)")
    args = parser.parse_args()

    path = ensure_db()
    from sqlalchemy import text

    from office_tui.core.db import make_engine, write_session
    from office_tui.claims.reconcile import reconcile

    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as c:
        claims = c.execute(text("SELECT count(*) FROM claim")).scalar()
    say(f"{claims:,} claims; load average {os.getloadavg()[0]:.2f}")
    reconcile(engine, None, min_active_days=1)  # warm-up (page cache)
    cold, steady = [], []
    for _ in range(args.runs):
        with write_session(engine, None, "benchmark: blank the results") as s:
            s.execute(text("UPDATE claim SET subsidy = 0, flags = ''"))
        summary = reconcile(engine, None, min_active_days=1)
        cold.append(summary.seconds)
        steady.append(reconcile(engine, None, min_active_days=1).seconds)
    say(f"set-based pass, cold (rewrites {summary.changed:,} claims): median {statistics.median(cold):.3f} s "
        f"(runs {', '.join(f'{x:.3f}' for x in cold)})")
    say(f"set-based pass, steady (nothing changes): median {statistics.median(steady):.3f} s")
    say(f"  by status {summary.by_status}")
    say(f"  by flag   {summary.by_flag}")

    seconds, n, results = naive(engine, args.naive or None)
    per_claim = seconds / max(n, 1)
    say(f"naive per-row ORM loop: {seconds:.2f} s for {n:,} claims = {per_claim * 1000:.2f} ms a claim"
        f" → {per_claim * claims:.1f} s for all {claims:,}"
        f" ({per_claim * claims / statistics.median(cold):.0f}× the set-based pass)")
    with engine.connect() as c:
        stored = {r[0]: (r[1], r[2], r[3]) for r in c.execute(text(
            "SELECT claim_no, subsidy, flags, status FROM claim"))}
    differing = [no for no, got in results.items() if stored[no] != got]
    say(f"naive and set-based results agree on {n - len(differing):,} of {n:,} claims"
        + (f"; differ: {differing[:10]}" if differing else ""))
    verdict = "PASS" if statistics.median(cold) <= TARGET_S else "FAIL"
    say(f"target ≤ {TARGET_S:.1f} s for all claims: {verdict}")
    engine.dispose()
    if differing:
        raise SystemExit(1)


if __name__ == "__main__":
    os.environ.setdefault("OFFICE_TUI_NOW", date.today().isoformat() + "T10:00:00+08:00")
    main()
