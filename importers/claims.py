"""Import 請款 (store subsidy claims) as providers file them
(docs/import-layouts.md, ``claims``).

One row is one claim with its contract and invoice: the store (created on its first
claim), the contract (numbered as the claim) with its approved solutions, the invoice and
the claim. Rows whose cells cannot be read are refused with their row number, the column
as the file heads it and the reason in the interface language: an invalid store or
provider UBN, a provider not registered, an application number not in the office's
records, an unreadable date or amount, a contract total of NT$0, a contract that ends
before it starts, a termination date (終止日) outside the contract's term, an empty
industry, a control character in a one-line cell (fields.line_text). Everything the
programme's rules say about a readable claim (invoice amount, late filing, eligibility —
an industry other than the four included —, one subsidy per store …) is not a refusal:
the claim goes in and the reconciliation pass, run before the import commits, flags it.

The store: its name and industry are what the latest row filed for it says. A row
naming a stored store otherwise updates it (audited, old → new, and listed in the
report's ``stores_updated``); two rows of one file that give a store different
industries, or names that differ beyond character width and runs of spaces
(application_rows.name_key), are all refused — which one is right is for the provider to
say.

All-or-nothing: the good rows go in together in one transaction, or none do. Importing
the same file again changes nothing (rows stored with the same content are
``unchanged``; a stored claim whose row corrects only its store's name or industry is
``updated``); a claim number stored with other content is refused — a correction goes
through office_tui.claims.actions.edit_claim, audited with its reason.

:func:`file_claims` is the same for rows given as dicts (the claim form).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select

from dataclasses import dataclass, field

from importers import fields as f
from importers.application_rows import name_key, parse_ubn
from importers.fields import FieldError
from office_tui.layouts import CLAIMS
from importers.report import ImportReport, RowError
from importers.tabular import Row, insert_rows, open_sheet
from models import Application, Claim, Contract, ContractSolution, Invoice, Provider, Store
from office_tui.core import audit
from models.clock import now_utc
from office_tui.core.identifiers import normalise_application_no, normalise_claim_no
from office_tui.core.errors import OfficeError, describe
from office_tui.core.i18n import t
from office_tui.core.programme import SUBSIDY_CAP
from office_tui.claims.reconcile import reconcile, unit_of_work

__all__ = ["ClaimsImportReport", "file_claims", "import_claims"]

NO_MAX, INVOICE_MAX = 32, 32  # Claim.claim_no / Contract.contract_no, Invoice.invoice_no


def _text(limit: int | None = None):
    """A one-line cell (a control character in it is refused), at most ``limit`` long."""
    def parse(value) -> str:
        text = f.line_text(value)
        if limit and len(text) > limit:
            raise FieldError("import.field.too_long", length=len(text), limit=limit)
        return text
    return parse


# field → (parser, required, value of a blank optional cell)
RULES = {
    "claim_no": (lambda value: normalise_claim_no(_text(NO_MAX)(value)), True, ""),
    "provider_ubn": (parse_ubn, True, ""),
    "store_ubn": (parse_ubn, True, ""),
    "store_name": (_text(), True, ""),
    "industry": (_text(16), True, ""),
    "application_no": (lambda value: list(dict.fromkeys(map(normalise_application_no, f.split_list(value)))), True, []),
    "contract_start": (f.parse_date, True, None),
    "contract_end": (f.parse_date, True, None),
    "contract_total": (f.parse_money, True, 0),
    "terminated_on": (f.parse_date, False, None),
    "invoice_no": (_text(INVOICE_MAX), True, ""),
    "invoice_date": (f.happened(f.parse_date, "event.invoiced"), True, None),
    "invoice_amount": (f.parse_money, True, 0),
    "withholding_amount": (f.parse_money, False, 0),
    "filed_on": (f.happened(f.parse_date, "event.filed"), True, None),
    "declaration": (f.parse_bool, False, False),
    "receipt": (f.parse_bool, False, False),
    "signed_contract": (f.parse_bool, False, False),
    "invoice_copy": (f.parse_bool, False, False),
    "existing_customer": (f.parse_bool, False, False),
}
# What a stored claim is compared with, in this order, to call a row unchanged (its
# store's name and industry are the store's, compared with the store).
_COMPARED = tuple(name for name in RULES if name not in ("store_name", "industry"))


@dataclass
class ClaimsImportReport(ImportReport):
    """An :class:`ImportReport` that also lists the stored claims whose row corrected only
    their store (``updated``), and each store whose name or industry a row changed."""

    updated: list[int] = field(default_factory=list)
    stores_updated: list[dict] = field(default_factory=list)  # store_ubn, row, name/industry: [old, new]

    @property
    def changed(self) -> bool:
        return bool(self.accepted or self.updated or self.stores_updated)

    def to_json(self) -> dict:
        return {**super().to_json(), "updated": list(self.updated), "stores_updated": list(self.stores_updated)}

    def summary(self) -> str:
        return t("claims.import.summary", accepted=len(self.accepted), updated=len(self.updated),
                 unchanged=len(self.unchanged), rejected=len(self.rejected_rows))

    def lines(self) -> list[str]:
        lines = super().lines()
        at = 1 + len(self.rejected)  # after the summary and the problems
        lines[at:at] = [_store_change_line(change) for change in self.stores_updated]
        return lines


def _store_change_line(change: dict) -> str:
    parts = [t("claims.import.store_" + what, old=change[what][0], new=change[what][1])
             for what in ("name", "industry") if what in change]
    return t("claims.import.store_updated", row=change["row"], ubn=change["store_ubn"], changes="、".join(parts))


class _Known:
    """What rows are checked against, read once: providers, stores, applications, claims."""

    def __init__(self, session) -> None:
        c = session.connection()
        self.providers = dict(c.execute(select(Provider.ubn, Provider.id)).all())
        self.store_data = {ubn: (store_id, name, industry) for ubn, store_id, name, industry in
                           c.execute(select(Store.ubn, Store.id, Store.name, Store.industry))}
        self.stores = {ubn: data[0] for ubn, data in self.store_data.items()}
        self.store_updates: dict[str, tuple[str, str]] = {}  # ubn → (name, industry) rows give it now
        self.applications = dict(c.execute(select(Application.application_no, Application.id)).all())
        self.contract_nos = set(c.execute(select(Contract.contract_no)).scalars())
        apps = {}
        for claim_no, app_no in c.execute(
                select(Claim.claim_no, Application.application_no)
                .join(ContractSolution, ContractSolution.contract_id == Claim.contract_id)
                .join(Application, Application.id == ContractSolution.application_id)):
            apps.setdefault(claim_no, []).append(app_no)
        self.claims = {}
        for r in c.execute(
                select(Claim.claim_no, Provider.ubn, Store.ubn, Contract.starts_on, Contract.ends_on, Contract.total,
                       Contract.terminated_on, Invoice.invoice_no, Invoice.issued_on, Invoice.amount,
                       Claim.withholding_amount, Claim.filed_on, Claim.has_declaration, Claim.has_receipt,
                       Claim.has_signed_contract, Claim.has_invoice_copy, Contract.existing_customer)
                .join(Contract, Contract.id == Claim.contract_id).join(Invoice, Invoice.id == Claim.invoice_id)
                .join(Provider, Provider.id == Contract.provider_id).join(Store, Store.id == Contract.store_id)):
            number, *rest = r
            self.claims[number] = (number, rest[0], rest[1], sorted(apps.get(number, [])), *rest[2:])


def _check(row: Row, header, known: _Known, seen: dict[str, int]) -> tuple[dict | None, list[RowError]]:
    """The row's values to write; ``{"_stored": True, …}`` for a claim stored exactly so
    (its store's name and industry still to compare); or its problems."""
    values, errors = {}, []
    for name, (parse, required, default) in RULES.items():
        cell = row.values.get(name)
        if f.is_blank(cell):
            if required:
                errors.append(RowError(row.number, header(name), describe(FieldError("import.field.required"))))
            values[name] = default
            continue
        try:
            values[name] = parse(cell)
        except FieldError as error:
            errors.append(RowError(row.number, header(name), describe(error)))
    if errors:
        return None, errors
    number = values["claim_no"]
    first = seen.setdefault(number, row.number)
    if first != row.number:
        return None, [RowError(row.number, header("claim_no"),
                               describe(FieldError("import.row.duplicate_in_file", number=number, first=first)))]
    if values["provider_ubn"] not in known.providers:
        errors.append(RowError(row.number, header("provider_ubn"),
                               describe(FieldError("claims.import.unknown_provider", ubn=values["provider_ubn"]))))
    unknown = [n for n in values["application_no"] if n not in known.applications]
    if unknown:
        errors.append(RowError(row.number, header("application_no"),
                               describe(FieldError("claims.import.unknown_application", numbers="、".join(unknown)))))
    if values["contract_total"] <= 0:
        errors.append(RowError(row.number, header("contract_total"),
                               describe(FieldError("claims.import.total_not_positive"))))
    start, end, ended = values["contract_start"], values["contract_end"], values["terminated_on"]
    if end <= start:
        errors.append(RowError(row.number, header("contract_end"),
                               describe(FieldError("claims.import.end_before_start"))))
    elif ended is not None and not start <= ended <= end:
        key = "claims.import.terminated_before_start" if ended < start else "claims.import.terminated_after_end"
        errors.append(RowError(row.number, header("terminated_on"), describe(FieldError(key))))
    if errors:
        return None, errors
    if number in known.claims:
        mine = tuple(sorted(values[n]) if n == "application_no" else values[n] for n in _COMPARED)
        if mine == known.claims[number]:
            return {**values, "_stored": True}, []
        return None, [RowError(row.number, header("claim_no"),
                               describe(FieldError("claims.import.stored_otherwise", number=number)))]
    if number in known.contract_nos:
        return None, [RowError(row.number, header("claim_no"),
                               describe(FieldError("claims.import.contract_taken", number=number)))]
    return values, []


# A store's facts one file must agree on: the field, how its values compare, the reason.
_STORE_FACTS = (("industry", lambda v: v["industry"], "claims.import.store_industries_differ"),
                ("store_name", lambda v: name_key(v["store_name"]), "claims.import.store_names_differ"))


def _store_conflicts(rows: list[tuple[int, dict]], header) -> dict[int, list[RowError]]:
    """The rows, of those otherwise good, that give one store different industries or
    names (compared by application_rows.name_key): all of that store's."""
    by_store: dict[str, list[tuple[int, dict]]] = {}
    for number, values in rows:
        by_store.setdefault(values["store_ubn"], []).append((number, values))
    refused: dict[int, list[RowError]] = {}
    for ubn, filed in by_store.items():
        for name, key, error in _STORE_FACTS:
            if len({key(v) for _, v in filed}) < 2:
                continue
            given = "；".join(t("claims.import.store_row_value", row=n, value=v[name]) for n, v in filed)
            for number, _ in filed:
                refused.setdefault(number, []).append(
                    RowError(number, header(name), describe(FieldError(error, ubn=ubn, given=given))))
    return refused


def _write(session, rows: list[dict], known: _Known, note: str) -> None:
    """The rows' new stores, contracts, solutions, invoices and claims, by executemany."""
    c, now = session.connection(), now_utc()
    last = {model: c.execute(select(func.max(model.id))).scalar() or 0 for model in (Store, Contract, Invoice)}
    new_stores = {}
    for v in rows:
        if v["store_ubn"] not in known.stores and v["store_ubn"] not in new_stores:
            new_stores[v["store_ubn"]] = (v["store_ubn"], v["store_name"], v["industry"], "", "", "", True, True, now)
    insert_rows(c, Store.__table__, ("ubn", "name", "industry", "city", "address", "owner_name", "is_sme", "operating",
                                     "created_at"), list(new_stores.values()))
    stores = {**known.stores, **dict(c.execute(select(Store.ubn, Store.id).where(Store.id > last[Store])).all())}
    insert_rows(c, Contract.__table__, (
        "contract_no", "store_id", "provider_id", "starts_on", "ends_on", "total", "subsidy", "subsidised",
        "terminated_on", "existing_customer", "created_at"), [
        (v["claim_no"], stores[v["store_ubn"]], known.providers[v["provider_ubn"]], v["contract_start"],
         v["contract_end"], v["contract_total"], min(v["contract_total"], SUBSIDY_CAP), False, v["terminated_on"],
         v["existing_customer"], now) for v in rows])
    contracts = dict(c.execute(select(Contract.contract_no, Contract.id).where(Contract.id > last[Contract])).all())
    insert_rows(c, ContractSolution.__table__, ("contract_id", "application_id"), [
        (contracts[v["claim_no"]], known.applications[n]) for v in rows for n in v["application_no"]])
    insert_rows(c, Invoice.__table__, ("invoice_no", "contract_id", "issued_on", "amount", "electronic"), [
        (v["invoice_no"], contracts[v["claim_no"]], v["invoice_date"], v["invoice_amount"], True) for v in rows])
    invoices = dict(c.execute(select(Invoice.contract_id, Invoice.id).where(Invoice.id > last[Invoice])).all())
    insert_rows(c, Claim.__table__, (
        "claim_no", "contract_id", "invoice_id", "filed_on", "requested", "withholding_amount", "has_declaration",
        "has_receipt", "has_signed_contract", "has_invoice_copy", "has_usage_log", "status", "status_reason",
        "subsidy", "flags", "created_at"), [
        (v["claim_no"], contracts[v["claim_no"]], invoices[contracts[v["claim_no"]]], v["filed_on"],
         v["withholding_amount"], v["withholding_amount"], v["declaration"], v["receipt"], v["signed_contract"],
         v["invoice_copy"], False, "filed", "", 0, "", now) for v in rows])
    for table, count in (("store", len(new_stores)), ("contract", len(rows)), ("invoice", len(rows)),
                         ("claim", len(rows))):
        if count:
            audit.record_bulk(session, table, count, note)


def _checked(session, numbered: Iterable[Row], header, report: ClaimsImportReport) -> tuple[_Known, list[dict]]:
    """The rows to write (new claims), after every row is checked; rows are sorted into
    ``report``'s lists, and the stored stores rows name otherwise into
    ``known.store_updates`` (for :func:`_update_stores`)."""
    known, seen, passed = _Known(session), {}, []
    for row in numbered:
        values, errors = _check(row, header, known, seen)
        if errors:
            report.rejected.extend(errors)
        else:
            passed.append((row.number, values))
    conflicts = _store_conflicts(passed, header)
    good, updates = [], {}
    for number, values in passed:
        if number in conflicts:
            report.rejected.extend(conflicts[number])
            continue
        change = _store_change(known, values, updates)
        if change:
            report.stores_updated.append({"store_ubn": values["store_ubn"], "row": number, **change})
        if values.get("_stored"):
            (report.updated if change else report.unchanged).append(number)
        else:
            good.append(values)
            report.accepted.append(number)
    report.rejected.sort(key=lambda error: error.row)
    known.store_updates = updates
    return known, good


def _store_change(known: _Known, values: dict, updates: dict[str, tuple[str, str]]) -> dict:
    """What ``values`` change of a stored store ({"name": [old, new], …}, recorded in
    ``updates``), once per store and file; {} for a new or unchanged store."""
    ubn = values["store_ubn"]
    stored = known.store_data.get(ubn)
    if stored is None or ubn in updates:
        return {}
    _, name, industry = stored
    change = {}
    if values["store_name"] != name:
        change["name"] = [name, values["store_name"]]
    if values["industry"] != industry:
        change["industry"] = [industry, values["industry"]]
    if change:
        updates[ubn] = (values["store_name"], values["industry"])
    return change


def _update_stores(session, known: _Known) -> None:
    """Each stored store a row named otherwise, through the ORM: audited, old → new."""
    for ubn, (name, industry) in known.store_updates.items():
        store = session.get(Store, known.stores[ubn])
        store.name, store.industry = name, industry
    session.flush()


def import_claims(engine: Engine, actor, path: str | Path, *, close_on: date | None = None) -> ClaimsImportReport:
    """Import the claims in ``path`` (.xlsx or .csv) and reconcile, in one transaction.
    A problem with the file as a whole raises ImportFileError and nothing is imported."""
    from office_tui.core.db import write_session

    path = Path(path)
    with open_sheet(path, CLAIMS) as sheet:
        report = ClaimsImportReport(file=path.name, unknown_columns=list(sheet.unknown_columns))
        with write_session(engine, actor, f"import claims {path.name}") as session:
            known, good = _checked(session, sheet.rows(), sheet.header, report)
            if known.store_updates:
                _update_stores(session, known)
            if good:
                _write(session, good, known, f"{path.name} rows {','.join(map(str, report.accepted))}")
            if good or known.store_updates:
                reconcile(session, close_on=close_on)
    return report


class ClaimRefused(OfficeError):
    """Claims filed through the form were refused (nothing was stored); ``report`` has
    each problem with its row (counted from 1) and the field's template header."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("claims.refused", reasons="；".join(str(e) for e in report.rejected))
        self.report = report


def file_claims(target, actor, rows: list[dict], reason: str, *, close_on: date | None = None
                ) -> ClaimsImportReport:
    """File claims given as dicts keyed by the template's fields (the claim form), then
    reconcile. If any row is refused, nothing is stored and ClaimRefused says why."""
    report = ClaimsImportReport(file="")
    with unit_of_work(target, actor, reason) as session:
        known, good = _checked(session, [Row(k, dict(values)) for k, values in enumerate(rows, start=1)],
                               lambda name: CLAIMS.column(name).header, report)
        if report.rejected:
            raise ClaimRefused(report)
        if known.store_updates:
            _update_stores(session, known)
        if good:
            _write(session, good, known, reason)
        if good or known.store_updates:
            reconcile(session, close_on=close_on)
    return report
