"""Intake from the shell: ubn check, applications list and set-status, provider check."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import Session

from models import Application
from office_tui.db import make_engine
from test_cli import run_cli


def test_ubn_check_prints_each_number_and_exits_one_on_any_invalid():
    ok = run_cli("ubn", "check", "04595257", "76397250")  # the second is valid only under the 2023 rule
    assert ok.returncode == 0
    assert ok.stdout.splitlines() == ["04595257\t有效", "76397250\t有效"]
    bad = run_cli("--lang", "en", "ubn", "check", "04595257", "12345678")
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == ["04595257\tvalid", "12345678\tinvalid"]


def test_applications_list_json_shape_and_filters(demo_url):
    result = run_cli("--db", demo_url, "applications", "list", "--batch", "3", "--status", "eligible", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(set(r) == {"application_no", "ubn", "company_name", "solution_name", "category",
                                   "status", "status_reason"} for r in rows)
    assert {r["status"] for r in rows} == {"eligible"} and all(r["application_no"].startswith("C115-3-") for r in rows)


def test_set_status_moves_many_and_refuses_with_the_reason(demo_url):
    engine = make_engine(demo_url)
    with Session(engine) as s:
        received = s.scalars(select(Application.application_no).where(Application.status == "received")).all()
        listed = s.scalars(select(Application.application_no).where(Application.status == "listed")).first()
    result = run_cli("--db", demo_url, "applications", "set-status", *received, "qualification_review",
                     "--reason", "第3批次資格審查")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= len(received)
    refused = run_cli("--db", demo_url, "applications", "set-status", listed, "eligible", "--reason", "x")
    assert refused.returncode == 1
    assert "不能由 上架 改為 資格符合" in refused.stderr and "Traceback" not in refused.stderr
    no_reason = run_cli("--db", demo_url, "applications", "set-status", listed, "delisted", "--reason", " ")
    assert no_reason.returncode == 2
    with Session(engine) as s:
        moved = s.scalars(select(Application.status).where(Application.application_no.in_(received))).all()
    assert set(moved) == {"qualification_review"}


def test_provider_check_records_staff_conditions_only(demo_url):
    engine = make_engine(demo_url)
    from models import Provider, QualificationCheck

    with Session(engine) as s:
        provider = s.scalars(select(Provider)).first()
    ok = run_cli("--db", demo_url, "provider", "check", provider.ubn, "5", "unmet", "--evidence", "經濟部停權名單")
    assert ok.returncode == 0, ok.stderr
    computed = run_cli("--db", demo_url, "provider", "check", provider.ubn, "2", "met", "--evidence", "x")
    assert computed.returncode == 2
    with Session(engine) as s:
        check = s.scalars(select(QualificationCheck).where(QualificationCheck.provider_id == provider.id,
                                                           QualificationCheck.condition == 5)).one()
    assert (check.outcome, check.evidence) == ("unmet", "經濟部停權名單")
