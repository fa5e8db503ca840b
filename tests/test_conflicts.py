"""利益迴避: declared UBNs, affiliations that are the applicant (by normalised name or by
UBN), no false positive on an empty affiliation; and the roster functions built on it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Application, AuditEntry, Conflict, Provider, Reviewer
from office_tui.core.actor import Actor
from office_tui.committee.assignment import assign
from office_tui.committee.conflicts import ConflictError, affiliation_matches, check_no_conflict, conflict_map
from office_tui.core.db import read_session, write_session
from office_tui.core.errors import OfficeError, describe
from office_tui.core.i18n import set_language
from office_tui.committee.roster import (add_conflict, conflicted_assignments, conflicts_of, remove_conflict, roster,
                                  set_active)
from office_tui.core.ubn import make_ubn
from test_assignment import STAFF, build_office


def _set_affiliation(engine, reviewer_no: str, affiliation: str) -> None:
    with write_session(engine, STAFF, "affiliation") as session:
        reviewer = session.exec(select(Reviewer).where(Reviewer.reviewer_no == reviewer_no)).one()
        reviewer.affiliation = affiliation


def _pairs(engine) -> dict[tuple[str, str], tuple[str, str]]:
    with read_session(engine) as session:
        numbers = dict(session.exec(select(Reviewer.id, Reviewer.reviewer_no)).all())
        apps = dict(session.exec(select(Application.id, Application.application_no)).all())
        return {(numbers[r], apps[a]): (reason.source, reason.ubn)
                for (r, a), reason in conflict_map(session).items()}


@pytest.mark.parametrize("affiliation, company, ubn, expected", [
    ("雲端公司1股份有限公司", "雲端公司1股份有限公司", "22334414", True),
    ("雲端公司１ 股份有限公司", "雲端公司1股份有限公司", "22334414", True),  # full width, a space
    ("ＡＢＣ　Ｃｌｏｕｄ Ｌｔｄ.", "abc cloud ltd.", "22334414", True),  # NFKC, ideographic space, case
    ("某顧問公司（統編 22334414）", "雲端公司1股份有限公司", "22334414", True),
    ("某顧問公司（統編 ２２３３４４１４）", "雲端公司1股份有限公司", "22334414", True),
    ("某顧問公司（電話 0222334414）", "雲端公司1股份有限公司", "22334414", False),  # 8 digits inside 10
    ("雲端公司1股份有限公司資訊部", "雲端公司1股份有限公司", "22334414", False),
    ("", "雲端公司1股份有限公司", "22334414", False),
    ("   ", "", "22334414", False),
])
def test_affiliation_matches(affiliation, company, ubn, expected):
    assert affiliation_matches(affiliation, company, ubn) is expected


def test_conflict_map_finds_declared_and_affiliation_conflicts(engine):
    ubns = build_office(engine, apps=4, members=4)
    _set_affiliation(engine, "R02", "雲端公司２股份有限公司")
    _set_affiliation(engine, "R03", f"顧問（{ubns['A03']}）")
    _set_affiliation(engine, "R04", "")  # nothing to match: no conflict from it
    with write_session(engine, STAFF, "declare") as session:
        add_conflict(session, STAFF, "R01", ubns["A01"], "前雇主")
    assert _pairs(engine) == {
        ("R01", "A01"): ("declared", ubns["A01"]),
        ("R02", "A02"): ("affiliation", ubns["A02"]),
        ("R03", "A03"): ("affiliation", ubns["A03"]),
    }


def test_an_empty_affiliation_never_matches_a_company_without_name(engine):
    build_office(engine, apps=1, members=1)
    with write_session(engine, STAFF, "blank name") as session:
        session.exec(select(Provider)).one().name = " "
    assert _pairs(engine) == {}


def test_check_no_conflict_says_why(engine):
    ubns = build_office(engine, apps=2, members=2)
    _set_affiliation(engine, "R02", "雲端公司2股份有限公司")
    with write_session(engine, STAFF, "declare") as session:
        add_conflict(session, STAFF, "R01", ubns["A01"], "")
    with read_session(engine) as session:
        r1, r2 = session.exec(select(Reviewer).order_by(Reviewer.reviewer_no)).all()
        a1, a2 = session.exec(select(Application).order_by(Application.application_no)).all()
        check_no_conflict(session, r1, a2)
        with pytest.raises(ConflictError) as declared:
            check_no_conflict(session, r1, a1)
        with pytest.raises(ConflictError) as affiliated:
            check_no_conflict(session, r2, a2)
    assert describe(declared.value) == f"委員 R01 須迴避 A01：已申報迴避 雲端公司1股份有限公司（統編 {ubns['A01']}；-）。"
    assert describe(affiliated.value) == f"委員 R02 須迴避 A02：服務單位即申請廠商 雲端公司2股份有限公司（統編 {ubns['A02']}）。"


def test_add_and_remove_conflict(engine):
    ubns = build_office(engine, apps=2, members=1)
    with write_session(engine, STAFF, "declare") as session:
        first = add_conflict(session, STAFF, "R01", f" {ubns['A01'][:4]}-{ubns['A01'][4:]} ", "曾任顧問")
        again = add_conflict(session, STAFF, "r01", ubns["A01"])  # typed in lower case
        assert first.id == again.id and again.note == "曾任顧問"
    with write_session(engine, STAFF, "declare") as session, pytest.raises(OfficeError) as refused:
        add_conflict(session, STAFF, "R01", "12345678")
    assert refused.value.key == "conflict.bad_ubn_checksum"
    with write_session(engine, STAFF, "declare") as session, pytest.raises(OfficeError) as refused:
        add_conflict(session, STAFF, "R09", ubns["A01"])
    assert refused.value.key == "reviewer.not_found"
    with write_session(engine, STAFF, "withdraw") as session:
        remove_conflict(session, STAFF, "R01", ubns["A01"])
    with write_session(engine, STAFF, "withdraw") as session, pytest.raises(OfficeError) as refused:
        remove_conflict(session, STAFF, "R01", ubns["A01"])
    assert refused.value.key == "conflict.not_declared"
    with read_session(engine) as session:
        assert session.exec(select(Conflict)).all() == []
        audited = session.exec(select(AuditEntry.action).where(AuditEntry.table_name == "conflict")).all()
    assert sorted(audited) == ["delete", "insert"]


def test_an_affiliation_conflict_cannot_be_withdrawn(engine):
    ubns = build_office(engine, apps=1, members=1)
    _set_affiliation(engine, "R01", "雲端公司1股份有限公司")
    with write_session(engine, STAFF, "withdraw") as session, pytest.raises(OfficeError) as refused:
        remove_conflict(session, STAFF, "R01", ubns["A01"])
    assert refused.value.key == "conflict.from_affiliation"


def test_conflicts_of_lists_both_kinds_with_reasons(engine):
    ubns = build_office(engine, apps=3, members=1)
    _set_affiliation(engine, "R01", "雲端公司3股份有限公司")
    outsider = make_ubn("0459525")
    with write_session(engine, STAFF, "declare") as session:
        add_conflict(session, STAFF, "R01", ubns["A01"], "家屬任職")
        add_conflict(session, STAFF, "R01", outsider)
    set_language("en")
    with read_session(engine) as session:
        lines = [line.to_json() for line in conflicts_of(session, "R01")]
    assert lines == [
        {"ubn": outsider, "company": "", "source": "declared", "note": "", "applications": [],
         "reason": "Declared (-)"},
        {"ubn": ubns["A01"], "company": "雲端公司1股份有限公司", "source": "declared", "note": "家屬任職",
         "applications": ["A01"], "reason": "Declared (家屬任職)"},
        {"ubn": ubns["A03"], "company": "雲端公司3股份有限公司", "source": "affiliation", "note": "",
         "applications": ["A03"],
         "reason": f"Affiliation \"雲端公司3股份有限公司\" is 雲端公司3股份有限公司 (UBN {ubns['A03']})"},
    ]  # by UBN: 0459… sorts before 2233…


def test_roster_counts_conflicts_and_sheets(engine):
    ubns = build_office(engine, apps=3, members=2)
    _set_affiliation(engine, "R02", "雲端公司3股份有限公司")
    with write_session(engine, STAFF, "setup") as session:
        add_conflict(session, STAFF, "R01", ubns["A01"])
        add_conflict(session, STAFF, "R01", make_ubn("0459525"))
        add_conflict(session, STAFF, "R02", ubns["A03"])  # the same UBN as the affiliation: counted once
        assign(session, STAFF, "A02", "R01")
        assign(session, STAFF, "A02", "R02").sheet_status = "submitted"
        assign(session, STAFF, "A01", "R02")
        set_active(session, STAFF, "R02", False)
    with read_session(engine) as session:
        rows = [(r.reviewer_no, r.active, r.conflict_count, r.assigned, r.submitted) for r in roster(session)]
    assert rows == [("R01", True, 2, 1, 0), ("R02", False, 1, 2, 1)]


def test_assignments_made_before_a_conflict_was_declared_are_named(engine):
    ubns = build_office(engine, apps=2, members=1)
    with write_session(engine, STAFF, "setup") as session:
        assign(session, STAFF, "A01", "R01")
        assign(session, STAFF, "A02", "R01")
        add_conflict(session, STAFF, "R01", ubns["A02"], "後來申報")
        found = conflicted_assignments(session, "R01")
    assert [(a, r) for a, r, _ in found] == [("A02", "R01")]
    assert "後來申報" in found[0][2]


def test_members_cannot_change_the_roster(engine):
    ubns = build_office(engine, apps=1, members=1)
    member = Actor(None, "r01", "reviewer", 1)
    with write_session(engine, member, "x") as session:
        for call in (lambda: add_conflict(session, member, "R01", ubns["A01"]),
                     lambda: set_active(session, member, "R01", False)):
            with pytest.raises(OfficeError) as refused:
                call()
            assert refused.value.key == "roster.staff_only"


def test_tai_and_tai_spellings_are_one_company():
    from office_tui.committee.conflicts import affiliation_matches

    assert affiliation_matches("台灣雲端股份有限公司", "臺灣雲端股份有限公司", "04595257")
