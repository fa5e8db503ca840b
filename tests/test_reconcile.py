"""The reconciliation pass: every flag and every amount pinned on small hand-built claims
(boundaries included), one subsidy per store held by the claim filed first, the pass's
idempotence, the demo office reconciling to itself, and the 0001 → 0002 upgrade.

Claims go in the way the office files them (importers.claims.file_claims, which
reconciles before committing); usage logs are written as the usage import will."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlmodel import Session

from importers.claims import file_claims
from models import Application, AuditEntry, Batch, Claim, Contract, PastRecipient, Provider, Store, UsageDaily
from office_tui.core.actor import Actor
from office_tui.claims.results import claim_results, status_counts
from office_tui.core.i18n import catalogue, set_language
from office_tui.core.programme import CLAIM_FLAGS
from office_tui.claims.reconcile import one_year_end, reconcile
from office_tui.core.ubn import make_ubn

STAFF = Actor(None, "staff", "staff")
P_UBN, Q_UBN = make_ubn("2233445"), make_ubn("5566778")
START = date(2025, 10, 1)
END = date(2026, 9, 30)  # one_year_end(START)


class World:
    """Two providers with approved solutions (and one rejected), and a helper that files
    a good claim with the changes a test wants, logs the store's use and reconciles."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.serial = 0
        with Session(engine, expire_on_commit=False) as s:
            batch = Batch(number=1, opens_on=date(2021, 7, 1), closes_at=datetime(2021, 7, 8, 9, tzinfo=timezone.utc))
            p = Provider(ubn=P_UBN, name="雲翔資訊股份有限公司", business_items="I301010", paid_in_capital=3_000_000)
            q = Provider(ubn=Q_UBN, name="好點子科技有限公司", business_items="I301010", paid_in_capital=3_000_000)
            s.add_all([batch, p, q])
            s.flush()
            at = datetime(2021, 7, 5, 2, tzinfo=timezone.utc)
            for no, provider, status in (("C110-1-0001", p, "listed"), ("C110-1-0002", p, "rejected"),
                                         ("C110-1-0003", q, "approved"), ("C110-1-0004", p, "delisted")):
                s.add(Application(application_no=no, batch_id=batch.id, provider_id=provider.id,
                                  solution_name="雲端收銀 2.0", category="pos", submitted_at=at, status=status))
            s.commit()

    def row(self, claim_no: str, **changes) -> dict:
        self.serial += 1
        values = dict(
            claim_no=claim_no, provider_ubn=P_UBN, store_ubn=make_ubn(f"{3_000_000 + self.serial:07d}"),
            store_name="巷口咖啡", industry="餐飲業", application_no="C110-1-0001", contract_start=START,
            contract_end=END, contract_total=24_000, terminated_on=None, invoice_no=f"AB{10_000_000 + self.serial}",
            invoice_date=START, invoice_amount=None, withholding_amount=None, filed_on=None, declaration="是",
            receipt="是", signed_contract="是", invoice_copy="是", existing_customer="否",
        )
        values.update(changes)
        end = values["terminated_on"] or values["contract_end"]
        if values["invoice_amount"] is None:
            values["invoice_amount"] = values["contract_total"]
        if values["withholding_amount"] is None:
            values["withholding_amount"] = min(values["contract_total"], 30_000)
        if values["filed_on"] is None:
            values["filed_on"] = end + timedelta(days=10)
        return values

    def claim(self, claim_no: str, *, usage: str = "both", close_on: date | None = None, **changes) -> dict:
        """File one claim; log use on the term's first and last day (``usage``: both,
        first, last, none, zero) and reconcile. Returns the claim's result as JSON."""
        values = self.row(claim_no, **changes)
        file_claims(self.engine, STAFF, [values], "test")
        end = values["terminated_on"] or values["contract_end"]
        days = {"both": [values["contract_start"], end], "first": [values["contract_start"]], "last": [end],
                "none": [], "zero": [values["contract_start"], end]}[usage]
        self.log(values["store_ubn"], days, count=0 if usage == "zero" else 3)
        reconcile(self.engine, STAFF, close_on=close_on)
        return self.result(claim_no)

    def log(self, store_ubn: str, days, count: int = 3) -> None:
        with Session(self.engine) as s:
            store_id = s.scalar(select(Store.id).where(Store.ubn == store_ubn))
            known = set(s.scalars(select(UsageDaily.day).where(UsageDaily.store_id == store_id)))
            rows = [dict(store_id=store_id, day=d, count=count) for d in dict.fromkeys(days) if d not in known]
            if rows:
                s.execute(insert(UsageDaily), rows)
            s.commit()

    def result(self, claim_no: str) -> dict:
        (found,) = claim_results(self.engine, claim_nos=[claim_no])
        return {**found.to_json(), "reasons": list(found.reasons)}


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def _flags(world: World, claim_no: str) -> list[str]:
    return world.result(claim_no)["flags"]


