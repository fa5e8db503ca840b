"""The programme's absolute rules are database constraints: they hold even for code that
skips the service functions and writes rows directly (docs/rules/intake.md, claims.md).

Every test works on a real SQLite file upgraded through the Alembic migrations (the
``engine`` fixture), so a constraint that exists on the models but not in a migration
fails here.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Application, Batch, Claim, Contract, Invoice, Provider, Store

SUBMITTED = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


def _add(engine, *rows):
    """Insert rows in one committed transaction; the rows keep their ids."""
    with Session(engine, expire_on_commit=False) as session:
        for row in rows:
            session.add(row)
        session.commit()
    return rows


def _fails(engine, row) -> None:
    """The row is refused by the database itself."""
    with Session(engine) as session:
        session.add(row)
        with pytest.raises(IntegrityError):
            session.commit()


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def _provider(ubn: str = "04595252", name: str = "示範資訊股份有限公司") -> Provider:
    return Provider(ubn=ubn, name=name, business_items="I301010", paid_in_capital=1_000_000)


def _store(ubn: str = "12345675", name: str = "巷口咖啡") -> Store:
    return Store(ubn=ubn, name=name, industry="餐飲業", city="臺北市")


def _contract(store_id: int, provider_id: int, no: str, *, subsidy: int = 20_000,
              total: int = 24_000, subsidised: bool = True) -> Contract:
    return Contract(contract_no=no, store_id=store_id, provider_id=provider_id,
                    starts_on=date(2025, 12, 1), ends_on=date(2026, 11, 30),
                    total=total, subsidy=subsidy, subsidised=subsidised)


@pytest.fixture
def office(engine):
    """The minimal parents: a batch, a provider, an application, a store, a subsidised
    contract and its invoice."""
    (batch,) = _add(engine, Batch(number=1, opens_on=date(2026, 11, 1),
                                  closes_at=datetime(2026, 11, 8, 9, 0, tzinfo=timezone.utc)))
    provider, store = _add(engine, _provider(), _store())
    (application,) = _add(engine, Application(
        application_no="C115-1-0001", batch_id=batch.id, provider_id=provider.id,
        solution_name="雲端收銀 1.0", category="pos", price=24_000, submitted_at=SUBMITTED))
    (contract,) = _add(engine, _contract(store.id, provider.id, "K0000001"))
    (invoice,) = _add(engine, Invoice(invoice_no="AB12345678", contract_id=contract.id,
                                      issued_on=date(2025, 12, 1), amount=24_000))
    return dict(engine=engine, batch=batch, provider=provider, application=application,
                store=store, contract=contract, invoice=invoice)


def test_parents_are_valid_rows(office):
    """The helper's rows themselves are accepted (so every refusal below is the rule's)."""
    engine = office["engine"]
    for model in (Batch, Provider, Application, Store, Contract, Invoice):
        assert _count(engine, model) == 1


def test_second_provider_with_same_ubn_is_refused(office):
    engine = office["engine"]
    _fails(engine, _provider(name="另一家公司"))
    assert _count(engine, Provider) == 1
    _add(engine, _provider(ubn="04193850", name="另一家公司"))  # another UBN is fine
    assert _count(engine, Provider) == 2


def test_second_store_with_same_ubn_is_refused(office):
    engine = office["engine"]
    _fails(engine, _store(name="另一家店"))
    assert _count(engine, Store) == 1


def test_second_application_with_same_number_is_refused(office):
    engine, app = office["engine"], office["application"]
    _fails(engine, Application(application_no=app.application_no, batch_id=app.batch_id,
                               provider_id=app.provider_id, solution_name="另一方案",
                               category="crm", submitted_at=SUBMITTED))
    assert _count(engine, Application) == 1


def test_second_subsidised_contract_for_a_store_is_refused(office):
    engine, store, provider = office["engine"], office["store"], office["provider"]
    # Even through another provider: one subsidy per store, ever (FAQ 12).
    (other,) = _add(engine, _provider(ubn="04193850", name="另一家公司"))
    _fails(engine, _contract(store.id, other.id, "K0000002"))
    _fails(engine, _contract(store.id, provider.id, "K0000003", subsidy=0))
    assert _count(engine, Contract) == 1


def test_unsubsidised_second_contract_for_a_store_is_allowed(office):
    engine, store, provider = office["engine"], office["store"], office["provider"]
    _add(engine, _contract(store.id, provider.id, "K0000002", subsidy=0, subsidised=False))
    _add(engine, _contract(store.id, provider.id, "K0000003", subsidy=0, subsidised=False))
    assert _count(engine, Contract) == 3
    # ...and the subsidised one is still the only one allowed.
    _fails(engine, _contract(store.id, provider.id, "K0000004"))
    # Another store may have its own subsidised contract.
    (store2,) = _add(engine, _store(ubn="04595257", name="街角花店"))
    _add(engine, _contract(store2.id, provider.id, "K0000005"))
    assert _count(engine, Contract) == 4


def test_second_invoice_with_same_number_is_kept_for_reconciliation_to_flag(office):
    """Since schema 0002 a repeated invoice number is stored as filed: reconciliation
    flags it ``invoice_duplicate`` (tests/test_reconcile.py) instead of the import refusing it."""
    engine, invoice = office["engine"], office["invoice"]
    _add(engine, Invoice(invoice_no=invoice.invoice_no, contract_id=invoice.contract_id,
                         issued_on=date(2025, 12, 2), amount=24_000))
    assert _count(engine, Invoice) == 2


def test_second_granted_claim_on_the_same_contract_is_refused(office):
    engine, contract, invoice = office["engine"], office["contract"], office["invoice"]
    (other,) = _add(engine, Invoice(invoice_no="CD12345678", contract_id=contract.id,
                                    issued_on=date(2025, 12, 1), amount=24_000))
    _add(engine, Claim(claim_no="Q0000001", contract_id=contract.id, invoice_id=invoice.id,
                       filed_on=date(2026, 12, 5), requested=20_000, status="approved"))
    _fails(engine, Claim(claim_no="Q0000002", contract_id=contract.id, invoice_id=other.id,
                         filed_on=date(2026, 12, 6), requested=20_000, status="paid"))
    _add(engine, Claim(claim_no="Q0000003", contract_id=contract.id, invoice_id=other.id,
                       filed_on=date(2026, 12, 6), requested=20_000, status="rejected"))
    assert _count(engine, Claim) == 2


def test_second_granted_claim_for_a_store_through_another_contract_is_refused(office):
    """One subsidy per store, ever, across contracts and providers (schema 0003 triggers)."""
    from sqlalchemy import update

    from office_tui.core.db import write_session

    engine, store, provider, invoice = office["engine"], office["store"], office["provider"], office["invoice"]
    (other_provider,) = _add(engine, _provider(ubn="04193850", name="另一家公司"))
    (second,) = _add(engine, _contract(store.id, other_provider.id, "K0000002", subsidy=0, subsidised=False))
    (second_invoice,) = _add(engine, Invoice(invoice_no="CD12345678", contract_id=second.id,
                                             issued_on=date(2025, 12, 1), amount=24_000))
    _add(engine, Claim(claim_no="Q0000001", contract_id=office["contract"].id, invoice_id=invoice.id,
                       filed_on=date(2026, 12, 5), requested=20_000, status="paid"))
    _fails(engine, Claim(claim_no="Q0000002", contract_id=second.id, invoice_id=second_invoice.id,
                         filed_on=date(2026, 12, 6), requested=20_000, status="approved"))
    (filed,) = _add(engine, Claim(claim_no="Q0000003", contract_id=second.id, invoice_id=second_invoice.id,
                                  filed_on=date(2026, 12, 6), requested=20_000, status="filed"))
    with pytest.raises(IntegrityError):
        with write_session(engine, None, "test") as s:
            s.exec(update(Claim).where(Claim.id == filed.id).values(status="approved"))
    # Once the first is clawed back, the store's subsidy can go to the other claim.
    with write_session(engine, None, "test") as s:
        s.exec(update(Claim).where(Claim.claim_no == "Q0000001").values(status="clawed_back"))
        s.exec(update(Claim).where(Claim.id == filed.id).values(status="approved"))


def test_second_claim_on_the_same_invoice_is_refused(office):
    engine, contract, invoice = office["engine"], office["contract"], office["invoice"]
    _add(engine, Claim(claim_no="Q0000001", contract_id=contract.id, invoice_id=invoice.id,
                       filed_on=date(2026, 12, 5), requested=20_000))
    _fails(engine, Claim(claim_no="Q0000002", contract_id=contract.id, invoice_id=invoice.id,
                         filed_on=date(2026, 12, 6), requested=20_000))
    assert _count(engine, Claim) == 1


def test_subsidy_above_the_cap_is_refused(office):
    engine, provider = office["engine"], office["provider"]
    (store2,) = _add(engine, _store(ubn="04595257", name="街角花店"))
    _fails(engine, _contract(store2.id, provider.id, "K0000002", subsidy=30_001, total=60_000))
    _fails(engine, _contract(store2.id, provider.id, "K0000002", subsidy=-1, total=60_000))
    assert _count(engine, Contract) == 1
    _add(engine, _contract(store2.id, provider.id, "K0000002", subsidy=30_000, total=60_000))
    assert _count(engine, Contract) == 2


def test_subsidy_above_the_contract_total_is_refused(office):
    engine, provider = office["engine"], office["provider"]
    (store2,) = _add(engine, _store(ubn="04595257", name="街角花店"))
    _fails(engine, _contract(store2.id, provider.id, "K0000002", subsidy=20_000, total=10_000))


def test_foreign_key_to_a_missing_provider_is_refused(office):
    engine, batch = office["engine"], office["batch"]
    _fails(engine, Application(application_no="C115-1-0002", batch_id=batch.id, provider_id=9999,
                               solution_name="無主方案", category="crm", submitted_at=SUBMITTED))
    (store2,) = _add(engine, _store(ubn="04595257", name="街角花店"))
    _fails(engine, _contract(store2.id, 9999, "K0000002"))
    assert _count(engine, Application) == 1
    assert _count(engine, Contract) == 1


def test_deleting_a_referenced_provider_is_refused(office):
    engine, provider = office["engine"], office["provider"]
    with Session(engine) as session:
        session.delete(session.get(Provider, provider.id))
        with pytest.raises(IntegrityError):
            session.commit()
    assert _count(engine, Provider) == 1
