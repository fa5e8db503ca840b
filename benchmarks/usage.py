"""Usage import speed: `.venv/bin/python benchmarks/usage.py [--rows-per-store 1000] [--stores 10000]`.

Target (docs/rules/usage.md): a 10,000,000-row raw-event CSV (10,000 stores × 1,000
events over a year, in time order, as a provider's export is) imports in at most 2×
the time DuckDB takes to do the same aggregation (``read_csv`` + GROUP BY store, day),
measured in the same run, with a peak RSS of at most 300 MB. Also printed: a plain
``csv.reader`` loop that only counts the rows (the floor of any CPython reader), and
where the import's time goes (reading and counting; writing the daily counts; the
reconciliation of the stores' claims; the commit).

* The file: ``benchmarks/out/usage_10m.csv`` (about 290 MB), generated once (seeded) and
  reused while its size is right; the database: a fresh SQLite file with the 10,000
  stores, made anew for each run.
* Each measurement runs in a fresh Python process; its peak RSS is the child's
  ``ru_maxrss``. DuckDB (a benchmark-only dependency: ``pip install -e ".[bench]"``)
  runs with its default threads (every core).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from array import array
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TARGET_RATIO, TARGET_RSS_MB = 2.0, 300

sys.path[:0] = [str(ROOT)]


def say(text: str = "") -> None:
    print(text, flush=True)


def ubns(n: int) -> list[str]:
    from office_tui.core.ubn import make_ubn

    return [make_ubn(f"{2_000_000 + k * 7:07d}") for k in range(n)]


def generate(path: Path, stores: int, per_store: int) -> None:
    """Each store's events spread over 2025 at random days and seconds; written day by
    day in time order."""
    rng = random.Random(20251)
    names = ubns(stores)
    days = 365
    per_day = [array("i", [0]) * stores for _ in range(days)]
    for s in range(stores):
        for d in rng.choices(range(days), k=per_store):
            per_day[d][s] += 1
    first = date(2025, 1, 1)
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write("店家統編,時間\n")
        for d in range(days):
            day = (first + timedelta(days=d)).isoformat()
            moments = []
            counts = per_day[d]
            for s in range(stores):
                for _ in range(counts[s]):
                    moments.append((rng.randrange(86_400), s))
            moments.sort()
            handle.writelines(f"{names[s]},{day} {t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}\n" for t, s in moments)
    tmp.rename(path)


def child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line; add its peak RSS."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("a benchmark child failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall"] = wall
    return result


PEAK = "import resource, json; peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"

IMPORT = """
import json, resource, time
from pathlib import Path
from office_tui.core.db import make_engine
from office_tui.core.migrate import upgrade
from importers.usage import import_usage
engine = make_engine("sqlite:///{db}")
upgrade(engine)
started = time.perf_counter()
report = import_usage(engine, None, [Path("{csv}")])
wall = time.perf_counter() - started
f = report.files[0]
print(json.dumps({{"wall": wall, "rows": f.rows, "events": f.events, "days": f.days, "stores": f.stores,
                  "seconds": f.seconds, "rejected": report.rejected_total,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

DUCK = """
import json, resource, time, duckdb
started = time.perf_counter()
con = duckdb.connect()
rows = con.execute(\"\"\"SELECT count(*), sum(n) FROM (
    SELECT store, CAST(moment AS DATE) AS day, count(*) AS n
    FROM read_csv('{csv}', header = true, columns = {{'store': 'VARCHAR', 'moment': 'TIMESTAMP'}})
    GROUP BY store, day)\"\"\").fetchone()
wall = time.perf_counter() - started
print(json.dumps({{"wall": wall, "groups": rows[0], "events": int(rows[1]), "threads":
                  con.execute("SELECT current_setting('threads')").fetchone()[0],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

READER = """
import csv, json, resource, time
started = time.perf_counter()
with open("{csv}", encoding="utf-8", newline="") as handle:
    rows = sum(1 for _ in csv.reader(handle)) - 1
wall = time.perf_counter() - started
print(json.dumps({{"wall": wall, "rows": rows, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=10_000)
    parser.add_argument("--rows-per-store", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rows = args.stores * args.rows_per_store
    path = OUT / f"usage_{args.stores}x{args.rows_per_store}.csv"
    if not path.exists():
        say(f"Generating {rows:,} events into {path} …")
        started = time.perf_counter()
        generate(path, args.stores, args.rows_per_store)
        say(f"  {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")
    say(f"{path.name}: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; load average {os.getloadavg()[0]:.2f};"
        f" {os.cpu_count()} cores")

    ours, duck, reader = [], [], []
    for run in range(args.runs):
        db = OUT / "usage_bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        from office_tui.core.db import make_engine
        from office_tui.core.migrate import upgrade
        from sqlalchemy import insert

        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        from models import Store

        with engine.begin() as c:
            c.execute(insert(Store), [dict(ubn=u, name=f"店{k}", industry="零售業") for k, u in
                                      enumerate(ubns(args.stores))])
        engine.dispose()
        reader.append(child(READER.format(csv=path)))
        duck.append(child(DUCK.format(csv=path)))
        ours.append(child(IMPORT.format(db=db, csv=path)))

    best = min(ours, key=lambda r: r["wall"])
    d = min(duck, key=lambda r: r["wall"])
    r = min(reader, key=lambda r: r["wall"])
    say(f"office-tui import usage: {best['wall']:.2f} s, {rows / best['wall']:,.0f} rows/s, peak RSS"
        f" {best['peak_mb']:.0f} MB ({best['events']:,} events → {best['days']:,} store-days of"
        f" {best['stores']:,} stores; {best['rejected']} refused)")
    parts = best["seconds"]
    say("  where the time goes: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())
        + f"; process start and schema {best['process_wall'] - best['wall']:.2f} s")
    say(f"DuckDB read_csv + GROUP BY store, day ({d['threads']} threads): {d['wall']:.2f} s,"
        f" {rows / d['wall']:,.0f} rows/s, peak RSS {d['peak_mb']:.0f} MB ({d['groups']:,} store-days,"
        f" {d['events']:,} events)")
    say(f"csv.reader counting loop: {r['wall']:.2f} s, {rows / r['wall']:,.0f} rows/s, peak RSS {r['peak_mb']:.0f} MB")
    agree = d["groups"] == best["days"] and d["events"] == best["events"]
    say(f"office-tui and DuckDB agree on store-days and events: {'yes' if agree else 'NO'}")
    ratio = best["wall"] / d["wall"]
    say(f"target ≤ {TARGET_RATIO:.0f}× DuckDB: {ratio:.1f}× → {'PASS' if ratio <= TARGET_RATIO else 'FAIL'};"
        f" target peak RSS ≤ {TARGET_RSS_MB} MB: {best['peak_mb']:.0f} MB →"
        f" {'PASS' if best['peak_mb'] <= TARGET_RSS_MB else 'FAIL'}")
    say(f"  (against csv.reader alone: {best['wall'] / r['wall']:.1f}×); load average {os.getloadavg()[0]:.2f}")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