# -- amounts -------------------------------------------------------------------------

def test_a_clean_claim_is_awaiting_review_with_the_whole_subsidy(world):
    assert world.claim("Q1") == {"claim_no": "Q1", "store_ubn": make_ubn("3000001"), "status": "filed",
                                 "subsidy": 24_000, "flags": [], "reasons": []}


@pytest.mark.parametrize("total, subsidy", [(29_999, 29_999), (30_000, 30_000), (30_001, 30_000), (60_000, 30_000)])
def test_subsidy_is_the_total_capped_at_30000(world, total, subsidy):
    result = world.claim("Q1", contract_total=total)
    assert (result["subsidy"], result["flags"], result["status"]) == (subsidy, [], "filed")


def test_termination_on_the_first_day_earns_one_day_of_365(world):
    # 24,000 × 1 / 365 = 65.75 → 65
    result = world.claim("Q1", terminated_on=START, withholding_amount=65)
    assert (result["subsidy"], result["flags"], result["status"]) == (65, [], "filed")


def test_termination_midway_is_pro_rata_by_inclusive_days_rounded_down(world):
    # 2025-10-01 … 2026-03-31 is 182 days of 365: 30,000 × 182 / 365 = 14,958.9 → 14,958
    result = world.claim("Q1", contract_total=36_000, terminated_on=date(2026, 3, 31), withholding_amount=14_958)
    assert (result["subsidy"], result["flags"]) == (14_958, [])


def test_termination_on_the_last_day_changes_nothing(world):
    assert world.claim("Q1", terminated_on=END)["subsidy"] == 24_000


# -- each flag -----------------------------------------------------------------------

@pytest.mark.parametrize("days_after, late", [(30, False), (31, True)])
def test_filed_on_the_30th_day_is_in_time_the_31st_late(world, days_after, late):
    result = world.claim("Q1", filed_on=END + timedelta(days=days_after))
    assert result["flags"] == (["filed_late"] if late else [])
    assert result["status"] == ("rejected" if late else "filed")


def test_a_terminated_contract_counts_from_its_termination(world):
    ended = date(2026, 3, 31)
    assert world.claim("Q1", terminated_on=ended, filed_on=ended + timedelta(days=31),
                       withholding_amount=11_967)["flags"] == ["filed_late"]
    assert world.claim("Q2", terminated_on=ended, filed_on=ended + timedelta(days=30),
                       withholding_amount=11_967)["flags"] == []


def test_filed_after_the_announced_deadline_is_late(world):
    assert world.claim("Q1", close_on=END + timedelta(days=9))["flags"] == ["filed_late"]
    reconcile(world.engine, STAFF, close_on=END + timedelta(days=10))  # filed on the deadline: in time
    assert world.result("Q1")["flags"] == []


def test_invoice_amount_other_than_the_total(world):
    result = world.claim("Q1", invoice_amount=23_500)
    assert (result["flags"], result["status"]) == (["invoice_mismatch"], "incomplete")
    assert result["reasons"] == ["發票金額 NT$23,500 與契約總額 NT$24,000 不符"]


@pytest.mark.parametrize("number", ["ab12345678", "AB1234567", "AB123456789", "A123456789", "AB-1234567", "ＡＢ12345678"])
def test_malformed_invoice_numbers(world, number):
    assert world.claim("Q1", invoice_no=number)["flags"] == ["invoice_malformed"]


def test_an_invoice_number_on_two_claims_flags_both(world):
    world.claim("Q1", invoice_no="ZZ00000001")
    second = world.claim("Q2", invoice_no="ZZ00000001")
    assert second["flags"] == ["invoice_duplicate"] and second["status"] == "incomplete"
    assert second["reasons"] == ["發票號碼 ZZ00000001 已用於其他請款案：Q1"]
    assert _flags(world, "Q1") == ["invoice_duplicate"]


