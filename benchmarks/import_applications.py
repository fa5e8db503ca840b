"""Benchmark: importing a 50,000-row applications xlsx vs just reading it.

    .venv/bin/python benchmarks/import_applications.py [--rows 50000] [--runs 3] [--regenerate]

Generates benchmarks/out/applications_50000.xlsx (realistic values: about 8,000 providers
with 1–12 applications each, ROC and ISO dates, text and number cells, kept between runs),
then measures, interleaved, median of ``--runs``:

  reference  python-calamine reading the file (open, first sheet, to_python)
  info       openpyxl read-only reading the file (iter_rows values_only)
  measured   importers.applications.import_applications into a fresh, migrated SQLite
             database holding the batches (database set-up not timed)

Target: measured ≤ 1.5 × reference. Prints the figures and PASS/FAIL.

    … --indexes   what each secondary index of ``application`` costs this import
    … --gc        what the cyclic garbage collector costs it

--indexes records the INSERTs one import sends, then replays the applications' ones
(executemany and commit, interleaved, median of ``--runs``) into scratch databases that
differ in one thing each: without one index (dropped after migrating; the models and
migrations are untouched), without all five, without foreign-key checks. The replay
leaves out the reading and checking, whose noise would hide a few hundredths of a second.
--gc runs the whole import with the collector paused over the rows (as shipped) and
left on, and gives the time spent in collections.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

RATIO_MAX = 1.5
# models/intake.py: Application's secondary indexes (the unique application_no is the
# duplicate check itself, so it is not measured away).
APPLICATION_INDEXES = ("ix_application_provider_id", "ix_application_solution_name", "ix_application_category",
                       "ix_application_status", "ix_application_batch_status")


def generate(path: Path, rows: int, seed: int = 7) -> None:
    import openpyxl

    from importers.application_rows import CAPACITIES
    from office_tui.layouts import APPLICATIONS
    from office_tui.demo import names
    from office_tui.core.i18n import catalogue
    from office_tui.core.programme import CATEGORIES
    from office_tui.core.ubn import make_ubn

    rng = random.Random(seed)
    zh = catalogue("zh_TW")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("申請案")
    sheet.append(APPLICATIONS.headers)
    serial, provider_no = 0, 0
    openings = {1: datetime(2021, 7, 1, 9), 2: datetime(2021, 9, 13, 9), 3: datetime(2021, 11, 15, 9)}
    while serial < rows:
        provider_no += 1
        ubn = make_ubn(f"{provider_no * 7919 % 10_000_000:07d}")  # 7919 is prime: all different
        company = names.company(rng, provider_no)
        items = "、".join(rng.sample(["I301010", "I301020", "I301030", "F401010", "F218010", "I103060"],
                                    rng.randint(1, 3)))
        registered = date(1990, 1, 1) + timedelta(days=rng.randint(0, 11_000))
        registered_cell = (f"{registered.year - 1911:03d}/{registered.month:02d}/{registered.day:02d}"
                           if provider_no % 2 else registered)
        capital = rng.choice([500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000])
        capital_cell = f"NT${capital:,}" if provider_no % 3 == 0 else capital
        provider = [company, ubn, items, registered_cell, capital_cell,
                    f"https://www.demo{provider_no:05d}.com.tw", names.address(rng, rng.choice(names.CITIES)),
                    "提供中小型店家雲端解決方案，協助數位轉型，服務涵蓋收銀、會員與行銷。", rng.choice(CAPACITIES),
                    names.person(rng), names.person(rng), f"contact@demo{provider_no:05d}.com.tw",
                    f"09{rng.randint(10_000_000, 99_999_999)}", rng.choice(["是", "否", "否", "否"])]
        for _ in range(rng.randint(1, 12)):
            if serial >= rows:
                break
            serial += 1
            batch = rng.choice((1, 2, 3))
            code = CATEGORIES[rng.randrange(len(CATEGORIES))]
            submitted = openings[batch] + timedelta(seconds=rng.randint(0, 7 * 86_400 + 9 * 3_600))  # a few late
            submitted_cell = (submitted if serial % 2 else
                              f"{submitted.year - 1911}/{submitted.month:02d}/{submitted.day:02d} {submitted:%H:%M:%S}")
            sheet.append([batch, f"C110-{batch}-{serial:05d}", *provider,
                          rng.choice(names.SOLUTION_WORDS[code]) + f" {rng.randint(1, 9)}.0", zh[f"category.{code}"],
                          rng.randrange(6_000, 60_001, 1_000), rng.choice([12, 12, 12, 24]),
                          rng.choice(["", "續約九折", "續約免月費一個月"]), f"https://youtu.be/demo{serial:06d}",
                          rng.choice([95, 150, 180, 240, 290, 330]), submitted_cell])
    book.save(path)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python()
    workbook.close()
    return len(rows)


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def fresh_database(folder: Path, drop_indexes: tuple[str, ...] = (), foreign_keys: bool = True):
    """A migrated scratch database holding batches 1–3; for measuring, less some indexes
    or with foreign keys unchecked."""
    from datetime import time as clock

    from sqlalchemy import event

    from office_tui.intake.batches import save_batch
    from models.clock import OFFICE_TZ
    from office_tui.core.db import make_engine
    from office_tui.core.migrate import upgrade

    path = folder / "import_bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    if not foreign_keys:
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA foreign_keys=OFF"))
    upgrade(engine)
    with engine.begin() as connection:
        for name in drop_indexes:
            connection.exec_driver_sql(f"DROP INDEX {name}")
    for number, opens in ((1, date(2021, 7, 1)), (2, date(2021, 9, 13)), (3, date(2021, 11, 15))):
        save_batch(engine, None, number, opens, datetime.combine(opens + timedelta(days=7), clock(17), OFFICE_TZ))
    return engine


def run_import(path: Path) -> tuple[float, object, float]:
    """(seconds, the report, CPU seconds of the process) of one import."""
    from importers.applications import import_applications

    engine = fresh_database(OUT)
    gc.collect()
    try:
        start, cpu = time.perf_counter(), time.process_time()
        report = import_applications(engine, None, path)
        return time.perf_counter() - start, report, time.process_time() - cpu
    finally:
        engine.dispose()


def measure_import(path: Path, drop_indexes: tuple[str, ...] = (), foreign_keys: bool = True,
                   collector_paused: bool = True) -> tuple[float, float, float]:
    """(import seconds, seconds inserting applications, seconds in gc collections)."""
    import importers.applications as module
    import importers.tabular as tabular
    from importers.applications import import_applications

    engine = fresh_database(OUT, drop_indexes, foreign_keys)
    inserting, collecting, started = [0.0], [0.0], [0.0]
    execute_chunk, paused = tabular.execute_chunk, module._collector_paused

    def timed_chunk(connection, statement, rows):
        start = time.perf_counter()
        try:
            execute_chunk(connection, statement, rows)
        finally:
            if str(statement).startswith("INSERT INTO application "):
                inserting[0] += time.perf_counter() - start

    def collection(phase, _info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - started[0]

    tabular.execute_chunk = timed_chunk
    module._collector_paused = paused if collector_paused else contextlib.nullcontext
    gc.collect()
    gc.callbacks.append(collection)
    try:
        start = time.perf_counter()
        import_applications(engine, None, path)
        return time.perf_counter() - start, inserting[0], collecting[0]
    finally:
        gc.callbacks.remove(collection)
        tabular.execute_chunk, module._collector_paused = execute_chunk, paused
        engine.dispose()


def compare(path: Path, variants: dict[str, dict], runs: int) -> None:
    """Each variant ``runs`` times, interleaved; medians against the first."""
    seen: dict[str, list[tuple[float, float, float]]] = {label: [] for label in variants}
    for run in range(runs):
        for label, options in variants.items():
            seen[label].append(measure_import(path, **options))
        print(f"  run {run + 1} of {runs} done", flush=True)
    medians = {label: [statistics.median(v[i] for v in values) for i in range(3)] for label, values in seen.items()}
    base = next(iter(medians.values()))
    print(f"\n  {'':46s} {'import':>14s} {'inserting apps':>16s} {'gc':>14s}")
    for label, figures in medians.items():
        cells = [f"{value:6.2f} s" + ("" if figures is base else f" {value - base[i]:+.2f}")
                 for i, value in enumerate(figures)]
        print(f"  {label:46s} {cells[0]:>14s} {cells[1]:>16s} {cells[2]:>14s}")


def captured_inserts(path: Path) -> list[tuple[str, list]]:
    """The INSERTs (statement, rows) one import sends through importers.tabular, in order."""
    import importers.tabular as tabular

    sent: list[tuple[str, list]] = []
    execute_chunk = tabular.execute_chunk

    def keep(connection, statement, rows):
        sent.append((statement, rows))
        execute_chunk(connection, statement, rows)

    tabular.execute_chunk = keep
    try:
        run_import(path)
    finally:
        tabular.execute_chunk = execute_chunk
    return sent


def replay(sent: list[tuple[str, list]], drop_indexes: tuple[str, ...] = (),
           foreign_keys: bool = True) -> tuple[float, float]:
    """(seconds, CPU seconds) to insert and commit the applications of ``sent`` (their
    providers are put in first, untimed) into a scratch database. The CPU time is the
    steadier figure on a machine that is busy with something else too."""
    engine = fresh_database(OUT, drop_indexes, foreign_keys)
    try:
        with engine.connect() as connection:
            raw = connection.connection.driver_connection  # sqlite3, in autocommit: we BEGIN
            raw.execute("BEGIN IMMEDIATE")
            for statement, rows in sent:
                if not statement.startswith("INSERT INTO application "):
                    raw.executemany(statement, rows)
            start, cpu = time.perf_counter(), time.thread_time()
            for statement, rows in sent:
                if statement.startswith("INSERT INTO application "):
                    raw.executemany(statement, rows)
            raw.execute("COMMIT")
            return time.perf_counter() - start, time.thread_time() - cpu
    finally:
        engine.dispose()


def index_costs(path: Path, runs: int) -> None:
    variants = {"as migrated": {},
                **{f"without {name}": {"drop_indexes": (name,)} for name in APPLICATION_INDEXES},
                "without all five": {"drop_indexes": APPLICATION_INDEXES},
                "foreign keys unchecked (measuring only)": {"foreign_keys": False},
                "without all five, foreign keys unchecked": {"drop_indexes": APPLICATION_INDEXES,
                                                             "foreign_keys": False}}
    sent = captured_inserts(path)
    rows = sum(len(r) for statement, r in sent if statement.startswith("INSERT INTO application "))
    seen: dict[str, list[tuple[float, float]]] = {label: [] for label in variants}
    for _ in range(runs):
        for label, options in variants.items():
            seen[label].append(replay(sent, **options))
    figures = {label: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values),
                       min(c for _, c in values)) for label, values in seen.items()}
    base = figures["as migrated"]
    print(f"\n  inserting and committing the {rows:,} applications of one import, {runs} times each:")
    print(f"  {'':46s} {'median s':>9s} {'CPU median':>11s} {'CPU least':>10s}   CPU least against as migrated")
    for label, (wall, cpu, least) in figures.items():
        change = "" if label == "as migrated" else f"{least - base[2]:+.3f} s ({(least - base[2]) / base[2]:+.0%})"
        print(f"  {label:46s} {wall:9.3f} {cpu:11.3f} {least:10.3f}   {change}")


def gc_variants() -> dict[str, dict]:
    return {"collector paused over the rows (as shipped)": {},
            "collector left on": {"collector_paused": False}}


def breakdown(path: Path) -> dict[str, float]:
    """Where an import's time goes: one more import, with the main steps timed."""
    import importers.application_rows as rows
    import importers.applications as module
    import importers.tabular as tabular

    spent: dict[str, float] = {}
    patched = []

    def wrap(owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed_call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        patched.append((owner, name, original))
        setattr(owner, name, timed_call)

    steps = [(tabular, "_open_xlsx", "open + calamine parse of the sheet"),
             (module._Matcher, "match", "checking the rows"),
             (rows.ColumnRule, "column", "  of which parsing the cells"),
             (module._Writer, "put", "writing the rows"),
             (tabular, "execute_chunk", "  of which SQLite executemany"),
             (module, "_audit", "audit entries")]
    for owner, name, label in steps:
        spent[label] = 0.0
        wrap(owner, name, label)
    try:
        seconds, _, _ = run_import(path)
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)
    spent["rest (reading rows, lookups, commit)"] = seconds - sum(
        v for k, v in spent.items() if not k.startswith("  "))
    spent["total"] = seconds
    return spent


