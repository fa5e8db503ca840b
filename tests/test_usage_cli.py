"""Usage verification from the shell, run for real: import usage (JSON exactly, exit
status), usage files / remove / verify, every claim flag through reconcile --json, spot
checks drawn reproducibly, recorded and exported, and an import killed in the middle
leaving all or nothing of its file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_cli import ENTRY, REPO, query, run_cli
from test_reconcile import END, P_UBN, Q_UBN, START, STAFF, World

from office_tui.claims.actions import approve_clean
from office_tui.core.months import monthly_periods
from office_tui.core.ubn import make_ubn


@pytest.fixture
def world(engine, shell_admin) -> World:
    return World(engine)


def write(path: Path, body: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(body.encode(encoding))
    return path


def test_import_usage_json_names_files_refusals_and_unknown_stores_and_exits_1_on_a_refusal(world, db_url, tmp_path):
    world.claim("Q1", usage="none")
    ubn = world.result("Q1")["store_ubn"]
    stranger = make_ubn("7777777")
    first = write(tmp_path / "一月.csv", "店家統編,時間\n" + "".join(
        f"{ubn},{p.first.isoformat()} 09:00:00\n" for p in monthly_periods(START, END)[:6])
        + f"{stranger},2025-10-02 10:00\n12345678,2025-10-02 10:00\n", "cp950")
    second = write(tmp_path / "二月.csv", "店家統編,日期,次數\n" + "".join(
        f"{ubn},{p.first.isoformat()},4\n" for p in monthly_periods(START, END)[6:]))
    done = run_cli("--db", db_url, "import", "usage", str(first), str(second), "--json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout) == {
        "files": [
            {"file": "一月.csv", "status": "imported", "rows": 8, "events": 6, "stores": 1,
             "first_day": "2025-10-01", "last_day": "2026-03-01"},
            {"file": "二月.csv", "status": "imported", "rows": 6, "events": 24, "stores": 1,
             "first_day": "2026-04-01", "last_day": "2026-09-01"}],
        "rejected": [{"file": "一月.csv", "row": 9, "column": "店家統編", "reason": "統一編號 12345678 檢查碼不符"}],
        "rejected_total": 1,
        "unknown_stores": [{"store_ubn": stranger, "rows": 1}],
    }
    # The import reconciled the store's claim: every period has use now.
    assert world.result("Q1")["flags"] == [] and world.result("Q1")["status"] == "filed"
    again = run_cli("--db", db_url, "import", "usage", str(second))
    assert again.returncode == 0 and "內容相同" in again.stdout
    missing = run_cli("--db", db_url, "import", "usage", str(second), str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "nope.csv" in missing.stderr


def test_usage_files_remove_and_verify(world, db_url, tmp_path):
    world.claim("Q1", usage="none")
    world.claim("Q2", usage="none")
    world.claim("Q3", usage="none")
    q1, q2 = world.result("Q1")["store_ubn"], world.result("Q2")["store_ubn"]
    periods = monthly_periods(START, END)
    log = write(tmp_path / "log.csv", "店家統編,時間\n"
                + "".join(f"{q1},{p.last.isoformat()} 20:00\n" for p in periods)
                + "".join(f"{q2},{p.last.isoformat()} 20:00\n" for p in periods if p.number != 5))
    assert run_cli("--db", db_url, "import", "usage", str(log)).returncode == 0
    verified = run_cli("--db", db_url, "usage", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    found = {c["claim_no"]: c for c in json.loads(verified.stdout)}
    assert [found[n]["verdict"] for n in ("Q1", "Q2", "Q3")] == ["covered", "gap", "no_log"]
    assert found["Q2"]["periods"][4] == {"from": "2026-02-01", "to": "2026-02-28", "active_days": 0, "events": 0,
                                        "ok": False}
    assert found["Q1"]["periods"][0] == {"from": "2025-10-01", "to": "2025-10-31", "active_days": 1, "events": 1,
                                        "ok": True}
    assert set(found["Q1"]) == {"claim_no", "store_ubn", "periods", "verdict"} and len(found["Q1"]["periods"]) == 12
    one = run_cli("--db", db_url, "usage", "verify", "--store", q2, "--json")
    assert [c["claim_no"] for c in json.loads(one.stdout)] == ["Q2"]
    assert [c["claim_no"] for c in json.loads(run_cli("--db", db_url, "usage", "verify", "--claim", "Q3",
                                                      "--json").stdout)] == ["Q3"]
    by_provider = json.loads(run_cli("--db", db_url, "usage", "verify", "--provider", P_UBN, "--json").stdout)
    assert [c["claim_no"] for c in by_provider] == ["Q1", "Q2", "Q3"]
    assert json.loads(run_cli("--db", db_url, "usage", "verify", "--provider", Q_UBN, "--json").stdout) == []
    text_ = run_cli("--db", db_url, "usage", "verify")
    assert "115/02/01～115/02/28（0）" in text_.stdout and "持續使用 1 件、使用中斷 1 件、無使用紀錄 1 件" in text_.stdout

    files = run_cli("--db", db_url, "usage", "files", "--json")
    [entry] = json.loads(files.stdout)
    assert (entry["file"], entry["stores"], entry["days"], entry["events"], entry["first_day"], entry["last_day"]) == \
        ("log.csv", 2, 23, 23, "2025-10-31", "2026-09-30")
    assert len(entry["sha256"]) == 64 and entry["imported_by"] == "shell-admin"  # the account's linked user
    removed = run_cli("--db", db_url, "usage", "remove", str(entry["id"]), "--reason", "服務提供者重送")
    assert removed.returncode == 0, removed.stderr
    assert world.result("Q1")["flags"] == ["no_usage_log"]  # reconciled again on removal
    assert json.loads(run_cli("--db", db_url, "usage", "files", "--json").stdout) == []
    assert json.loads(run_cli("--db", db_url, "usage", "files", "--all", "--json").stdout)[0]["removed_by"]
    audit = query(Path(db_url.removeprefix("sqlite:///")),
                  "SELECT reason FROM auditentry WHERE table_name = 'usagefile' AND action = 'update'")
    assert audit == [("移除使用紀錄檔 1：服務提供者重送",)]
    assert run_cli("--db", db_url, "usage", "remove", "99").returncode == 1


def test_every_flag_through_reconcile_json(world, db_url, tmp_path):
    later = END + timedelta(days=5)
    world.claim("OK")
    world.claim("MISMATCH", invoice_amount=1)
    world.claim("MALFORMED", invoice_no="bad")
    world.claim("DUP1", invoice_no="ZZ11111111", filed_on=later)
    world.claim("DUP2", invoice_no="ZZ11111111", filed_on=later)
    world.claim("INELIGIBLE", industry="製造業")
    store = make_ubn("7100001")
    world.claim("HOLDER", store_ubn=store, filed_on=later)
    world.claim("SECOND", store_ubn=store, provider_ubn=Q_UBN, application_no="C110-1-0003",
                filed_on=later + timedelta(1))
    world.claim("RENEWAL", existing_customer="是")
    world.claim("SHORT", contract_end=START + timedelta(days=200))
    world.claim("NOSOLUTION", application_no="C110-1-0002")
    world.claim("LATE", filed_on=END + timedelta(days=31))
    world.claim("WITHHOLDING", withholding_amount=1)
    world.claim("DOCUMENTS", declaration="否")
    world.claim("NOLOG", usage="none")
    world.claim("GAP", usage="both")
    world.claim("CHECKED")
    approve_clean(world.engine, STAFF, claim_nos=["CHECKED"])
    drawn = run_cli("--db", db_url, "spotcheck", "draw", "--percent", "100", "--seed", "3", "--json")
    assert drawn.returncode == 0, drawn.stderr
    assert "CHECKED" in json.loads(drawn.stdout)["claims"]
    failed = run_cli("--db", db_url, "spotcheck", "record", "CHECKED", "--fail", "--note", "後台紀錄與請款不符",
                     "--on", "115/11/19")
    assert failed.returncode == 0, failed.stderr
    assert "已列入追回" in failed.stdout and "claims clawback CHECKED" in failed.stdout
    done = run_cli("--db", db_url, "reconcile", "--json")
    assert done.returncode == 0, done.stderr
    flags = {c["claim_no"]: c["flags"] for c in json.loads(done.stdout)}
    expected = {
        "OK": [], "MISMATCH": ["invoice_mismatch"], "MALFORMED": ["invoice_malformed"],
        "DUP1": ["invoice_duplicate"], "DUP2": ["invoice_duplicate"], "INELIGIBLE": ["store_ineligible"],
        "HOLDER": [], "SECOND": ["store_already_subsidised"], "RENEWAL": ["existing_customer"],
        "SHORT": ["contract_too_short"], "NOSOLUTION": ["no_approved_solution"], "LATE": ["filed_late"],
        "WITHHOLDING": ["withholding_mismatch"], "DOCUMENTS": ["missing_documents"], "NOLOG": ["no_usage_log"],
        "GAP": ["usage_gap"], "CHECKED": ["spot_check_failed"]}
    assert flags == expected
    from office_tui.core.programme import CLAIM_FLAGS

    assert sorted({f for found in expected.values() for f in found}) == sorted(CLAIM_FLAGS)
    statuses = {c["claim_no"]: c["status"] for c in json.loads(done.stdout)}
    assert (statuses["NOLOG"], statuses["GAP"], statuses["CHECKED"]) == ("incomplete", "incomplete", "approved")
    listed = run_cli("--db", db_url, "claims", "list", "--flagged", "--json")
    reasons = {c["claim_no"]: c["reasons"] for c in json.loads(listed.stdout)}
    assert reasons["CHECKED"] == ["115/11/19 抽查不符：後台紀錄與請款不符"]
    assert reasons["NOLOG"] == ["契約期間 114/10/01～115/09/30 內查無任何系統使用紀錄（請服務提供者補送後台使用流量紀錄）"]
    assert reasons["GAP"][0].startswith("持續使用不足：下列月期間使用天數未達 1 天：114/11/01～114/11/30（0 天）、")


def test_spot_checks_are_reproducible_recorded_and_exported(world, db_url, tmp_path):
    for k in range(12):
        world.claim(f"C{k:02d}", provider_ubn=P_UBN if k % 3 else Q_UBN,
                    application_no="C110-1-0001" if k % 3 else "C110-1-0003")
    approve_clean(world.engine, STAFF)
    first = json.loads(run_cli("--db", db_url, "spotcheck", "draw", "--percent", "20", "--seed", "42", "--json").stdout)
    second = json.loads(run_cli("--db", db_url, "spotcheck", "draw", "--percent", "20", "--seed", "42", "--json").stdout)
    other = json.loads(run_cli("--db", db_url, "spotcheck", "draw", "--percent", "20", "--seed", "43", "--json").stdout)
    assert first["claims"] == second["claims"] and (first["draw"], second["draw"]) == (1, 2)
    assert first["seed"] == 42 and first["population"] == 12 and len(first["claims"]) == 3  # ⌈12 × 20 %⌉
    assert len(other["claims"]) == 3
    unseeded = json.loads(run_cli("--db", db_url, "spotcheck", "draw", "--percent", "1", "--min-per-provider", "1",
                                  "--json").stdout)
    assert isinstance(unseeded["seed"], int) and len(unseeded["claims"]) == 2  # one per provider beats 1 %
    claim = unseeded["claims"][0]
    passed = run_cli("--db", db_url, "spotcheck", "record", claim, "--pass", "--note", "紀錄相符")
    assert passed.returncode == 0 and "符合" in passed.stdout
    assert run_cli("--db", db_url, "spotcheck", "record", "C99", "--pass", "--note", "x").returncode == 1
    never = [c for c in (f"C{k:02d}" for k in range(12)) if c not in first["claims"] + second["claims"]
             + other["claims"] + unseeded["claims"]]
    if never:
        refused = run_cli("--db", db_url, "spotcheck", "record", never[0], "--fail", "--note", "x")
        assert refused.returncode == 1 and "不在任何抽樣名單" in refused.stderr
    listed = json.loads(run_cli("--db", db_url, "spotcheck", "list", "--json").stdout)
    assert [d["draw"] for d in listed["draws"]] == [4, 3, 2, 1]
    assert {c["claim_no"]: c["result"] for c in listed["claims"]}[claim] == "pass"
    out = tmp_path / "抽查名單.xlsx"
    exported = run_cli("--db", db_url, "export", "spotcheck", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:9] == ("服務提供者統編", "服務提供者", "聯絡人", "聯絡電話", "Email", "店家統編", "店家名稱",
                           "店家地址", "請款編號")
    assert sorted(r[8] for r in rows[2:]) == sorted(unseeded["claims"])
    assert {r[8]: r[12] for r in rows[2:]}[claim] == "符合"
    assert all(r[10] == "114/10/01" and r[11] == "115/09/30" for r in rows[2:])
    assert run_cli("--db", db_url, "spotcheck", "draw", "--percent", "0").returncode == 1


def test_an_import_killed_in_the_middle_leaves_all_or_nothing_of_its_file(engine, db_url, tmp_path, shell_admin):
    """The import runs in a subprocess; once its write transaction has spilled pages into
    the WAL (it is writing, not yet committed) it is killed with SIGKILL. The database
    then holds nothing of the file — and, run again, all of it."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from models import Store

    ubns = [make_ubn(f"{5_000_000 + k:07d}") for k in range(1_500)]
    with Session(engine) as s:
        s.execute(insert(Store), [dict(ubn=u, name=f"店{k}", industry="零售業") for k, u in enumerate(ubns)])
        s.commit()
    days = [date(2025, 1, 1) + timedelta(days=d) for d in range(365)]
    path = tmp_path / "year.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("店家統編,日期,次數\n")
        for u in ubns:
            handle.writelines(f"{u},{d.isoformat()},3\n" for d in days)
    expected_days = len(ubns) * len(days)
    engine.dispose()
    wal = Path(f"{db_url.removeprefix('sqlite:///')}-wal")
    database = Path(db_url.removeprefix("sqlite:///"))
    base = wal.stat().st_size if wal.exists() else 0
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    child = subprocess.Popen([*ENTRY, "--db", db_url, "import", "usage", str(path)], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed_writing = False
    deadline = time.monotonic() + 120
    while child.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > base + (4 << 20):
            child.send_signal(signal.SIGKILL)
            killed_writing = True
            break
        time.sleep(0.005)
    child.wait(timeout=60)
    counts = query(database, "SELECT count(*), coalesce(sum(count), 0) FROM usagedaily")[0]
    files = query(database, "SELECT count(*) FROM usagefile")[0][0]
    shares = query(database, "SELECT count(*) FROM usagecontribution")[0][0]
    assert (counts, files, shares) in (((0, 0), 0, 0), ((expected_days, 3 * expected_days), 1, len(ubns)))
    if killed_writing:
        assert child.returncode == -signal.SIGKILL
        assert (counts, files, shares) == ((0, 0), 0, 0)  # killed before it committed: nothing
    again = run_cli("--db", db_url, "import", "usage", str(path), "--json")
    assert again.returncode == 0, again.stderr
    assert query(database, "SELECT count(*), sum(count) FROM usagedaily")[0] == (expected_days, 3 * expected_days)
    assert killed_writing, "the import finished before its write could be caught in the middle"
