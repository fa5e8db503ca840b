"""The small demo office's system logs, handed in as providers hand them in: generated
files imported through the usage importer (importers.usage), so that loading the demo
exercises it. Three files, in three of the shapes the office receives
(docs/import-layouts.md): raw events in UTF-8 with local times; raw events in Big5 with
an 事件 column, gzip-compressed, half of their times in UTC (``…Z``); daily counts with
ROC dates. Written to a temporary folder and removed once imported.
"""

from __future__ import annotations

import gzip
import random
import tempfile
from array import array
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine

from models.clock import OFFICE_TZ
from office_tui.core.dates import format_date
from office_tui.core.errors import OfficeError

EVENT_NAMES = ("登入", "結帳", "查詢會員", "新增商品", "列印報表", "庫存盤點")


def import_demo_usage(engine: Engine, actor, logs: list[tuple[dict, array]], stores: list[dict], seed: int) -> None:
    """Write ``logs`` ((contract row, daily counts from its start)) as files and import
    them; an import that refuses anything is a bug in the generator."""
    from importers.usage import import_usage

    ubn_of = {store["id"]: store["ubn"] for store in stores}
    rng = random.Random(seed * 31 + 7)
    with tempfile.TemporaryDirectory(prefix="office-tui-demo-") as folder:
        folder = Path(folder)
        paths = [folder / "demo-系統紀錄-事件.csv", folder / "demo-系統紀錄-事件-big5.csv.gz",
                 folder / "demo-系統紀錄-每日次數.csv"]
        with paths[0].open("w", encoding="utf-8", newline="") as plain, \
                gzip.open(paths[1], "wt", encoding="cp950", newline="") as big5, \
                paths[2].open("w", encoding="utf-8-sig", newline="") as daily:
            plain.write("店家統編,時間\n")
            big5.write("店家統編,時間,事件\n")
            daily.write("店家統編,日期,次數\n")
            for k, (row, counts) in enumerate(logs):
                ubn = ubn_of[row["store_id"]]
                if not any(counts):
                    continue  # a store whose provider handed in no log
                start = row["starts_on"]
                shape = k % 4
                for i, n in enumerate(counts):
                    day = start + timedelta(days=i)
                    if shape == 3:
                        daily.write(f"{ubn},{format_date(day, 'roc')},{n}\n")
                        continue
                    for _ in range(n):
                        local = datetime.combine(day, time(rng.randrange(8, 22), rng.randrange(60), rng.randrange(60)))
                        if shape == 2:
                            at = (local.replace(tzinfo=OFFICE_TZ).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                                  if rng.random() < 0.5 else local.strftime("%Y-%m-%d %H:%M:%S"))
                            big5.write(f"{ubn},{at},{EVENT_NAMES[rng.randrange(len(EVENT_NAMES))]}\n")
                        else:
                            plain.write(f"{ubn},{local:%Y-%m-%d %H:%M:%S}\n")
        report = import_usage(engine, actor, paths)
    if report.failed:
        raise OfficeError("demo.usage_import_failed", detail="；".join(report.lines()[1:4]))
