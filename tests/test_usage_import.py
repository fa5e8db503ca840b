"""Importing providers' system logs: the Taipei day of a time with or without a zone,
Big5 / UTF-8 / UTF-16 / gzip / xlsx files, events and daily counts, refusals with file,
row, column and reason, unknown stores, the same file twice, --replace, and removing a
file giving back exactly the counts the other files make."""

from __future__ import annotations

import gzip
import random
from datetime import date

import openpyxl
import pytest
from sqlalchemy import insert, select, text
from sqlmodel import Session

from importers.usage import MAX_LISTED, import_usage
from models import AuditEntry, Store, UsageFile
from office_tui.core.actor import Actor
from office_tui.core.db import write_session
from office_tui.core.ubn import make_ubn
from office_tui.usage.files import list_files, remove_file

STAFF = Actor(None, "staff", "staff")
UBNS = [make_ubn(f"{4_000_000 + k:07d}") for k in range(6)]
A, B, C = UBNS[:3]


@pytest.fixture
def stores(engine) -> dict[str, int]:
    with Session(engine) as s:
        s.execute(insert(Store), [dict(ubn=u, name=f"店{k}", industry="零售業") for k, u in enumerate(UBNS)])
        s.commit()
        return dict(s.execute(select(Store.ubn, Store.id)).all())


def daily(engine) -> dict[tuple[str, str], int]:
    """UsageDaily as {(store UBN, ISO day): count}."""
    with engine.connect() as c:
        return {(u, d): n for u, d, n in c.execute(text(
            "SELECT s.ubn, u.day, u.count FROM usagedaily u JOIN store s ON s.id = u.store_id"))}


def write(path, text_: str, encoding: str = "utf-8"):
    data = text_.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def events(*rows: tuple[str, str], header: str = "店家統編,時間") -> str:
    return header + "\n" + "".join(f"{u},{at}\n" for u, at in rows)


# -- the Taipei day ------------------------------------------------------------------------------

def test_a_time_is_counted_on_its_taipei_day(engine, stores, tmp_path):
    path = write(tmp_path / "zones.csv", events(
        (A, "2025-10-05 23:30:00"),        # Taipei, no zone: the 5th
        (A, "2025-10-05T16:30:00Z"),        # 16:30 UTC is 00:30 on the 6th in Taipei
        (A, "2025-10-05T15:59:59Z"),        # 23:59:59 on the 5th
        (B, "2025-10-05T14:03:22+08:00"),   # already Taipei
        (B, "2025-10-05T23:30:00-02:00"),   # 09:30 on the 6th in Taipei
        (C, "114/10/05 23:59:59"),          # ROC
        (C, "2025/10/5 0:00"),               # slashes, no seconds, no leading zeros
        (C, "2025-10-05T10:00:00+05:30"),   # a zone of half hours: 12:30 in Taipei
    ))
    report = import_usage(engine, STAFF, [path])
    assert report.rejected == [] and not report.failed
    assert daily(engine) == {(A, "2025-10-05"): 2, (A, "2025-10-06"): 1, (B, "2025-10-05"): 1,
                             (B, "2025-10-06"): 1, (C, "2025-10-05"): 3}


def test_the_usual_lines_go_the_fast_way_and_count_the_same(engine, stores, tmp_path):
    """Thousands of lines in the usual shape (the block path) and the same lines with a
    quote somewhere (csv.reader's path) give the same counts."""
    rng = random.Random(5)
    rows = [(UBNS[rng.randrange(6)], f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
                                     f" {rng.randrange(24):02d}:{rng.randrange(60):02d}:00") for _ in range(60_000)]
    plain = write(tmp_path / "plain.csv", events(*rows))
    import_usage(engine, STAFF, [plain])
    fast = daily(engine)
    with Session(engine) as s:
        s.execute(text("DELETE FROM usagecontribution"))
        s.execute(text("DELETE FROM usagefile"))
        s.execute(text("DELETE FROM usagedaily"))
        s.commit()
    quoted = write(tmp_path / "quoted.csv", events(*rows[:100], (A, '"2025-01-01 10:00:00"'), *rows[100:],
                                                   header="店家統編,時間,事件")
                   .replace(f"{A},\"2025-01-01 10:00:00\"", f"{A},2025-01-01 10:00:00,\"登入\n（兩行）\""))
    report = import_usage(engine, STAFF, [quoted])
    assert report.rejected == []
    expected = dict(fast)
    expected[(A, "2025-01-01")] = expected.get((A, "2025-01-01"), 0) + 1
    assert daily(engine) == expected
    assert sum(expected.values()) == 60_001


