"""How quickly the command line answers, against `python -c pass` measured in the same run.

    .venv/bin/python benchmarks/cli.py [--runs 15] [--root OTHER_CHECKOUT]

Three commands, each a fresh process, interleaved, medians of wall time (spawn → exit):

* `python -c pass` — the reference: the interpreter alone;
* `office-tui ubn check 04193850` — a command that needs no database (target ≤ 2×);
* `office-tui applications list --json` on the small demo office — a read-only command
  that opens the database.

`--root` runs another checkout's code with this interpreter (its packages first on the
path), so a change can be measured before and after in one run. Byte-code is cached in
benchmarks/out/pycache (as an installed app would have it); the first run of each
command fills the cache and is not counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
UBN_TARGET = 2.0


def child_env(code_root: Path, data: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("OFFICE_TUI_DB", "OFFICE_TUI_LANG", "OFFICE_TUI_NOW", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env["OFFICE_TUI_DATA_DIR"] = str(data)
    env["OFFICE_TUI_CONFIG"] = str(data / "config.toml")
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache" / code_root.name)
    env["PYTHONPATH"] = str(code_root)
    return env


def office_tui(*args: str) -> list[str]:
    # The console script does no more than this; `-m` lets --root pick the code.
    return [sys.executable, "-m", "office_tui", *args]


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code runs")
    args = parser.parse_args()
    code_root = args.root.resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as tmp:
        data = Path(tmp)
        env = child_env(code_root, data)
        db = f"sqlite:///{data / 'office.db'}"
        subprocess.run(office_tui("demo", "--db", db), env=env, cwd=code_root, check=True,
                       stdout=subprocess.DEVNULL)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "office-tui ubn check 04193850": office_tui("ubn", "check", "04193850"),
            "office-tui applications list --json": office_tui("applications", "list", "--json", "--db", db),
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for name, command in commands.items():  # warm-up: byte-code cache, page cache
            timed(command, env, code_root)
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(timed(command, env, code_root))
    reference = statistics.median(samples["python -c pass"])
    print(f"code: {code_root}   runs: {args.runs} each, interleaved, medians of wall time")
    print(f"{'command':40} {'median':>9} {'p90':>9} {'× python -c pass':>17}")
    for name, values in samples.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else median
        print(f"{name:40} {median * 1000:7.0f}ms {p90 * 1000:7.0f}ms {median / reference:16.2f}×")
    ratio = statistics.median(samples["office-tui ubn check 04193850"]) / reference
    verdict = "PASS" if ratio <= UBN_TARGET else "FAIL"
    print(f"ubn check: {ratio:.2f}× python -c pass (target ≤ {UBN_TARGET}×): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