@pytest.mark.parametrize("change, why", [
    ({"industry": "製造業"}, "行業別不屬於零售業、餐飲業、休憩服務業、生活服務業"),
    ({"operating": False}, "未實際營業或已停業"),
    ({"is_sme": False}, "非中小企業"),
    ({"past": "中小型店家數位轉型補助方案"}, "曾受補助（中小型店家數位轉型補助方案）"),
])
def test_ineligible_stores(world, change, why):
    world.claim("Q1")
    ubn = world.result("Q1")["store_ubn"]
    with Session(world.engine) as s:
        store = s.scalar(select(Store).where(Store.ubn == ubn))
        for name in ("industry", "operating", "is_sme"):
            if name in change:
                setattr(store, name, change[name])
        if "past" in change:
            s.add(PastRecipient(store_ubn=ubn, store_name="巷口咖啡", programme=change["past"]))
        s.commit()
    reconcile(world.engine, STAFF)
    result = world.result("Q1")
    assert (result["flags"], result["status"]) == (["store_ineligible"], "rejected")
    assert result["reasons"] == [f"店家不符補助資格：{why}"]


def test_an_existing_customer_renewing_gets_nothing(world):
    result = world.claim("Q1", existing_customer="是")
    assert (result["flags"], result["status"]) == (["existing_customer"], "rejected")


@pytest.mark.parametrize("start, end, short", [
    (date(2021, 10, 1), date(2022, 9, 30), False),  # exactly one year (docs/rules/claims.md's example)
    (date(2021, 10, 1), date(2022, 9, 29), True),
    (date(2021, 10, 1), date(2022, 10, 31), False),  # longer is fine
    (date(2024, 2, 29), date(2025, 2, 28), False),
    (date(2024, 2, 29), date(2025, 2, 27), True),
    (date(2023, 3, 1), date(2024, 2, 29), False),  # across a 29 February
])
def test_a_one_year_term_ends_the_day_before_the_same_date_next_year(world, start, end, short):
    assert one_year_end(start) <= end or short
    result = world.claim("Q1", contract_start=start, contract_end=end, invoice_date=start)
    assert result["flags"] == (["contract_too_short"] if short else [])


def test_a_contract_needs_an_approved_solution_of_its_own_provider(world):
    assert world.claim("Q1", application_no="C110-1-0002")["flags"] == ["no_approved_solution"]  # rejected
    assert world.claim("Q2", application_no="C110-1-0004")["flags"] == ["no_approved_solution"]  # delisted
    assert world.claim("Q3", application_no="C110-1-0003")["flags"] == ["no_approved_solution"]  # Q's solution
    assert world.claim("Q4", provider_ubn=Q_UBN, application_no="C110-1-0003")["flags"] == []
    assert world.claim("Q5", application_no="C110-1-0002、C110-1-0001")["flags"] == []
    assert world.result("Q1")["status"] == "rejected"


def test_withholding_certificate_other_than_the_subsidy(world):
    result = world.claim("Q1", withholding_amount=30_000)
    assert (result["flags"], result["status"]) == (["withholding_mismatch"], "incomplete")
    assert result["reasons"] == ["扣繳憑單金額 NT$30,000 與補助金額 NT$24,000 不符"]


def test_each_missing_document_is_named(world):
    result = world.claim("Q1", receipt="否", invoice_copy=None)
    assert (result["flags"], result["status"]) == (["missing_documents"], "incomplete")
    assert result["reasons"] == ["缺少文件：請款領據及申請補助總表、發票影本"]


@pytest.mark.parametrize("usage, flagged", [("both", False), ("first", True), ("last", True), ("none", True),
                                            ("zero", True)])
def test_the_usage_log_must_show_use_in_the_first_and_last_30_days(world, usage, flagged):
    result = world.claim("Q1", usage=usage)
    assert result["flags"] == (["no_usage_log"] if flagged else [])
    assert result["status"] == ("incomplete" if flagged else "filed")


def test_usage_window_edges_are_the_30th_day_from_each_end(world):
    world.claim("Q1", usage="none")
    ubn = world.result("Q1")["store_ubn"]
    world.log(ubn, [START + timedelta(days=30), END - timedelta(days=30)])  # the 31st days: outside
    reconcile(world.engine, STAFF)
    assert _flags(world, "Q1") == ["no_usage_log"]
    world.log(ubn, [START + timedelta(days=29), END - timedelta(days=29)])  # the 30th days: inside
    reconcile(world.engine, STAFF)
    assert _flags(world, "Q1") == []