def timed(fn, *args) -> tuple[float, float]:
    """(seconds, CPU seconds of the process) of ``fn(*args)``."""
    start, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--indexes", action="store_true", help="measure what application's indexes cost")
    parser.add_argument("--gc", action="store_true", help="measure what the garbage collector costs")
    args = parser.parse_args()
    os.environ.setdefault("OFFICE_TUI_DATA_DIR", str(OUT / "data"))
    os.environ.setdefault("OFFICE_TUI_CONFIG", str(OUT / "config.toml"))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"applications_{args.rows}.xlsx"
    if args.regenerate or not path.exists():
        print(f"generating {path.name} …", flush=True)
        start = time.perf_counter()
        generate(path, args.rows)
        print(f"  {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB")

    # Warm-up: imports, catalogues, the file in the page cache.
    read_calamine(path)
    if args.indexes or args.gc:
        run_import(path)
        if args.indexes:
            index_costs(path, args.runs)
        if args.gc:
            compare(path, gc_variants(), args.runs)
        return 0
    calamine, opx, imports, cpu_calamine, cpu_imports = [], [], [], [], []
    report = None
    for run in range(args.runs):
        # openpyxl first: the reference and the import then run back to back, alike.
        opx.append(timed(read_openpyxl, path)[0])
        gc.collect()
        seconds, cpu = timed(read_calamine, path)
        calamine.append(seconds)
        cpu_calamine.append(cpu)
        gc.collect()
        seconds, report, cpu = run_import(path)
        imports.append(seconds)
        cpu_imports.append(cpu)
        print(f"  run {run + 1}: calamine {calamine[-1]:.2f} s, openpyxl {opx[-1]:.2f} s, "
              f"import {imports[-1]:.2f} s", flush=True)

    ref, info, measured, cpu_ref, cpu_measured = (
        statistics.median(v) for v in (calamine, opx, imports, cpu_calamine, cpu_imports))
    ratio = measured / ref
    print()
    print(f"rows in file                      {args.rows:>8,}")
    print(f"accepted / unchanged / rejected   {len(report.accepted):,} / {len(report.unchanged):,} / "
          f"{len(report.rejected):,}")
    print(f"python-calamine read (reference)  {ref:8.2f} s")
    print(f"openpyxl read-only read (info)    {info:8.2f} s")
    print(f"import_applications (measured)    {measured:8.2f} s")
    verdict = "PASS" if ratio <= RATIO_MAX else "FAIL"
    print(f"import / calamine read            {ratio:8.2f}×   target ≤ {RATIO_MAX}×   {verdict}")
    print(f"  in CPU seconds (steadier on a busy machine; info): calamine {cpu_ref:.2f} s, "
          f"import {cpu_measured:.2f} s, {cpu_measured / cpu_ref:.2f}×")
    print()
    print("where an import's time goes (one more run, instrumented):")
    for label, seconds in breakdown(path).items():
        print(f"  {label:38s} {seconds:6.2f} s")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
