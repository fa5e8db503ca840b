"""Every CSV importer reads Big5 (cp950, what Excel on a Taiwanese Windows machine saves)
and UTF-16 with a BOM as it reads UTF-8, through the one detector
(importers.text_encoding); a file in another encoding is refused, naming the file."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

import test_claims_import as claims_files
import test_import_applications as application_files
import test_reviewers_import as reviewer_files
import test_scores_import as score_files
from importers.tabular import ImportFileError, open_sheet
from models import Application, PastRecipient, Provider, Reviewer, Store
from office_tui.core.errors import describe
from office_tui.layouts import PAST_RECIPIENTS, REVIEWERS

ENCODINGS = ["cp950", "big5", "utf-16"]


def recode(path, encoding: str):
    """The same CSV text, saved in ``encoding``."""
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_applications(engine, tmp_path, encoding):
    from importers.applications import import_applications

    application_files.save_batch(engine, None, 1, application_files.date(2021, 7, 1), application_files.CUTOFF)
    path = recode(application_files.write(tmp_path / "apps.csv", [application_files.row()]), encoding)
    report = import_applications(engine, None, path)
    assert (report.accepted, report.rejected) == ([2], [])
    with Session(engine) as s:
        assert s.scalar(select(Provider.name)) == "雲翔資訊股份有限公司"
        assert s.scalar(select(Application.solution_name)) == "雲端收銀 2.0"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reviewers(engine, tmp_path, encoding):
    from importers.reviewers import import_reviewers

    path = recode(reviewer_files.write(tmp_path / "members.csv", [reviewer_files.member()]), encoding)
    report = import_reviewers(engine, None, path)
    assert (report.accepted, report.rejected) == ([2], [])
    with Session(engine) as s:
        assert s.scalar(select(Reviewer.affiliation)) == "國立臺灣大學資訊管理學系"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_scores(engine, tmp_path, encoding):
    from importers.scores import import_scores

    score_files.build_office(engine)
    path = recode(score_files.write_csv(tmp_path / "scores.csv", [score_files.full("C6", "R1", 88)]), encoding)
    report = import_scores(engine, score_files.STAFF, path)
    assert (report.accepted, report.rejected) == ([2], [])


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_claims(engine, tmp_path, encoding):
    from importers.claims import import_claims

    claims_files.World(engine)
    path = recode(claims_files.write(tmp_path / "claims.csv", [claims_files.row()]), encoding)
    report = import_claims(engine, claims_files.STAFF, path)
    assert (report.accepted, report.rejected) == ([2], [])
    with Session(engine) as s:
        assert s.scalar(select(Store.name)) == "街角花店"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_past_recipients(engine, tmp_path, encoding):
    from importers.past_recipients import import_past_recipients

    rows = [{"store_ubn": "22099131", "store_name": "老街雜貨", "programme": "中小型店家數位轉型補助方案"}]
    path = recode(claims_files.write(tmp_path / "past.csv", rows, layout=PAST_RECIPIENTS), encoding)
    report = import_past_recipients(engine, None, path)
    assert (report.accepted, report.rejected) == ([2], [])
    with Session(engine) as s:
        assert s.execute(select(PastRecipient.store_name, PastRecipient.programme)).one() == \
            ("老街雜貨", "中小型店家數位轉型補助方案")


def test_another_encoding_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "名單.csv"
    path.write_bytes("委員編號,姓名\nR01,".encode() + "Müller".encode("latin-1") + b"\n")
    with pytest.raises(ImportFileError) as failed:
        with open_sheet(path, REVIEWERS) as sheet:
            list(sheet.rows())
    assert describe(failed.value) == ("無法讀取「名單.csv」：文字編碼不是 UTF-8、UTF-16（含 BOM）或 Big5，"
                                      "請在 Excel 另存為「CSV UTF-8（逗號分隔）」。")


def test_a_file_that_changes_encoding_part_way_names_the_row(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(("委員編號,姓名\n" + "R01,王小明\n" * 30_000).encode() + "R02,林美\n".encode("cp950"))
    with pytest.raises(ImportFileError) as failed:
        with open_sheet(path, REVIEWERS) as sheet:
            list(sheet.rows())
    assert "第 30002 列" in describe(failed.value) and "UTF-8" in describe(failed.value)


def test_a_utf16_file_without_a_bom_is_refused(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("委員編號,姓名\nR01,王小明\n".encode("utf-16-le"))
    with pytest.raises(ImportFileError) as failed:
        open_sheet(path, REVIEWERS)
    assert failed.value.key == "import.file.encoding"
