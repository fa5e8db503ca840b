"""The committee's members and assignments from the shell (run for real), and the
assignment table export reopened cell by cell."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
from sqlmodel import select

from exports.assignments import write_assignments
from models import Provider
from office_tui.committee.assignment import AssignmentRow, assignment_rows
from office_tui.core.db import read_session, write_session
from office_tui.core.ubn import make_ubn
from test_assignment import STAFF, build_office, pairs
from test_cli import assert_no_traceback, run_all, run_cli
from test_reviewers_import import member, write


def test_import_then_list_reviewers(engine, db_url, tmp_path, shell_admin):
    path = write(tmp_path / "roster.xlsx", [member(), member(reviewer_no="R02", name="李小美", conflict_ubns="1234")])
    imported = run_cli("import", "reviewers", str(path), "--json", "--db", db_url)
    assert imported.returncode == 1, imported.stderr  # row 3 refused; row 2 went in all the same
    report = json.loads(imported.stdout)
    assert report["accepted"] == [2] and report["rejected"][0]["row"] == 3
    assert report["rejected"][0]["column"] == "迴避統編"
    listed, text, english = run_all((("reviewers", "list", "--json", "--db", db_url),),
                                    (("reviewers", "list", "--db", db_url),),
                                    (("import", "reviewers", str(path), "--db", db_url, "--lang", "en"),))
    [row] = json.loads(listed.stdout)
    assert row == {"reviewer_no": "R01", "name": "王大明", "affiliation": "國立臺灣大學資訊管理學系",
                   "email": "wang@ntu.edu.tw", "expertise": "雲端收銀(POS),資安", "active": True,
                   "conflict_count": 2, "assigned": 0, "submitted": 0}
    assert "委員編號" in text.stdout and "雲端收銀(POS)、資安" in text.stdout
    assert english.stdout.splitlines()[0] == "Import finished: 0 members added, 0 updated, 1 unchanged, 1 rejected."


def test_conflicts_from_the_shell(engine, db_url, shell_admin):
    ubns = build_office(engine, apps=2, members=2)
    with write_session(engine, STAFF, "assign") as session:
        from office_tui.committee.assignment import assign

        assign(session, STAFF, "A01", "R01")
    added = run_cli("reviewers", "conflict", "add", "R01", ubns["A01"], "--note", "前雇主", "--db", db_url)
    assert added.returncode == 0, added.stderr
    assert f"已登記委員 R01 迴避統編 {ubns['A01']}" in added.stdout
    assert "A01" in added.stderr and "前雇主" in added.stderr  # the assignment it now clashes with
    bad, missing, usage = run_all((("reviewers", "conflict", "add", "R01", "12345678", "--db", db_url),),
                                  (("reviewers", "conflict", "remove", "R02", ubns["A01"], "--db", db_url,
                                    "--lang", "en"),),
                                  (("reviewers", "conflict", "add", "R01", "--db", db_url),))
    assert (bad.returncode, bad.stderr.strip()) == (1, "統一編號 12345678 檢查碼不符。")
    assert (missing.returncode, missing.stderr.strip()) == (
        1, f"Member R02 has not declared a conflict with UBN {ubns['A01']}.")
    assert usage.returncode == 2
    removed = run_cli("reviewers", "conflict", "remove", "R01", ubns["A01"], "--db", db_url)
    assert removed.returncode == 0 and "已撤銷" in removed.stdout
    for result in (added, bad, missing, usage, removed):
        assert_no_traceback(result)


def test_assign_from_the_shell(engine, db_url, shell_admin):
    ubns = build_office(engine, apps=3, members=4)
    with write_session(engine, STAFF, "conflict") as session:
        from office_tui.committee.roster import add_conflict

        add_conflict(session, STAFF, "R01", ubns["A01"], "股東")
    auto = run_cli("assign", "auto", "--batch", "1", "--k", "4", "--json", "--db", db_url)
    assert auto.returncode == 0, auto.stderr
    plan = json.loads(auto.stdout)
    assert (plan["batch"], plan["k"], plan["cap"]) == (1, 4, 3)
    assert {"application_no": "A01", "reviewer_no": "R01"} not in plan["created"]
    assert plan["unstaffed"][0]["application_no"] == "A01" and plan["unstaffed"][0]["staffed"] == 3
    assert "R01" in plan["unstaffed"][0]["reason"]
    assert max(plan["loads"].values()) <= 3
    refused, listed, text = run_all((("assign", "add", "A01", "R01", "--db", db_url),),
                                    (("assign", "list", "--batch", "1", "--json", "--db", db_url),),
                                    (("assign", "auto", "--batch", "1", "--k", "4", "--db", db_url, "--lang", "en"),))
    assert refused.returncode == 1 and "股東" in refused.stderr and "A01" in refused.stderr
    assert len(json.loads(listed.stdout)) == len(plan["created"])
    assert json.loads(listed.stdout)[0]["ubn"] == ubns["A01"]
    assert text.stdout.startswith("Batch 1 assigned automatically: 0 new assignments")
    assert "A01: only 3 of 4 members" in text.stdout
    some = plan["created"][0]
    removed = run_cli("assign", "remove", some["application_no"], some["reviewer_no"], "--db", db_url)
    assert removed.returncode == 0, removed.stderr
    assert (some["application_no"], some["reviewer_no"]) not in pairs(engine)
    again = run_cli("assign", "add", some["application_no"], some["reviewer_no"], "--db", db_url)
    assert again.returncode == 0 and (some["application_no"], some["reviewer_no"]) in pairs(engine)
    nobatch = run_cli("assign", "auto", "--batch", "9", "--db", db_url)
    assert (nobatch.returncode, nobatch.stderr.strip()) == (1, "沒有第 9 批次。")


def test_export_assignments_from_the_shell(engine, db_url, tmp_path, shell_admin):
    build_office(engine, apps=2, members=2)
    run_cli("assign", "auto", "--batch", "1", "--k", "2", "--db", db_url)
    target = tmp_path / "out" / "分派表.xlsx"
    result = run_cli("export", "assignments", "--batch", "1", "-o", str(target), "--db", db_url)
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value == "第 1 批次審查分派表（115/11/20 製表，共 4 筆）"
    assert [c.value for c in sheet[2]] == ["申請編號", "服務提供者", "統一編號", "方案名稱", "方案類別", "委員編號",
                                          "委員姓名", "評分狀態"]
    assert [c.value for c in sheet[3]][:1] == ["A01"] and sheet.max_row == 6
    missing = run_cli("export", "assignments", "--batch", "5", "-o", str(target), "--db", db_url)
    assert missing.returncode == 1 and "5" in missing.stderr


def test_the_export_keeps_codes_and_risky_names_as_text(engine, tmp_path):
    build_office(engine, apps=1, members=1)
    ubn = make_ubn("0012345")
    with write_session(engine, STAFF, "risky") as session:
        provider = session.exec(select(Provider)).one()
        provider.name, provider.ubn = "=HYPERLINK(\"http://x\",\"點我\")", ubn
        from office_tui.committee.assignment import assign

        assign(session, STAFF, "A01", "R01")
    with read_session(engine) as session:
        rows = assignment_rows(session, 1)
    rows.append(AssignmentRow("+A02", "@方案", "-公司", "crm", "R02", "=1+1", "submitted", "00000000", 1))
    path = write_assignments(rows, tmp_path / "assign", 1, today=date(2026, 11, 20))
    assert path.name == "assign.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A3"
    first = [c.value for c in sheet[3]]
    assert first == ["A01", "=HYPERLINK(\"http://x\",\"點我\")", ubn, "方案1", "雲端收銀(POS)", "R01", "委員1", "未填"]
    assert ubn.startswith("00")
    assert [c.data_type for c in sheet[3]] == ["s"] * 8
    second = [c.value for c in sheet[4]]
    assert second == ["+A02", "-公司", "00000000", "@方案", "CRM(客戶關係管理)", "R02", "=1+1", "已送出"]
    assert all(c.data_type == "s" for c in sheet[4])
    assert sheet["B3"].quotePrefix and sheet["G4"].quotePrefix and not sheet["A3"].quotePrefix
    # Widths fit the Chinese header and the longest cell (wide characters count double).
    assert sheet.column_dimensions["B"].width >= len("=HYPERLINK(\"http://x\",\"點我\")") + 2
    assert sheet.column_dimensions["E"].width >= 2 * len("CRM(客戶關係管理)") - 3


def test_a_committee_members_os_account_cannot_use_the_shell(demo_url):
    """Members never see others' scores nor act as staff, from the shell either."""
    from sqlmodel import select

    from models import User
    from office_tui.core.auth import os_username
    from office_tui.core.db import make_engine, write_session

    run = run_cli
    me = os_username()
    linked = run("user", "add", "member9", "--role", "reviewer", "--reviewer", "R01", "--os-account", "member9",
                 "--password-stdin", "--db", demo_url, input="secret-pass\n")
    assert linked.returncode == 0, linked.stderr
    engine = make_engine(demo_url)  # the account running the tests becomes member9's
    with write_session(engine, None, "test: the member's own account") as session:
        for user in session.exec(select(User).where(User.os_account.in_([me, "member9"]))).all():
            user.os_account = None
        session.flush()
        session.exec(select(User).where(User.username == "member9")).one().os_account = me
    engine.dispose()
    for command in (("tally", "--batch", "3", "--json"), ("outliers", "list", "--batch", "3"),
                    ("claims", "approve", "--all-clean")):
        refused = run(*command, "--db", demo_url)
        assert refused.returncode == 1 and "審查委員" in refused.stderr and refused.stdout == ""


