"""The store-subsidy commands, run for real: reconcile --json, import claims and past
recipients, approve, pay, claw back, budget, and the three exports."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from test_claims_import import STORE_A, row, write
from test_cli import run_all, run_cli
from test_reconcile import END, World

from office_tui.core.months import monthly_periods
from office_tui.layouts import PAST_RECIPIENTS


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def test_reconcile_json_is_one_entry_per_claim(world, db_url, shell_admin):
    world.claim("A", filed_on=END + timedelta(days=1))
    world.claim("B", invoice_no="bad", existing_customer="是", filed_on=END + timedelta(days=2))
    done = run_cli("--db", db_url, "reconcile", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"claim_no": "A", "store_ubn": world.result("A")["store_ubn"], "status": "filed", "subsidy": 24_000,
         "flags": []},
        {"claim_no": "B", "store_ubn": world.result("B")["store_ubn"], "status": "rejected", "subsidy": 24_000,
         "flags": ["invoice_malformed", "existing_customer"]},
    ]
    text = run_cli("--db", db_url, "--lang", "en", "reconcile")
    assert text.returncode == 0 and "Reconciled 2 claims, 0 changed" in text.stdout
    assert "existing_customer" in text.stdout


def test_import_approve_pay_claw_back_and_budget(world, db_url, tmp_path, shell_admin):
    claims = write(tmp_path / "claims.xlsx", [row(), row(claim_no="Q2", store_ubn="1234")])
    past = write(tmp_path / "past.csv", [{"store_ubn": "22099131", "store_name": "老街雜貨", "programme": "中小型"}],
                 layout=PAST_RECIPIENTS)
    imported, listed = run_all((("--db", db_url, "import", "claims", str(claims), "--json"),),
                               (("--db", db_url, "import", "past-recipients", str(past), "--json"),))
    assert imported.returncode == 1, imported.stderr  # row 3 refused; row 2 went in all the same
    report = json.loads(imported.stdout)
    assert report["accepted"] == [2] and [e["row"] for e in report["rejected"]] == [3]
    assert report["rejected"][0]["column"] == "店家統編"
    assert json.loads(listed.stdout)["accepted"] == [2]

    # No usage log yet: nothing is clean, nothing approved.
    approve = run_cli("--db", db_url, "claims", "approve", "--all-clean", "--json")
    assert json.loads(approve.stdout) == {"approved": [], "amount": 0, "waiting": [], "remaining": 90_000_000}
    # Use in every monthly period of the term (office_tui.usage.periods).
    world.log(STORE_A, [p.first for p in monthly_periods(END - timedelta(days=364), END)])
    approve = run_cli("--db", db_url, "claims", "approve", "Q115-0001", "--reason", "第1次核定")
    assert approve.returncode == 0, approve.stderr
    assert "已核定 1 件，共 NT$24,000" in approve.stdout
    assert run_cli("--db", db_url, "claims", "approve").returncode == 2  # neither numbers nor --all-clean
    early = run_cli("--db", db_url, "claims", "pay", "--all-approved", "--on", "110/11/19")
    assert early.returncode == 1 and "早於核定日" in early.stderr  # paid before it was approved: refused
    paid = run_cli("--db", db_url, "claims", "pay", "--all-approved")
    assert paid.returncode == 0 and "1" in paid.stdout
    budget = json.loads(run_cli("--db", db_url, "claims", "budget", "--json").stdout)
    assert (budget["paid"], budget["committed"], budget["remaining"]) == (24_000, 0, 90_000_000 - 24_000)
    no_reason = run_cli("--db", db_url, "claims", "clawback", "Q115-0001", "--reason", " ")
    assert no_reason.returncode == 2
    back = run_cli("--db", db_url, "claims", "clawback", "Q115-0001", "--reason", "既有客戶續購")
    assert back.returncode == 0 and "已追回" in back.stdout
    missing = run_cli("--db", db_url, "claims", "clawback", "NOPE", "--reason", "x")
    assert missing.returncode == 1 and "查無請款編號：NOPE" in missing.stderr
    listing = json.loads(run_cli("--db", db_url, "claims", "list", "--json").stdout)
    assert [(c["claim_no"], c["status"], c["flags"]) for c in listing] == [
        ("Q115-0001", "clawed_back", ["existing_customer"])]


def test_exports_write_their_files(world, db_url, tmp_path, shell_admin):
    world.claim("A")
    results = run_all(*[(("--db", db_url, "export", kind, "-o", str(tmp_path / f"{kind}.xlsx")),)
                        for kind in ("claims", "payments", "withholding")])
    for kind, done in zip(("claims", "payments", "withholding"), results):
        assert done.returncode == 0, done.stderr
        assert load_workbook(tmp_path / f"{kind}.xlsx").active["A2"].value == "服務提供者統編"
