"""請款處理 — what staff do with reconciled claims: approve the clean ones in filing order
within the budget (核定), mark approved ones paid (撥款), claw back a paid subsidy when a
renewal comes to light (追回), and correct or refile a claim (補件). Every change is made
through an audited write session, with the reason staff gave.

Each action takes an engine (its own transaction) or a session (the caller's), and an
:class:`office_tui.actor.Actor`; each raises OfficeError with an i18n key when it cannot
be done, and then changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import Claim, Contract, Invoice
from office_tui import audit
from office_tui.budget import budget_in
from office_tui.clock import office_today
from office_tui.errors import OfficeError
from office_tui.i18n import t
from office_tui.programme import CLAIM_OPEN_STATUSES, SUBSIDY_CAP
from office_tui.reconcile import reconcile, unit_of_work


@dataclass(frozen=True)
class Approval:
    """What a bulk approval did: the claims approved (in filing order) and their total,
    the clean claims left waiting because the remainder could not cover them, and the
    budget remaining afterwards."""

    approved: list[str] = field(default_factory=list)
    amount: int = 0
    waiting: list[str] = field(default_factory=list)
    remaining: int = 0

    def to_json(self) -> dict:
        return {"approved": self.approved, "amount": self.amount, "waiting": self.waiting,
                "remaining": self.remaining}


_CLEAN = """
SELECT id, claim_no, subsidy, SUM(subsidy) OVER (ORDER BY filed_on, id) AS running
FROM claim WHERE status = 'filed' AND flags = '' {only}
ORDER BY filed_on, id
"""


def approve_clean(target: Engine | Session, actor, *, budget_total: int | None = None,
                  claim_nos: list[str] | None = None, close_on: date | None = None,
                  reason: str = "", today: date | None = None) -> Approval:
    """核定: reconcile, then approve the clean claims (待審 without a flag) — all, or those
    in ``claim_nos`` — in filing order while the budget's remainder covers each one. The
    first one it cannot cover and every clean one after it wait, with that reason."""
    today = today or office_today()
    with unit_of_work(target, actor, reason or "approve clean claims") as session:
        reconcile(session, close_on=close_on)
        remaining = budget_in(session, budget_total).remaining
        params: dict = {}
        only = ""
        if claim_nos is not None:
            names = {f"n{k}": number for k, number in enumerate(claim_nos)}
            only = f"AND claim_no IN ({', '.join(':' + name for name in names) or 'NULL'})"
            params.update(names)
        rows = session.execute(text(_CLEAN.format(only=only)), params).all()
        covered = [row for row in rows if row.running <= remaining]
        waiting = rows[len(covered):]  # running sums only grow: the covered ones come first
        due = {row.id: row.subsidy for row in covered}
        for claim in session.scalars(select(Claim).where(Claim.id.in_(list(due)))
                                     .execution_options(populate_existing=True)):
            claim.status, claim.approved_amount, claim.approved_on = "approved", due[claim.id], today
            claim.status_reason = ""
        amount = sum(row.subsidy for row in covered)
        if waiting:
            first = waiting[0]
            note = t("budget.waiting", remaining=f"NT${remaining - amount:,}", subsidy=f"NT${first.subsidy:,}")
            ids = [row.id for row in waiting]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                session.execute(text(f"UPDATE claim SET status_reason = :note WHERE id IN ({', '.join(map(str, chunk))})"
                                     " AND status_reason <> :note"), {"note": note})
            audit.record_bulk(session, "claim", len(ids), f"waiting for budget: {note}")
        session.flush()
    return Approval([row.claim_no for row in covered], amount, [row.claim_no for row in waiting], remaining - amount)


def _claims(session: Session, claim_nos: list[str]) -> list[Claim]:
    found = {c.claim_no: c for c in session.scalars(select(Claim).where(Claim.claim_no.in_(claim_nos))
                                                    .execution_options(populate_existing=True))}
    missing = [n for n in claim_nos if n not in found]
    if missing:
        raise OfficeError("claims.no_such_claim", claim_no="、".join(missing))
    return [found[n] for n in dict.fromkeys(claim_nos)]


def mark_paid(target: Engine | Session, actor, claim_nos: list[str] | None = None, *,
              paid_on: date | None = None, reason: str = "") -> list[str]:
    """撥款: mark approved claims paid on ``paid_on`` (today): those named, or every
    approved one. A named claim that is not approved refuses the whole call."""
    paid_on = paid_on or office_today()
    with unit_of_work(target, actor, reason or "mark paid") as session:
        if claim_nos is None:
            claims = list(session.scalars(select(Claim).where(Claim.status == "approved")
                                          .order_by(Claim.filed_on, Claim.id)))
        else:
            claims = _claims(session, claim_nos)
            wrong = [c.claim_no for c in claims if c.status != "approved"]
            if wrong:
                raise OfficeError("claims.not_approved", claim_no="、".join(wrong))
        for claim in claims:
            claim.status, claim.paid_on = "paid", paid_on
        session.flush()
        return [c.claim_no for c in claims]


def claw_back(target: Engine | Session, actor, claim_no: str, reason: str, *, on: date | None = None,
              renewal: bool = True, close_on: date | None = None) -> Claim:
    """追回: a paid claim's subsidy is recovered (已追回); an approved, unpaid one loses
    its approval — 不符 when it is a renewal (the flag says why), else 已追回. ``renewal``: the store turned out to be the provider's existing
    customer (續購), so the contract is marked so and the claim can never pass again.
    Reconciles afterwards, so the claim's flags say so at once."""
    if not reason.strip():
        raise OfficeError("claims.reason_required")
    with unit_of_work(target, actor, reason.strip()) as session:
        (claim,) = _claims(session, [claim_no])
        if claim.status not in ("approved", "paid"):
            raise OfficeError("claims.not_granted", claim_no=claim_no, status=t(f"claim.{claim.status}"))
        if renewal:
            session.get(Contract, claim.contract_id).existing_customer = True
        if claim.status == "paid" or not renewal:
            # Recovered, or an approval withdrawn for a reason no flag shows: a staff
            # decision that reconciliation leaves alone (it would put a clean claim back
            # in 待審 and the next bulk approval would grant it again).
            claim.status, claim.clawed_back_on = "clawed_back", on or office_today()
        else:
            claim.status, claim.approved_amount, claim.approved_on = "rejected", None, None
        claim.status_reason = reason.strip()
        session.flush()
        reconcile(session, close_on=close_on)
        session.refresh(claim)
        return claim


