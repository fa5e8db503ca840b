"""The office's headline figures, as the programme's own system shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, distinct, func
from sqlmodel import select

from models import Application, Claim, Contract, CorrectionNotice
from models.clock import office_today
from office_tui.core.db import read_session
from office_tui.core.programme import (
    BUDGET_TOTAL,
    CLAIM_GRANTED_STATUSES,
    CLAIM_PENDING_STATUSES,
    IN_PROGRESS_STATUSES,
)


@dataclass(frozen=True)
class Headline:
    applications_in_progress: int  # 申請中解決方案
    stores_applying: int  # 申請中店家: stores whose subsidy claim is being checked
    stores_approved: int  # 核定店家: stores whose subsidy was approved or paid
    budget_total: int
    budget_granted: int  # committed + paid
    notices_due_today: int
    notices_overdue: int
    today: date
    budget_committed: int = 0  # 已核定未撥款
    budget_paid: int = 0  # 已撥款

    @property
    def budget_remaining(self) -> int:  # 剩餘補助金額
        return self.budget_total - self.budget_granted


def headline(engine: Engine, today: date | None = None, budget_total: int | None = None) -> Headline:
    """The figures; ``budget_total`` is Settings.budget_total (the programme's when None)."""
    from office_tui.claims.budget import budget_in

    today = today or office_today()
    with read_session(engine) as s:
        in_progress = s.exec(
            select(func.count()).select_from(Application).where(Application.status.in_(IN_PROGRESS_STATUSES))
        ).one()
        applying = s.exec(
            select(func.count(distinct(Contract.store_id)))
            .select_from(Claim)
            .join(Contract, Claim.contract_id == Contract.id)
            .where(Claim.status.in_(CLAIM_PENDING_STATUSES))
        ).one()
        approved = s.exec(
            select(func.count(distinct(Contract.store_id)))
            .select_from(Claim)
            .join(Contract, Claim.contract_id == Contract.id)
            .where(Claim.status.in_(CLAIM_GRANTED_STATUSES))
        ).one()
        money = budget_in(s, BUDGET_TOTAL if budget_total is None else budget_total, waiting=False)
        due_today = s.exec(
            select(func.count()).select_from(CorrectionNotice)
            .where(CorrectionNotice.status == "open", CorrectionNotice.due_on == today)
        ).one()
        overdue = s.exec(
            select(func.count()).select_from(CorrectionNotice)
            .where(CorrectionNotice.status == "open", CorrectionNotice.due_on < today)
        ).one()
    return Headline(in_progress, applying, approved, money.total, money.granted, due_today, overdue, today,
                    money.committed, money.paid)