def test_a_conflict_found_after_scoring_from_the_shell(engine, db_url, shell_admin):
    """test_committee's office: R1, R2, R3 submitted C2 (provider UBN 22334451)."""
    from test_committee import build_office as committee_office

    from models import Assignment, AuditEntry, Score

    ids = committee_office(engine)
    added, english = run_all((("reviewers", "conflict", "add", "r1", "22334451", "--note", "前雇主", "--db", db_url),),
                             (("reviewers", "conflict", "add", "Ｒ２", "22334451", "--db", db_url, "--lang", "en"),))
    assert added.returncode == 0, added.stderr
    assert "已登記委員 R1 迴避統編 22334451" in added.stdout
    assert added.stderr.strip() == ("注意：委員 R1 須迴避 C2：已申報迴避 =HYPERLINK 科技（統編 22334451；前雇主）。"
                                    " 此委員已被分派審查 C2，其評分表不予計入；請移除該分派：office-tui assign remove C2 R1")
    assert english.returncode == 0 and english.stderr.strip().endswith(
        "that sheet no longer counts; remove the assignment: office-tui assign remove C2 R2")

    tallied = run_cli("tally", "--batch", "1", "--json", "--db", db_url)
    c2 = next(row for row in json.loads(tallied.stdout) if row["application_no"] == "C2")
    assert c2["mean"] == 95.0 and c2["missing"] == [] and c2["outliers"] == []  # only R3's sheet counts

    scored, removed = run_all((("assign", "remove", "C1", "R2", "--db", db_url),),
                              (("assign", "remove", "C2", "r1", "--db", db_url),))
    assert scored.returncode == 1 and "已開始評分" in scored.stderr  # not conflicted: the sheet stays
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("已移除委員 R1 對 C2 的分派，評分表（已送出）與 13 項分數一併刪除。原因：委員 R1 須迴避 C2")
    with read_session(engine) as s:
        assert s.get(Assignment, ids["C2/R1"]) is None and s.get(Assignment, ids["C1/R2"]) is not None
        assert s.exec(select(Score).where(Score.assignment_id == ids["C2/R1"])).all() == []
        reasons = {e.reason for e in s.exec(select(AuditEntry).where(AuditEntry.action == "delete")).all()}
        assert len(reasons) == 1 and reasons.pop().startswith("利益迴避：移除委員 R1 對 C2 的分派與評分。")
    for result in (added, english, tallied, scored, removed):
        assert_no_traceback(result)


def test_assign_list_refuses_an_unknown_batch_and_refusals_use_the_status_label(engine, db_url, shell_admin):
    from test_committee import build_office as committee_office

    committee_office(engine)
    unknown, known, decided = run_all((("assign", "list", "--batch", "99", "--db", db_url),),
                                      (("assign", "list", "--batch", "1", "--json", "--db", db_url),),
                                      (("assign", "add", "C4", "R3", "--db", db_url),))
    assert (unknown.returncode, unknown.stderr.strip(), unknown.stdout) == (1, "沒有第 99 批次。", "")
    assert known.returncode == 0 and len(json.loads(known.stdout)) == 10
    assert decided.returncode == 1
    assert decided.stderr.strip() == "C4 目前狀態為「未核定」，只有「資格符合」的申請案能分派審查委員。"
