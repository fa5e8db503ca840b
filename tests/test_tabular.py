"""Reading import files against a column layout: headers, row numbers, csv and xlsx, and
files that cannot be read."""

from __future__ import annotations

from datetime import date, datetime, timezone

import openpyxl
import pytest
from sqlalchemy import insert, select

from importers.tabular import ImportFileError, insert_rows, open_sheet
from office_tui.layouts import Column, Layout, header_key
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language

PEOPLE = Layout("people", (
    Column("reviewer_no", "委員編號", "reviewer_no", required=True),
    Column("name", "姓名", "name", required=True),
    Column("email", "聯絡人Email", "contact_email"),
    Column("t1", "T1", "T1", also=("大量連線",)),
))


def xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def csv_file(path, text, encoding="utf-8-sig"):
    path.write_bytes(text.encode(encoding))
    return path


def test_headers_match_in_chinese_or_english_whatever_the_case_width_and_spacing(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [[" Reviewer No ", "ＮＡＭＥ", "聯絡人 email", "大量連線", "備註"],
                                      ["R01", "王小明", "w@x.tw", 80, "x"]])
    with open_sheet(path, PEOPLE) as sheet:
        assert sheet.headers == {"reviewer_no": "Reviewer No", "name": "ＮＡＭＥ", "email": "聯絡人 email",
                                 "t1": "大量連線"}
        assert sheet.unknown_columns == ["備註"]
        assert sheet.missing == []
        rows = list(sheet.rows())
    assert rows == [(2, {"reviewer_no": "R01", "name": "王小明", "email": "w@x.tw", "t1": 80.0})]


def test_header_key_folds_case_width_spaces_and_underscores():
    assert header_key("Application_No") == header_key("application no") == header_key("ＡＰＰＬＩＣＡＴＩＯＮ－ＮＯ")


def test_row_numbers_are_the_sheets_and_empty_rows_are_skipped(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["委員編號", "姓名"], ["R01", "甲"], [None, None], ["  ", " "], ["R02", "乙"],
                                      [None, "\u3000"], ["R03", "丁"]])
    with open_sheet(path, PEOPLE) as sheet:
        assert [(row.number, row.values["reviewer_no"]) for row in sheet.rows()] == [(2, "R01"), (5, "R02"), (7, "R03")]
    with open_sheet(path, PEOPLE) as sheet:
        assert [n for chunk in sheet.chunks(size=3) for n in chunk.numbers] == [2, 5, 7]


def test_chunks_are_columns_aligned_with_row_numbers(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["姓名", "委員編號"]] + [[f"n{i}", f"R{i}"] if i % 3 else [None, None]
                                                           for i in range(1, 11)])
    with open_sheet(path, PEOPLE) as sheet:
        chunks = list(sheet.chunks(size=4))
    numbers = [n for chunk in chunks for n in chunk.numbers]
    names = [v for chunk in chunks for v in chunk.columns["name"]]
    assert numbers == [2, 3, 5, 6, 8, 9, 11]
    assert names == ["n1", "n2", "n4", "n5", "n7", "n8", "n10"]
    assert all(v is None for chunk in chunks for v in chunk.columns["email"])  # a column the file lacks


def test_a_missing_required_column_fails_the_whole_file(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["委員編號", "Email"], ["R01", "x@y"]])
    with pytest.raises(ImportFileError) as failed:
        open_sheet(path, PEOPLE)
    assert describe(failed.value) == "「a.xlsx」缺少必要欄位：姓名；未匯入任何資料。"
    with open_sheet(path, PEOPLE, require=False) as sheet:
        assert sheet.missing == ["name"]


def test_the_same_column_twice_is_refused(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["委員編號", "姓名", "name"], ["R01", "甲", "乙"]])
    with pytest.raises(ImportFileError) as failed:
        open_sheet(path, PEOPLE)
    assert failed.value.key == "import.file.duplicate_column"


def test_the_header_must_be_row_1(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [[None], ["委員編號", "姓名"], ["R01", "甲"]])
    with pytest.raises(ImportFileError) as failed:
        open_sheet(path, PEOPLE)
    assert failed.value.key == "import.file.no_header"


