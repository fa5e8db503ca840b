"""The command line never makes an official record by accident: a mistyped --db is
refused (only demo, db init and db upgrade create a database), an import with a refused
row ends 1, a paper sheet over the load cap needs --allow-over-cap."""

from __future__ import annotations

import json

from test_cli import run_all, run_cli, sqlite_url
from test_committee import CODES, build_office


def test_a_database_that_is_not_there_is_refused_naming_it(tmp_path):
    typo = tmp_path / "ofice.db"
    results = run_all((("applications", "list", "--db", sqlite_url(typo)),),  # reads
                      (("batch", "add", "1", "--opens", "110/07/01", "--closes", "110/07/08", "--db",
                        sqlite_url(typo)),),  # writes
                      (("--db", sqlite_url(typo)),))  # the TUI
    for result in results:
        assert result.returncode == 1 and str(typo) in result.stderr and "db init" in result.stderr
    assert not typo.exists()


def test_db_init_creates_a_new_office_once(tmp_path):
    path = tmp_path / "new" / "office.db"
    made = run_cli("db", "init", "--db", sqlite_url(path))
    assert made.returncode == 0 and str(path) in made.stdout and path.exists()
    again = run_cli("db", "init", "--db", sqlite_url(path))
    assert again.returncode == 1 and "已有辦公室資料庫" in again.stderr
    from office_tui.core.auth import os_username

    first = run_cli("user", "add", "first-admin", "--role", "admin", "--os-account", os_username(),
                    "--db", sqlite_url(path))  # a new office's first admin: the account running the tests
    assert first.returncode == 0, first.stderr
    listed = run_cli("applications", "list", "--db", sqlite_url(path))
    assert listed.returncode == 0 and "共 0 筆" in listed.stdout


def test_an_empty_file_is_not_an_office(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    result = run_cli("applications", "list", "--db", sqlite_url(path))
    assert result.returncode == 1 and "沒有辦公室的資料表" in result.stderr


def test_an_import_with_a_refused_row_ends_1_the_good_rows_in(engine, db_url, tmp_path, shell_admin):
    build_office(engine)
    good = tmp_path / "good.csv"
    good.write_text("申請編號,委員編號," + ",".join(CODES) + "\nC6,R1," + ",".join(["90"] * len(CODES)) + "\n",
                    encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text("申請編號,委員編號," + ",".join(CODES) + "\nC6,R2," + ",".join(["90"] * len(CODES))
                   + "\nC6,R99," + ",".join(["90"] * len(CODES)) + "\n", encoding="utf-8-sig")
    clean = run_cli("import", "scores", str(good), "--db", db_url)
    assert clean.returncode == 0, clean.stderr
    assert "第 2 列：委員 R1 原未分派 C6" in clean.stdout  # the assignment it made, said
    mixed = run_cli("import", "scores", str(bad), "--json", "--db", db_url)
    assert mixed.returncode == 1
    report = json.loads(mixed.stdout)
    assert report["accepted"] == [2] and [e["row"] for e in report["rejected"]] == [3]


def test_allow_over_cap(engine, db_url, tmp_path, shell_admin):
    from models import Reviewer
    from office_tui.core.db import write_session
    from test_committee import STAFF

    build_office(engine)
    with write_session(engine, STAFF, reason="more members") as s:  # cap ⌈15 / 10⌉ = 2; R1 has 2
        s.add_all(Reviewer(reviewer_no=f"R{n}", name=f"委員{n}") for n in range(6, 11))
    path = tmp_path / "s.csv"
    path.write_text("申請編號,委員編號," + ",".join(CODES) + "\nC6,R1," + ",".join(["90"] * len(CODES)) + "\n",
                    encoding="utf-8-sig")
    refused = run_cli("import", "scores", str(path), "--db", db_url)
    assert refused.returncode == 1 and "--allow-over-cap" in refused.stdout
    allowed = run_cli("import", "scores", str(path), "--allow-over-cap", "--db", db_url)
    assert allowed.returncode == 0 and "超過分派上限" in allowed.stdout
