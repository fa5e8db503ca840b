"""The triage rules on plain text (quality, kind, UBNs, dates, periods) and the staff's
decisions on documents (queue, facts, accept, deficient, skip)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

import pdfs
from models import Application, AuditEntry, Document
from office_tui.core.actor import Actor
from office_tui.core.db import read_session, write_session
from office_tui.core.i18n import catalogue
from office_tui.documents.kinds import KINDS, classify, kind_from_name
from office_tui.documents.periods import (
    annual_years,
    find_dates,
    find_ubns,
    latest_annual_year,
    latest_vat_period,
    period_check,
    vat_periods,
)
from office_tui.documents.reading import STATUSES, WARNINGS, read_pages
from office_tui.documents.text import text_quality
from office_tui.documents.triage import (
    TRIAGE_STATES,
    TriageError,
    accept,
    document_facts,
    mark_deficient,
    queue,
    skip,
)
from pdfs import APPLICANT_UBN, FIRST, OTHER_UBN, SECOND

GARBLED = ("痦針評猧塭岷姹硈嗜腋偡愖\n笙東揵綬陋姹惤烿嗜吸\n篆涷清欷 114 笙東\n痦針評猧暀碩偟殎嗧04193850\n"
           "腋偡湛博嗧114笙5僵20湛\n崍渀 27001234 痦針評猧塭岷姹硈嗜腋偡愖")


# ---- text quality ---------------------------------------------------------------------

@pytest.mark.parametrize("text, readable, why", [
    ("年度損益及稅額計算表\n統一編號：04193850\n課稅所得額 1,234,567", True, ""),
    ("Cloud POS service agreement between ACME Ltd. and Foo Co., term 12 months.", True, ""),
    ("申請書\n負責人：____________（簽章）\n□ 同意 □ 不同意 ……………………", True, ""),
    ("", False, "empty"),
    ("  \n \n", False, "empty"),
    ("(cid:17)(cid:34)(cid:51)(cid:68)\n(cid:85)(cid:102) 12", False, "cid"),
    ("\ue021\ue022\ue023\ue024 年度 \ue025\ue026\ue027", False, "odd_chars"),
    ("\ufffd\ufffd\ufffd\ufffd稅額\ufffd", False, "odd_chars"),
    ("ÞÝßàáâ ãäåæçè éêëìíî ïðñòóô õö÷øùú", False, "few_words"),
    (GARBLED, False, "rare_hanzi"),
])
def test_text_quality(text, readable, why):
    quality = text_quality(text)
    assert (quality.readable, quality.why) == (readable, why)


def test_a_few_cid_tokens_in_real_text_are_fine():
    text = "營業稅繳納證明 (cid:12) 統一編號：04193850 所屬期間：110年3月至4月 業已繳納 財政部北區國稅局"
    assert text_quality(text).readable


# ---- classification -------------------------------------------------------------------

@pytest.mark.parametrize("kind, text", [
    ("tax_return", "年度損益及稅額計算表\n114年度 營利事業所得稅結算申報\n課稅所得額 1,000"),
    ("tax_return", "營利事業所得稅結算申報書\n營業收入淨額 5,000"),
    ("vat_return_401", "營業人銷售額與稅額申報書（401）\n銷項稅額 100\n進項稅額 50"),
    ("tax_payment_proof", "營業稅繳納證明\n所屬期間：114年9月至10月"),
    ("tax_payment_proof", "營業稅繳款書\n繳款日期 114年11月12日 代收"),
    ("track_record", "軟體服務合約書\n甲方：好吃餐飲 乙方：雲端科技"),
    ("track_record", "電子發票證明聯\n發票號碼：AB-12345678\n買受人：好吃餐飲"),
    ("other_cert", "獎狀\n榮獲 2021 雲端創新獎"),
    ("other_cert", "資訊服務能量登錄證明\n經濟部產業發展署"),
    ("application_form", "雲端解決方案申請書\n申請單位：雲端科技\n應附：附件2 技術特性說明書"),
    ("tech_spec", "附件2\n雲端解決方案技術特性說明書\n大量連線"),
    ("promo_plan", "附件3\n雲端解決方案推廣計畫書\n目標客群"),
    ("deck_pdf", "雲端收銀好幫手\n審查簡報"),
])
def test_content_decides_the_kind(kind, text):
    found = classify([text], "scan0001.pdf")
    assert (found.kind, found.by) == (kind, "content")


def test_content_weighs_over_the_file_name():
    found = classify(["附件3\n雲端解決方案推廣計畫書\n目標客群"], "申請書.pdf")
    assert (found.kind, found.name_kind) == ("promo_plan", "application_form")
    reading = read_pages(["附件3\n雲端解決方案推廣計畫書\n目標客群"], "申請書.pdf")
    assert reading.warnings == ["name_mismatch"]


def test_the_file_name_decides_when_the_content_does_not():
    found = classify(["第一頁\n第二段文字"], "營業稅繳納證明_110年3-4月.pdf")
    assert (found.kind, found.by) == ("tax_payment_proof", "name")
    found = classify(["第一頁\n第二段文字"], "scan0001.pdf")
    assert (found.kind, found.by) == ("unknown", "none")


@pytest.mark.parametrize("name, kind", [
    ("附件2_技術特性說明書.pdf", "tech_spec"),
    ("附件二.pdf", "tech_spec"),
    ("附件3 推廣計畫書.pdf", "promo_plan"),
    ("113年度損益及稅額計算表.pdf", "tax_return"),
    ("401.pdf", "vat_return_401"),
    ("營業稅申報書(401).pdf", "vat_return_401"),
    ("C110-1-4010.pdf", None),
    ("營業稅繳納證明.pdf", "tax_payment_proof"),
    ("Invoice_2021.pdf", "track_record"),
    ("實績-合約.pdf", "track_record"),
    ("ISO27001_cert.pdf", "other_cert"),
    ("申請書.pdf", "application_form"),
    ("pitch-deck.pdf", "deck_pdf"),
    ("ＡＢＣ.pdf", None),
])
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


def test_a_pdf_named_like_a_deck_is_the_deck():
    assert kind_from_name("雲端收銀.PDF", frozenset({"雲端收銀"})) == "deck_pdf"


def test_slides_by_their_layout():
    pages = ["雲端收銀好幫手", "公司簡介", "方案特色", "謝謝"]
    assert classify(pages, "x.pdf", landscape_share=1.0).kind == "deck_pdf"
    assert classify(pages, "x.pdf", landscape_share=0.0).kind == "unknown"


def test_nonsense_is_never_a_known_kind_from_its_content():
    reading = read_pages([GARBLED], "scan.pdf")
    assert (reading.status, reading.kind, reading.warnings) == ("no_text", "unknown", ["unreadable_text", "unknown_kind"])
    cid = "年度損益及稅額計算表 " + "(cid:3)" * 40
    reading = read_pages([cid], "113年度損益及稅額計算表.pdf")
    assert (reading.status, reading.kind) == ("no_text", "tax_return")
    assert reading.warnings == ["unreadable_text", "kind_from_name"]
    assert reading.ubns == [] and reading.dates == []


def test_combined_files():
    found = classify(["雲端解決方案申請書\n申請單位", "附件2 技術特性說明書\n系統架構", "附件3 推廣計畫書"], "all.pdf")
    assert found.kind == "application_form"
    assert found.parts == ("application_form", "tech_spec", "promo_plan")


# ---- UBNs, dates, periods -------------------------------------------------------------

def test_find_ubns():
    text = ("營利事業統一編號：04193850\n買受人統編 1 2 3 4 5 6 7 5\n電話 27001234\n"
            "帳號 04193850\n發票 AB12345675\n日期 20210705\n參考 12345678\n扣繳 ０４１９３８５０")
    assert find_ubns(text) == ["04193850", "12345675"]
    assert find_ubns("本公司（04193850）與貴公司") == ["04193850"]
    assert find_ubns("電話：(02)2700-1234 傳真 27001235") == []


def test_numbers_on_neighbouring_lines_stay_apart():
    from office_tui.documents.text import compact

    assert compact("統一編號 04193850\n113 年度") == "統一編號04193850 113年度"
    assert annual_years("統一編號 04193850\n113年度") == [2024]
    assert vat_periods("統編 04193850\n114 年 9 - 10 月") == [(2025, 10)]
    assert find_ubns("本公司統一編號為 04193850。另有 12345675.") == ["04193850", "12345675"]


def test_find_dates():
    text = ("申報日期：110年5月20日；中華民國 110 年 7 月 5 日；110/07/05；110.07.06；２０２１-07-07；"
            "版本 1.2.3；IP 192.168.1.1；13/45/2021；2021年13月1日")
    assert find_dates(text) == [date(2021, 5, 20), date(2021, 7, 5), date(2021, 7, 6), date(2021, 7, 7)]


def test_annual_years():
    assert annual_years("中華民國 113 年度 營利事業所得稅") == [2024]
    assert annual_years("所得期間 自112年1月1日至112年12月31日") == [2023]
    assert annual_years("年度損益及稅額計算表") == []


@pytest.mark.parametrize("text, periods", [
    ("所屬年月份：114年9-10月", [(2025, 10)]),
    ("所屬期間：114年9月至10月", [(2025, 10)]),
    ("113年1月至114年4月 均已繳納", [(2025, 4)]),
    ("期別 11409-11410", [(2025, 10)]),
    ("所屬年月：114年9月", [(2025, 10)]),
    ("繳納日期：114年11月10日", []),
])
def test_vat_periods(text, periods):
    assert vat_periods(text) == periods


@pytest.mark.parametrize("day, year", [
    (date(2021, 5, 31), 2019), (date(2021, 6, 1), 2020), (date(2021, 7, 5), 2020), (date(2022, 1, 10), 2020),
])
def test_latest_annual_year(day, year):
    assert latest_annual_year(day) == year


@pytest.mark.parametrize("day, period", [
    (date(2021, 7, 5), (2021, 4)),  # May–Jun is due 7/15
    (date(2021, 7, 16), (2021, 6)),
    (date(2021, 5, 17), (2021, 2)),  # 5/15 is a Saturday: Mar–Apr is due Monday 5/17
    (date(2021, 5, 18), (2021, 4)),
    (date(2021, 1, 10), (2020, 10)),  # Nov–Dec 2020 is due 2021-01-15
    (date(2021, 1, 18), (2020, 12)),
    (date(2026, 11, 20), (2026, 10)),
])
def test_latest_vat_period(day, period):
    assert latest_vat_period(day) == period


def test_period_check():
    on = date(2021, 7, 5)
    assert period_check("tax_return", "109年度", on).warning is None
    assert period_check("tax_return", "110年度", on).warning is None  # newer is fine
    assert period_check("tax_return", "108年度", on).warning == "outdated"
    assert period_check("tax_return", "損益表", on).warning == "no_period"
    assert period_check("vat_return_401", "110年3-4月", on).warning is None
    assert period_check("vat_return_401", "110年1-2月", on).warning == "outdated"
    assert period_check("tax_payment_proof", "109年11月至110年2月", on).warning == "outdated"
    assert period_check("track_record", "108年度", on).warning is None
    assert period_check("tax_return", "108年度", None).warning is None  # no application: nothing to compare


def test_ubn_warnings():
    on = date(2021, 7, 5)
    tax = "年度損益及稅額計算表\n109年度\n統一編號：{}"
    assert read_pages([tax.format(APPLICANT_UBN)], "a.pdf", applicant_ubn=APPLICANT_UBN, submitted_on=on).warnings == []
    other = read_pages([tax.format(OTHER_UBN)], "a.pdf", applicant_ubn=APPLICANT_UBN, submitted_on=on)
    assert other.warnings == ["ubn_mismatch"]
    none = read_pages(["年度損益及稅額計算表\n109年度"], "a.pdf", applicant_ubn=APPLICANT_UBN, submitted_on=on)
    assert none.warnings == ["no_ubn"]
    plan = read_pages(["附件3 推廣計畫書"], "a.pdf", applicant_ubn=APPLICANT_UBN, submitted_on=on)
    assert plan.warnings == []  # no UBN on a plan is fine


# ---- catalogues -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_every_code_has_its_texts(lang):
    texts = catalogue(lang)
    keys = ([f"doc.{k}" for k in KINDS] + [f"triage.status_{s}" for s in STATUSES]
            + [f"triage.warning_{w}" for w in WARNINGS] + [f"triage.triage_{s}" for s in TRIAGE_STATES])
    assert [k for k in keys if k not in texts] == []


def test_triage_catalogues_match():
    import string
    import tomllib
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "office_tui" / "locales"
    zh = tomllib.loads((folder / "triage.zh_TW.toml").read_text(encoding="utf-8"))
    en = tomllib.loads((folder / "triage.en.toml").read_text(encoding="utf-8"))
    assert set(zh) == set(en) and all(k.startswith("triage.") for k in zh)

    def names(text):
        return {n for _, n, _, _ in string.Formatter().parse(text) if n}

    assert [k for k in zh if names(zh[k]) != names(en[k])] == []


# ---- decisions ------------------------------------------------------------------------

ACTOR = Actor(None, "clerk", "staff")
REQUIRED = ("tax_return", "tax_payment_proof", "track_record", "application_form", "tech_spec", "promo_plan")


@pytest.fixture
def office(engine):
    return pdfs.seed_applications(engine)


def _add(engine, app_id, kind, status="ok", name=None, triage="pending"):
    with write_session(engine, None) as session:
        doc = Document(application_id=app_id, file_name=name or f"{kind}.pdf", original_path=f"/in/{kind}.pdf",
                       sha256=f"{kind}{app_id}{name}".ljust(64, "0")[:64], kind=kind, status=status,
                       ubns_found=APPLICANT_UBN, dates_found="2021-05-20,not-a-date", text_preview="...",
                       warnings="outdated" if kind == "tax_return" else "", triage=triage)
        session.add(doc)
        session.flush()
        return doc.id


def _missing(engine, number):
    from office_tui.intake.eligibility import missing_documents

    with read_session(engine) as session:
        app = session.exec(select(Application).where(Application.application_no == number)).one()
        return missing_documents(session, app)


def test_missing_documents_follow_accept_and_deficient(engine, office):
    ids = {kind: _add(engine, office[FIRST], kind) for kind in REQUIRED}
    assert _missing(engine, FIRST) == ["tax_return"]  # read as outdated: it counts once staff confirm that
    decision = accept(engine, ACTOR, ids["tax_return"], confirm_warnings=["outdated"])
    assert decision.missing == () and "文件已齊全" in decision.message
    decision = mark_deficient(engine, ACTOR, ids["tax_payment_proof"], "繳納證明看不清楚，請重新掃描")
    assert decision.triage == "deficient" and decision.missing == ("tax_payment_proof",)
    assert "尚缺：營業稅繳納證明" in decision.message
    assert _missing(engine, FIRST) == ["tax_payment_proof"]
    decision = accept(engine, ACTOR, ids["tax_payment_proof"])
    assert decision.triage == "accepted" and decision.missing == ()
    assert "文件已齊全" in decision.message
    assert _missing(engine, FIRST) == []
    with read_session(engine) as session:
        doc = session.get(Document, ids["tax_payment_proof"])
    assert (doc.triage, doc.triage_reason, doc.triaged_at) == ("accepted", "", datetime(2026, 11, 20, 2, 0,
                                                                                          tzinfo=timezone.utc))


def test_decisions_are_audited(engine, office):
    doc_id = _add(engine, office[FIRST], "track_record")
    mark_deficient(engine, ACTOR, doc_id, "合約未用印")
    accept(engine, ACTOR, doc_id)
    skip_id = _add(engine, office[FIRST], "tech_spec")
    skip(engine, ACTOR, skip_id)
    with read_session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.table_name == "document", AuditEntry.action == "update")
                               .order_by(AuditEntry.id)).all()
    changes = [(e.row_key, e.username, e.reason, json.loads(e.changes)) for e in entries]
    assert changes[0][:3] == (str(doc_id), "clerk", "合約未用印")
    assert changes[0][3]["triage"] == ["pending", "deficient"] and changes[0][3]["triage_reason"] == ["", "合約未用印"]
    assert changes[1][0] == str(doc_id) and changes[1][3]["triage"] == ["deficient", "accepted"]
    assert changes[2][0] == str(skip_id) and "triaged_at" in changes[2][3] and "triage" not in changes[2][3]


def test_deficient_needs_a_reason(engine, office):
    doc_id = _add(engine, office[FIRST], "track_record")
    with pytest.raises(TriageError) as caught:
        mark_deficient(engine, ACTOR, doc_id, "   ")
    assert caught.value.key == "triage.reason_required"


def test_what_cannot_be_accepted(engine, office):
    encrypted = _add(engine, office[FIRST], "unknown", status="encrypted")
    with pytest.raises(TriageError) as caught:
        accept(engine, ACTOR, encrypted, kind="tax_payment_proof")
    assert caught.value.key == "triage.cannot_accept"
    mark_deficient(engine, ACTOR, encrypted, "檔案加密，請提供未加密檔")  # that one is fine
    unknown = _add(engine, office[FIRST], "unknown")
    with pytest.raises(TriageError) as caught:
        accept(engine, ACTOR, unknown)
    assert caught.value.key == "triage.kind_required"
    with pytest.raises(TriageError) as caught:
        accept(engine, ACTOR, unknown, kind="nonsense")
    assert caught.value.key == "triage.bad_kind"
    assert accept(engine, ACTOR, unknown, kind="other_cert").kind == "other_cert"
    loose = _add(engine, None, "application_form", status="unmatched")
    for decide in (lambda: accept(engine, ACTOR, loose), lambda: mark_deficient(engine, ACTOR, loose, "x"),
                   lambda: skip(engine, ACTOR, loose)):
        with pytest.raises(TriageError) as caught:
            decide()
        assert caught.value.key == "triage.no_application"
    with pytest.raises(TriageError) as caught:
        accept(engine, ACTOR, 999_999)
    assert caught.value.key == "triage.no_such_document"


def test_a_scan_can_be_accepted_as_its_kind(engine, office):
    scan = _add(engine, office[FIRST], "unknown", status="no_text")
    decision = accept(engine, ACTOR, scan, kind="tax_payment_proof")
    assert (decision.triage, decision.kind) == ("accepted", "tax_payment_proof")
    assert "tax_payment_proof" not in decision.missing  # staff read it: the checklist counts it


def test_queue_order_and_skip(engine, office):
    a_plan = _add(engine, office[FIRST], "promo_plan")
    a_tax = _add(engine, office[FIRST], "tax_return")
    b_form = _add(engine, office[SECOND], "application_form")
    a_form = _add(engine, office[FIRST], "application_form")
    loose = _add(engine, None, "unknown", status="unmatched")
    done = _add(engine, office[FIRST], "track_record", triage="accepted")
    assert queue(engine) == [a_tax, a_form, a_plan, b_form, loose, done]
    assert queue(engine, FIRST) == [a_tax, a_form, a_plan, done]
    decision = skip(engine, ACTOR, a_tax)
    assert decision.triage == "pending"
    assert queue(engine) == [a_form, a_plan, b_form, a_tax, loose, done]
    skip(engine, ACTOR, a_form)
    assert queue(engine) == [a_plan, b_form, a_tax, a_form, loose, done]
    with pytest.raises(TriageError) as caught:
        skip(engine, ACTOR, done)
    assert caught.value.key == "triage.already_decided"
    with read_session(engine) as session:
        assert session.get(Document, a_tax).triage == "pending"


def test_document_facts(engine, office):
    doc_id = _add(engine, office[FIRST], "tax_return")
    facts = document_facts(engine, doc_id)
    assert (facts.application_no, facts.company, facts.ubn) == (FIRST, pdfs.COMPANY, APPLICANT_UBN)
    assert (facts.kind, facts.kind_label, facts.status, facts.status_label) == (
        "tax_return", "年度損益及稅額計算表", "ok", "可判讀")
    assert (facts.warnings, facts.warning_labels) == (("outdated",), ("非最近一期",))
    assert facts.ubns_found == (APPLICANT_UBN,) and facts.ubn_matches is True
    assert facts.dates_found == (date(2021, 5, 20),)
    assert (facts.triage, facts.triage_label, facts.skipped, facts.can_accept) == ("pending", "待審", False, True)
    assert "tax_payment_proof" in facts.missing
    assert "tax_return" in facts.missing  # its warning stands until staff confirm it
    skip(engine, ACTOR, doc_id)
    assert document_facts(engine, doc_id).skipped
    loose = document_facts(engine, _add(engine, None, "unknown", status="unmatched"))
    assert (loose.application_no, loose.company, loose.ubn_matches, loose.can_accept, loose.missing) == (
        None, "", None, False, ())
    with pytest.raises(TriageError):
        document_facts(engine, 999_999)


def test_decisions_work_on_the_demo_office(demo_engine):
    with read_session(demo_engine) as session:
        pending = session.exec(select(Document.id).where(Document.triage == "pending")).first()
    assert pending is not None
    ids = queue(demo_engine)
    assert ids[0] == pending or document_facts(demo_engine, ids[0]).triage == "pending"
    decision = accept(demo_engine, ACTOR, ids[0])
    assert decision.triage == "accepted"
