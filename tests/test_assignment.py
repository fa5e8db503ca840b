"""Assigning members: the pure plan (balance, cap, conflicts, expertise, explanations)
and the database side (by hand, automatic top-ups, refusals with their reasons)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models import Application, Assignment, AuditEntry, Batch, Conflict, Provider, Reviewer, Score
from office_tui.core.actor import Actor
from office_tui.committee.assignment import assign, assignment_rows, auto_assign, unassign
from office_tui.committee.assignment_plan import (PlanApplication, PlanMember, default_cap, expertise_matches,
                                                  plan_assignments)
from office_tui.committee.conflicts import ConflictError
from office_tui.core.db import read_session, write_session
from office_tui.core.errors import OfficeError, describe
from office_tui.core.i18n import set_language
from office_tui.core.ubn import make_ubn

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


# -- the plan is optimal: against an independent max-flow and min-cost flow --------


def _edges(apps, members, k, cap):
    """The unit edges of the problem as (application_no, reviewer_no) pairs, free seats
    per application and free sheets per member."""
    active = [m for m in members if m.active]
    pairs_ = [(a.application_no, m.reviewer_no) for a in apps for m in active
              if m.reviewer_no not in a.assigned | a.conflicted]
    seats = {a.application_no: max(0, k - len(a.assigned - a.conflicted)) for a in apps}
    sheets = {m.reviewer_no: max(0, cap - m.load) for m in active}
    return pairs_, seats, sheets


def _max_flow(apps, members, k, cap) -> int:
    """Plain augmenting paths (depth first) on the application–member graph."""
    pairs_, seats, sheets = _edges(apps, members, k, cap)
    taken: set[tuple[str, str]] = set()

    def augment(app, seen) -> bool:
        for a, r in pairs_:
            if a != app or (a, r) in taken or r in seen:
                continue
            seen.add(r)
            if sheets[r] > 0:
                sheets[r] -= 1
                taken.add((a, r))
                return True
            for a2, r2 in sorted(taken):
                if r2 == r and augment(a2, seen):
                    taken.discard((a2, r))
                    taken.add((a, r))
                    return True
        return False

    flow = 0
    for app in sorted(seats):
        for _ in range(seats[app]):
            if not augment(app, set()):
                break
            flow += 1
    return flow


def _objective(apps, members, created):
    """What the plan minimises, in order: Σ over applications of the seat numbers it
    filled (spread), Σ over members of the sheet numbers they took (balance), members
    without the expertise."""
    app_of = {a.application_no: a for a in apps}
    member_of = {m.reviewer_no: m for m in members}
    per_app = Counter(a for a, _ in created)
    per_member = Counter(r for _, r in created)
    spread = sum(sum(range(len(app_of[a].assigned - app_of[a].conflicted) + 1,
                           len(app_of[a].assigned - app_of[a].conflicted) + n + 1)) for a, n in per_app.items())
    balance = sum(sum(range(member_of[r].load + 1, member_of[r].load + n + 1)) for r, n in per_member.items())
    misses = sum(1 for a, r in created if not expertise_matches(member_of[r].expertise, app_of[a].category))
    return len(created), spread, balance, misses


def _min_cost_flow(apps, members, k, cap):
    """Textbook successive shortest paths with Bellman-Ford on the full graph, costs as
    tuples compared lexicographically (spread, balance, expertise): no weights, no
    potentials, nothing shared with the module's solver."""
    pairs_, seats, sheets = _edges(apps, members, k, cap)
    app_of = {a.application_no: a for a in apps}
    member_of = {m.reviewer_no: m for m in members}
    graph: list[list] = []  # [tail, head, capacity, cost]

    def edge(u, v, cost):
        graph.append([u, v, 1, cost])
        graph.append([v, u, 0, tuple(-c for c in cost)])

    for a, free in seats.items():
        base = len(app_of[a].assigned - app_of[a].conflicted)
        for s in range(base + 1, base + free + 1):
            edge("S", ("a", a), (s, 0, 0))
    for a, r in pairs_:
        edge(("a", a), ("r", r), (0, 0, 0 if expertise_matches(member_of[r].expertise, app_of[a].category) else 1))
    for r, free in sheets.items():
        for t in range(member_of[r].load + 1, member_of[r].load + free + 1):
            edge(("r", r), "T", (0, t, 0))
    zero = (0, 0, 0)
    total = [0, 0, 0, 0]
    while True:
        dist, back = {"S": zero}, {}
        for _ in range(len(seats) + len(sheets) + 2):
            changed = False
            for n, (u, v, capacity, cost) in enumerate(graph):
                if capacity and u in dist:
                    d = tuple(x + y for x, y in zip(dist[u], cost))
                    if v not in dist or d < dist[v]:
                        dist[v], back[v], changed = d, n, True
            if not changed:
                break
        if "T" not in dist:
            return tuple(total)
        v = "T"
        while v != "S":
            n = back[v]
            graph[n][2] -= 1
            graph[n ^ 1][2] += 1
            v = graph[n][0]
        total[0] += 1
        for i in range(3):
            total[i + 1] += dist["T"][i]