def test_rows_below_a_gap_keep_their_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B1"], sheet["C1"] = "委員編號", "姓名"  # column A empty throughout
    sheet["B4"], sheet["C4"] = "R09", "丙"
    book.save(tmp_path / "a.xlsx")
    with open_sheet(tmp_path / "a.xlsx", PEOPLE) as opened:
        assert list(opened.rows()) == [(4, {"reviewer_no": "R09", "name": "丙"})]


def test_csv_with_and_without_bom(tmp_path):
    for name, encoding in (("bom.csv", "utf-8-sig"), ("plain.csv", "utf-8")):
        path = csv_file(tmp_path / name, "委員編號,姓名,Email\r\nR01,王小明,a@b.tw\r\n\r\nR02,\"林,美\",\n", encoding)
        with open_sheet(path, PEOPLE) as sheet:
            assert sheet.headers["reviewer_no"] == "委員編號"  # the BOM is not part of the header
            assert [(r.number, r.values["name"]) for r in sheet.rows()] == [(2, "王小明"), (4, "林,美")]


def test_short_csv_rows_are_padded(tmp_path):
    path = csv_file(tmp_path / "a.csv", "委員編號,姓名,Email\nR01,甲\n")
    with open_sheet(path, PEOPLE) as sheet:
        [chunk] = list(sheet.chunks())
    assert chunk.columns["email"] == (None,)


def test_a_big5_or_gzipped_csv_reads_as_utf8_does(tmp_path):
    import gzip

    text = "委員編號,姓名\nR01,王小明\n"
    for path in (csv_file(tmp_path / "big5.csv", text, encoding="big5"),
                 tmp_path / "a.csv.gz"):
        if path.suffix == ".gz":
            path.write_bytes(gzip.compress(text.encode("cp950")))
        with open_sheet(path, PEOPLE) as sheet:
            assert [(r.number, r.values["name"]) for r in sheet.rows()] == [(2, "王小明")]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"\x00" * 100, "委員編號,姓名\n".encode()])
def test_a_corrupt_xlsx_is_one_clear_error(tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as failed:
        open_sheet(path, PEOPLE)
    assert describe(failed.value) == "無法讀取「broken.xlsx」：檔案已損毀，或不是 Excel（.xlsx）檔。"
    set_language("en")
    assert describe(failed.value) == 'Cannot read "broken.xlsx": the file is damaged or not an Excel (.xlsx) file.'


def test_other_unreadable_files(tmp_path):
    with pytest.raises(ImportFileError) as failed:
        open_sheet(tmp_path / "nothing.xlsx", PEOPLE)
    assert failed.value.key == "import.file.not_found"
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(ImportFileError) as failed:
        open_sheet(tmp_path / "a.pdf", PEOPLE)
    assert failed.value.key == "import.file.unsupported"
    empty = xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(ImportFileError) as failed:
        open_sheet(empty, PEOPLE)
    assert failed.value.key == "import.file.no_header"


def test_a_layout_may_not_give_one_header_to_two_columns():
    clash = Layout("clash", (Column("a", "甲", "x"), Column("b", "乙", "X")))
    with pytest.raises(ValueError):
        clash.lookup


def test_insert_rows_stores_what_core_stores(engine):
    """The driver-level executemany binds values exactly as Core's insert would."""
    from models import Batch

    table = Batch.__table__
    closes = datetime(2021, 7, 8, 9, 0, 0, 5, tzinfo=timezone.utc)
    when = datetime(2021, 7, 1, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(table), [dict(number=1, programme="A", opens_on=date(2021, 7, 1), closes_at=closes,
                                                meeting_on=None, rubric=None, note="", created_at=when)])
        insert_rows(connection, table, ["number", "programme", "opens_on", "closes_at", "meeting_on", "rubric", "note",
                                        "created_at"],
                    [(n, "A", date(2021, 7, 1), closes, None, None, "", when) for n in range(2, 7)], chunk=2)
    with engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT number, opens_on, closes_at, created_at FROM batch ORDER BY number").all()
        typed = connection.execute(select(table.c.closes_at)).scalars().all()
    assert len({row[1:] for row in raw}) == 1  # the same stored text for every row
    assert typed == [closes] * 6


# -- writing: the xlsx helper and the empty templates --------------------------------


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    from exports.xlsx import set_text, set_value

    # (A leading CR is kept as text too, but XML reads any CR back as LF.)
    risky = ["=SUM(A1:A3)", "=HYPERLINK(\"http://x\",\"y\")", "+886-2-1234", "-30", "@cmd", "\tx", "\nx"]
    book = openpyxl.Workbook()
    sheet = book.active
    for row, text in enumerate(risky, start=1):
        set_text(sheet.cell(row=row, column=1), text)
    set_value(sheet.cell(row=1, column=2), "04595257")
    set_value(sheet.cell(row=2, column=2), 4595257, text=True)
    set_value(sheet.cell(row=3, column=2), 30000)
    book.save(tmp_path / "out.xlsx")
    reopened = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    for row, text in enumerate(risky, start=1):
        cell = reopened.cell(row=row, column=1)
        assert (cell.data_type, cell.value) == ("s", text)
        assert cell.quotePrefix
    assert reopened["B1"].value == "04595257" and reopened["B1"].data_type == "s"
    assert reopened["B2"].value == "4595257"  # a number written as text, as asked
    assert reopened["B3"].value == 30000 and reopened["B3"].data_type == "n"


def test_column_widths_count_wide_characters_twice():
    from exports.xlsx import display_width, fit_columns

    assert display_width("abc") == 3
    assert display_width("臺北市") == 6
    assert display_width("ＮＴ＄") == 6
    assert display_width("第一行\nab") == 6
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["雲翔資訊股份有限公司", "x"])
    fit_columns(sheet)
    assert sheet.column_dimensions["A"].width == 22  # 10 wide characters + padding
    assert sheet.column_dimensions["B"].width == 6  # never narrower than the minimum