# -- encodings and files ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, encoding", [("log.csv", "utf-8"), ("log.csv", "utf-8-sig"), ("log.csv", "cp950"),
                                            ("log.csv", "big5"), ("log.csv", "utf-16"), ("log.csv.gz", "cp950"),
                                            ("log.csv.gz", "utf-8")])
def test_big5_utf8_utf16_and_gzip_read_alike(engine, stores, tmp_path, name, encoding):
    path = write(tmp_path / name, events((A, "2025-10-05 10:00"), (A, "2025-10-05 11:00"), (B, "114/10/06 09:00"),
                                         header="店家統編,時間,事件").replace("\n", ",登入系統\n", 1)
                 .replace("時間,事件,登入系統", "時間,事件"), encoding)
    report = import_usage(engine, STAFF, [path])
    assert report.rejected == [] and [f.status for f in report.files] == ["imported"]
    assert daily(engine) == {(A, "2025-10-05"): 2, (B, "2025-10-06"): 1}
    with Session(engine) as s:
        file = s.scalars(select(UsageFile)).one()
    assert file.encoding == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp950": "Big5 (cp950)",
                             "big5": "Big5 (cp950)", "utf-16": "UTF-16"}[encoding]


def test_a_big5_file_with_chinese_only_after_thousands_of_ascii_rows(engine, stores, tmp_path):
    rows = [(A, "2025-10-05 10:00")] * 20_000
    path = tmp_path / "late.csv"
    path.write_bytes((events(*rows, header="店家統編,時間,事件").replace("店家統編,時間,事件\n", "store_ubn,at,event\n")
                      + f"{B},2025-10-06 10:00,查詢會員資料\n").encode("cp950").replace(b"\n", b",x\n", 0))
    report = import_usage(engine, STAFF, [path])
    assert report.rejected_total == 0 and report.files[0].encoding == "Big5 (cp950)"
    assert daily(engine) == {(A, "2025-10-05"): 20_000, (B, "2025-10-06"): 1}


