"""Where exports are written (exports/output.py): the names accepted, folders made and
said so, and every failure to write a clear message in the interface language — never a
traceback, nor a generator's complaint when the abandoned workbook is collected."""

from __future__ import annotations

import gc
import os
import sys
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from test_cli import assert_no_traceback, run_all, run_cli
from test_exports_committee import build
from test_reconcile import END, World

from exports.list_sheet import add_list_sheet, new_list_book, save_book
from exports.output import OutputError, output_path
from exports.templates import write_template
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language


def _book():
    book = new_list_book()
    add_list_sheet(book, "x", ["a"], [["1"], ["2"]], title="t")
    return book


def _collect_quietly() -> None:
    """Collect the garbage; any 'Exception ignored in: …' it would print fails the test."""
    caught = []
    hook, sys.unraisablehook = sys.unraisablehook, caught.append
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert caught == [], [f"{c.object}: {c.exc_value!r}" for c in caught]


# -- the name --------------------------------------------------------------------------

@pytest.mark.parametrize("name, written", [("list", "list.xlsx"), ("list.xlsx", "list.xlsx"),
                                           ("名單.XLSX", "名單.XLSX")])
def test_an_xlsx_name_or_one_without_an_extension(tmp_path, name, written):
    assert save_book(_book(), tmp_path / name) == tmp_path / written
    assert load_workbook(tmp_path / written).active["A1"].value == "t"


@pytest.mark.parametrize("name", ["x.csv", "名單.v2", "x.xls", "x.xlsx.bak"])
def test_another_extension_is_refused_not_doubled(tmp_path, name):
    with pytest.raises(OutputError) as refused:
        save_book(_book(), tmp_path / name)
    message = describe(refused.value)
    assert str(tmp_path / name) in message and ".xlsx" in message
    assert list(tmp_path.iterdir()) == []  # neither x.csv nor x.csv.xlsx
    _collect_quietly()


def test_a_folder_is_not_a_file_name(tmp_path):
    with pytest.raises(OutputError) as refused:
        save_book(_book(), tmp_path)
    assert describe(refused.value).startswith(f"「{tmp_path}」是資料夾")
    with pytest.raises(OutputError):
        output_path(f"{tmp_path}/new/")
    with pytest.raises(OutputError) as refused:
        output_path("  ")
    assert describe(refused.value) == "未指定輸出檔案。"


def test_missing_folders_are_made(tmp_path):
    path = save_book(_book(), tmp_path / "115年" / "11月" / "名單")
    assert path == tmp_path / "115年" / "11月" / "名單.xlsx" and path.exists()


# -- failures while writing ------------------------------------------------------------

def test_a_path_under_a_file_says_so(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError) as refused:
        save_book(_book(), tmp_path / "file" / "x.xlsx")
    assert describe(refused.value) == f"無法寫入「{tmp_path / 'file' / 'x.xlsx'}」：「{tmp_path / 'file'}」是檔案，不是資料夾"


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
def test_an_unwritable_place_is_a_clear_error_and_nothing_is_left_behind(tmp_path):
    temporary = set(os.listdir(_openpyxl_temp()))
    with pytest.raises(OutputError) as refused:
        save_book(_book(), "/proc/nope/x.xlsx")
    assert describe(refused.value).startswith("無法建立資料夾「/proc/nope」：")
    with pytest.raises(OutputError) as refused:
        save_book(_book(), "/proc/x.xlsx")
    assert describe(refused.value).startswith("無法寫入「/proc/x.xlsx」：")
    set_language("en")
    with pytest.raises(OutputError) as refused:
        save_book(_book(), "/proc/x.xlsx")
    assert describe(refused.value).startswith('Cannot write "/proc/x.xlsx": ')
    _collect_quietly()  # the abandoned sheets' streams were closed in order: no complaint
    assert set(os.listdir(_openpyxl_temp())) <= temporary  # openpyxl's temporary files removed


def _openpyxl_temp() -> str:
    import tempfile

    return tempfile.gettempdir()


