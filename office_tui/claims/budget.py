"""補助預算 — the store-subsidy budget: total, committed, paid and what remains
(docs/rules/claims.md: NT$90,000,000 by default, Settings.budget_total; the system shows
「剩餘補助金額」).

Committed is what approved claims (核定) hold and is not yet paid; paid is what paid
claims (已撥款) received. A clawed-back claim (已追回) holds nothing: its money came back.
Approvals (office_tui.claims.actions.approve_clean) take claims in filing order while the
remainder covers them; the first one it cannot cover, and every clean claim after it,
waits with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from models import Claim
from office_tui.core.programme import BUDGET_TOTAL


@dataclass(frozen=True)
class Budget:
    total: int
    committed: int  # 已核定未撥款
    paid: int  # 已撥款
    waiting: int = 0  # clean claims (待審, no flag) not yet approved
    waiting_amount: int = 0  # … and the subsidy they ask for

    @property
    def granted(self) -> int:
        return self.committed + self.paid

    @property
    def remaining(self) -> int:  # 剩餘補助金額
        return self.total - self.committed - self.paid

    def to_json(self) -> dict:
        return {"total": self.total, "committed": self.committed, "paid": self.paid, "remaining": self.remaining,
                "waiting": self.waiting, "waiting_amount": self.waiting_amount}


def _amount(status: str):
    return func.coalesce(func.sum(case((Claim.status == status, Claim.approved_amount), else_=0)), 0)


def budget_in(session: Session, total: int | None = None, *, waiting: bool = True) -> Budget:
    """The budget as ``session`` sees it (inside a transaction that is approving);
    ``waiting=False`` skips counting the clean claims not yet approved."""
    committed, paid = session.execute(select(_amount("approved"), _amount("paid"))).one()
    count, asked = 0, 0
    if waiting:
        count, asked = session.execute(
            select(func.count(), func.coalesce(func.sum(Claim.subsidy), 0))
            .where(Claim.status == "filed", Claim.flags == "")).one()
    return Budget(BUDGET_TOTAL if total is None else total, int(committed), int(paid), int(count), int(asked))


def budget(target: Engine | Session, total: int | None = None) -> Budget:
    """The budget now; ``total`` is Settings.budget_total (the programme's when None)."""
    if isinstance(target, Session):
        return budget_in(target, total)
    from office_tui.core.db import read_session

    with read_session(target) as session:
        return budget_in(session, total)