def test_several_flags_come_in_code_order_with_the_worst_status(world):
    result = world.claim("Q1", invoice_no="bad", existing_customer="是", declaration="否", usage="none")
    assert result["flags"] == ["invoice_malformed", "existing_customer", "missing_documents", "no_usage_log"]
    assert result["status"] == "rejected"
    assert len(result["reasons"]) == 4


# -- one subsidy per store ------------------------------------------------------------

def _subsidised(engine, claim_no: str) -> bool:
    with Session(engine) as s:
        return s.scalar(select(Contract.subsidised).join(Claim, Claim.contract_id == Contract.id)
                        .where(Claim.claim_no == claim_no))


def test_the_claim_filed_first_keeps_the_store_subsidy_even_when_imported_later(world):
    store = make_ubn("7000001")
    later = world.claim("LATE", store_ubn=store, filed_on=END + timedelta(days=20))
    assert later["flags"] == [] and _subsidised(world.engine, "LATE")
    earlier = world.claim("EARLY", store_ubn=store, provider_ubn=Q_UBN, application_no="C110-1-0003",
                          filed_on=END + timedelta(days=5))
    assert earlier["flags"] == [] and earlier["status"] == "filed"
    assert world.result("LATE")["flags"] == ["store_already_subsidised"]
    assert world.result("LATE")["status"] == "rejected"
    assert world.result("LATE")["reasons"] == ["店家已由較早送件的請款案 EARLY 取得補助（每家店限補助一次）"]
    assert _subsidised(world.engine, "EARLY") and not _subsidised(world.engine, "LATE")


def test_a_granted_claim_keeps_the_subsidy_against_an_earlier_filed_one(world):
    store = make_ubn("7000002")
    world.claim("PAID", store_ubn=store, filed_on=END + timedelta(days=20))
    with Session(world.engine) as s:
        claim = s.scalar(select(Claim).where(Claim.claim_no == "PAID"))
        claim.status, claim.approved_amount = "paid", 24_000
        s.commit()
    earlier = world.claim("EARLY", store_ubn=store, provider_ubn=Q_UBN, application_no="C110-1-0003",
                          filed_on=END + timedelta(days=5))
    assert earlier["flags"] == ["store_already_subsidised"] and earlier["status"] == "rejected"
    assert world.result("PAID")["flags"] == [] and _subsidised(world.engine, "PAID")


def test_a_claim_refused_on_its_own_account_does_not_block_the_store(world):
    store = make_ubn("7000003")
    world.claim("LATE", store_ubn=store, filed_on=END + timedelta(days=40))  # filed late: 不符
    second = world.claim("OTHER", store_ubn=store, provider_ubn=Q_UBN, application_no="C110-1-0003",
                         filed_on=END + timedelta(days=45), contract_end=END + timedelta(days=20),
                         contract_start=START + timedelta(days=20))
    assert second["flags"] == [] and _subsidised(world.engine, "OTHER")
    assert world.result("LATE")["flags"] == ["store_already_subsidised", "filed_late"]  # CLAIM_FLAGS order


def test_claim_filed_same_day_the_lower_id_holds(world):
    store = make_ubn("7000004")
    world.claim("A", store_ubn=store)
    world.claim("B", store_ubn=store, provider_ubn=Q_UBN, application_no="C110-1-0003")
    assert _flags(world, "A") == [] and _flags(world, "B") == ["store_already_subsidised"]


# -- the pass itself -----------------------------------------------------------------

def test_granted_claims_keep_their_status_but_show_their_flags(world):
    world.claim("Q1")
    with Session(world.engine) as s:
        s.scalar(select(Claim).where(Claim.claim_no == "Q1")).status = "paid"
        contract = s.scalar(select(Contract).join(Claim, Claim.contract_id == Contract.id)
                            .where(Claim.claim_no == "Q1"))
        contract.existing_customer = True  # a renewal comes to light after payment
        s.commit()
    reconcile(world.engine, STAFF)
    assert world.result("Q1")["status"] == "paid"
    assert world.result("Q1")["flags"] == ["existing_customer"]


def test_a_second_pass_changes_nothing_and_the_audit_has_one_bulk_entry(world):
    world.claim("Q1")
    world.claim("Q2", invoice_amount=1)
    first = reconcile(world.engine, STAFF)
    assert (first.claims, first.changed, first.contracts_moved) == (2, 0, 0)
    assert first.by_status == {"filed": 1, "incomplete": 1}
    assert first.by_flag == {"invoice_mismatch": 1}
    with Session(world.engine) as s:
        notes = s.scalars(select(AuditEntry.changes).where(AuditEntry.action == "bulk",
                                                          AuditEntry.table_name == "claim")).all()
    assert any("reconcile" in note for note in notes)


