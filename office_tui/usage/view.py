"""What screen 7 使用驗證 reads: claims by verdict, the imported files and a spot-check
draw, each paged in SQL (office_tui.core.listing), and the tab counts.

A claim's verdict here is what the last reconciliation stored in its flags (every usage
import and removal reconciles the stores it touched): ``no_usage_log`` → no log,
``usage_gap`` → gap, neither → covered; a claim's detail is computed afresh
(office_tui.usage.verify)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from office_tui.core.listing import ListColumn, ListSource

VERDICT_TABS = ("covered", "gap", "no_log")
FILES, SPOT = "files", "spot"
TABS = (*VERDICT_TABS, FILES, SPOT)


def _verdict_where(verdict: str):
    from models import Claim

    if verdict == "no_log":
        return Claim.flags.like("%no_usage_log%")
    if verdict == "gap":
        return Claim.flags.like("%usage_gap%")
    return ~Claim.flags.like("%no_usage_log%") & ~Claim.flags.like("%usage_gap%")


def claims_by_verdict(engine: Engine, verdict: str) -> ListSource:
    """The claims of one verdict, by filing date; store and provider searchable."""
    from models import Claim, Contract, Provider, Store

    def of_contract(column, model, key):
        return (select(column).join(Contract, getattr(Contract, key) == model.id)
                .where(Contract.id == Claim.contract_id).scalar_subquery())

    def of_term(column):
        return select(column).where(Contract.id == Claim.contract_id).scalar_subquery()

    columns = [
        # Widths that fit 80 columns (with the gaps between them); wider screens share the rest.
        ListColumn("claim_no", "claims.col_claim_no", Claim.claim_no, 9, searchable=True),
        ListColumn("store_ubn", "claims.col_store_ubn", of_contract(Store.ubn, Store, "store_id"), 8, searchable=True),
        ListColumn("store", "claims.col_store", of_contract(Store.name, Store, "store_id"), 12, searchable=True),
        ListColumn("provider_ubn", "claims.col_provider_ubn", of_contract(Provider.ubn, Provider, "provider_id"), 8,
                   searchable=True),
        ListColumn("provider", "claims.col_provider", of_contract(Provider.name, Provider, "provider_id"), 12,
                   searchable=True),
        ListColumn("starts", "usage.col_from", of_term(Contract.starts_on), 9, kind="date"),
        ListColumn("ends", "usage.col_to", of_term(func.coalesce(Contract.terminated_on, Contract.ends_on)), 9,
                   kind="date"),
        ListColumn("status", "claims.col_status", Claim.status, 6, kind="claim"),
    ]
    base = select(Claim.id, *(c.expr for c in columns)).where(_verdict_where(verdict))
    return ListSource(engine, columns, base, Claim.id, sort_key="claim_no")


def files_source(engine: Engine) -> ListSource:
    """The files in, newest first by default."""
    from models import UsageFile

    columns = [
        ListColumn("id", "usage.col_id", UsageFile.id, 5, kind="int"),
        ListColumn("name", "usage.col_file", UsageFile.name, 26, searchable=True),
        ListColumn("imported_at", "usage.col_imported", UsageFile.imported_at, 15, kind="datetime"),
        ListColumn("by", "usage.col_by", UsageFile.imported_by, 10, searchable=True),
        ListColumn("stores", "usage.col_stores", UsageFile.stores, 6, kind="int"),
        ListColumn("days", "usage.col_days", UsageFile.days, 8, kind="int"),
        ListColumn("events", "usage.col_events", UsageFile.events, 10, kind="int"),
        ListColumn("first", "usage.col_first", UsageFile.first_day, 9, kind="date"),
        ListColumn("last", "usage.col_last", UsageFile.last_day, 9, kind="date"),
        ListColumn("replace", "usage.col_replace", UsageFile.replace, 4, kind="bool"),
    ]
    base = select(UsageFile.id, *(c.expr for c in columns)).where(UsageFile.removed_at.is_(None))
    return ListSource(engine, columns, base, UsageFile.id, sort_key="id", descending=True)


def spot_source(engine: Engine, draw_id: int) -> ListSource:
    """The claims of a spot-check draw with their results."""
    from models import Claim, Contract, Provider, SpotCheck, Store

    def of_contract(column, model, key):
        return (select(column).join(Contract, getattr(Contract, key) == model.id)
                .where(Contract.id == Claim.contract_id).scalar_subquery())

    columns = [
        ListColumn("claim_no", "spotcheck.col_claim_no", Claim.claim_no, 10, searchable=True),
        ListColumn("provider", "spotcheck.col_provider", of_contract(Provider.name, Provider, "provider_id"), 16,
                   searchable=True),
        ListColumn("contact", "spotcheck.col_contact", of_contract(Provider.contact_name, Provider, "provider_id"), 8),
        ListColumn("store", "spotcheck.col_store", of_contract(Store.name, Store, "store_id"), 16, searchable=True),
        ListColumn("status", "spotcheck.col_status", Claim.status, 8, kind="claim"),
        ListColumn("result", "spotcheck.col_result", SpotCheck.result, 6, kind="spot"),
        ListColumn("checked_on", "spotcheck.col_checked_on", SpotCheck.checked_on, 9, kind="date"),
        ListColumn("note", "spotcheck.col_note", SpotCheck.note, 24),
    ]
    base = (select(Claim.id, *(c.expr for c in columns)).join(SpotCheck, SpotCheck.claim_id == Claim.id)
            .where(SpotCheck.draw_id == draw_id))
    return ListSource(engine, columns, base, Claim.id, sort_key="claim_no")


def tab_counts(session: Session) -> dict[str, int]:
    """Claims per verdict, files in, claims in the latest draw (and that draw's id)."""
    from models import Claim, SpotCheck, SpotCheckDraw, UsageFile

    counts = {v: session.scalar(select(func.count()).select_from(Claim).where(_verdict_where(v))) or 0
              for v in VERDICT_TABS}
    counts[FILES] = session.scalar(select(func.count()).select_from(UsageFile)
                                   .where(UsageFile.removed_at.is_(None))) or 0
    latest = session.scalar(select(func.max(SpotCheckDraw.id)))
    counts["draw"] = latest or 0
    counts[SPOT] = session.scalar(select(func.count()).select_from(SpotCheck)
                                  .where(SpotCheck.draw_id == latest)) or 0 if latest else 0
    return counts
