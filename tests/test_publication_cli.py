"""office-tui export approvals / scoresheets / summary, run for real in a subprocess."""

from __future__ import annotations

from openpyxl import load_workbook
from test_cli import run_all
from test_exports_committee import EVIL, build


def test_exports_write_the_files_and_say_so(engine, db_url, tmp_path, shell_admin):
    build(engine)
    approvals, sheets, summary, ranksum = (tmp_path / name for name in ("名單.xlsx", "sheets", "sum.xlsx", "rs.xlsx"))
    done = run_all((("--db", db_url, "export", "approvals", "--batch", "1", "-o", str(approvals)),),
                   (("--db", db_url, "export", "scoresheets", "--batch", "1", "--output", str(sheets)),),
                   (("--db", db_url, "export", "summary", "--batch", "1", "-o", str(summary)),),
                   (("--db", db_url, "--lang", "en", "export", "summary", "--batch", "1", "--method", "ranksum",
                     "-o", str(ranksum)),))
    assert [r.returncode for r in done] == [0, 0, 0, 0], [r.stderr for r in done]
    assert done[0].stdout.strip() == f"已匯出 4 筆至 {approvals}"
    assert done[1].stdout.strip() == f"已匯出 7 筆至 {sheets}.xlsx"
    assert done[3].stdout.strip() == f"Exported 3 rows to {ranksum}"
    listing = load_workbook(approvals).active
    assert listing["B3"].value == EVIL and listing["B3"].data_type == "s" and listing["C4"].value == "04595257"
    assert load_workbook(f"{sheets}.xlsx").sheetnames[0] == "R01 王大明"
    assert load_workbook(summary).active["A2"].value == "名次"
    assert load_workbook(ranksum).active["A1"].value.endswith("(ranked by rank sum)")


def test_unknown_batch_empty_batch_and_usage_errors(engine, db_url, tmp_path, shell_admin):
    build(engine)
    out = tmp_path / "x.xlsx"
    unknown, unknown_en, empty, no_output, bad_method = run_all(
        (("--db", db_url, "export", "approvals", "--batch", "9", "-o", str(out)),),
        (("--db", db_url, "--lang", "en", "export", "summary", "--batch", "9", "-o", str(out)),),
        (("--db", db_url, "export", "scoresheets", "--batch", "2", "-o", str(out)),),
        (("--db", db_url, "export", "approvals", "--batch", "1"),),
        (("--db", db_url, "export", "summary", "--batch", "1", "--method", "best", "-o", str(out)),))
    assert (unknown.returncode, unknown.stderr.strip(), unknown.stdout) == (1, "查無第 9 批次。", "")
    assert (unknown_en.returncode, unknown_en.stderr.strip()) == (1, "There is no batch 9.")
    assert (empty.returncode, empty.stderr.strip()) == (1, "第 2 批尚未分派任何評分表。")
    assert no_output.returncode == 2 and "-o" in no_output.stderr
    assert bad_method.returncode == 2 and "best" in bad_method.stderr
    assert not out.exists()