# What a correction may change: claim fields, then those on its invoice and contract.
CLAIM_FIELDS = ("filed_on", "withholding_amount", "has_declaration", "has_receipt", "has_signed_contract",
                "has_invoice_copy")
INVOICE_FIELDS = {"invoice_no": "invoice_no", "invoice_date": "issued_on", "invoice_amount": "amount"}
CONTRACT_FIELDS = {"contract_start": "starts_on", "contract_end": "ends_on", "contract_total": "total",
                   "terminated_on": "terminated_on", "existing_customer": "existing_customer"}


def edit_claim(target: Engine | Session, actor, claim_no: str, reason: str, *, close_on: date | None = None,
               **changes) -> Claim:
    """補件／重新送件: correct an open claim (待審, 待補件, 不符) — claim fields (CLAIM_FIELDS),
    its invoice (invoice_no, invoice_date, invoice_amount) or contract (contract_start,
    contract_end, contract_total, terminated_on, existing_customer) — and reconcile again.
    A refiling is a correction with a new ``filed_on``."""
    if not reason.strip():
        raise OfficeError("claims.reason_required")
    unknown = sorted(set(changes) - set(CLAIM_FIELDS) - set(INVOICE_FIELDS) - set(CONTRACT_FIELDS))
    if unknown:
        raise OfficeError("claims.unknown_field", fields="、".join(unknown))
    with unit_of_work(target, actor, reason.strip()) as session:
        (claim,) = _claims(session, [claim_no])
        if claim.status not in CLAIM_OPEN_STATUSES:
            raise OfficeError("claims.not_open", claim_no=claim_no, status=t(f"claim.{claim.status}"))
        invoice, contract = session.get(Invoice, claim.invoice_id), session.get(Contract, claim.contract_id)
        for name, value in changes.items():
            if name in CLAIM_FIELDS:
                setattr(claim, name, value)
            elif name in INVOICE_FIELDS:
                setattr(invoice, INVOICE_FIELDS[name], value)
            else:
                setattr(contract, CONTRACT_FIELDS[name], value)
        if contract.ends_on <= contract.starts_on:
            raise OfficeError("claims.end_before_start")
        contract.subsidy = min(contract.total, SUBSIDY_CAP)
        session.flush()
        reconcile(session, close_on=close_on)
        session.refresh(claim)
        return claim
