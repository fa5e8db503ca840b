"""請款勾稽結果 — each claim as the last reconciliation pass left it, with every flag's
reason in the interface language: what the reconciliation screen's tabs, the exceptions
queue and ``office-tui reconcile`` show. Reads only; the pass is office_tui.claims.reconcile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from office_tui.core.programme import CLAIM_STATUSES, CLAIM_WINDOW_DAYS
from office_tui.claims.reconcile import one_year_end, split_flags


DOCUMENTS = (("has_declaration", "claims.doc_declaration"), ("has_receipt", "claims.doc_receipt"),
             ("has_signed_contract", "claims.doc_contract"), ("has_invoice_copy", "claims.doc_invoice_copy"))


@dataclass(frozen=True)
class ClaimResult:
    """One claim as reconciliation left it, with each flag's reason in the interface
    language (``reasons`` in ``flags`` order, then the status reason if any)."""

    id: int
    claim_no: str
    store_ubn: str
    store_name: str
    provider_ubn: str
    provider_name: str
    filed_on: date
    status: str
    subsidy: int
    approved_amount: int | None
    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    status_reason: str

    def to_json(self) -> dict:
        return {"claim_no": self.claim_no, "store_ubn": self.store_ubn, "status": self.status,
                "subsidy": self.subsidy, "flags": list(self.flags)}


_RESULTS = """
SELECT c.id, c.claim_no, s.ubn, s.name, p.ubn, p.name, c.filed_on, c.status, c.subsidy, c.approved_amount,
       c.flags, c.status_reason, c.withholding_amount, c.has_declaration, c.has_receipt, c.has_signed_contract,
       c.has_invoice_copy, k.starts_on, k.ends_on, k.terminated_on, k.total, i.invoice_no, i.amount, k.store_id
FROM claim c JOIN contract k ON k.id = c.contract_id JOIN invoice i ON i.id = c.invoice_id
JOIN store s ON s.id = k.store_id JOIN provider p ON p.id = k.provider_id
"""


def claim_results(target: Engine | Session, *, status: str | None = None, flagged: bool | None = None,
                  claim_nos: list[str] | None = None, limit: int | None = None, offset: int = 0,
                  date_style: str = "roc", reasons: bool = True, budget_total: int | None = None,
                  close_on: date | None = None, min_active_days: int | None = None) -> list[ClaimResult]:
    """Claims in filing order as the last pass left them: all, or one status (a tab),
    only flagged ones (``flagged=True``: the exceptions queue) or clean ones, or the
    numbers given; a page of them with ``limit``/``offset``. ``reasons=False`` leaves
    the reasons out (JSON of all claims needs only the codes). ``budget_total``
    (Settings.budget_total) decides which clean claims wait for budget, and their
    status reason says so; ``close_on`` (Settings.claims_close_on) lets a late claim's
    reason name the announced deadline; ``min_active_days`` (Settings.usage_min_active_days,
    read from the settings when not given) lets a usage gap's reason name the short periods."""
    where, params = [], {}
    if status:
        where.append("c.status = :status")
        params["status"] = status
    if flagged is not None:
        where.append("c.flags <> ''" if flagged else "c.flags = ''")
    if claim_nos is not None:
        names = [f":n{k}" for k in range(len(claim_nos))]
        where.append(f"c.claim_no IN ({', '.join(names) or 'NULL'})")
        params.update({f"n{k}": number for k, number in enumerate(claim_nos)})
    sql = _RESULTS + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.filed_on, c.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    rules = _Rules(date_style, reasons, budget_total, close_on, min_active_days)
    if isinstance(target, Session):
        return _results(target, sql, params, rules)
    from office_tui.core.db import read_session

    with read_session(target) as session:
        return _results(session, sql, params, rules)


def status_counts(target: Engine | Session) -> dict[str, int]:
    """Claims per status (every code, 0 included): the tabs' counts."""
    def count(session: Session) -> dict[str, int]:
        found = dict(session.execute(text("SELECT status, count(*) FROM claim GROUP BY status")).all())
        return {code: found.get(code, 0) for code in CLAIM_STATUSES}

    if isinstance(target, Session):
        return count(target)
    from office_tui.core.db import read_session

    with read_session(target) as session:
        return count(session)


@dataclass(frozen=True)
class _Rules:
    style: str
    reasons: bool
    budget_total: int | None
    close_on: date | None
    min_active_days: int | None = None

    def active_days(self) -> int:
        if self.min_active_days is not None:
            return self.min_active_days
        from office_tui.claims.reconcile import active_days_setting

        return active_days_setting()


