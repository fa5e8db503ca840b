"""Benchmark: the 核定名單 export of a 50,000-row list vs a bare openpyxl write-only loop.

    .venv/bin/python benchmarks/export.py [--rows 50000] [--runs 5] [--keep] [--openpyxl-body]

Generates the rows in memory (about 8,000 providers with Chinese names, valid UBNs — some
with leading zeros —, solution names, categories, prices, decision dates; every 40th
company name a risky string such as =HYPERLINK(…), +886…, -abc, @SUM(A1)), then measures,
interleaved, 1 warm-up and the median of ``--runs`` of each:

  measured   exports.approvals.write_approvals(rows, …): the export code path end to end
             from ApprovalRow records (category labels, ROC dates, text typing, quote
             prefixes, number formats, column widths, frozen header, print set-up) to the
             saved file
  reference  Workbook(write_only=True) and ws.append of the same cell values (title,
             header, rows — already converted, outside the timing), then save

Target: measured ≤ 1.2 × reference (medians of wall time). Prints both medians of wall and
of process CPU time, the ratios and PASS/FAIL; then reopens the measured file once to
check its layout, print set-up, a risky cell and the price format.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_MAX = 1.2
RISKY = ('=HYPERLINK("http://x","y")', "+886 2 2345 6789 數位有限公司", "-abc 雲端股份有限公司", "@SUM(A1)",
         "=1+1", "-", "+", "@")
SOLUTION_WORDS = ("雲端", "智慧", "POS", "收銀", "進銷存", "會員", "集點", "預約", "行銷", "排班", "電商", "CRM", "Plus",
                  "2.0", "系統", "平台", "小幫手", "管家", "Pro")


def generate(rows: int, seed: int = 11) -> list:
    from exports.approvals import ApprovalRow
    from office_tui.demo import names
    from office_tui.core.programme import CATEGORIES
    from office_tui.core.ubn import make_ubn

    rng = random.Random(seed)
    providers = []
    for n in range(1, max(2, rows // 6) + 1):
        company = RISKY[n % len(RISKY)] if n % 40 == 0 else names.company(rng, n)
        ubn = make_ubn(f"{n * 7919 % 10_000_000:07d}")  # 7919 is prime: all different, some start with 0
        providers.append((company, ubn))
    start = date(2026, 1, 5)
    out = []
    for i in range(rows):
        company, ubn = providers[rng.randrange(len(providers))]
        solution = "".join(rng.sample(SOLUTION_WORDS, rng.randint(2, 4)))
        out.append(ApprovalRow(f"A115-1-{i + 1:05d}", company, ubn, solution, rng.choice(CATEGORIES),
                               rng.randrange(3_000, 300_000, 100), start + timedelta(days=rng.randrange(300)),
                               rank=i + 1))
    return out


def timed(work) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``work()``, after a full collection."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def ours(rows, path: Path) -> tuple[float, float]:
    from exports.approvals import write_approvals

    return timed(lambda: write_approvals(rows, path, batch_no=1))


def bare(title: str, headers: list[str], values: list[tuple], path: Path) -> tuple[float, float]:
    from openpyxl import Workbook

    def loop() -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("核定名單")
        sheet.append([title])
        sheet.append(headers)
        for row in values:
            sheet.append(row)
        book.save(path)

    return timed(loop)


def check(path: Path, rows) -> None:
    """The measured file is the real thing: layout, text typing, numbers."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=False)
    sheet = book.active
    assert sheet.max_row == len(rows) + 2, sheet.max_row
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    risky = next(i for i, r in enumerate(rows) if r.company.startswith(("=", "+", "-", "@")))
    cell = sheet.cell(row=risky + 3, column=2)
    assert cell.value == rows[risky].company and cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(row=3, column=6).data_type == "n" and sheet.cell(row=3, column=6).number_format == "#,##0"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    print(f"checked {path.name}: {sheet.max_row} rows, frozen {sheet.freeze_panes}, "
          f"print titles {sheet.print_title_rows}, A4 landscape, no formulas")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the written files (benchmarks/out/)")
    parser.add_argument("--openpyxl-body", action="store_true",
                        help="write the body through openpyxl cell by cell (exports.list_sheet.RAW_BODY = False), "
                             "to compare like with like")
    args = parser.parse_args(argv)
    if args.openpyxl_body:
        import exports.list_sheet

        exports.list_sheet.RAW_BODY = False
        print("body written through openpyxl's own serializer (RAW_BODY = False)")

    from exports.approvals import headers, sheet_values, title

    rows = generate(args.rows)
    values = [tuple(v) for v in sheet_values(rows)]
    head, heading = headers(), title("A", 1)
    folder = Path(tempfile.mkdtemp(prefix="export-bench-")) if not args.keep else ROOT / "benchmarks" / "out"
    folder.mkdir(parents=True, exist_ok=True)
    ours_path, bare_path = folder / "export_ours.xlsx", folder / "export_bare.xlsx"
    load = os.getloadavg()[0]
    print(f"{len(rows):,} rows, {args.runs} runs each (interleaved, after 1 warm-up), load {load:.2f}")

    ours(rows, ours_path), bare(heading, head, values, bare_path)  # warm-up: imports, caches
    measured, reference = [], []
    for run in range(args.runs):
        # Alternate who goes first, so that neither always inherits the other's garbage.
        if run % 2:
            reference.append(bare(heading, head, values, bare_path))
            measured.append(ours(rows, ours_path))
        else:
            measured.append(ours(rows, ours_path))
            reference.append(bare(heading, head, values, bare_path))
    ratios = {}
    for index, clock in enumerate(("wall", "CPU")):
        m = statistics.median(x[index] for x in measured)
        r = statistics.median(x[index] for x in reference)
        ratios[clock] = m / r
        print(f"{clock:>4}  ours (write_approvals)       median {m:6.3f} s   runs "
              f"{', '.join(f'{x[index]:.3f}' for x in measured)}")
        print(f"{clock:>4}  bare (write-only ws.append)  median {r:6.3f} s   runs "
              f"{', '.join(f'{x[index]:.3f}' for x in reference)}")
    paired = statistics.median(m[0] / r[0] for m, r in zip(measured, reference))
    print(f"median of the runs' own ratios (each run's ours / its bare, side by side in time): {paired:.3f}")
    ratio = ratios["wall"]
    print(f"ratio ours/bare: wall {ratios['wall']:.3f} (target ≤ {RATIO_MAX}) "
          f"{'PASS' if ratio <= RATIO_MAX else 'FAIL'}; CPU {ratios['CPU']:.3f} (process time, for comparison: other "
          f"work on the machine stretches wall time unevenly); load at end {os.getloadavg()[0]:.2f}")
    check(ours_path, rows)
    if not args.keep:
        for path in (ours_path, bare_path):
            path.unlink(missing_ok=True)
        folder.rmdir()
    return 0 if ratio <= RATIO_MAX else 1


if __name__ == "__main__":
    sys.exit(main())
