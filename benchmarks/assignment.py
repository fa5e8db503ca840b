"""Automatic assignment speed: `.venv/bin/python benchmarks/assignment.py [--runs 5]`.

Times ``office_tui.committee.assignment.plan_assignments`` (the min-cost flow) on a batch of 1,000
applications × 25 members, K = 5, with expertise and 10% of the pairs in conflict, and on
a tight cap (fewer seats than K × applications). Reference, in the same run on the same
data: a plain greedy pass (each application in turn takes the least-loaded free members
under the cap), the algorithm the flow replaced, which can leave applications short when
a full plan exists. No target is set; the figures are printed for the
record, with how many assignments each made.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from office_tui.committee.assignment_plan import PlanApplication, PlanMember, default_cap, plan_assignments  # noqa: E402


def batch(seed: int = 3):
    rnd = random.Random(seed)
    categories = ("pos", "crm", "hr", "inventory", "marketing")
    members = [PlanMember(f"R{j:02d}", rnd.choice(categories)) for j in range(25)]
    apps = [PlanApplication(f"A{i:04d}", rnd.choice(categories),
                            conflicted=frozenset(m.reviewer_no for m in members if rnd.random() < 0.1))
            for i in range(1000)]
    return apps, members


def greedy(apps, members, k: int, cap: int) -> int:
    """The reference: first come, least-loaded free members first; assignments made."""
    loads = {m.reviewer_no: m.load for m in members}
    made = 0
    for app in apps:
        free = sorted((m.reviewer_no for m in members if m.reviewer_no not in app.conflicted
                       and loads[m.reviewer_no] < cap), key=lambda n: (loads[n], n))
        for number in free[:k]:
            loads[number] += 1
            made += 1
    return made


def timed(work, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    apps, members = batch()
    for label, cap in (("default cap", default_cap(apps, members, 5)), ("tight cap 150", 150)):
        flow_s, plan = timed(lambda: plan_assignments(apps, members, k=5, cap=cap), args.runs)
        greedy_s, made = timed(lambda: greedy(apps, members, 5, cap), args.runs)
        print(f"{label:14} flow {flow_s * 1000:7.0f} ms ({len(plan.created):,} assignments, "
              f"{len(plan.shortfalls)} short)   greedy reference {greedy_s * 1000:6.0f} ms ({made:,} assignments)"
              f"   ratio {flow_s / greedy_s:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
