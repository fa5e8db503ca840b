"""What a detail screen shows about one application or one store, as plain data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

import models as m
from office_tui.core.db import read_session


@dataclass
class Detail:
    title: str
    fields: list[tuple[str, object]]  # (i18n key, value)
    tables: dict[str, tuple[list[str], list[tuple]]] = field(default_factory=dict)  # name → (header keys, rows)


def _history(session, table: str, key: str, limit: int = 50) -> list[tuple]:
    rows = session.execute(
        select(m.AuditEntry.at, m.AuditEntry.username, m.AuditEntry.action, m.AuditEntry.changes, m.AuditEntry.reason)
        .where(m.AuditEntry.table_name == table, m.AuditEntry.row_key == key)
        .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc()).limit(limit)
    ).all()
    out = []
    for at, user, action, changes, reason in rows:
        diff = json.loads(changes or "{}")
        summary = "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in sorted(diff.items()) if k not in ("id",))
        out.append((at, user, action, summary[:120], reason))
    return out


def application_detail(engine: Engine, application_id: int) -> Detail | None:
    with read_session(engine) as s:
        app = s.get(m.Application, application_id)
        if app is None:
            return None
        provider = s.get(m.Provider, app.provider_id)
        batch = s.get(m.Batch, app.batch_id)
        from office_tui.intake.eligibility import checklist

        checks = [(e.condition, e.outcome, e.evidence) for e in checklist(s, provider)]
        documents = s.execute(
            select(m.Document.file_name, m.Document.kind, m.Document.status, m.Document.triage, m.Document.warnings)
            .where(m.Document.application_id == app.id).order_by(m.Document.id)
        ).all()
        notices = s.execute(
            select(m.CorrectionNotice.notified_on, m.CorrectionNotice.due_on, m.CorrectionNotice.status,
                   m.CorrectionNotice.items)
            .where(m.CorrectionNotice.application_id == app.id).order_by(m.CorrectionNotice.notified_on)
        ).all()
        history = _history(s, "application", str(app.id))
        from office_tui.documents.kinds import kind_label
        from office_tui.documents.reading import status_label, warning_label
        from office_tui.intake.eligibility import document_gaps, solution_deficiencies
        from office_tui.documents.triage import triage_label
        from office_tui.core.i18n import t

        to_correct = [t(f"deficiency.{code}") for code in solution_deficiencies(app)]
        gaps = document_gaps(s, app)
        to_correct += [t("detail.missing_document", kind=t(f"doc.{kind}")) for kind in gaps.missing]
        to_correct += [t("triage.outstanding_deficient", file=name) for _, _, name, _ in gaps.deficient]
    return Detail(
        title=f"{app.application_no}  {app.solution_name}",
        fields=[
            ("col.application_no", app.application_no), ("col.batch", batch.number),
            ("col.company_name", provider.name), ("col.ubn", provider.ubn),
            ("col.solution_name", app.solution_name), ("col.category", ("category", app.category)),
            ("col.price", ("money", app.price)), ("col.term_months", app.term_months),
            ("col.video_seconds", app.video_seconds), ("col.submitted_at", ("datetime", app.submitted_at)),
            ("col.status", ("status", app.status)), ("col.status_reason", app.status_reason),
            ("col.to_correct", "；".join(to_correct) or "—"),
            ("col.capital", ("money", provider.paid_in_capital)), ("col.business_items", provider.business_items),
            ("col.top_qualified", ("bool", provider.top_qualified)), ("col.contact", f"{provider.contact_name} {provider.contact_email}"),
        ],
        tables={
            "detail.checklist": (["col.condition", "col.outcome", "col.evidence"],
                                 [(("condition", c), ("outcome", o), e) for c, o, e in checks]),
            "detail.documents": (["col.file_name", "col.kind", "col.doc_status", "col.triage", "col.warnings"],
                                 [(name, kind_label(kind), status_label(status), triage_label(state),
                                   "、".join(warning_label(w) for w in warnings.split(",") if w))
                                  for name, kind, status, state, warnings in documents]),
            "detail.notices": (["col.notified_on", "col.due_on", "col.notice_status", "col.items"],
                               [(("date", a), ("date", b), ("notice", c), d) for a, b, c, d in notices]),
            "detail.history": (["col.at", "col.user", "col.action", "col.changes", "col.reason"],
                               [(("datetime", r[0]),) + r[1:] for r in history]),
        },
    )


def store_detail(engine: Engine, store_id: int) -> Detail | None:
    with read_session(engine) as s:
        store = s.get(m.Store, store_id)
        if store is None:
            return None
        district = s.get(m.District, store.district_id) if store.district_id else None
        contracts = s.execute(
            select(m.Contract.contract_no, m.Provider.name, m.Contract.starts_on, m.Contract.ends_on,
                   m.Contract.total, m.Contract.subsidy)
            .join(m.Provider, m.Contract.provider_id == m.Provider.id)
            .where(m.Contract.store_id == store.id).order_by(m.Contract.starts_on)
        ).all()
        claims = s.execute(
            select(m.Claim.claim_no, m.Invoice.invoice_no, m.Claim.filed_on, m.Claim.requested,
                   m.Claim.approved_amount, m.Claim.status, m.Claim.status_reason)
            .join(m.Contract, m.Claim.contract_id == m.Contract.id)
            .join(m.Invoice, m.Claim.invoice_id == m.Invoice.id)
            .where(m.Contract.store_id == store.id).order_by(m.Claim.filed_on)
        ).all()
        days, events, first, last = s.execute(
            select(func.count(), func.coalesce(func.sum(m.UsageDaily.count), 0), func.min(m.UsageDaily.day),
                   func.max(m.UsageDaily.day)).where(m.UsageDaily.store_id == store.id)
        ).one()
    return Detail(
        title=f"{store.name}（{store.ubn}）",
        fields=[
            ("col.store_name", store.name), ("col.ubn", store.ubn), ("col.industry", store.industry),
            ("col.city", store.city), ("col.address", store.address), ("col.owner", store.owner_name),
            ("col.district", district.name if district else ""), ("col.operating", ("bool", store.operating)),
            ("col.usage_days", days), ("col.usage_events", events),
            ("col.usage_span", (("date", first), ("date", last)) if first else ""),
        ],
        tables={
            "detail.contracts": (["col.contract_no", "col.company_name", "col.starts_on", "col.ends_on",
                                  "col.contract_total", "col.subsidy"],
                                 [(a, b, ("date", c), ("date", d), ("money", e), ("money", f))
                                  for a, b, c, d, e, f in contracts]),
            "detail.claims": (["col.claim_no", "col.invoice_no", "col.filed_on", "col.requested", "col.approved",
                               "col.claim_status", "col.reason"],
                              [(a, b, ("date", c), ("money", d), ("money", e), ("claim", f), g)
                               for a, b, c, d, e, f, g in claims]),
        },
    )

