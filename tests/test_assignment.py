"""Assigning members: the pure plan (balance, cap, conflicts, expertise, explanations)
and the database side (by hand, automatic top-ups, refusals with their reasons)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models import Application, Assignment, AuditEntry, Batch, Conflict, Provider, Reviewer, Score
from office_tui.actor import Actor
from office_tui.assignment import (PlanApplication, PlanMember, assign, assignment_rows, auto_assign,
                                   default_cap, expertise_matches, plan_assignments, unassign)
from office_tui.conflicts import ConflictError
from office_tui.db import read_session, write_session
from office_tui.errors import OfficeError, describe
from office_tui.i18n import set_language
from office_tui.ubn import make_ubn

STAFF = Actor(None, "staff", "staff")
SUBMITTED = datetime(2021, 7, 5, 2, 30, tzinfo=timezone.utc)


def build_office(engine, apps: int = 6, members: int = 5, statuses: dict[int, str] | None = None,
                 categories: tuple[str, ...] = ("pos", "crm", "hr")) -> dict[str, str]:
    """Batch 1 with ``apps`` eligible applications A01… (one provider each, UBNs returned
    by application number) and members R01… with no affiliation."""
    statuses = statuses or {}
    ubns = {}
    with write_session(engine, STAFF, "test data") as session:
        batch = Batch(number=1, opens_on=date(2021, 7, 1), closes_at=datetime(2021, 7, 8, 9, tzinfo=timezone.utc))
        session.add(batch)
        session.flush()
        for n in range(1, apps + 1):
            ubn = make_ubn(f"{2233440 + n:07d}")
            provider = Provider(ubn=ubn, name=f"雲端公司{n}股份有限公司")
            session.add(provider)
            session.flush()
            number = f"A{n:02d}"
            ubns[number] = ubn
            session.add(Application(application_no=number, batch_id=batch.id, provider_id=provider.id,
                                    solution_name=f"方案{n}", category=categories[(n - 1) % len(categories)],
                                    submitted_at=SUBMITTED, status=statuses.get(n, "eligible")))
        for n in range(1, members + 1):
            session.add(Reviewer(reviewer_no=f"R{n:02d}", name=f"委員{n}"))
    return ubns


def pairs(engine) -> set[tuple[str, str]]:
    with read_session(engine) as session:
        return {(r.application_no, r.reviewer_no) for r in assignment_rows(session)}


# -- the plan on plain data ----------------------------------------------------------


def test_loads_are_balanced_when_nothing_else_constrains():
    apps = [PlanApplication(f"A{n:02d}", "pos") for n in range(7)]
    members = [PlanMember(f"R{n:02d}") for n in range(4)]
    plan = plan_assignments(apps, members, k=3)
    assert len(plan.created) == 21 and plan.shortfalls == []
    per_app = Counter(a for a, _ in plan.created)
    assert set(per_app.values()) == {3}
    loads = Counter(r for _, r in plan.created)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert plan.cap == 6  # ⌈21 / 4⌉
    assert len(set(plan.created)) == 21  # nobody twice on one application


def test_balance_holds_for_many_shapes():
    for n_apps in range(1, 12):
        for n_members in range(3, 8):
            for k in range(1, 4):
                plan = plan_assignments([PlanApplication(f"A{i:02d}", "crm") for i in range(n_apps)],
                                        [PlanMember(f"R{i:02d}") for i in range(n_members)], k=k)
                loads = [plan.loads[f"R{i:02d}"] for i in range(n_members)]
                assert max(loads) - min(loads) <= 1, (n_apps, n_members, k)
                assert plan.shortfalls == []


def test_the_cap_is_never_exceeded_and_the_shortfall_says_so():
    apps = [PlanApplication(f"A{n:02d}", "pos") for n in range(4)]
    members = [PlanMember(f"R{n:02d}") for n in range(3)]
    plan = plan_assignments(apps, members, k=3, cap=2)
    assert max(plan.loads.values()) == 2
    assert len(plan.created) == 6
    staffed = Counter(a for a, _ in plan.created)
    short = {s.application_no: s for s in plan.shortfalls}
    assert sum(3 - staffed[a.application_no] for a in apps) == 6
    assert set(short) == {a.application_no for a in apps if staffed[a.application_no] < 3}
    set_language("en")
    some = next(iter(short.values()))
    assert some.at_cap > 0 and "load cap of 2" in some.reason()
    assert f"only {some.staffed} of 3 members" in some.reason()


def test_conflicted_members_are_never_assigned_and_are_named():
    apps = [PlanApplication("A01", "pos", conflicted=frozenset({"R01", "R02"})),
            PlanApplication("A02", "pos", conflicted=frozenset({"R03"})),
            PlanApplication("A03", "pos")]
    members = [PlanMember(f"R{n:02d}") for n in range(1, 5)]
    plan = plan_assignments(apps, members, k=3)
    for app in apps:
        assert not {r for a, r in plan.created if a == app.application_no} & app.conflicted
    [short] = plan.shortfalls
    assert (short.application_no, short.staffed) == ("A01", 2)
    set_language("zh_TW")
    assert short.reason() == "僅分派 2／3 位：2 位委員須利益迴避（R01、R02）"


def test_hardest_application_goes_first():
    # A02 can only be reviewed by R03; with a cap of 1, A01 must leave R03 to it.
    apps = [PlanApplication("A01", "pos"), PlanApplication("A02", "pos", conflicted=frozenset({"R01", "R02"}))]
    members = [PlanMember(f"R{n:02d}") for n in range(1, 4)]
    plan = plan_assignments(apps, members, k=1, cap=1)
    assert ("A02", "R03") in plan.created and plan.shortfalls == []


def test_expertise_is_preferred_among_equal_loads():
    members = [PlanMember("R01", "HR、資安"), PlanMember("R02", "雲端收銀,行銷"), PlanMember("R03", "pos")]
    plan = plan_assignments([PlanApplication("A01", "pos")], members, k=2)
    assert plan.created == [("A01", "R02"), ("A01", "R03")]
    # …but not above a lighter load.
    members = [PlanMember("R01", "", load=0), PlanMember("R02", "POS", load=1), PlanMember("R03", "", load=0)]
    plan = plan_assignments([PlanApplication("A01", "pos")], members, k=1)
    assert plan.created == [("A01", "R01")]


@pytest.mark.parametrize("expertise, category, expected", [
    ("POS", "pos", True), ("雲端收銀(POS)", "pos", True), ("雲端收銀", "pos", True), ("cloud pos", "pos", True),
    ("客戶關係管理、資安", "crm", True), ("會員集點服務", "loyalty", True), ("預約服務", "booking", True),
    ("資安、雲端架構", "pos", False), ("", "pos", False), ("雲端", "inventory", False), ("HR", "crm", False),
])
def test_expertise_matches_code_or_label(expertise, category, expected):
    assert expertise_matches(expertise, category) is expected


def test_existing_assignments_count_and_a_rerun_only_tops_up():
    apps = [PlanApplication("A01", "pos", assigned=frozenset({"R01", "R02"})), PlanApplication("A02", "pos")]
    members = [PlanMember("R01", load=1), PlanMember("R02", load=1), PlanMember("R03"), PlanMember("R04")]
    plan = plan_assignments(apps, members, k=2)
    assert [a for a, _ in plan.created] == ["A02", "A02"]
    assert {r for _, r in plan.created} == {"R03", "R04"}


def test_inactive_and_too_few_members_are_explained():
    members = [PlanMember("R01"), PlanMember("R02", active=False)]
    plan = plan_assignments([PlanApplication("A01", "pos")], members, k=3)
    assert plan.created == [("A01", "R01")]
    set_language("en")
    assert plan.shortfalls[0].reason() == "only 1 of 3 members: only 1 active members, fewer than 3 per application"


def test_default_cap_and_bad_parameters():
    apps = [PlanApplication("A01", "pos"), PlanApplication("A02", "pos", assigned=frozenset("RSTUVW"))]
    assert default_cap(apps, [PlanMember("R01"), PlanMember("R02"), PlanMember("R03", active=False)], 5) == 6
    with pytest.raises(OfficeError):
        plan_assignments(apps, [], k=0)
    with pytest.raises(OfficeError):
        plan_assignments(apps, [], k=2, cap=0)


# -- on a real database --------------------------------------------------------------


def test_auto_assign_staffs_every_eligible_application(engine):
    build_office(engine, apps=7, members=6, statuses={7: "received"})
    with write_session(engine, STAFF, "auto") as session:
        plan = auto_assign(session, STAFF, 1, k=3)
    made = pairs(engine)
    assert len(made) == 18 and plan.unstaffed == [] and plan.cap == 3
    assert not any(a == "A07" for a, _ in made)  # only eligible applications
    loads = Counter(r for _, r in made)
    assert set(loads.values()) == {3}
    with read_session(engine) as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.table_name == "assignment")).all()
    # A second run changes nothing.
    with write_session(engine, STAFF, "auto") as session:
        again = auto_assign(session, STAFF, 1, k=3)
    assert again.created == [] and pairs(engine) == made


def test_auto_assign_avoids_declared_and_affiliation_conflicts(engine):
    ubns = build_office(engine, apps=3, members=4)
    with write_session(engine, STAFF, "conflicts") as session:
        r1 = session.exec(select(Reviewer).where(Reviewer.reviewer_no == "R01")).one()
        session.add(Conflict(reviewer_id=r1.id, ubn=ubns["A01"]))
        r2 = session.exec(select(Reviewer).where(Reviewer.reviewer_no == "R02")).one()
        r2.affiliation = "雲端公司２股份有限公司"  # full width: still the company of A02
        r3 = session.exec(select(Reviewer).where(Reviewer.reviewer_no == "R03")).one()
        r3.affiliation = f"某某顧問（統編{ubns['A03']}）"
    with write_session(engine, STAFF, "auto") as session:
        plan = auto_assign(session, STAFF, 1, k=4)
    made = pairs(engine)
    assert not made & {("A01", "R01"), ("A02", "R02"), ("A03", "R03")}
    assert [(a, n) for a, n, _ in plan.unstaffed] == [("A01", 3), ("A02", 3), ("A03", 3)]
    set_language("en")
    with write_session(engine, STAFF, "auto") as session:
        plan = auto_assign(session, STAFF, 1, k=4)
    assert plan.unstaffed[1][2] == "only 3 of 4 members: 1 members have a conflict of interest (R02)"


def test_auto_assign_explains_in_the_interface_language(engine):
    build_office(engine, apps=2, members=2)
    with write_session(engine, STAFF, "auto") as session:
        plan = auto_assign(session, STAFF, 1, k=3)
    assert plan.unstaffed[0] == ("A01", 2, "僅分派 2／3 位：啟用中的委員只有 2 位，少於每案 3 位")


def test_assign_by_hand_is_idempotent_and_refuses_what_it_must(engine):
    ubns = build_office(engine, apps=3, members=3, statuses={3: "received"})
    with write_session(engine, STAFF, "assign") as session:
        first = assign(session, STAFF, "A01", "R01")
        assert assign(session, STAFF, "A01", "R01").id == first.id
        session.add(Conflict(reviewer_id=first.reviewer_id, ubn=ubns["A02"], note="前雇主"))
    with write_session(engine, STAFF, "assign") as session, pytest.raises(ConflictError) as refused:
        assign(session, STAFF, "A02", "R01")
    assert "前雇主" in describe(refused.value) and "A02" in describe(refused.value)
    with write_session(engine, STAFF, "assign") as session, pytest.raises(OfficeError) as refused:
        assign(session, STAFF, "A03", "R02")
    assert refused.value.key == "assign.not_eligible"
    with write_session(engine, STAFF, "deactivate") as session:
        session.exec(select(Reviewer).where(Reviewer.reviewer_no == "R03")).one().active = False
    with write_session(engine, STAFF, "assign") as session, pytest.raises(OfficeError) as refused:
        assign(session, STAFF, "A01", "R03")
    assert refused.value.key == "assign.inactive"
    with write_session(engine, STAFF, "assign") as session, pytest.raises(OfficeError) as refused:
        assign(session, Actor(None, "r02", "reviewer", 2), "A01", "R02")
    assert refused.value.key == "roster.staff_only"
    assert pairs(engine) == {("A01", "R01")}


def test_unassign_refuses_once_the_sheet_has_scores(engine):
    build_office(engine, apps=1, members=2)
    with write_session(engine, STAFF, "assign") as session:
        assign(session, STAFF, "A01", "R01")
        scored = assign(session, STAFF, "A01", "R02")
        session.add(Score(assignment_id=scored.id, criterion="T1", value=80))
        scored.sheet_status = "draft"
    with write_session(engine, STAFF, "unassign") as session:
        unassign(session, STAFF, "A01", "R01")
    with write_session(engine, STAFF, "unassign") as session, pytest.raises(OfficeError) as refused:
        unassign(session, STAFF, "A01", "R02")
    assert refused.value.key == "assign.has_scores"
    with write_session(engine, STAFF, "unassign") as session, pytest.raises(OfficeError) as refused:
        unassign(session, STAFF, "A01", "R01")
    assert refused.value.key == "assign.not_assigned"
    assert pairs(engine) == {("A01", "R02")}


def test_assignment_rows_carry_the_table(engine):
    ubns = build_office(engine, apps=1, members=1)
    with write_session(engine, STAFF, "assign") as session:
        assign(session, STAFF, "A01", "R01")
    with read_session(engine) as session:
        [row] = assignment_rows(session, 1)
        assert assignment_rows(session, 2) == []
    assert (row.application_no, row.company, row.ubn, row.solution_name, row.category, row.reviewer_no,
            row.reviewer_name, row.sheet_status, row.batch_no) == (
        "A01", "雲端公司1股份有限公司", ubns["A01"], "方案1", "pos", "R01", "委員1", "assigned", 1)


def test_auto_assign_on_the_demo_staffs_or_explains_and_never_pairs_a_conflict(demo_engine):
    from office_tui.conflicts import conflict_map

    with write_session(demo_engine, STAFF, "auto") as session:
        plans = [auto_assign(session, STAFF, number, k=6) for number in session.exec(select(Batch.number)).all()]
    unstaffed = {a: n for plan in plans for a, n, _ in plan.unstaffed}
    assert sum(len(plan.created) for plan in plans) > 0
    with read_session(demo_engine) as session:
        conflicted = set(conflict_map(session))
        made = set(session.exec(select(Assignment.reviewer_id, Assignment.application_id)).all())
        eligible = session.exec(select(Application.id, Application.application_no)
                                .where(Application.status == "eligible")).all()
    assert made and not made & conflicted
    on = Counter(a for _, a in made)
    for app_id, number in eligible:
        assert on[app_id] >= 6 or unstaffed[number] == on[app_id]
