"""Correction windows on Taiwan's working-day calendar (docs/rules/notices.md): counting, closures
that move a due date, lapsing by itself on the right day, and the clock's zone."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, select

import pdfs
from models import Application, AuditEntry, CorrectionNotice, Document
from office_tui.core.actor import Actor
from office_tui.core.config import load_settings
from office_tui.core.db import write_session
from office_tui.notices.correction import (LAPSED_DECK, LAPSED_DOCUMENTS, NoticeError, deck_gaps, extend, items_to_correct,
                                lapse_overdue, list_notices, mark_corrected, raise_deck_notices, raise_notice,
                                withdraw)
from office_tui.notices.calendar import exceptions, office_calendar
from office_tui.notices.closures import remove_override, set_override
from office_tui.opening import open_office

STAFF = Actor(None, "staff1", "staff")


@pytest.fixture
def office(engine):
    pdfs.seed_applications(engine)  # batch 1, FIRST and SECOND, both "received"
    return engine


def _notice(engine, notice_id) -> CorrectionNotice:
    with Session(engine) as s:
        return s.get(CorrectionNotice, notice_id)


def _app(engine, number=pdfs.FIRST) -> Application:
    with Session(engine) as s:
        return s.exec(select(Application).where(Application.application_no == number)).one()


# -- counting ---------------------------------------------------------------------------------
@pytest.mark.parametrize("notified, due", [
    (date(2021, 9, 8), date(2021, 9, 11)),    # Wed → Thu, Fri, make-up Sat 9/11
    (date(2021, 2, 9), date(2021, 2, 19)),    # Lunar New Year 2/10–2/16 off
    (date(2021, 2, 18), date(2021, 2, 22)),   # Fri 2/19, make-up Sat 2/20, Mon 2/22
    (date(2021, 7, 9), date(2021, 7, 14)),    # Fri notice: Mon, Tue, Wed
    (date(2021, 7, 10), date(2021, 7, 14)),   # received on a Saturday: day 1 is Monday
])
def test_due_is_the_third_working_day_after_the_notice(office, notified, due):
    with write_session(office, STAFF) as s:  # submitted before every notice day counted here
        app = s.exec(select(Application).where(Application.application_no == pdfs.FIRST)).one()
        app.submitted_at = datetime(2021, 1, 4, 10, 0, tzinfo=timezone.utc)
    notice = raise_notice(office, STAFF, pdfs.FIRST, notified, ["缺營業稅繳納證明"])
    assert notice.due_on == due and notice.working_days == 3


def test_raising_a_notice_moves_the_application_to_awaiting_correction_and_lists_the_items(office, tmp_path):
    with write_session(office, STAFF) as s:
        app = s.exec(select(Application).where(Application.application_no == pdfs.FIRST)).one()
        s.add(Document(application_id=app.id, file_name="繳納證明.pdf", original_path="x", sha256="a" * 64,
                       kind="tax_payment_proof", status="ok", triage="deficient", triage_reason="期別不是最近一期"))
    with Session(office) as s:
        items = items_to_correct(s, s.exec(select(Application).where(Application.application_no == pdfs.FIRST)).one())
    assert items[0] == "營業稅繳納證明（繳納證明.pdf）：期別不是最近一期"
    assert any("年度損益及稅額計算表" in i for i in items)  # missing documents follow
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12))
    assert notice.items.splitlines() == items
    assert _app(office).status == "awaiting_correction"
    with pytest.raises(NoticeError) as caught:
        raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])
    assert caught.value.key == "notice.already_open"


def test_the_window_follows_the_programmes_setting(office, tmp_path, monkeypatch):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[correction_working_days]\nA = 5\n', encoding="utf-8")
    assert load_settings().correction_working_days["A"] == 5
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 9, 8), ["x"])
    assert notice.due_on == date(2021, 9, 14) and notice.working_days == 5


# -- closures and extensions --------------------------------------------------------------------
def test_a_closure_declared_after_the_notice_moves_its_due_date_and_says_why(office):
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])  # Mon → due Thu 7/15
    assert notice.due_on == date(2021, 7, 15)
    moved = set_override(office, STAFF, date(2021, 7, 14), "closure", "颱風停止上班", "人事總處公告")
    assert [n.id for n in moved] == [notice.id]
    assert _notice(office, notice.id).due_on == date(2021, 7, 16)
    with Session(office) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.table_name == "correctionnotice",
                                                AuditEntry.action == "update")).one()
    assert "颱風停止上班" in entry.reason and json.loads(entry.changes)["due_on"] == ["2021-07-15", "2021-07-16"]
    # a closure after the due date moves nothing; taking the first one back restores the date
    assert set_override(office, STAFF, date(2021, 7, 20), "closure", "颱風停止上班") == []
    remove_override(office, STAFF, date(2021, 7, 14))
    assert _notice(office, notice.id).due_on == date(2021, 7, 15)


def test_an_extra_workday_and_an_extension(office):
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 9), ["x"])  # Fri → due Wed 7/14
    set_override(office, STAFF, date(2021, 7, 10), "workday", "補行上班")
    assert _notice(office, notice.id).due_on == date(2021, 7, 13)
    extend(office, STAFF, notice.id, 2, "廠商申請延長")
    assert _notice(office, notice.id).due_on == date(2021, 7, 15)
    with pytest.raises(NoticeError):
        extend(office, STAFF, notice.id, 1, " ")


def test_calendar_exceptions_of_a_year(engine):
    set_override(engine, STAFF, date(2021, 7, 14), "closure", "颱風停止上班")
    found = {d.day: d for d in exceptions(engine, 2021)}
    assert found[date(2021, 2, 20)].working and found[date(2021, 9, 11)].working  # make-up Saturdays
    assert not found[date(2021, 10, 11)].working  # substituted day off
    assert found[date(2021, 7, 14)].override == "closure" and found[date(2021, 7, 14)].reason == "颱風停止上班"
    assert office_calendar(engine).add_working_days(date(2021, 7, 13), 1) == date(2021, 7, 15)


# -- closing and lapsing -----------------------------------------------------------------------
def test_corrected_returns_the_application_to_review(office):
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])
    mark_corrected(office, STAFF, notice.id, date(2021, 7, 14))
    closed = _notice(office, notice.id)
    assert (closed.status, closed.corrected_on) == ("corrected", date(2021, 7, 14))
    assert _app(office).status == "qualification_review"
    assert lapse_overdue(office, today=date(2021, 8, 1)) == []  # a closed notice never lapses


def test_withdrawn_needs_a_reason(office):
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])
    with pytest.raises(NoticeError):
        withdraw(office, STAFF, notice.id, "")
    withdraw(office, STAFF, notice.id, "誤發")
    assert _notice(office, notice.id).status == "withdrawn"


def test_a_notice_lapses_the_day_after_it_is_due_not_on_it(office):
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])  # due Thu 7/15
    assert lapse_overdue(office, today=date(2021, 7, 15)) == []
    assert lapse_overdue(office, today=date(2021, 7, 16)) == [notice.id]
    lapsed, app = _notice(office, notice.id), _app(office)
    assert lapsed.status == "lapsed"
    assert (app.status, app.status_reason) == ("not_accepted", LAPSED_DOCUMENTS)
    with Session(office) as s:
        users = set(s.exec(select(AuditEntry.username).where(AuditEntry.reason == "補正期限屆滿未補正")).all())
    assert users == {"system"}


@pytest.mark.parametrize("now, lapses", [
    ("2021-07-15T15:30:00+00:00", False),  # 23:30 on 7/15 in Taipei: still the due day
    ("2021-07-15T16:30:00+00:00", True),   # 00:30 on 7/16 in Taipei, though still 7/15 in UTC
    ("2021-07-16T00:30:00+08:00", True),
    ("2021-07-15T23:30:00+08:00", False),
])
def test_lapsing_follows_taipei_time_whatever_the_machines_zone(office, monkeypatch, db_url, now, lapses):
    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])
    monkeypatch.setenv("OFFICE_TUI_NOW", now)
    monkeypatch.setenv("TZ", "UTC")
    opened = open_office(load_settings(db=db_url))  # opening the office runs the chore
    assert (notice.id in opened.lapsed) is lapses
    assert _notice(office, notice.id).status == ("lapsed" if lapses else "open")


def test_list_notices_sorts_by_urgency_around_today(office):
    a = raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])   # due 7/15
    b = raise_notice(office, STAFF, pdfs.SECOND, date(2021, 7, 14), ["y"])  # due 7/19
    rows = {r.id: r for r in list_notices(office, today=date(2021, 7, 15))}
    assert (rows[a.id].urgency, rows[b.id].urgency) == ("today", "soon")
    rows = {r.id: r for r in list_notices(office, today=date(2021, 7, 16))}
    assert rows[a.id].urgency == "overdue"
    assert [r.id for r in list_notices(office, today=date(2021, 7, 12), due_within=True)] == []
    assert set(rows[a.id].to_json()) >= {"application_no", "due_on", "status", "items", "urgency"}


# -- meeting decks --------------------------------------------------------------------------------
def test_decks_missing_raise_notices_and_a_lapse_loses_the_meeting_slot(office):
    with write_session(office, STAFF) as s:
        for app in s.exec(select(Application)):
            app.status = "eligible"
        first = s.exec(select(Application).where(Application.application_no == pdfs.FIRST)).one()
        s.add(Document(application_id=first.id, file_name="deck.pptx", original_path="x", sha256="b" * 64,
                       kind="deck_ppt", status="ok"))
    gaps = {g.application_no: g for g in deck_gaps(office, 1)}
    assert gaps[pdfs.FIRST].missing == ("deck_pdf",) and gaps[pdfs.SECOND].missing == ("deck_ppt", "deck_pdf")
    raised = raise_deck_notices(office, STAFF, 1, date(2021, 7, 12))
    assert len(raised) == 2 and all(n.purpose == "deck" for n in raised)
    assert raise_deck_notices(office, STAFF, 1, date(2021, 7, 12)) == []  # one open notice each
    assert _app(office).status == "eligible"  # a deck notice does not take it out of the meeting yet
    lapse_overdue(office, today=date(2021, 7, 16))
    app = _app(office)
    assert (app.status, app.status_reason) == ("not_accepted", LAPSED_DECK)


# -- dates of what has happened --------------------------------------------------------------
def test_a_correction_dated_after_today_is_refused(office):
    from office_tui.core.dates import FutureDateError

    notice = raise_notice(office, STAFF, pdfs.FIRST, date(2026, 11, 18), ["x"])
    with pytest.raises(FutureDateError) as caught:
        mark_corrected(office, STAFF, notice.id, date(2026, 11, 21))  # today is 2026-11-20 (pinned)
    assert "補正完成日期 115/11/21 在今天（115/11/20）之後" in str(t_of(caught.value))
    assert _notice(office, notice.id).status == "open"
    mark_corrected(office, STAFF, notice.id, date(2026, 11, 20))  # today itself is fine
    assert _notice(office, notice.id).status == "corrected"


def test_a_notice_received_after_today_or_before_the_submission_is_refused(office):
    from office_tui.core.dates import FutureDateError

    with pytest.raises(FutureDateError):
        raise_notice(office, STAFF, pdfs.FIRST, date(2026, 11, 23), ["x"])
    with pytest.raises(NoticeError) as caught:
        raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 4), ["x"])  # submitted 2021-07-05
    assert caught.value.key == "notice.notified_before_submission"
    assert _app(office).status == "received"


def test_raising_a_notice_on_a_received_application_records_the_review_first(office):
    raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])
    with Session(office) as s:
        app = _app(office)
        moves = [json.loads(e.changes)["status"] for e in s.exec(
            select(AuditEntry).where(AuditEntry.table_name == "application", AuditEntry.row_key == str(app.id),
                                     AuditEntry.action == "update")
            .order_by(AuditEntry.id)) if "status" in json.loads(e.changes)]
    assert moves == [["received", "qualification_review"], ["qualification_review", "awaiting_correction"]]


def test_no_documents_notice_for_an_application_no_longer_under_review(office):
    with write_session(office, STAFF) as s:
        s.exec(select(Application).where(Application.application_no == pdfs.FIRST)).one().status = "not_accepted"
    with pytest.raises(NoticeError) as caught:
        raise_notice(office, STAFF, pdfs.FIRST, date(2021, 7, 12), ["x"])
    assert caught.value.key == "notice.not_in_review"


def t_of(error):
    from office_tui.core.errors import describe

    return describe(error)