def _random_case(rnd: random.Random):
    n_apps, n_members = rnd.randint(1, 5), rnd.randint(1, 8)
    k = rnd.randint(1, 5)
    categories = ("pos", "crm", "hr")
    members = [f"R{j:02d}" for j in range(1, n_members + 1)]
    load = Counter()
    apps = []
    for i in range(n_apps):
        conflicted = frozenset(r for r in members if rnd.random() < 0.25)
        assigned = frozenset(r for r in members if rnd.random() < 0.15)  # some now in conflict
        load.update(assigned)
        apps.append(PlanApplication(f"A{i:02d}", rnd.choice(categories), assigned, conflicted))
    expertise = ("", "POS", "客戶關係管理", "HR、POS")
    plan_members = [PlanMember(r, rnd.choice(expertise), load[r] + rnd.randint(0, 1), active=rnd.random() < 0.9)
                    for r in members]
    cap = rnd.choice((None, None, 1, 2, 3))
    return apps, plan_members, k, cap


def _check_plan(apps, members, k, plan):
    """Never a conflict, a pair twice, an inactive member, a member above the cap, an
    application above K; every shortfall explained by exactly the members not on it."""
    member_of = {m.reviewer_no: m for m in members}
    active = [m.reviewer_no for m in members if m.active]
    assert len(set(plan.created)) == len(plan.created)
    added = Counter(r for _, r in plan.created)
    for app in apps:
        new = {r for a, r in plan.created if a == app.application_no}
        assert not new & (app.conflicted | app.assigned)
        assert all(member_of[r].active for r in new)
        on = (app.assigned - app.conflicted) | new
        assert len(on) <= max(k, len(app.assigned - app.conflicted))
        short = [s for s in plan.shortfalls if s.application_no == app.application_no]
        assert bool(short) == (len(on) < k)
        if short:
            [s] = short
            assert s.staffed == len(on)
            # Maximal: every active member not on it is in conflict or at the cap.
            assert len(on & set(active)) + len(s.conflicted) + s.at_cap == len(active), s
    for r, n in added.items():
        assert plan.loads[r] == member_of[r].load + n <= plan.cap


def test_the_audit_case_gets_all_twenty():
    conflicts = {"A00": {"R04", "R05", "R07"}, "A01": {"R08"}, "A02": {"R02", "R03", "R05"}, "A03": {"R08"}}
    apps = [PlanApplication(a, "pos", conflicted=frozenset(c)) for a, c in conflicts.items()]
    members = [PlanMember(f"R{n:02d}") for n in range(1, 11)]
    plan = plan_assignments(apps, members)
    assert plan.cap == 2 and len(plan.created) == 20 and plan.shortfalls == []
    assert set(plan.loads.values()) == {2}
    _check_plan(apps, members, 5, plan)


def test_random_cases_reach_the_max_flow_and_the_least_cost():
    rnd = random.Random(20260520)
    for case in range(300):
        apps, members, k, cap = _random_case(rnd)
        plan = plan_assignments(apps, members, k=k, cap=cap)
        _check_plan(apps, members, k, plan)
        assert len(plan.created) == _max_flow(apps, members, k, plan.cap), case
        assert _objective(apps, members, plan.created) == _min_cost_flow(apps, members, k, plan.cap), case


def test_a_tight_cap_spreads_the_shortage():
    apps = [PlanApplication(f"A{n:02d}", "pos") for n in range(1, 4)]
    plan = plan_assignments(apps, [PlanMember(f"R{n:02d}") for n in range(1, 6)], k=5, cap=2)
    staffed = Counter(a for a, _ in plan.created)
    assert [staffed[a.application_no] for a in apps] == [4, 3, 3]  # not 5, 5, 0; ties to the earlier one
    set_language("en")
    assert {s.application_no: s.reason() for s in plan.shortfalls} == {
        "A01": "only 4 of 5 members: 1 available members have reached the load cap of 2",
        "A02": "only 3 of 5 members: 2 available members have reached the load cap of 2",
        "A03": "only 3 of 5 members: 2 available members have reached the load cap of 2"}
    # The audit's shape with a cap of 1: 10 seats for 4 × 5.
    apps = [PlanApplication(f"A{n:02d}", "pos") for n in range(4)]
    plan = plan_assignments(apps, [PlanMember(f"R{n:02d}") for n in range(1, 11)], k=5, cap=1)
    assert sorted(Counter(a for a, _ in plan.created).values()) == [2, 2, 3, 3]


def test_a_shortage_from_conflicts_is_not_blamed_on_the_cap():
    # A01: only R04 and R05 may review it; everyone else has room to spare.
    apps = [PlanApplication("A01", "pos", conflicted=frozenset({"R01", "R02", "R03"})),
            PlanApplication("A02", "pos")]
    members = [PlanMember(f"R{n:02d}") for n in range(1, 6)]
    plan = plan_assignments(apps, members, k=3, cap=3)
    [short] = plan.shortfalls
    assert (short.application_no, short.staffed, short.at_cap) == ("A01", 2, 0)
    set_language("en")
    assert short.reason() == "only 2 of 3 members: 3 members have a conflict of interest (R01、R02、R03)"


