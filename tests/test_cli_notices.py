"""The calendar and correction notices from the shell."""

from __future__ import annotations

import json

import pdfs
from test_cli import run_cli


def test_workdays_add_takes_roc_and_iso_and_prints_iso(db_url, shell_admin, monkeypatch):
    monkeypatch.setenv("OFFICE_TUI_DB", db_url)  # an office the account running the tests works in
    assert run_cli("workdays", "add", "110/09/08", "3").stdout.strip() == "2021-09-11"
    assert run_cli("workdays", "add", "中華民國110年2月9日", "3").stdout.strip() == "2021-02-19"
    assert run_cli("workdays", "add", "2021-02-18", "3").stdout.strip() == "2021-02-22"
    bad = run_cli("workdays", "add", "110/02/30", "3")
    assert bad.returncode == 2 and "無法辨識" in bad.stderr


def test_closure_add_moves_a_notice_and_list_shows_it(engine, db_url, monkeypatch, shell_admin):
    monkeypatch.setenv("OFFICE_TUI_NOW", "2021-07-13T10:00:00+08:00")  # or opening would lapse it
    pdfs.seed_applications(engine)
    raised = run_cli("--db", db_url, "notices", "raise", pdfs.FIRST, "--notified", "110/07/12", "--item", "缺401")
    assert raised.returncode == 0 and "110/07/15" in raised.stdout
    added = run_cli("--db", db_url, "workdays", "closure", "add", "110/07/14", "--reason", "颱風停止上班")
    assert added.returncode == 0 and "2021-07-16" in added.stdout
    listed = json.loads(run_cli("--db", db_url, "workdays", "list", "2021", "--json").stdout)
    assert {"date": "2021-07-14", "working": False, "name": "颱風停止上班", "override": "closure"} in listed
    assert any(d["date"] == "2021-09-11" and d["working"] for d in listed)
    notices = json.loads(run_cli("--db", db_url, "notices", "list", "--status", "open", "--json").stdout)
    assert [(n["application_no"], n["due_on"]) for n in notices] == [(pdfs.FIRST, "2021-07-16")]
    removed = run_cli("--db", db_url, "workdays", "closure", "remove", "2021-07-14")
    assert removed.returncode == 0 and "2021-07-15" in removed.stdout


def test_any_command_lapses_overdue_notices(engine, db_url, monkeypatch, shell_admin):
    monkeypatch.setenv("OFFICE_TUI_NOW", "2021-07-15T23:30:00+08:00")  # the due day, late evening
    pdfs.seed_applications(engine)
    run_cli("--db", db_url, "notices", "raise", pdfs.FIRST, "--notified", "2021-07-12", "--item", "x")
    still = json.loads(run_cli("--db", db_url, "notices", "list", "--json").stdout)
    assert still[0]["status"] == "open"
    later = {"OFFICE_TUI_NOW": "2021-07-16T00:30:00+08:00"}
    listed = json.loads(run_cli("--db", db_url, "applications", "list", "--json", env=later).stdout)
    first = next(a for a in listed if a["application_no"] == pdfs.FIRST)
    assert (first["status"], first["status_reason"]) == ("not_accepted", "逾期未補正，不予受理")
    notices = json.loads(run_cli("--db", db_url, "notices", "list", "--json", env=later).stdout)
    assert notices[0]["status"] == "lapsed"
