"""請款處理 — what staff do with reconciled claims: approve the clean ones in filing order
within the budget (核定), mark approved ones paid (撥款), claw back a paid subsidy when a
renewal comes to light (追回), and correct or refile a claim (補件). Every change is made
through an audited write session, with the reason staff gave.

Each action takes an engine (its own transaction) or a session (the caller's), and an
:class:`office_tui.core.actor.Actor`; each raises OfficeError with an i18n key when it cannot
be done, and then changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import Claim, Contract, Invoice
from office_tui.core import audit
from office_tui.claims.budget import budget_in
from models.clock import office_today
from office_tui.core.dates import check_happened
from office_tui.core.identifiers import normalise_claim_no
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t
from office_tui.core.programme import CLAIM_OPEN_STATUSES, FATAL_FLAGS, SUBSIDY_CAP
from office_tui.claims.reconcile import reconcile, unit_of_work


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


def approve_clean(target: Engine | Session, actor, *, budget_total: int | None = None,
                  claim_nos: list[str] | None = None, close_on: date | None = None,
                  reason: str = "", today: date | None = None) -> Approval:
    """核定: reconcile, then approve the clean claims (待審 without a flag) — all, or those
    in ``claim_nos`` — in filing order while the budget's remainder covers each one.

    The order is the queue of every clean claim, named or not: a named claim is approved
    only when the remainder covers it after every clean claim filed before it, so naming
    a later, smaller claim never jumps it ahead of an earlier one. The first claim the
    remainder cannot cover, and every clean claim after it, wait (waiting_notes says why,
    with the figures of the moment)."""
    today = today or office_today()
    with unit_of_work(target, actor, reason or "approve clean claims") as session:
        if claim_nos is not None:
            _claims(session, claim_nos)  # a number no claim has is named as unknown
        reconcile(session, close_on=close_on)
        remaining = budget_in(session, budget_total, waiting=False).remaining
        queue = budget_queue(session)
        named = None if claim_nos is None else set(claim_nos)
        covered = [row for row in queue if row.running <= remaining and (named is None or row.claim_no in named)]
        waiting = [row for row in queue if row.running > remaining and (named is None or row.claim_no in named)]
        due = {row.id: row.subsidy for row in covered}
        for claim in session.scalars(select(Claim).where(Claim.id.in_(list(due)))
                                     .execution_options(populate_existing=True)):
            claim.status, claim.approved_amount, claim.approved_on = "approved", due[claim.id], today
            claim.status_reason = ""
        amount = sum(due.values())
        if waiting:
            audit.record_bulk(session, "claim", len(waiting),
                              f"waiting for budget: NT${remaining - amount:,} left, first waiting "
                              f"{waiting[0].claim_no} (NT${waiting[0].subsidy:,})")
        session.flush()
    return Approval([row.claim_no for row in covered], amount, [row.claim_no for row in waiting], remaining - amount)


@dataclass(frozen=True)
class QueuedClaim:
    """A clean claim waiting to be approved: ``ahead`` is what the clean claims filed
    before it ask for, ``running`` = ahead + its own subsidy."""

    id: int
    claim_no: str
    subsidy: int
    ahead: int
    running: int


_QUEUE = """
SELECT id, claim_no, subsidy, SUM(subsidy) OVER (ORDER BY filed_on, id) AS running
FROM claim WHERE status = 'filed' AND flags = '' ORDER BY filed_on, id
"""


def budget_queue(session: Session) -> list[QueuedClaim]:
    """The clean claims (待審, no flag) in filing order with their running totals: the
    order approvals take."""
    return [QueuedClaim(r.id, r.claim_no, r.subsidy, r.running - r.subsidy, r.running)
            for r in session.execute(text(_QUEUE))]


def waiting_notes(session: Session, budget_total: int | None = None) -> dict[int, str]:
    """claim id → why a clean claim waits for budget, in the interface language, with
    the figures of now: the remainder, what earlier clean claims take of it, its own
    subsidy. Clean claims the remainder covers are not in it."""
    remaining = budget_in(session, budget_total, waiting=False).remaining
    return {q.id: t("budget.waiting" if q.ahead else "budget.waiting_first", remaining=f"NT${remaining:,}",
                    ahead=f"NT${q.ahead:,}", subsidy=f"NT${q.subsidy:,}")
            for q in budget_queue(session) if q.running > remaining}


def _claims(session: Session, claim_nos: list[str]) -> list[Claim]:
    claim_nos = [normalise_claim_no(n) for n in claim_nos]
    found = {c.claim_no: c for c in session.scalars(select(Claim).where(Claim.claim_no.in_(claim_nos))
                                                    .execution_options(populate_existing=True))}
    missing = [n for n in claim_nos if n not in found]
    if missing:
        raise OfficeError("claims.no_such_claim", claim_no="、".join(missing))
    return [found[n] for n in dict.fromkeys(claim_nos)]


def mark_paid(target: Engine | Session, actor, claim_nos: list[str] | None = None, *,
              paid_on: date | None = None, reason: str = "", close_on: date | None = None) -> list[str]:
    """撥款: mark approved claims paid on ``paid_on`` (today; never a day after it, nor
    before the approval): those named, or every approved one. Reconciles first: a claim
    that has since lost its ground — a flag no correction removes (the store no longer
    eligible, its solution delisted, a renewal …) — is not paid; its approval is withdrawn
    or clawed back instead. A named claim that is not approved, or such a claim, refuses
    the whole call."""
    paid_on = check_happened(paid_on or office_today(), "event.paid")
    with unit_of_work(target, actor, reason or "mark paid") as session:
        reconcile(session, close_on=close_on)
        if claim_nos is None:
            claims = list(session.scalars(select(Claim).where(Claim.status == "approved")
                                          .order_by(Claim.filed_on, Claim.id)))
        else:
            claims = _claims(session, claim_nos)
            wrong = [c.claim_no for c in claims if c.status != "approved"]
            if wrong:
                raise OfficeError("claims.not_approved", claim_no="、".join(wrong))
        early = [c.claim_no for c in claims if c.approved_on is not None and paid_on < c.approved_on]
        if early:
            from office_tui.core.dates import format_date

            first = min((c for c in claims if c.claim_no in early), key=lambda c: c.approved_on)
            raise OfficeError("claims.paid_before_approval", claim_no="、".join(early),
                              paid_on=format_date(paid_on), approved_on=format_date(first.approved_on))
        fallen = [(c.claim_no, [f for f in c.flags.split(",") if f in FATAL_FLAGS]) for c in claims]
        fallen = [(number, flags) for number, flags in fallen if flags]
        if fallen:
            raise OfficeError("claims.pay_flagged", claims="；".join(
                f"{number}：{'、'.join(t(f'flag.label_{f}') for f in flags)}" for number, flags in fallen))
        for claim in claims:
            claim.status, claim.paid_on = "paid", paid_on
        session.flush()
        return [c.claim_no for c in claims]


def claw_back(target: Engine | Session, actor, claim_no: str, reason: str, *, on: date | None = None,
              renewal: bool = True, close_on: date | None = None) -> Claim:
    """追回: a paid claim's subsidy is recovered (已追回, on ``on``); an approved, unpaid
    one loses its approval — 不符 when it is a renewal (the flag says why), else 撤銷核定
    (withdrawn: nothing was paid, so there is no recovery date). ``renewal``: the store
    turned out to be the provider's existing customer (續購), so the contract is marked so
    and the claim can never pass again. Reconciles afterwards, so the claim's flags say so
    at once."""
    if not reason.strip():
        raise OfficeError("claims.reason_required")
    check_happened(on, "event.clawed_back")
    with unit_of_work(target, actor, reason.strip()) as session:
        (claim,) = _claims(session, [claim_no])
        if claim.status not in ("approved", "paid"):
            raise OfficeError("claims.not_granted", claim_no=claim_no, status=t(f"claim.{claim.status}"))
        if renewal:
            session.get(Contract, claim.contract_id).existing_customer = True
        if claim.status == "paid":
            on = on or office_today()
            if claim.paid_on is not None and on < claim.paid_on:
                from office_tui.core.dates import format_date

                raise OfficeError("claims.clawed_back_before_paid", claim_no=claim.claim_no, on=format_date(on),
                                  paid_on=format_date(claim.paid_on))
            claim.status, claim.clawed_back_on = "clawed_back", on
        elif not renewal:
            # An approval withdrawn for a reason no flag shows: a staff decision that
            # reconciliation leaves alone (it would put a clean claim back in 待審 and the
            # next bulk approval would grant it again).
            claim.status, claim.approved_amount, claim.approved_on = "withdrawn", None, None
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
    check_happened(changes.get("filed_on"), "event.filed")
    check_happened(changes.get("invoice_date"), "event.invoiced")
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
        if contract.terminated_on is not None and not contract.starts_on <= contract.terminated_on <= contract.ends_on:
            raise OfficeError("claims.terminated_outside_term")
        if contract.total <= 0:
            raise OfficeError("claims.total_not_positive")
        contract.subsidy = min(contract.total, SUBSIDY_CAP)
        session.flush()
        reconcile(session, close_on=close_on)
        session.refresh(claim)
        return claim
