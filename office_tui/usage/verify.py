"""使用驗證 — each claim's use of its store over its term, period by period, and the
verdict (docs/rules/usage.md): what ``office-tui usage verify`` prints and screen 7
shows. Reads only; the rule is office_tui.usage.periods (the SQL reconciliation uses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from office_tui.core.months import Period
from office_tui.usage.periods import COVERED, GAP, NO_LOG, PeriodUse, create_periods, create_terms, drop_temp, \
    needed_days


@dataclass(frozen=True)
class ClaimUse:
    """One claim's term, its periods' use and the verdict."""

    claim_id: int
    claim_no: str
    status: str
    store_ubn: str
    store_name: str
    provider_ubn: str
    provider_name: str
    starts: date
    ends: date  # the term's last day: the contract's end, or its termination
    periods: tuple[PeriodUse, ...]
    verdict: str
    store_id: int = 0

    @property
    def short(self) -> list[PeriodUse]:
        return [p for p in self.periods if not p.ok]

    def to_json(self) -> dict:
        return {"claim_no": self.claim_no, "store_ubn": self.store_ubn,
                "periods": [p.to_json() for p in self.periods], "verdict": self.verdict}


_CLAIMS = """
SELECT c.id, c.claim_no, c.status, s.ubn, s.name, p.ubn, p.name, k.starts_on, coalesce(k.terminated_on, k.ends_on),
       k.store_id
FROM usage_term t JOIN claim c ON c.id = t.claim_id JOIN contract k ON k.id = c.contract_id
JOIN store s ON s.id = k.store_id JOIN provider p ON p.id = k.provider_id
ORDER BY c.filed_on, c.id
"""

_USE = """
SELECT p.claim_id, p.number, p.first, p.last, coalesce(sum(u.count > 0), 0), coalesce(sum(u.count), 0)
FROM usage_period p LEFT JOIN usagedaily u ON u.store_id = p.store_id AND u.day BETWEEN p.first AND p.last
GROUP BY p.claim_id, p.number
"""


def verify_claims(session: Session, *, store_ubn: str | None = None, provider_ubn: str | None = None,
                  claim_no: str | None = None, claim_ids: list[int] | None = None,
                  min_active_days: int = 1) -> list[ClaimUse]:
    """Every claim (in filing order), or those of a store, a provider, one claim number
    or the ids given, with each monthly period's use and the verdict."""
    where, params = [], {}
    if store_ubn:
        where.append("k.store_id IN (SELECT id FROM store WHERE ubn = :store)")
        params["store"] = store_ubn
    if provider_ubn:
        where.append("k.provider_id IN (SELECT id FROM provider WHERE ubn = :provider)")
        params["provider"] = provider_ubn
    if claim_no:
        where.append("c.claim_no = :claim_no")
        params["claim_no"] = claim_no
    if claim_ids is not None:
        where.append(f"c.id IN ({', '.join(str(int(i)) for i in claim_ids) or 'NULL'})")
    connection = session.connection()
    try:
        create_terms(connection, ("WHERE " + " AND ".join(where)) if where else "", params)
        create_periods(connection)
        use: dict[int, list[PeriodUse]] = {}
        for claim_id, number, first, last, active, events in connection.exec_driver_sql(_USE):
            first, last = date.fromisoformat(first), date.fromisoformat(last)
            need = needed_days(Period(number, first, last), min_active_days)
            use.setdefault(claim_id, []).append(PeriodUse(number, first, last, active, events, need))
        claims = connection.execute(text(_CLAIMS)).all()
    finally:
        drop_temp(connection)
    found = []
    for claim_id, number, status, s_ubn, s_name, p_ubn, p_name, starts, ends, store_id in claims:
        periods = tuple(sorted(use.get(claim_id, ()), key=lambda p: p.number))
        found.append(ClaimUse(claim_id, number, status, s_ubn, s_name, p_ubn, p_name, _day(starts), _day(ends), periods,
                              _verdict(periods), store_id))
    return found


def _verdict(periods: tuple[PeriodUse, ...]) -> str:
    if not any(p.active_days for p in periods):
        return NO_LOG
    return COVERED if all(p.ok for p in periods) else GAP


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class WeekUse:
    """Events in one week (Monday first) of a term: what the store's chart draws."""

    monday: date
    events: int
    active_days: int
    period: int  # the monthly period the week's Monday (or the term's first day) falls in
    short: bool  # that period has too few days with use


def weekly_use(session: Session, store_id: int, starts: date, ends: date, periods: tuple[PeriodUse, ...]) -> list[WeekUse]:
    """The store's events per week over the term, each week with its period."""
    counts = dict(session.execute(text(
        "SELECT day, count FROM usagedaily WHERE store_id = :store AND day BETWEEN :starts AND :ends"),
        {"store": store_id, "starts": starts.isoformat(), "ends": ends.isoformat()}).all())
    weeks = []
    monday = starts - timedelta(days=starts.weekday())
    while monday <= ends:
        days = [monday + timedelta(days=k) for k in range(7)]
        days = [d for d in days if starts <= d <= ends]
        figures = [counts.get(d.isoformat(), 0) for d in days]
        within = next((p for p in periods if p.first <= days[0] <= p.last), None)
        weeks.append(WeekUse(monday, sum(figures), sum(1 for n in figures if n > 0),
                             within.number if within else 0, bool(within and not within.ok)))
        monday += timedelta(days=7)
    return weeks