@pytest.mark.parametrize("kind", ["applications", "reviewers", "scores", "claims", "usage", "usage-daily",
                                  "past-recipients"])
def test_a_written_template_reads_back_with_exactly_its_headers(tmp_path, kind):
    from exports.templates import LAYOUTS, write_template

    layout = LAYOUTS[kind]
    path = write_template(kind, tmp_path / f"{kind}.xlsx")
    with open_sheet(path, layout) as sheet:
        assert list(sheet.headers.values()) == layout.headers
        assert sheet.unknown_columns == [] and sheet.missing == []
        assert list(sheet.rows()) == []
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[1] == "說明"
    notes = list(book["說明"].iter_rows(min_row=2, max_row=len(layout.columns) + 1, values_only=True))
    assert [(header, alias) for header, alias, *_ in notes] == [(c.header, c.alias) for c in layout.columns]
    assert all(content and not content.startswith("import.") for *_, content in notes)


def test_the_applications_template_keeps_ubn_leading_zeros_and_has_the_chinese_headers(tmp_path):
    from exports.templates import write_template

    path = write_template("applications", tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]][:4] == ["批次", "申請編號", "公司名稱", "公司統編"]
    assert sheet.column_dimensions["D"].number_format == "@"  # 公司統編: typed 04595257 stays text
    assert all(c.data_type == "s" for c in sheet[1])


def test_a_csv_template_is_the_header_row_with_a_bom(tmp_path):
    from exports.templates import write_template

    path = write_template("reviewers", tmp_path / "r.csv")
    assert path.read_bytes() == "\ufeff委員編號,姓名,服務單位,Email,專長,迴避統編\r\n".encode()


def test_an_unknown_template_kind(tmp_path):
    from exports.templates import TemplateError, write_template

    with pytest.raises(TemplateError) as failed:
        write_template("stores", tmp_path / "s.xlsx")
    assert "applications" in describe(failed.value)


def test_every_import_message_exists_in_both_languages():
    """test_i18n scans office_tui/ and screens/; the importers' and exports' keys here."""
    import re
    from pathlib import Path

    from exports.templates import LAYOUTS
    from office_tui.core.i18n import catalogue

    root = Path(__file__).resolve().parents[1]
    keys = set()
    for folder in ("importers", "exports"):
        for path in (root / folder).rglob("*.py"):
            keys |= set(re.findall(r"""["'](import\.[a-z0-9_.]*[a-z0-9_])["']""", path.read_text(encoding="utf-8")))
    keys |= {layout.help_key(column) for layout in LAYOUTS.values() for column in layout.columns}
    assert len(keys) > 60
    for lang in ("zh_TW", "en"):
        assert sorted(k for k in keys if k not in catalogue(lang)) == [], lang
