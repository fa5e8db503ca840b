"""抽查 — spot checks of claims at the provider (docs/rules/usage.md).

A draw takes a sample of the claims whose subsidy is granted — 核定 (approved) and
已撥款 (paid): money the programme has committed — at least ``percent`` % of them
(rounded up) and at least ``min_per_provider`` of each provider that has any, chosen
by a seeded random order so that the same seed over the same claims gives the same
sample (the seed is recorded with the draw; one is picked and recorded when none is
given). :func:`sample` is that choice as a plain function.

Each drawn claim's check is recorded as 符合 (pass) or 不符 (fail) with a note and the
day. A failed check puts the fatal flag ``spot_check_failed`` on the claim at once
(its store's claims are reconciled): a claim still open becomes 不符; an approved or
paid one keeps its status and is listed for claw-back (office_tui.claims.actions.claw_back)
with that reason.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import Claim, Contract, SpotCheck, SpotCheckDraw
from models.clock import now_utc, office_today
from office_tui.core.errors import OfficeError
from office_tui.core.programme import CLAIM_GRANTED_STATUSES

POPULATION_STATUSES = CLAIM_GRANTED_STATUSES  # 核定, 已撥款


class SpotCheckError(OfficeError):
    """A draw or a result that cannot be recorded."""


def sample(population: Sequence[tuple[str, int]], percent: float, min_per_provider: int, seed: int) -> list[str]:
    """The claim numbers drawn from ``population`` ((claim_no, provider id) pairs): the
    claims in a random order fixed by ``seed`` (over the claims sorted by number), the
    first ``min_per_provider`` of each provider, then the next ones in that order until
    ``percent`` % of all (rounded up) are drawn. Sorted by claim number."""
    ordered = sorted(population)
    random.Random(seed).shuffle(ordered)
    wanted = math.ceil(len(ordered) * percent / 100 - 1e-9)
    taken: dict[str, int] = {}
    per_provider: dict[int, int] = {}
    for claim_no, provider in ordered:
        if per_provider.get(provider, 0) < min_per_provider:
            per_provider[provider] = per_provider.get(provider, 0) + 1
            taken[claim_no] = provider
    for claim_no, provider in ordered:
        if len(taken) >= wanted:
            break
        taken.setdefault(claim_no, provider)
    return sorted(taken)


def draw(session: Session, actor, percent: float, *, min_per_provider: int = 1,
         seed: int | None = None) -> SpotCheckDraw:
    """Draw and record a sample (in the caller's transaction; audited)."""
    if not 0 < percent <= 100:
        raise SpotCheckError("spotcheck.bad_percent", percent=percent)
    if min_per_provider < 0:
        raise SpotCheckError("spotcheck.bad_minimum", n=min_per_provider)
    if seed is None:
        seed = secrets.randbelow(1_000_000_000)
    statuses = ", ".join(f"'{s}'" for s in POPULATION_STATUSES)
    population = session.execute(text(
        f"SELECT c.claim_no, k.provider_id FROM claim c JOIN contract k ON k.id = c.contract_id"
        f" WHERE c.status IN ({statuses})")).all()
    if not population:
        raise SpotCheckError("spotcheck.nothing_to_draw")
    drawn = sample([tuple(row) for row in population], percent, min_per_provider, seed)
    record = SpotCheckDraw(seed=seed, percent=percent, min_per_provider=min_per_provider, population=len(population),
                           drawn_at=now_utc(), drawn_by_id=getattr(actor, "user_id", None),
                           drawn_by=getattr(actor, "username", "") or "")
    session.add(record)
    session.flush()
    ids = dict(session.execute(select(Claim.claim_no, Claim.id).where(Claim.claim_no.in_(drawn))).all())
    session.add_all(SpotCheck(draw_id=record.id, claim_id=ids[no]) for no in drawn)
    session.flush()
    return record


def record_result(session: Session, actor, claim_no: str, passed: bool, note: str, *, on: date | None = None,
                  close_on: date | None = None) -> SpotCheck:
    """Record a drawn claim's check (its latest draw's; audited) and reconcile the claims
    of its store, so that a failure flags it at once."""
    from office_tui.claims.reconcile import reconcile

    note = note.strip()
    if not note:
        raise SpotCheckError("spotcheck.note_required")
    claim = session.scalars(select(Claim).where(Claim.claim_no == claim_no)).first()
    if claim is None:
        raise SpotCheckError("spotcheck.no_such_claim", claim_no=claim_no)
    check = session.scalars(select(SpotCheck).where(SpotCheck.claim_id == claim.id)
                            .order_by(SpotCheck.draw_id.desc())).first()
    if check is None:
        raise SpotCheckError("spotcheck.not_drawn", claim_no=claim_no)
    check.result = "pass" if passed else "fail"
    check.note = note
    check.checked_on = on or office_today()
    check.recorded_at = now_utc()
    check.recorded_by_id = getattr(actor, "user_id", None)
    check.recorded_by = getattr(actor, "username", "") or ""
    session.flush()
    store_id = session.scalar(select(Contract.store_id).where(Contract.id == claim.contract_id))
    reconcile(session, close_on=close_on, stores=[store_id])
    return check


# -- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawInfo:
    id: int
    seed: int
    percent: float
    min_per_provider: int
    population: int
    drawn_at: datetime
    drawn_by: str
    drawn: int
    checked: int
    failed: int

    def to_json(self) -> dict:
        return {"draw": self.id, "seed": self.seed, "percent": self.percent, "min_per_provider": self.min_per_provider,
                "population": self.population, "drawn_at": self.drawn_at.isoformat(), "drawn_by": self.drawn_by,
                "drawn": self.drawn, "checked": self.checked, "failed": self.failed}


@dataclass(frozen=True)
class SampleRow:
    """One drawn claim with what a visit needs: provider and contact, store, term."""

    draw_id: int
    claim_id: int
    claim_no: str
    status: str
    provider_ubn: str
    provider_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    store_ubn: str
    store_name: str
    store_address: str
    starts: date
    ends: date  # the term's last day (termination, if any)
    result: str | None
    note: str
    checked_on: date | None

    def to_json(self) -> dict:
        return {"draw": self.draw_id, "claim_no": self.claim_no, "status": self.status,
                "provider_ubn": self.provider_ubn, "provider": self.provider_name, "contact": self.contact_name,
                "phone": self.contact_phone, "email": self.contact_email, "store_ubn": self.store_ubn,
                "store": self.store_name, "from": self.starts.isoformat(), "to": self.ends.isoformat(),
                "result": self.result, "note": self.note,
                "checked_on": self.checked_on.isoformat() if self.checked_on else None}


def draws(session: Session) -> list[DrawInfo]:
    """Every draw, newest first, with how many of its claims were checked and failed."""
    rows = session.execute(select(
        SpotCheckDraw, func.count(SpotCheck.claim_id), func.count(SpotCheck.result),
        func.coalesce(func.sum(SpotCheck.result == "fail"), 0))
        .join(SpotCheck, SpotCheck.draw_id == SpotCheckDraw.id, isouter=True)
        .group_by(SpotCheckDraw.id).order_by(SpotCheckDraw.id.desc())).all()
    return [DrawInfo(d.id, d.seed, d.percent, d.min_per_provider, d.population, d.drawn_at, d.drawn_by, n, checked,
                     int(failed)) for d, n, checked, failed in rows]


_SAMPLE = """
SELECT sc.draw_id, c.id, c.claim_no, c.status, p.ubn, p.name, p.contact_name,
       coalesce(nullif(p.contact_mobile, ''), p.contact_phone), p.contact_email, s.ubn, s.name, s.address,
       k.starts_on, coalesce(k.terminated_on, k.ends_on), sc.result, sc.note, sc.checked_on
FROM spotcheck sc JOIN claim c ON c.id = sc.claim_id JOIN contract k ON k.id = c.contract_id
JOIN store s ON s.id = k.store_id JOIN provider p ON p.id = k.provider_id
WHERE sc.draw_id = :draw {failed}
ORDER BY p.ubn, c.claim_no
"""


def sample_rows(session: Session, draw_id: int | None = None, *, failed_only: bool = False) -> list[SampleRow]:
    """The claims of draw ``draw_id`` (the latest when None), by provider then claim."""
    if draw_id is None:
        draw_id = session.scalar(select(func.max(SpotCheckDraw.id)))
        if draw_id is None:
            return []
    elif session.get(SpotCheckDraw, draw_id) is None:
        raise SpotCheckError("spotcheck.no_such_draw", draw=draw_id)
    rows = session.execute(text(_SAMPLE.format(failed="AND sc.result = 'fail'" if failed_only else "")),
                           {"draw": draw_id}).all()
    return [SampleRow(*r[:12], _day(r[12]), _day(r[13]), r[14], r[15] or "", _day(r[16]) if r[16] else None)
            for r in rows]


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