def _results(session: Session, sql: str, params: dict, rules: _Rules) -> list[ClaimResult]:
    rows = session.execute(text(sql), params).all()
    context = _Context(session, rows, rules)

    def status_reason(r) -> str:
        if rules.reasons and r[7] == "filed" and not r[10]:
            return context.waiting().get(r[0], r[11])
        return r[11]

    def said(r, note: str) -> tuple[str, ...]:
        if not rules.reasons:
            return ()
        return tuple([*(context.reason(r, code) for code in split_flags(r[10])), *([note] if note else [])])

    results = []
    for r in rows:
        note = status_reason(r)
        results.append(ClaimResult(r[0], r[1], r[2], r[3], r[4], r[5], _day(r[6]), r[7], r[8], r[9],
                                   tuple(split_flags(r[10])), said(r, note), note))
    return results


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class _Context:
    """What some reasons name beyond the claim's own row, fetched once per page."""

    def __init__(self, session: Session, rows, rules: _Rules) -> None:
        self.session, self.rules = session, rules
        flagged = [r for r in rows if r[10]]
        self.store_ids = {r[23] for r in flagged if "store_already_subsidised" in r[10]}
        self.numbers = {r[21] for r in flagged if "invoice_duplicate" in r[10]}
        self.ineligible = {r[23] for r in flagged if "store_ineligible" in r[10]}
        self._holders = self._duplicates = self._stores = self._waiting = None

    def waiting(self) -> dict[int, str]:
        if self._waiting is None:
            from office_tui.claims.actions import waiting_notes

            self._waiting = waiting_notes(self.session, self.rules.budget_total)
        return self._waiting

    def holders(self) -> dict[int, str]:
        if self._holders is None:
            self._holders = {}
            if self.store_ids:
                found = self.session.execute(text(
                    "SELECT k.store_id, c.claim_no FROM claim c JOIN contract k ON k.id = c.contract_id"
                    f" WHERE k.subsidised AND k.store_id IN ({', '.join(map(str, self.store_ids))})"
                    " AND c.status NOT IN ('clawed_back', 'withdrawn') AND instr(c.flags, 'store_already_subsidised') = 0"
                    " ORDER BY c.filed_on DESC, c.id DESC")).all()
                self._holders = dict(found)
        return self._holders

    def duplicates(self) -> dict[str, list[str]]:
        if self._duplicates is None:
            self._duplicates = {}
            if self.numbers:
                names = {f"v{k}": v for k, v in enumerate(self.numbers)}
                for number, claim_no in self.session.execute(text(
                        "SELECT i.invoice_no, c.claim_no FROM invoice i JOIN claim c ON c.invoice_id = i.id"
                        f" WHERE i.invoice_no IN ({', '.join(':' + k for k in names)}) ORDER BY c.claim_no"),
                        names).all():
                    self._duplicates.setdefault(number, []).append(claim_no)
        return self._duplicates

    def store_reasons(self, store_id: int) -> str:
        if self._stores is None:
            from models import Store
            from office_tui.claims.stores import store_problems

            self._stores = {}
            for store_id_ in self.ineligible:
                store = self.session.get(Store, store_id_)
                self._stores[store_id_] = "；".join(store_problems(self.session, store).reasons())
        return self._stores.get(store_id, "")

    def reason(self, r, code: str) -> str:
        from office_tui.core.dates import format_date
        from office_tui.core.i18n import t

        style = self.rules.style
        starts, ends, terminated = _day(r[17]), _day(r[18]), _day(r[19])
        end = terminated or ends
        filed = _day(r[6])
        params: dict[str, object] = {}
        if code == "invoice_mismatch":
            params = {"amount": f"NT${r[22]:,}", "total": f"NT${r[20]:,}"}
        elif code in ("invoice_malformed", "invoice_duplicate"):
            others = [n for n in self.duplicates().get(r[21], []) if n != r[1]] if code == "invoice_duplicate" else []
            params = {"number": r[21], "others": "、".join(others)}
        elif code == "store_ineligible":
            params = {"why": self.store_reasons(r[23])}
        elif code == "store_already_subsidised":
            params = {"holder": self.holders().get(r[23], "—")}
        elif code == "contract_too_short":
            needed = one_year_end(starts)
            params = {"starts": format_date(starts, style), "ends": format_date(ends, style),
                      "needed": format_date(needed, style)}
        elif code == "filed_late":
            late = []
            if (filed - end).days > CLAIM_WINDOW_DAYS:
                late.append(t("flag.filed_late", filed=format_date(filed, style), end=format_date(end, style),
                              days=(filed - end).days, window=CLAIM_WINDOW_DAYS))
            close_on = self.rules.close_on
            if close_on is not None and filed > close_on:
                late.append(t("flag.filed_late_deadline", filed=format_date(filed, style),
                              deadline=format_date(close_on, style)))
            # Neither: the deadline in force when the claim was reconciled is no longer set.
            return "；".join(late) or t("flag.filed_late_deadline_gone", filed=format_date(filed, style))
        elif code == "withholding_mismatch":
            params = {"withholding": f"NT${r[12]:,}", "subsidy": f"NT${r[8]:,}"}
        elif code == "missing_documents":
            missing = [t(key) for (_, key), present in zip(DOCUMENTS, r[13:17]) if not present]
            params = {"documents": "、".join(missing)}
        elif code == "no_usage_log":
            params = {"starts": format_date(starts, style), "end": format_date(end, style)}
        elif code == "usage_gap":
            need = self.rules.active_days()
            short = [p for p in self.usage(r[23], starts, end, need) if not p.ok]
            params = {"need": need, "periods": "、".join(
                t("flag.usage_gap_period", first=format_date(p.first, style), last=format_date(p.last, style),
                  days=p.active_days) for p in short) or "—"}
        elif code == "spot_check_failed":
            found = self.session.execute(text(
                "SELECT checked_on, note FROM spotcheck WHERE claim_id = :claim AND result = 'fail'"
                " ORDER BY checked_on DESC, draw_id DESC LIMIT 1"), {"claim": r[0]}).first()
            params = {"day": format_date(_day(found[0]), style) if found else "—", "note": found[1] if found else ""}
        return t(f"flag.{code}", **params)

    def usage(self, store_id: int, starts: date, end: date, need: int):
        """Each monthly period of the term and its use (office_tui.usage.periods)."""
        from office_tui.usage.periods import judge

        counts = {_day(day): n for day, n in self.session.execute(text(
            "SELECT day, count FROM usagedaily WHERE store_id = :store AND day BETWEEN :starts AND :end"),
            {"store": store_id, "starts": starts.isoformat(), "end": end.isoformat()}).all()}
        return judge(starts, end, counts, need)[1]
