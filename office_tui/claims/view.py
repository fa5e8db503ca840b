"""What the claims screen reads: a tab's claims paged in SQL, and one claim's whole story
(contract, invoice, store, provider, solutions, flags with their reasons)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from office_tui.core.i18n import t
from office_tui.core.listing import ListColumn, ListSource
from office_tui.core.programme import CLAIM_STATUSES

EXCEPTIONS = "exceptions"
TABS = (*CLAIM_STATUSES, EXCEPTIONS)  # 待審 待補件 不符 核定 已撥款 已追回 例外


def claims_source(engine: Engine, tab: str) -> ListSource:
    """One tab's claims, paged in SQL in filing order. Store and provider come as scalar
    subqueries, so counting a tab reads only the claim table (ix_claim_status_filed)."""
    from models import Claim, Contract, Provider, Store

    def of_contract(column, model, key):
        return (select(column).join(Contract, getattr(Contract, key) == model.id)
                .where(Contract.id == Claim.contract_id).scalar_subquery())

    columns = [
        ListColumn("mark", "claimsui.col_mark", Claim.claim_no, 2, kind="mark"),
        ListColumn("claim_no", "claims.col_claim_no", Claim.claim_no, 10, searchable=True),
        ListColumn("filed_on", "claims.col_filed_on", Claim.filed_on, 9, kind="date"),
        ListColumn("store_ubn", "claims.col_store_ubn", of_contract(Store.ubn, Store, "store_id"), 8),
        ListColumn("store", "claims.col_store", of_contract(Store.name, Store, "store_id"), 18),
        ListColumn("provider", "claims.col_provider", of_contract(Provider.name, Provider, "provider_id"), 16),
        ListColumn("subsidy", "claims.col_subsidy", Claim.subsidy, 8, kind="amount"),
        ListColumn("status", "claims.col_status", Claim.status, 8, kind="claim"),
        ListColumn("flags", "claims.col_reasons", Claim.flags, 30, kind="flags"),
    ]
    base = select(Claim.id, *(c.expr for c in columns))
    base = base.where(Claim.flags != "") if tab == EXCEPTIONS else base.where(Claim.status == tab)
    return ListSource(engine, columns, base, Claim.id, sort_key="filed_on")


def flag_labels(flags: str) -> str:
    from office_tui.claims.reconcile import split_flags

    return "、".join(t(f"flag.label_{code}") for code in split_flags(flags))



@dataclass(frozen=True)
class ClaimDetail:
    """One claim with its contract, invoice, store and provider (the panel, the edit form)."""

    id: int
    claim_no: str
    status: str
    filed_on: date
    subsidy: int
    approved_amount: int | None
    withholding_amount: int
    approved_on: date | None
    paid_on: date | None
    clawed_back_on: date | None
    status_reason: str
    documents: dict[str, bool]  # template field → present
    contract_start: date
    contract_end: date
    terminated_on: date | None
    contract_total: int
    existing_customer: bool
    invoice_no: str
    invoice_date: date
    invoice_amount: int
    store_ubn: str
    store_name: str
    industry: str
    provider_ubn: str
    provider_name: str
    applications: list[str]
    flags: tuple[str, ...]
    reasons: tuple[str, ...]  # one per flag, in the interface language


DOCUMENT_FIELDS = {"declaration": "has_declaration", "receipt": "has_receipt",
                   "signed_contract": "has_signed_contract", "invoice_copy": "has_invoice_copy"}


def claim_detail(session, claim_id: int, date_style: str, *, budget_total: int | None = None,
                 close_on=None) -> ClaimDetail | None:
    from models import Application, Claim, Contract, ContractSolution, Invoice, Provider, Store
    from office_tui.claims.results import claim_results

    found = session.execute(
        select(Claim, Contract, Invoice, Store, Provider)
        .join(Contract, Contract.id == Claim.contract_id).join(Invoice, Invoice.id == Claim.invoice_id)
        .join(Store, Store.id == Contract.store_id).join(Provider, Provider.id == Contract.provider_id)
        .where(Claim.id == claim_id)).first()
    if found is None:
        return None
    claim, contract, invoice, store, provider = found
    applications = list(session.scalars(
        select(Application.application_no).join(ContractSolution, ContractSolution.application_id == Application.id)
        .where(ContractSolution.contract_id == contract.id).order_by(Application.application_no)))
    (result,) = claim_results(session, claim_nos=[claim.claim_no], date_style=date_style, budget_total=budget_total,
                              close_on=close_on) or (None,)
    flags = result.flags if result else ()
    return ClaimDetail(
        claim.id, claim.claim_no, claim.status, claim.filed_on, claim.subsidy, claim.approved_amount,
        claim.withholding_amount, claim.approved_on, claim.paid_on, claim.clawed_back_on,
        result.status_reason if result else claim.status_reason,
        {name: bool(getattr(claim, attr)) for name, attr in DOCUMENT_FIELDS.items()},
        contract.starts_on, contract.ends_on, contract.terminated_on, contract.total, bool(contract.existing_customer),
        invoice.invoice_no, invoice.issued_on, invoice.amount, store.ubn, store.name, store.industry, provider.ubn,
        provider.name, applications, flags, result.reasons[:len(flags)] if result else ())


def tab_counts(session) -> dict[str, int]:
    """Claims per status, and the exceptions (every flagged claim)."""
    from sqlalchemy import func

    from models import Claim
    from office_tui.claims.results import status_counts

    counts = status_counts(session)
    counts[EXCEPTIONS] = session.scalar(select(func.count()).select_from(Claim).where(Claim.flags != ""))
    return counts