def test_a_failure_while_saving_leaves_the_earlier_file_and_no_temporary_one(tmp_path, monkeypatch):
    target = save_book(_book(), tmp_path / "list.xlsx")
    before = target.read_bytes()
    book = new_list_book()
    add_list_sheet(book, "x", ["a"], [["new"]])

    def full(path):
        with open(path, "wb") as handle:
            handle.write(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(book, "save", full)
    with pytest.raises(OutputError) as refused:
        save_book(book, target)
    assert describe(refused.value) == f"無法寫入「{target}」：磁碟空間不足"
    assert target.read_bytes() == before and os.listdir(tmp_path) == ["list.xlsx"]
    _collect_quietly()


def test_an_abandoned_list_book_is_collected_quietly():
    _book()  # built, never saved
    _collect_quietly()


def test_templates_follow_the_same_rules(tmp_path):
    assert write_template("claims", tmp_path / "t" / "claims.csv").read_text(encoding="utf-8-sig").startswith("請款編號")
    assert write_template("claims", tmp_path / "claims").name == "claims.xlsx"
    with pytest.raises(OutputError):
        write_template("claims", tmp_path / "claims.txt")
    assert not (tmp_path / "claims.txt.xlsx").exists()


# -- the command line --------------------------------------------------------------------

def test_bad_output_paths_on_the_command_line(engine, db_url, tmp_path, shell_admin):
    build(engine)
    (tmp_path / "file").write_text("x")
    proc, csv_name, folder, english, under_file = run_all(
        (("--db", db_url, "export", "approvals", "--batch", "1", "-o", "/proc/nope/x.xlsx"),),
        (("--db", db_url, "export", "summary", "--batch", "1", "-o", str(tmp_path / "x.csv")),),
        (("--db", db_url, "export", "assignments", "--batch", "1", "-o", str(tmp_path)),),
        (("--db", db_url, "--lang", "en", "export", "scoresheets", "--batch", "1", "-o", "/proc/x.xlsx"),),
        (("--db", db_url, "template", "claims", "-o", str(tmp_path / "file" / "t.csv")),))
    for done in (proc, csv_name, folder, english, under_file):
        assert done.returncode == 1, done.stderr
        assert done.stdout == ""
        assert_no_traceback(done)
        assert "Exception ignored" not in done.stderr and "錯誤（" not in done.stderr  # not "unexpected error (…)"
    assert proc.stderr.strip().startswith("無法建立資料夾「/proc/nope」：")
    assert csv_name.stderr.strip() == (f"無法寫入「{tmp_path / 'x.csv'}」：副檔名「.csv」不符，只能輸出 .xlsx 檔"
                                       f"（例如 {tmp_path / 'x.csv.xlsx'}）。")
    assert folder.stderr.strip().startswith(f"「{tmp_path}」是資料夾")
    assert english.stderr.strip().startswith('Cannot write "/proc/x.xlsx": ')
    assert "是檔案，不是資料夾" in under_file.stderr
    assert not (tmp_path / "x.csv.xlsx").exists() and not (tmp_path / "x.csv").exists()


def test_the_command_line_says_when_it_made_a_folder(engine, db_url, tmp_path, shell_admin):
    build(engine)
    target = tmp_path / "115年" / "核定名單"
    made, existing = run_all((("--db", db_url, "export", "approvals", "--batch", "1", "-o", str(target)),),
                             (("--db", db_url, "export", "approvals", "--batch", "1", "-o", str(tmp_path / "a")),))
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [f"已匯出 4 筆至 {target}.xlsx", f"已建立資料夾：{tmp_path / '115年'}"]
    assert existing.stdout.splitlines() == [f"已匯出 4 筆至 {tmp_path / 'a'}.xlsx"]


def test_claims_exports_refuse_an_unknown_provider_and_a_bad_path(engine, db_url, tmp_path, shell_admin):
    world = World(engine)
    world.claim("A", filed_on=END + timedelta(days=1))
    out = tmp_path / "c.xlsx"
    unknown, unknown_en, bad, good = run_all(
        (("--db", db_url, "export", "claims", "--provider", "99999999", "-o", str(out)),),
        (("--db", db_url, "--lang", "en", "export", "claims", "--provider", "99999999", "-o", str(out)),),
        (("--db", db_url, "export", "payments", "-o", str(tmp_path / "pay.csv")),),
        (("--db", db_url, "export", "withholding", "-o", str(tmp_path / "w")),))
    assert (unknown.returncode, unknown.stderr.strip(), unknown.stdout) == (
        1, "找不到統編 99999999 的服務提供者，未匯出任何檔案。", "")
    assert unknown_en.stderr.strip() == "No provider with UBN 99999999 is registered; nothing was exported."
    assert not out.exists()
    assert bad.returncode == 1 and "副檔名「.csv」不符" in bad.stderr and not (tmp_path / "pay.csv.xlsx").exists()
    assert good.returncode == 0 and (tmp_path / "w.xlsx").exists()
    assert_no_traceback(unknown)
    assert "不存在的資料夾會自動建立" in run_cli("--db", db_url, "export", "claims", "-h").stdout  # -o says so