def test_the_plan_does_not_depend_on_the_order_of_the_arguments():
    rnd = random.Random(7)
    for _ in range(30):
        apps, members, k, cap = _random_case(rnd)
        plan = plan_assignments(apps, members, k=k, cap=cap)
        assert plan_assignments(apps, members, k=k, cap=cap) == plan
        shuffled_apps, shuffled_members = apps[:], members[:]
        rnd.shuffle(shuffled_apps)
        rnd.shuffle(shuffled_members)
        assert plan_assignments(shuffled_apps, shuffled_members, k=k, cap=cap) == plan


def test_loads_are_balanced_around_conflicts_and_earlier_loads():
    # Every application has a conflict, yet all four members end with 3.
    apps = [PlanApplication(f"A{n:02d}", "pos", conflicted=frozenset({f"R{n % 4 + 1:02d}"})) for n in range(1, 7)]
    plan = plan_assignments(apps, [PlanMember(f"R{n:02d}") for n in range(1, 5)], k=2)
    assert set(plan.loads.values()) == {3} and plan.shortfalls == []
    # A member who already has four sheets gets no more until the others catch up.
    members = [PlanMember("R01", load=4), PlanMember("R02"), PlanMember("R03")]
    plan = plan_assignments([PlanApplication(f"A{n:02d}", "pos") for n in range(4)], members, k=2, cap=10)
    assert plan.loads == {"R01": 4, "R02": 4, "R03": 4}


def test_expertise_decides_who_goes_where_when_loads_allow():
    apps = [PlanApplication("A01", "pos"), PlanApplication("A02", "crm"), PlanApplication("A03", "pos"),
            PlanApplication("A04", "crm")]
    members = [PlanMember("R01", "POS"), PlanMember("R02", "客戶關係管理"), PlanMember("R03", "雲端收銀"),
               PlanMember("R04", "CRM")]
    plan = plan_assignments(apps, members, k=2)
    assert plan.created == [("A01", "R01"), ("A01", "R03"), ("A02", "R02"), ("A02", "R04"),
                            ("A03", "R01"), ("A03", "R03"), ("A04", "R02"), ("A04", "R04")]


def test_a_sheet_now_in_conflict_does_not_count_towards_k():
    # R01 was put on A01, then declared a conflict with it: A01 still needs two others.
    apps = [PlanApplication("A01", "pos", assigned=frozenset({"R01", "R02"}), conflicted=frozenset({"R01"}))]
    members = [PlanMember("R01", load=1), PlanMember("R02", load=1), PlanMember("R03")]
    plan = plan_assignments(apps, members, k=2)
    assert plan.created == [("A01", "R03")] and plan.shortfalls == []
    plan = plan_assignments(apps, members[:2], k=2)
    [short] = plan.shortfalls
    assert (short.staffed, short.conflicted) == (1, ("R01",))
    set_language("en")
    assert short.reason() == "only 1 of 2 members: 1 members have a conflict of interest (R01)"
    assert default_cap(apps, members, 2) == 1  # ⌈(2 + the conflicted sheet) / 3⌉


def test_a_thousand_applications_and_twenty_five_members_balance_exactly():
    """The size of a real batch (its speed: benchmarks/assignment.py)."""
    rnd = random.Random(3)
    categories = ("pos", "crm", "hr", "inventory")
    members = [PlanMember(f"R{j:02d}", rnd.choice(categories)) for j in range(25)]
    apps = [PlanApplication(f"A{i:04d}", rnd.choice(categories),
                            conflicted=frozenset(m.reviewer_no for m in members if rnd.random() < 0.1))
            for i in range(1000)]
    plan = plan_assignments(apps, members, k=5)
    assert len(plan.created) == 5000 and set(plan.loads.values()) == {200} and not plan.shortfalls


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
    from office_tui.committee.conflicts import conflict_map

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


def test_auto_assign_replaces_a_member_found_in_conflict_after_assignment(engine):
    ubns = build_office(engine, apps=1, members=3)
    with write_session(engine, STAFF, "assign") as session:
        assign(session, STAFF, "A01", "R01")
        assign(session, STAFF, "A01", "R02")
        r1 = session.exec(select(Reviewer).where(Reviewer.reviewer_no == "R01")).one()
        session.add(Conflict(reviewer_id=r1.id, ubn=ubns["A01"], note="後來才申報"))
    with write_session(engine, STAFF, "auto") as session:
        plan = auto_assign(session, STAFF, 1, k=2)
    assert plan.created == [("A01", "R03")] and plan.unstaffed == []
    assert plan.loads == {"R01": 1, "R02": 1, "R03": 1}  # R01's sheet stays until staff remove it