def test_a_file_in_another_encoding_is_refused_whole(engine, stores, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("店家統編,時間\n".encode("utf-8") + f"{A},2025-10-05 10:00,caf\xe9\n".encode("latin-1"))
    report = import_usage(engine, STAFF, [path])
    assert report.failed and report.failed_files == ["latin.csv"] and report.files == []
    [refusal] = report.rejected
    assert (refusal.file, refusal.row) == ("latin.csv", None) and "UTF-8" in refusal.reason
    assert daily(engine) == {}


def test_daily_counts_and_xlsx(engine, stores, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["store_ubn", "date", "count"])
    sheet.append([A, date(2025, 10, 5), 7])
    sheet.append([int(B), "114/10/06", 3.0])  # a UBN typed as a number, a ROC date, a float count
    sheet.append([C, date(2025, 10, 7), 0])
    book.save(tmp_path / "daily.xlsx")
    csv_path = write(tmp_path / "daily.csv", f"店家統編,日期,次數\n{A},2025-10-05,5\n{A},2025/10/06,1\n")
    report = import_usage(engine, STAFF, [tmp_path / "daily.xlsx", csv_path])
    assert report.rejected == [] and [f.status for f in report.files] == ["imported", "imported"]
    assert daily(engine) == {(A, "2025-10-05"): 12, (A, "2025-10-06"): 1, (B, "2025-10-06"): 3,
                             (C, "2025-10-07"): 0}
    assert report.to_json()["files"][0] == {"file": "daily.xlsx", "status": "imported", "rows": 3, "events": 10,
                                            "stores": 3, "first_day": "2025-10-05", "last_day": "2025-10-07"}


def test_events_with_times_in_xlsx_cells(engine, stores, tmp_path):
    from datetime import datetime

    book = openpyxl.Workbook()
    book.active.append(["店家統編", "時間"])
    book.active.append([A, datetime(2025, 10, 5, 23, 30)])
    book.active.append([A, "2025-10-05T16:30:00Z"])
    book.save(tmp_path / "events.xlsx")
    assert import_usage(engine, STAFF, [tmp_path / "events.xlsx"]).rejected == []
    assert daily(engine) == {(A, "2025-10-05"): 1, (A, "2025-10-06"): 1}


# -- refusals --------------------------------------------------------------------------------------------

def test_bad_rows_are_refused_with_file_row_column_and_reason(engine, stores, tmp_path):
    unknown = make_ubn("8888888")
    path = write(tmp_path / "bad.csv", events(
        (A, "2025-10-05 10:00"),
        ("12345678", "2025-10-05 10:00"),      # row 3: check digit
        (A, "2025-02-30 10:00"),               # row 4: no such day
        (A, "昨天下午"),                        # row 5: not a time
        (unknown, "2025-10-05 10:00"),         # row 6: a store not registered
        (unknown, "2025-10-06 10:00"),         # row 7
        ("", "2025-10-05 10:00"),              # row 8: no UBN
    ))
    report = import_usage(engine, STAFF, [path])
    assert [(r.file, r.row, r.column) for r in report.rejected] == [
        ("bad.csv", 3, "店家統編"), ("bad.csv", 4, "時間"), ("bad.csv", 5, "時間"), ("bad.csv", 8, "店家統編")]
    assert "12345678" in report.rejected[0].reason and "2025-02-30" in report.rejected[1].reason
    assert report.unknown_stores == {unknown: 2}
    assert report.to_json()["unknown_stores"] == [{"store_ubn": unknown, "rows": 2}]
    assert report.failed and daily(engine) == {(A, "2025-10-05"): 1}
    daily_bad = write(tmp_path / "counts.csv", f"店家統編,日期,次數\n{A},2025-10-07,-3\n{A},2025-10-08,二\n"
                                              f"{A},2025-10-09,1.5\n{A},2025-10-10,\n")
    report = import_usage(engine, STAFF, [daily_bad])
    assert [(r.row, r.column) for r in report.rejected] == [(2, "次數"), (3, "次數"), (4, "次數"), (5, "次數")]
    assert "負數" in report.rejected[0].reason


def test_the_first_thousand_refusals_are_listed_and_the_rest_counted(engine, stores, tmp_path):
    path = write(tmp_path / "many.csv", events(*[(A, "2025-13-01 10:00")] * (MAX_LISTED + 234), (A, "2025-10-01 10:00")))
    report = import_usage(engine, STAFF, [path])
    assert len(report.rejected) == MAX_LISTED and report.rejected_total == MAX_LISTED + 234
    assert report.rejected[-1].row == MAX_LISTED + 1
    assert daily(engine) == {(A, "2025-10-01"): 1}


def test_a_file_of_neither_shape_and_a_missing_file(engine, stores, tmp_path):
    wrong = write(tmp_path / "wrong.csv", "店家統編,金額\n12345675,3\n")
    good = write(tmp_path / "good.csv", events((A, "2025-10-01 10:00")))
    report = import_usage(engine, STAFF, [wrong, tmp_path / "gone.csv", good, tmp_path / "notes.txt"])
    assert report.failed_files == ["wrong.csv", "gone.csv", "notes.txt"]
    assert [f.file for f in report.files] == ["good.csv"] and daily(engine) == {(A, "2025-10-01"): 1}
    assert "時間" in report.rejected[0].reason


# -- files: twice, added up, replaced, removed -------------------------------------------------------------

def test_the_same_file_twice_changes_nothing_and_says_so(engine, stores, tmp_path):
    path = write(tmp_path / "a.csv", events((A, "2025-10-01 10:00"), (A, "2025-10-01 11:00")))
    first = import_usage(engine, STAFF, [path])
    copy = write(tmp_path / "copy-of-a.csv.gz", path.read_text(encoding="utf-8"))  # the same text, gzipped
    again = import_usage(engine, STAFF, [path, copy])
    assert [f.status for f in first.files] == ["imported"]
    assert [f.status for f in again.files] == ["unchanged", "unchanged"] and not again.failed
    assert "相同" in again.lines()[1]
    assert daily(engine) == {(A, "2025-10-01"): 2}
    with Session(engine) as s:
        assert s.scalar(select(text("count(*)")).select_from(UsageFile)) == 1


def test_counts_from_different_files_add_up_and_replace_replaces_its_store_days(engine, stores, tmp_path):
    october = write(tmp_path / "oct.csv", events((A, "2025-10-01 10:00"), (A, "2025-10-02 10:00"),
                                                 (B, "2025-10-01 10:00")))
    split = write(tmp_path / "oct-part2.csv", events((A, "2025-10-01 18:00"), (A, "2025-10-01 19:00")))
    import_usage(engine, STAFF, [october, split])
    assert daily(engine) == {(A, "2025-10-01"): 3, (A, "2025-10-02"): 1, (B, "2025-10-01"): 1}
    corrected = write(tmp_path / "oct-corrected.csv", f"店家統編,日期,次數\n{A},2025-10-01,9\n{A},2025-10-03,0\n")
    report = import_usage(engine, STAFF, [corrected], replace=True)
    assert not report.failed
    # A's 1 October and 3 October replaced; the days it does not name keep their counts.
    assert daily(engine) == {(A, "2025-10-01"): 9, (A, "2025-10-02"): 1, (A, "2025-10-03"): 0, (B, "2025-10-01"): 1}
    later = write(tmp_path / "nov.csv", events((A, "2025-10-01 20:00")))  # added on top of the replacement
    import_usage(engine, STAFF, [later])
    assert daily(engine)[(A, "2025-10-01")] == 10
    ids = {row.name: row.id for row in _files(engine)}
    _remove(engine, ids["oct-corrected.csv"])
    assert daily(engine) == {(A, "2025-10-01"): 4, (A, "2025-10-02"): 1, (B, "2025-10-01"): 1}
    _remove(engine, ids["oct.csv"])
    assert daily(engine) == {(A, "2025-10-01"): 3}
    assert [row.name for row in _files(engine)] == ["nov.csv", "oct-part2.csv"]


def _files(engine):
    with Session(engine) as s:
        return list_files(s)


def _remove(engine, file_id: int) -> None:
    with write_session(engine, STAFF, "test") as s:
        remove_file(s, STAFF, file_id)


def test_removing_files_in_any_order_leaves_what_the_other_files_make(engine, stores, tmp_path):
    """Random files (events or daily, some replacing) imported, then removed one at a
    time in a random order: after each removal UsageDaily is what importing only the
    files left, in their order, would give."""
    rng = random.Random(11)
    days = [f"2025-10-{d:02d}" for d in range(1, 8)]
    files = []
    for k in range(8):
        cells = [(rng.choice(UBNS[:3]), rng.choice(days), rng.randrange(0, 5)) for _ in range(rng.randrange(3, 12))]
        replace = k > 0 and rng.random() < 0.4
        body = "店家統編,日期,次數\n" + "".join(f"{u},{d},{n}\n" for u, d, n in cells)
        files.append((write(tmp_path / f"f{k}.csv", body), replace, cells))
        import_usage(engine, STAFF, [files[-1][0]], replace=replace)

    def expected(kept):
        counts: dict = {}
        for _, replace, cells in kept:
            mine: dict = {}
            for u, d, n in cells:
                mine[(u, d)] = mine.get((u, d), 0) + n
            for key, n in mine.items():
                counts[key] = n if replace else counts.get(key, 0) + n
        return counts

    assert daily(engine) == expected(files)
    ids = {row.name: row.id for row in _files(engine)}
    order = list(range(len(files)))
    rng.shuffle(order)
    kept = list(files)
    for k in order:
        _remove(engine, ids[f"f{k}.csv"])
        kept.remove(files[k])
        left = expected(kept)
        assert {key: n for key, n in daily(engine).items() if n or key in left} == left
    assert daily(engine) == {}


def test_removing_is_audited_and_a_removed_file_can_come_back(engine, stores, tmp_path):
    path = write(tmp_path / "a.csv", events((A, "2025-10-01 10:00")))
    import_usage(engine, STAFF, [path])
    [row] = _files(engine)
    _remove(engine, row.id)
    with pytest.raises(Exception) as again:
        _remove(engine, row.id)
    assert "已移除" in str(again.value.args) or again.value.key == "usage.files.removed_already"
    with Session(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "usagefile",
                                                   AuditEntry.action == "update")).one()
        assert "removed_at" in entry.changes and entry.username == "staff"
    assert daily(engine) == {}
    assert [f.status for f in import_usage(engine, STAFF, [path]).files] == ["imported"]
    assert daily(engine) == {(A, "2025-10-01"): 1}


def test_a_cancel_leaves_nothing_of_the_file_being_read(engine, stores, tmp_path):
    first = write(tmp_path / "first.csv", events((A, "2025-10-01 10:00")))
    second = write(tmp_path / "second.csv", events(*[(B, "2025-10-02 10:00")] * 200_000))
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)

    def cancelled() -> bool:  # once the second file is being read
        return bool(seen) and seen[-1] > first.stat().st_size + 100_000

    report = import_usage(engine, STAFF, [first, second], cancelled=cancelled, progress=progress)
    assert report.cancelled and report.failed
    assert [f.file for f in report.files] == ["first.csv"]
    assert daily(engine) == {(A, "2025-10-01"): 1}
    assert seen == sorted(seen) and seen[-1] < first.stat().st_size + second.stat().st_size  # it moved, and stopped
