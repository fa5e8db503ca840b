"""The application state machine, the intake rules and the eligibility checklist."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from models import Application, AuditEntry, Batch, CorrectionNotice, Document, Provider, QualificationCheck
from office_tui.core.actor import Actor
from office_tui.core.db import write_session
from office_tui.intake.eligibility import (ChecklistError, checklist, computed_conditions, missing_documents,
                                    record_condition, required_documents, solution_deficiencies)
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language
from office_tui.intake.registration import DuplicateProvider, register_provider, status_on_arrival
from office_tui.intake.status import TRANSITIONS, allowed_moves, set_status

STAFF = Actor(None, "staff1", "staff")
ADMIN = Actor(None, "admin1", "admin")
CUTOFF = datetime(2021, 7, 8, 9, 0, tzinfo=timezone.utc)  # 110/07/08 17:00 Asia/Taipei


def _setup(engine, status="received", items="I301010", capital=5_000_000, top=False, registered=date(2015, 1, 1)):
    with write_session(engine, STAFF) as s:
        batch = Batch(number=1, opens_on=date(2021, 7, 1), closes_at=CUTOFF)
        s.add(batch)
        s.flush()
        provider = register_provider(s, Provider(ubn="04595257", name="雲翔資訊股份有限公司", business_items=items,
                                                 paid_in_capital=capital, top_qualified=top, registered_on=registered))
        app = Application(application_no="C110-1-0001", batch_id=batch.id, provider_id=provider.id,
                          solution_name="雲端收銀", category="pos", price=12000, term_months=12,
                          video_url="https://youtu.be/x", video_seconds=180,
                          submitted_at=CUTOFF - timedelta(days=1), status=status)
        s.add(app)
    return provider, app


def _add_documents(engine, application_id, kinds, triage="accepted", status="ok"):
    with write_session(engine, STAFF) as s:
        for kind in kinds:
            s.add(Document(application_id=application_id, file_name=f"{kind}.pdf", original_path=f"x/{kind}.pdf",
                           sha256=kind.ljust(64, "0"), kind=kind, status=status, triage=triage))


def _meet_all(engine, provider_id):
    with write_session(engine, STAFF) as s:
        provider = s.get(Provider, provider_id)
        for condition in range(3, 10):
            record_condition(s, provider, condition, "met", "切結書", None)


# -- intake ----------------------------------------------------------------------------
def test_cutoff_instant_is_on_time_and_one_second_later_is_not():
    batch = Batch(number=1, opens_on=date(2021, 7, 1), closes_at=CUTOFF)
    assert status_on_arrival(batch, CUTOFF) == ("received", "")
    assert status_on_arrival(batch, CUTOFF + timedelta(seconds=1)) == ("not_accepted", "逾時不予受理")


def test_second_registration_of_a_ubn_is_refused_in_the_programmes_words(engine):
    _setup(engine)
    with pytest.raises(DuplicateProvider) as caught, Session(engine) as s:
        register_provider(s, Provider(ubn="04595257", name="別家公司"))
    assert describe(caught.value) == "公司統編(帳號)：04595257，已申請過！"


# -- the state machine ----------------------------------------------------------------------
def test_every_status_has_its_transitions():
    from office_tui.core.programme import APPLICATION_STATUSES

    assert set(TRANSITIONS) == set(APPLICATION_STATUSES)
    assert all(targets <= set(APPLICATION_STATUSES) for targets in TRANSITIONS.values())


def test_moves_are_audited_with_who_and_why(engine):
    _setup(engine)
    (move,) = set_status(engine, STAFF, ["C110-1-0001"], "qualification_review", "第1批次開始審查")
    assert move.moved and move.old == "received"
    with Session(engine) as s:
        app = s.exec(select(Application)).one()
        entry = s.exec(select(AuditEntry).where(AuditEntry.table_name == "application",
                                                AuditEntry.action == "update")).one()
    assert (app.status, app.status_reason) == ("qualification_review", "第1批次開始審查")
    assert entry.username == "staff1" and entry.reason == "第1批次開始審查"
    assert json.loads(entry.changes)["status"] == ["received", "qualification_review"]


def test_a_move_the_machine_forbids_is_refused_with_the_allowed_ones(engine):
    _setup(engine)
    set_language("en")
    (move,) = set_status(engine, STAFF, ["C110-1-0001"], "listed", "x")
    assert not move.moved
    message = describe(move.refusal)
    assert "cannot move from Received to Listed" in message and "qualification_review" in message


def test_one_refusal_does_not_stop_the_others(engine):
    _setup(engine)
    moves = set_status(engine, STAFF, ["C110-9-9999", "C110-1-0001"], "qualification_review", "x")
    assert [m.moved for m in moves] == [False, True]
    assert moves[0].refusal.key == "move.no_such_application"


def test_only_an_admin_takes_an_application_out_of_not_accepted(engine):
    _setup(engine, status="not_accepted")
    (refused,) = set_status(engine, STAFF, ["C110-1-0001"], "qualification_review", "重新審查")
    assert refused.refusal.key == "move.admin_only"
    with Session(engine) as s:
        app = s.exec(select(Application)).one()
    assert allowed_moves(app, STAFF) == [] and set(allowed_moves(app, ADMIN)) == {"received", "qualification_review"}
    (moved,) = set_status(engine, ADMIN, ["C110-1-0001"], "qualification_review", "行政救濟後重新審查")
    assert moved.moved


def test_moving_to_eligible_warns_of_what_the_data_says_against_it_but_moves(engine):
    provider, app = _setup(engine, status="qualification_review")
    with write_session(engine, STAFF) as s:
        s.add(CorrectionNotice(application_id=app.id, notified_on=date(2021, 7, 12), due_on=date(2021, 7, 15)))
        a = s.get(Application, app.id)
        a.video_seconds = 90
    (move,) = set_status(engine, STAFF, ["C110-1-0001"], "eligible", "資格審查會議")
    assert move.moved
    assert set(move.warnings) == {"warn.documents_missing", "warn.conditions_open", "warn.solution_deficient",
                                  "warn.notice_open"}


def test_no_warning_when_everything_is_in_order(engine):
    provider, app = _setup(engine, status="qualification_review")
    _add_documents(engine, app.id, required_documents(provider))
    _meet_all(engine, provider.id)
    (move,) = set_status(engine, STAFF, ["C110-1-0001"], "eligible", "資格審查會議")
    assert move.moved and move.warnings == []


# -- eligibility ----------------------------------------------------------------------------
@pytest.mark.parametrize("items, capital, expected", [
    ("I301010", 1_000_000, (True, True)),
    ("F401010、I301030", 999_999, (True, False)),
    ("F401010,F218010", 50_000_000, (False, True)),
    ("I301020", 0, (True, False)),
])
def test_conditions_one_and_two_follow_the_data(items, capital, expected):
    computed = computed_conditions(Provider(ubn="04595257", name="x", business_items=items, paid_in_capital=capital))
    assert (computed[1][0], computed[2][0]) == expected


def test_the_checklist_computes_one_and_two_and_shows_what_staff_recorded(engine):
    provider, _ = _setup(engine, items="F401010", capital=500_000)
    with write_session(engine, STAFF) as s:
        record_condition(s, s.get(Provider, provider.id), 4, "met", "公司登記資料：本國公司", None)
    with Session(engine) as s:
        before = {e.condition: e for e in checklist(s, s.get(Provider, provider.id))}
    assert sorted(before) == list(range(1, 10))
    assert (before[1].outcome, before[2].outcome, before[4].outcome, before[9].outcome) == \
        ("unmet", "unmet", "met", "unknown")
    with write_session(engine, STAFF) as s:  # the registration data changes: 1–2 follow at once
        p = s.get(Provider, provider.id)
        p.business_items, p.paid_in_capital = "F401010, I301010", 2_000_000
    with Session(engine) as s:
        after = {e.condition: e for e in checklist(s, s.get(Provider, provider.id))}
        stored = s.exec(select(QualificationCheck)).all()
    assert after[1].outcome == after[2].outcome == "met" and after[1].computed
    assert (after[1].evidence, after[2].evidence) == ("I301010", "NT$2,000,000")
    assert [c.condition for c in stored] == [4]  # only what staff recorded is stored


@pytest.mark.parametrize("condition, outcome, evidence, key", [
    (1, "met", "x", "checklist.computed"),
    (10, "met", "x", "checklist.no_such_condition"),
    (4, "maybe", "x", "checklist.bad_outcome"),
    (4, "met", "  ", "checklist.evidence_required"),
])
def test_recording_refusals(engine, condition, outcome, evidence, key):
    provider, _ = _setup(engine)
    with pytest.raises(ChecklistError) as caught, write_session(engine, STAFF) as s:
        record_condition(s, s.get(Provider, provider.id), condition, outcome, evidence, None)
    assert caught.value.key == key


def test_top_qualified_providers_need_only_the_application_documents():
    top = Provider(ubn="04595257", name="x", top_qualified=True)
    plain = Provider(ubn="04595257", name="x")
    assert required_documents(top) == ("application_form", "tech_spec", "promo_plan")
    assert set(required_documents(plain)) == {"tax_return", "tax_payment_proof", "track_record",
                                             "application_form", "tech_spec", "promo_plan"}


def test_missing_documents_follow_triage_and_the_401_rule(engine):
    provider, app = _setup(engine, registered=date(2021, 1, 15))  # under a year old at submission
    _add_documents(engine, app.id, ["vat_return_401", "tax_payment_proof", "application_form", "tech_spec"])
    _add_documents(engine, app.id, ["promo_plan"], triage="deficient")
    _add_documents(engine, app.id, ["track_record"], status="no_text", triage="pending")  # an unread scan
    with Session(engine) as s:
        missing = missing_documents(s, s.get(Application, app.id))
    assert missing == ["track_record", "promo_plan"]
    with write_session(engine, STAFF) as s:  # staff read the scan on screen and accept it
        scan = s.exec(select(Document).where(Document.kind == "track_record")).one()
        scan.triage = "accepted"
    with Session(engine) as s:
        assert missing_documents(s, s.get(Application, app.id)) == ["promo_plan"]


@pytest.mark.parametrize("seconds, deficient", [(None, True), (119, True), (120, False), (300, False), (301, True)])
def test_video_must_run_two_to_five_minutes(seconds, deficient):
    app = Application(application_no="x", batch_id=1, provider_id=1, solution_name="x", category="pos",
                      term_months=12, video_url="https://youtu.be/x", video_seconds=seconds,
                      submitted_at=CUTOFF)
    assert ("video_length" in solution_deficiencies(app)) is deficient


# -- moves that are the record of something else -----------------------------------------------
@pytest.mark.parametrize("target", ["approved", "rejected", "waitlisted"])
def test_only_a_decision_sets_a_decided_status(engine, target):
    _setup(engine, status="eligible")
    (refused,) = set_status(engine, STAFF, ["C110-1-0001"], target, "委員會通過")
    assert not refused.moved and refused.refusal.key == "move.decision_only"
    message = describe(refused.refusal)
    assert "office-tui decide C110-1-0001" in message and "評分統計" in message  # names the way to decide
    with Session(engine) as s:
        app = s.exec(select(Application)).one()
        assert app.status == "eligible"
        assert target not in allowed_moves(app, ADMIN)  # the status dialog does not offer it


def test_a_waitlisted_application_is_approved_only_by_a_decision(engine):
    _setup(engine, status="waitlisted")
    (refused,) = set_status(engine, ADMIN, ["C110-1-0001"], "approved", "遞補")
    assert refused.refusal.key == "move.decision_only"


def test_received_cannot_skip_qualification_review_to_awaiting_correction(engine):
    _setup(engine)
    assert "awaiting_correction" not in TRANSITIONS["received"]
    (refused,) = set_status(engine, STAFF, ["C110-1-0001"], "awaiting_correction", "缺文件")
    assert refused.refusal.key == "move.not_allowed"


def test_awaiting_correction_needs_an_open_notice(engine):
    _setup(engine, status="qualification_review")
    (refused,) = set_status(engine, STAFF, ["C110-1-0001"], "awaiting_correction", "缺文件")
    assert refused.refusal.key == "move.needs_notice"
    assert "notices raise C110-1-0001" in describe(refused.refusal)


def test_setting_awaiting_correction_by_hand_raises_the_notice_with_the_items_triage_found(engine):
    from office_tui.notices.correction import enter_correction

    provider, app = _setup(engine, status="qualification_review")
    _add_documents(engine, app.id, ["tax_payment_proof"], triage="deficient")
    (moved,) = enter_correction(engine, STAFF, ["C110-1-0001"], "資格文件不全")
    assert moved.moved and (moved.old, moved.new) == ("qualification_review", "awaiting_correction")
    with Session(engine) as s:
        notice = s.exec(select(CorrectionNotice)).one()
        assert s.get(Application, app.id).status == "awaiting_correction"
    assert moved.notice_due == notice.due_on and notice.status == "open" and notice.purpose == "documents"
    items = notice.items.splitlines()
    assert items[0].startswith("營業稅繳納證明（tax_payment_proof.pdf）")  # the deficient document first
    assert "缺年度損益及稅額計算表" in items and "缺申請書" in items  # then what is missing
    assert notice.notified_on == date(2026, 11, 20)  # today (the pinned clock)


def test_awaiting_correction_by_hand_is_refused_from_received_and_with_nothing_to_correct(engine):
    from office_tui.notices.correction import enter_correction

    provider, app = _setup(engine)
    (refused,) = enter_correction(engine, STAFF, ["C110-1-0001"], "缺文件")
    assert refused.refusal.key == "move.not_allowed"
    set_status(engine, STAFF, ["C110-1-0001"], "qualification_review", "審查")
    _add_documents(engine, app.id, required_documents(provider))
    (nothing,) = enter_correction(engine, STAFF, ["C110-1-0001"], "缺文件")
    assert nothing.refusal.key == "notice.nothing_to_correct"
    with Session(engine) as s:
        assert s.exec(select(CorrectionNotice)).all() == []


def test_an_application_leaves_awaiting_correction_by_its_notice_not_by_hand(engine):
    from office_tui.notices.correction import enter_correction, withdraw

    _setup(engine, status="qualification_review")
    (moved,) = enter_correction(engine, STAFF, ["C110-1-0001"], "缺文件")
    (refused,) = set_status(engine, STAFF, ["C110-1-0001"], "eligible", "已補正")
    assert refused.refusal.key == "move.notice_still_open"
    with Session(engine) as s:
        notice = s.exec(select(CorrectionNotice)).one()
    withdraw(engine, STAFF, notice.id, "已補件")  # closing the notice moves it back to review
    (done,) = set_status(engine, STAFF, ["C110-1-0001"], "eligible", "資格符合")
    assert done.moved and done.old == "qualification_review"


# -- the documents: one count, the Taipei day -----------------------------------------------------
def test_required_documents_follow_the_day_a_young_company_submitted():
    young = Provider(ubn="04595257", name="x", registered_on=date(2021, 1, 15))
    assert required_documents(young, date(2021, 7, 5))[0] == "vat_return_401"  # under a year: its 401
    assert required_documents(young, date(2022, 1, 15))[0] == "tax_return"  # 365 days on: the annual return
    assert required_documents(young)[0] == "tax_return"


def test_a_company_is_judged_young_on_the_taipei_day_it_submitted(engine):
    """Registered 2020-07-06: on 2021-07-06 (Taipei) it is a year old and owes its annual
    return. A submission at 07:30 Taipei on 2021-07-06 is 2021-07-05 23:30 in UTC: read
    as UTC it would still count as young and be let off with its 401."""
    provider, app = _setup(engine, registered=date(2020, 7, 6))
    _add_documents(engine, app.id, ["vat_return_401", "tax_payment_proof", "track_record", "application_form",
                                    "tech_spec", "promo_plan"])
    with write_session(engine, STAFF) as s:
        s.get(Application, app.id).submitted_at = datetime(2021, 7, 5, 23, 30, tzinfo=timezone.utc)
    with Session(engine) as s:
        assert missing_documents(s, s.get(Application, app.id)) == ["tax_return"]


def test_a_warned_document_counts_only_once_its_warnings_are_confirmed(engine):
    from office_tui.documents.triage import TriageError, accept

    provider, app = _setup(engine, status="qualification_review")
    _add_documents(engine, app.id, [k for k in required_documents(provider) if k != "tax_return"])
    with write_session(engine, STAFF) as s:
        doc = Document(application_id=app.id, file_name="401.pdf", original_path="x/401.pdf", sha256="9" * 64,
                       kind="tax_return", status="ok", warnings="ubn_mismatch", triage="pending")
        s.add(doc)
    with Session(engine) as s:
        assert missing_documents(s, s.get(Application, app.id)) == ["tax_return"]  # 統編不符 stands
    with pytest.raises(TriageError) as caught:
        accept(engine, STAFF, doc.id)  # one key is not enough
    assert caught.value.key == "triage.confirm_warnings" and "統編不符" in describe(caught.value)
    decision = accept(engine, STAFF, doc.id, confirm_warnings=["ubn_mismatch"])
    assert decision.missing == () and "應附文件已齊全" in decision.message and "統編不符" in decision.message
    with Session(engine) as s:
        stored = s.get(Document, doc.id)
        assert (stored.triage, stored.warnings_confirmed) == ("accepted", "ubn_mismatch")


def test_an_accepted_but_unconfirmed_warned_document_does_not_count(engine):
    """Accepted before warnings needed confirming (or written around the rule): it does not count."""
    provider, app = _setup(engine)
    _add_documents(engine, app.id, [k for k in required_documents(provider) if k != "track_record"])
    with write_session(engine, STAFF) as s:
        s.add(Document(application_id=app.id, file_name="合約.pdf", original_path="x", sha256="8" * 64,
                       kind="track_record", status="ok", warnings="ubn_mismatch", triage="accepted"))
    with Session(engine) as s:
        assert missing_documents(s, s.get(Application, app.id)) == ["track_record"]


def test_a_deficient_document_keeps_the_checklist_open_everywhere_until_replaced(engine):
    """Triage, the status warnings and the notice all say the same: a document marked
    不符 is outstanding, even when the kind it was meant to be is otherwise met."""
    from office_tui.documents.triage import mark_deficient
    from office_tui.intake.eligibility import document_gaps
    from office_tui.notices.correction import items_to_correct

    provider, app = _setup(engine, status="qualification_review")
    _add_documents(engine, app.id, required_documents(provider))
    with write_session(engine, STAFF) as s:
        extra = Document(application_id=app.id, file_name="獎狀.pdf", original_path="x", sha256="7" * 64,
                         kind="other_cert", status="ok", triage="pending")
        s.add(extra)
    decision = mark_deficient(engine, STAFF, extra.id, "獎狀影本模糊")
    assert "尚缺：獎狀.pdf（待補正）" in decision.message  # not 應附文件已齊全
    with Session(engine) as s:
        application = s.get(Application, app.id)
        assert not document_gaps(s, application).complete
        first = items_to_correct(s, application)[0]
    assert first == "其他證明（獎項、認證、技術服務登錄）（獎狀.pdf）：獎狀影本模糊"
    _meet_all(engine, provider.id)
    (move,) = set_status(engine, STAFF, ["C110-1-0001"], "eligible", "x")
    assert move.warnings == ["warn.documents_missing"]
