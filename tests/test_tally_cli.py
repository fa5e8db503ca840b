"""The tally, outlier, decide, import scores and sheets reopen commands, end to end."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from test_cli import run_all, run_cli
from test_committee import CODES, build_office

from models import Application, Assignment
from office_tui.core.db import read_session

KEYS = ["application_no", "mean", "median", "trimmed_mean", "stdev", "rank_sum", "mean_rank", "passed", "rank",
        "outliers", "missing", "sheets_submitted", "sheets_assigned"]


@pytest.fixture
def office(engine):
    return build_office(engine)


def test_tally_json_text_and_outliers(engine, office, db_url, shell_admin):
    as_json, as_text, english, outliers, bad = run_all(
        (("tally", "--batch", "1", "--json", "--db", db_url),),
        (("tally", "--batch", "1", "--method", "ranksum", "--db", db_url),),
        (("tally", "--batch", "1", "--db", db_url, "--lang", "en"),),
        (("outliers", "list", "--batch", "1", "--json", "--db", db_url),),
        (("tally", "--batch", "7", "--db", db_url),),
    )
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert [list(r) for r in rows] == [KEYS] * 4
    assert rows[0] == {"application_no": "C1", "mean": 80.0, "median": 80.0, "trimmed_mean": 80.0, "stdev": 2.0,
                       "rank_sum": 4.0, "mean_rank": 1.33, "passed": True, "rank": 1, "outliers": [],
                       "missing": ["R4"], "sheets_submitted": 3, "sheets_assigned": 4}
    assert rows[1]["application_no"] == "C2" and rows[1]["outliers"] == ["R3"] and rows[1]["mean"] == 78.33
    assert rows[3] == {**dict.fromkeys(KEYS), "application_no": "C6", "passed": False, "outliers": [],
                       "missing": [], "sheets_submitted": 0, "sheets_assigned": 0}

    assert as_text.returncode == 0 and "R3!" in as_text.stdout and "序位法" in as_text.stdout
    assert "雲翔資訊股份有限公司" in as_text.stdout
    assert "Outliers (! unresolved)" in english.stdout and "1 applications with unresolved" in english.stdout

    assert json.loads(outliers.stdout) == [{"application_no": "C2", "reviewer_no": "R3", "total": 95.0,
                                            "others_mean": 70.0, "difference": 25.0, "resolved": False,
                                            "note": None}]
    assert bad.returncode == 1 and "沒有第 7 批次" in bad.stderr


def test_resolve_and_decide(engine, office, db_url, shell_admin):
    blocked = run_cli("decide", "C1", "C2", "--approve", "--date", "115/11/20", "--doc-no", "經商字第11500001號",
                      "--db", db_url)
    assert blocked.returncode == 1
    assert "C2 未核定" in blocked.stderr and "R3" in blocked.stderr
    assert "C1 未核定" in blocked.stderr and "3／4" in blocked.stderr  # R4's sheet is still a draft
    incomplete = run_cli("decide", "C1", "--approve", "--date", "115/11/20", "--doc-no", "經商字第11500001號",
                         "--incomplete-reason", "R4 請假，依三份評分決議", "--db", db_url)
    assert incomplete.returncode == 0, incomplete.stderr
    assert "C1" in incomplete.stdout and "3／4" in incomplete.stdout and "R4 請假" in incomplete.stdout
    no_doc = run_cli("decide", "C2", "--reject", "--date", "2026-11-20", "--db", db_url)
    assert no_doc.returncode == 2 and "--doc-no" in no_doc.stderr
    wrong = run_cli("outliers", "resolve", "C2", "R1", "--note", "x", "--db", db_url)
    assert wrong.returncode == 1 and "不是離群分數" in wrong.stderr

    resolved = run_cli("outliers", "resolve", "C2", "R3", "--note", "委員會討論後維持原評分", "--db", db_url)
    assert resolved.returncode == 0, resolved.stderr
    done = run_cli("decide", "C2", "--approve", "--date", "115/11/20", "--doc-no", "經商字第11500001號", "--json",
                   "--db", db_url)
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    assert result["decided"] and result["new"] == "listed" and result["rank"] == 2 and result["score"] == 78.33
    with read_session(engine) as s:
        statuses = dict(s.exec(select(Application.application_no, Application.status)).all())
    assert statuses["C1"] == "listed" and statuses["C2"] == "listed"


def test_import_scores_and_reopen(engine, office, db_url, tmp_path, shell_admin):
    path = tmp_path / "scores.csv"
    path.write_text("申請編號,委員編號," + ",".join(CODES) + "\nC6,R1," + ",".join(["90"] * len(CODES))
                    + "\nC2,R5," + ",".join(["90"] * len(CODES)) + "\n", encoding="utf-8-sig")
    imported = run_cli("import", "scores", str(path), "--json", "--db", db_url)
    assert imported.returncode == 1, imported.stderr  # row 3 refused; row 2 went in all the same
    report = json.loads(imported.stdout)
    assert report["accepted"] == [2] and report["unchanged"] == [] and report["unknown_columns"] == []
    assert [(e["row"], e["column"]) for e in report["rejected"]] == [(3, "委員編號")]
    assert report["assigned"] == [{"row": 2, "application_no": "C6", "reviewer_no": "R1", "load": 3, "cap": 3}]

    reopened = run_cli("sheets", "reopen", "C6", "R1", "--reason", "紙本誤植", "--db", db_url)
    assert reopened.returncode == 0, reopened.stderr
    twice = run_cli("sheets", "reopen", "C6", "R1", "--reason", "紙本誤植", "--db", db_url)
    assert twice.returncode == 1
    with read_session(engine) as s:
        sheet = s.exec(select(Assignment).where(Assignment.application_id == office["C6"],
                                                Assignment.reviewer_id == office["R1"])).one()
    assert sheet.sheet_status == "draft"


def test_member_numbers_as_typed_and_no_reopening_a_decided_sheet(engine, office, db_url, shell_admin):
    resolved, reopened, decided, english = run_all(
        (("outliers", "resolve", "C2", "ｒ３", "--note", "維持原評分", "--db", db_url),),
        (("sheets", "reopen", "C1", "r2", "--reason", "紙本誤植", "--db", db_url),),
        (("sheets", "reopen", "C4", "R1", "--reason", "紙本誤植", "--db", db_url),),
        (("sheets", "reopen", "C4", "R2", "--reason", "typo", "--db", db_url, "--lang", "en"),),
    )
    assert resolved.returncode == 0, resolved.stderr
    assert "R3" in resolved.stdout and "ｒ３" not in resolved.stdout
    assert reopened.returncode == 0, reopened.stderr
    assert "委員 R2 對 C1 的評分表已退回為草稿" in reopened.stdout
    assert (decided.returncode, decided.stderr.strip()) == (1, "C4 已決定（未核定），其評分表是決定的依據，不能退回重開。")
    assert english.returncode == 1 and "C4 has been decided (Rejected)" in english.stderr
    with read_session(engine) as s:
        statuses = {a.id: a.sheet_status for a in s.exec(select(Assignment))}
    assert statuses[office["C1/R2"]] == "draft" and statuses[office["C4/R1"]] == "submitted"
    assert statuses[office["C4/R2"]] == "submitted"


def test_the_tally_names_conflicted_sheets_it_leaves_out(engine, office, db_url, shell_admin):
    from office_tui.core.db import write_session
    from test_committee import STAFF

    from models import Reviewer

    with write_session(engine, STAFF, reason="moved") as s:
        r3 = s.get(Reviewer, office["R3"])
        r3.affiliation = "=HYPERLINK 科技"
        s.add(r3)
    as_json, as_text = run_all((("tally", "--batch", "1", "--json", "--db", db_url),),
                               (("tally", "--batch", "1", "--db", db_url),))
    rows = json.loads(as_json.stdout)
    assert [list(r) for r in rows] == [KEYS] * 4  # the JSON keys are unchanged
    c2 = next(r for r in rows if r["application_no"] == "C2")
    assert c2["mean"] == 70.0 and c2["outliers"] == [] and c2["missing"] == []
    assert as_text.stdout.rstrip().splitlines()[-1] == (
        "迴避（不計分，亦不列為缺件）：委員 R3 須迴避 C2：服務單位即申請廠商 =HYPERLINK 科技（統編 22334451）。"
        "請移除分派：office-tui assign remove C2 R3")
