"""Intake (收件): providers register once per UBN; applications arrive in batches and a
submission after the batch's cutoff is kept but not accepted (逾時不予受理)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models import Batch, Provider
from office_tui.core.errors import OfficeError

LATE_REASON = "逾時不予受理"


class DuplicateProvider(OfficeError):
    """「公司統編(帳號)：NNNNNNNN，已申請過！」 — the programme system's own words."""

    def __init__(self, ubn: str) -> None:
        super().__init__("intake.duplicate_ubn", ubn=ubn)


def status_on_arrival(batch: Batch, submitted_at: datetime) -> tuple[str, str]:
    """收件 or, after the cutoff (the server's clock decides), 不予受理 with the reason."""
    if submitted_at > batch.closes_at:
        return "not_accepted", LATE_REASON
    return "received", ""


def register_provider(session: Session, provider: Provider) -> Provider:
    """Register a new provider account; a UBN already registered is refused."""
    if session.exec(select(Provider.id).where(Provider.ubn == provider.ubn)).first() is not None:
        raise DuplicateProvider(provider.ubn)
    session.add(provider)
    session.flush()
    return provider