def test_results_by_status_flagged_and_in_english(world):
    world.claim("Q1")
    world.claim("Q2", invoice_amount=1)
    assert status_counts(world.engine) == {"filed": 1, "incomplete": 1, "rejected": 0, "approved": 0, "paid": 0,
                                           "clawed_back": 0, "withdrawn": 0}
    assert [r.claim_no for r in claim_results(world.engine, flagged=True)] == ["Q2"]
    assert [r.claim_no for r in claim_results(world.engine, status="filed")] == ["Q1"]
    set_language("en")
    assert claim_results(world.engine, claim_nos=["Q2"])[0].reasons == (
        "Invoice amount NT$1 differs from the contract total NT$24,000",)


def test_every_flag_has_a_reason_and_label_in_both_languages():
    for lang in ("zh_TW", "en"):
        keys = catalogue(lang)
        assert [c for c in CLAIM_FLAGS if f"flag.{c}" not in keys or f"flag.label_{c}" not in keys] == [], lang


def test_the_demo_office_reconciles_to_itself(demo_engine):
    """The demo writes the subsidy, flags and status the pass gives: a pass changes nothing."""
    summary = reconcile(demo_engine, STAFF)
    assert summary.claims > 100
    assert (summary.changed, summary.contracts_moved) == (0, 0)
    assert summary.by_status["paid"] and summary.by_status["approved"] and summary.by_status["rejected"]


def test_upgrade_from_0001_keeps_claims_and_reconciles_them_on_opening(db_url):
    from alembic import command

    import office_tui.core.migrate as migrate
    from office_tui.core.db import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(migrate._config(connection), "0001")
            connection.commit()
        with engine.begin() as c:
            c.exec_driver_sql("INSERT INTO provider (ubn, name, business_items, paid_in_capital, website, address, intro,"
                              " capacity, owner_name, owner_title, contact_name, contact_email, contact_phone,"
                              " contact_mobile, top_qualified, created_at) VALUES ('04595257', 'P', 'I301010', 1000000,"
                              " '', '', '', '', '', '', '', '', '', '', 0, '2026-01-01')")
            c.exec_driver_sql("INSERT INTO store (ubn, name, industry, city, address, owner_name, is_sme, operating,"
                              " created_at) VALUES ('22099131', 'S', '零售業', '', '', '', 1, 1, '2026-01-01')")
            c.exec_driver_sql("INSERT INTO contract (contract_no, store_id, provider_id, starts_on, ends_on, total,"
                              " subsidy, subsidised, existing_customer, created_at) VALUES ('K1', 1, 1, '2025-01-01',"
                              " '2025-12-31', 24000, 24000, 1, 0, '2026-01-01')")
            c.exec_driver_sql("INSERT INTO invoice (invoice_no, contract_id, issued_on, amount, electronic)"
                              " VALUES ('AB12345678', 1, '2025-01-01', 24000, 1)")
            c.exec_driver_sql("INSERT INTO claim (claim_no, contract_id, invoice_id, filed_on, requested,"
                              " withholding_amount, has_declaration, has_receipt, has_signed_contract, has_invoice_copy,"
                              " has_usage_log, status, status_reason, created_at) VALUES ('Q1', 1, 1, '2026-01-05',"
                              " 24000, 24000, 1, 1, 1, 1, 1, 'checking', '', '2026-01-05')")
    finally:
        engine.dispose()
    # Opening the office upgrades the file and reconciles its claims once: the subsidy is
    # there, and the flags say what the old data lacks (no approved solution, no log).
    from office_tui.core.config import load_settings
    from office_tui.opening import open_office

    office = open_office(load_settings(db=db_url))
    try:
        from office_tui.core.migrate import SCHEMA_HEAD

        assert (office.upgrade.from_revision, office.upgrade.to_revision) == ("0001", SCHEMA_HEAD)
        with office.engine.connect() as c:
            claim_no, status, subsidy, flags = c.exec_driver_sql("SELECT claim_no, status, subsidy, flags FROM claim").one()
        assert (claim_no, subsidy) == ("Q1", 24000)
        assert status == "rejected" and "no_approved_solution" in flags.split(",")
    finally:
        office.engine.dispose()
