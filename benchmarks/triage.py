"""Document triage speed: `.venv/bin/python benchmarks/triage.py [--runs 5] [--files 40 --pages 6]`.

Target: triage of a folder with ≥ 200 PDF pages takes at most 1.2×
plain pdfplumber ``extract_text`` over the same files, measured in the same run.

* The folder: ``--files`` Chinese text PDFs (MSung-Light, 30 lines a page) of ``--pages``
  pages each, spread over four application folders, plus one pptx deck; built once into
  ``benchmarks/out/triage/in`` (reportlab and pypdf come with the test extra).
* Reference: for each PDF, ``pdfplumber.open`` and every page's ``extract_text()``.
* Triage: ``importers.documents.import_documents`` on a fresh database and a fresh data
  directory each run (so nothing is a duplicate): copy + hash, sniff, open once, extract
  once, classify, write the rows with their audit entries.
* Both in this one process after a warm-up of each, interleaved, ``--runs`` times; the
  medians are compared. Results go to ``benchmarks/out/triage.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "triage"
RATIO_MAX = 1.2
MIN_PAGES = 200

sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

LINES = [
    "{n}、本公司雲端收銀系統採多租戶架構，支援同時 5,000 個連線，年可用率 99.9%。",
    "店家可隨時以 CSV 匯出交易、會員與商品資料，資料自主權歸店家所有。",
    "服務水準協議：故障通報後 4 小時內回應，24 小時內修復；每月提供服務報告。",
    "推廣對象為中小型零售、餐飲與生活服務業者，預計 {year} 年推廣 {stores} 家店。",
    "統一編號：{ubn}　電話：(02)2700-{tel}　申報日期：{year}年{month}月{day}日",
    "營業收入淨額 {amount:,} 元，營業毛利 {gross:,} 元，課稅所得額 {taxable:,} 元。",
]
KINDS_TITLES = ["年度損益及稅額計算表", "營業人銷售額與稅額申報書（401）", "營業稅繳納證明", "軟體服務合約書",
                "雲端解決方案申請書", "附件2 雲端解決方案技術特性說明書", "附件3 雲端解決方案推廣計畫書", "會議紀錄"]


def build_folder(files: int, pages: int) -> tuple[Path, int]:
    """The folder of PDFs (rebuilt when its shape changed); (folder, total PDF pages)."""
    import pdfs

    folder = OUT / "in"
    stamp = OUT / "shape.json"
    shape = {"files": files, "pages": pages, "version": 1}
    if stamp.exists() and json.loads(stamp.read_text()) == shape and folder.exists():
        return folder, files * pages
    shutil.rmtree(folder, ignore_errors=True)
    for i in range(files):
        app = pdfs.FIRST if i % 4 == 0 else f"C110-1-{(i % 4) + 1:04d}"
        title = KINDS_TITLES[i % len(KINDS_TITLES)]
        page_lines = []
        for p in range(pages):
            lines = [title if p == 0 else f"（續）第 {p + 1} 頁"]
            for n in range(29):
                lines.append(LINES[n % len(LINES)].format(
                    n=n + 1, year=109 + n % 3, stores=100 + n, ubn=pdfs.APPLICANT_UBN, tel=1000 + n,
                    month=1 + n % 12, day=1 + n % 28, amount=12_345_678 + i * 1000 + n, gross=3_456_789 + n,
                    taxable=1_234_567 + p))
            page_lines.append(lines)
        path = folder / app / f"{i:03d}_{title.split()[-1][:8]}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdfs.cjk_pdf(page_lines))
    (folder / pdfs.FIRST / "簡報.pptx").write_bytes(pdfs.pptx())
    stamp.write_text(json.dumps(shape))
    return folder, files * pages


def seed(engine) -> None:
    """The four applications the folders are named after."""
    from datetime import datetime

    from sqlmodel import select

    import pdfs
    from models import Application
    from office_tui.core.db import write_session

    pdfs.seed_applications(engine)
    with write_session(engine, None) as session:
        template = session.exec(select(Application).where(Application.application_no == pdfs.FIRST)).one()
        for n in (3, 4):
            session.add(Application(application_no=f"C110-1-{n:04d}", batch_id=template.batch_id,
                                    provider_id=template.provider_id, solution_name=f"方案 {n}", category="crm",
                                    submitted_at=datetime(2021, 7, 5, 2, 0)))


def reference(folder: Path) -> tuple[float, int]:
    """Plain pdfplumber over the same PDFs: seconds, characters extracted."""
    import pdfplumber

    start = time.perf_counter()
    chars = 0
    for path in sorted(folder.rglob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
    return time.perf_counter() - start, chars


def triage(folder: Path) -> tuple[float, int]:
    """import_documents on a fresh database and data directory: seconds, files."""
    from importers.documents import import_documents
    from office_tui.core.db import make_engine
    from office_tui.core.migrate import upgrade

    work = Path(tempfile.mkdtemp(prefix="triage-", dir=OUT))
    os.environ["OFFICE_TUI_DATA_DIR"] = str(work / "data")
    engine = make_engine(f"sqlite:///{work / 'office.db'}")
    upgrade(engine)
    seed(engine)
    try:
        start = time.perf_counter()
        results = import_documents(engine, None, folder)
        elapsed = time.perf_counter() - start
    finally:
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in results if r.status not in ("ok",)]
    if bad:
        raise SystemExit(f"unexpected results: {[r.as_json() for r in bad][:3]}")
    return elapsed, len(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for name in ("OFFICE_TUI_DB", "OFFICE_TUI_LANG"):
        os.environ.pop(name, None)
    os.environ["OFFICE_TUI_CONFIG"] = str(OUT / "config.toml")
    os.environ["OFFICE_TUI_NOW"] = "2026-11-20T10:00:00+08:00"

    folder, pages = build_folder(args.files, args.pages)
    if pages < MIN_PAGES:
        print(f"note: {pages} pages is fewer than the target's {MIN_PAGES}")
    reference(folder)  # warm-up: imports, font maps, file cache
    triage(folder)
    ref_times, tri_times = [], []
    chars = files = 0
    for _ in range(args.runs):
        seconds, chars = reference(folder)
        ref_times.append(seconds)
        seconds, files = triage(folder)
        tri_times.append(seconds)
    ref, tri = statistics.median(ref_times), statistics.median(tri_times)
    ratio = tri / ref
    verdict = "PASS" if ratio <= RATIO_MAX and pages >= MIN_PAGES else "FAIL"
    print(f"folder: {args.files} PDFs × {args.pages} pages = {pages} pages (+1 pptx), {chars:,} characters")
    print(f"pdfplumber extract_text  median {ref:7.3f} s   runs {', '.join(f'{s:.3f}' for s in ref_times)}")
    print(f"import_documents         median {tri:7.3f} s   runs {', '.join(f'{s:.3f}' for s in tri_times)}"
          f"   ({files} files)")
    print(f"ratio {ratio:.3f}  (target ≤ {RATIO_MAX})  {verdict}")
    (OUT.parent / "triage.json").write_text(json.dumps({
        "pages": pages, "files": files, "characters": chars, "reference_s": ref_times, "triage_s": tri_times,
        "reference_median_s": ref, "triage_median_s": tri, "ratio": ratio, "target": RATIO_MAX, "verdict": verdict,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
    }, indent=2))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
