"""Committee tally speed: `.venv/bin/python benchmarks/tally.py [--runs 7] [--apps 1000] [--members 25]`.

Target: the tally of a batch of 1,000 applications × 5 members ≤ 1 s.

* The batch: a temporary SQLite file at the newest schema holding one batch of ``--apps``
  eligible applications, each with 5 members (drawn in turn from a pool of ``--members``)
  whose sheets are submitted with all 13 criteria scored: 5,000 sheets, 65,000 Score rows.
  Written by Core executemany (building it is not measured).
* Measured: ``office_tui.committee.batch_tally.batch_tally(session, 1)`` in a fresh read session, after
  one warm-up, ``--runs`` times; the median is compared with the target. The split: the
  time inside the pure ``office_tui.committee.tally.tally`` versus everything else (the queries,
  the rubric totals, assembling the result).
* Results go to ``benchmarks/out/tally.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TARGET_S = 1.0
PER_APP = 5

sys.path[:0] = [str(ROOT)]


def build(url: str, apps: int, members: int, seed: int = 1) -> int:
    """The batch; returns the number of Score rows."""
    from sqlalchemy import insert

    from models import Application, Assignment, Batch, Provider, Reviewer, Score
    from office_tui.core.db import make_engine
    from office_tui.core.migrate import upgrade
    from office_tui.committee.rubric import default_rubric

    rng = random.Random(seed)
    codes = [c.code for c in default_rubric().criteria]
    now = datetime(2021, 7, 20, tzinfo=timezone.utc)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(insert(Batch), [dict(id=1, number=1, programme="A", opens_on=date(2021, 7, 1), closes_at=now,
                                       note="", created_at=now)])
        c.execute(insert(Provider), [dict(id=i, ubn=f"{10_000_000 + i:08d}", name=f"廠商{i:04d}股份有限公司",
                                          created_at=now) for i in range(1, apps + 1)])
        c.execute(insert(Application), [dict(id=i, application_no=f"C110-1-{i:04d}", batch_id=1, provider_id=i,
                                             solution_name=f"方案 {i}", category="pos", price=30_000,
                                             submitted_at=now, status="eligible", created_at=now)
                                        for i in range(1, apps + 1)])
        c.execute(insert(Reviewer), [dict(id=r, reviewer_no=f"R{r:02d}", name=f"委員{r}", created_at=now)
                                     for r in range(1, members + 1)])
        sheets, scores = [], []
        for i in range(1, apps + 1):
            quality = rng.gauss(75, 8)
            for k in range(PER_APP):
                sheet_id = len(sheets) + 1
                sheets.append(dict(id=sheet_id, application_id=i, reviewer_id=(i * PER_APP + k) % members + 1,
                                   sheet_status="submitted", comment="", submitted_at=now, assigned_at=now))
                bias = rng.gauss(0, 5)
                scores.extend(dict(assignment_id=sheet_id, criterion=code,
                                   value=float(max(0, min(100, round(rng.gauss(quality + bias, 6))))))
                              for code in codes)
        c.execute(insert(Assignment), sheets)
        c.execute(insert(Score), scores)
    engine.dispose()
    return len(scores)


def measure(url: str, runs: int) -> dict:
    import office_tui.committee.batch_tally as committee
    from office_tui.core.db import make_engine, read_session

    pure = committee.tally
    inside: list[float] = []

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return pure(*args, **kwargs)
        finally:
            inside.append(time.perf_counter() - start)

    committee.tally = timed
    engine = make_engine(url)
    totals, tallies = [], []
    try:
        for run in range(runs + 1):  # the first is a warm-up
            inside.clear()
            start = time.perf_counter()
            with read_session(engine) as session:
                board = committee.batch_tally(session, 1)
            elapsed = time.perf_counter() - start
            if run:
                totals.append(elapsed)
                tallies.append(inside[0])
    finally:
        committee.tally = pure
        engine.dispose()
    return {"rows": len(board.rows), "sheets": sum(len(r.totals) for r in board.rows),
            "outliers": sum(len(r.outliers) for r in board.rows), "total_s": totals, "tally_s": tallies}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--members", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("OFFICE_TUI_NOW", "2026-11-20T10:00:00+08:00")
    with tempfile.TemporaryDirectory(prefix="office-tui-tally-") as folder:
        url = f"sqlite:///{Path(folder) / 'tally.db'}"
        start = time.perf_counter()
        score_rows = build(url, args.apps, args.members)
        built = time.perf_counter() - start
        result = measure(url, args.runs)
    median = statistics.median(result["total_s"])
    pure = statistics.median(result["tally_s"])
    verdict = "PASS" if median <= TARGET_S else "FAIL"
    print(f"batch: {args.apps:,} applications × {PER_APP} members (pool of {args.members}), "
          f"{score_rows:,} Score rows; built in {built:.1f} s")
    print(f"batch_tally: median {median * 1000:.0f} ms of {args.runs} runs "
          f"(min {min(result['total_s']) * 1000:.0f}, max {max(result['total_s']) * 1000:.0f})  "
          f"target ≤ {TARGET_S * 1000:.0f} ms  {verdict}")
    print(f"  load + rubric totals + assembly: {(median - pure) * 1000:.0f} ms;  tally(): {pure * 1000:.0f} ms")
    print(f"  {result['rows']:,} rows, {result['sheets']:,} sheets counted, {result['outliers']} outliers")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tally.json").write_text(json.dumps({
        "apps": args.apps, "members": args.members, "score_rows": score_rows, "runs": args.runs,
        "median_s": median, "tally_median_s": pure, "target_s": TARGET_S, "verdict": verdict,
        "samples": result, "python": platform.python_version(), "load": os.getloadavg(),
    }, indent=2))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
