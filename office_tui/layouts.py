"""The column layouts of every kind of import file (docs/import-layouts.md), in one place.

Each kind is a :class:`Layout`: the table its importer (:mod:`importers.tabular`) reads the file
with and :mod:`exports.templates` writes the empty template from, so the two cannot
disagree. The usage layouts, whose importer is not written yet, are here already, so
that their templates exist.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from office_tui.committee.rubric import default_rubric

@dataclass(frozen=True)
class Column:
    """One column of an import layout."""

    field: str  # canonical name: the model attribute it fills
    header: str  # Chinese header, as the template writes it
    alias: str  # English alias
    required: bool = False  # the column must be there and every row must fill it
    also: tuple[str, ...] = ()  # further headers it answers to (a criterion's code …)
    help: str = ""  # i18n key of its note in the template (default import.col.<kind>.<field>)
    help_params: tuple[tuple[str, str], ...] = ()


def header_key(text: str) -> str:
    """How headers are compared: NFKC, case-folded, without spaces, ``_`` or ``-``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of import file (and of its empty template)."""

    kind: str
    columns: tuple[Column, ...]

    @cached_property
    def lookup(self) -> dict[str, str]:
        """header_key(any accepted header) → field."""
        found: dict[str, str] = {}
        for column in self.columns:
            for name in (column.header, column.alias, column.field, *column.also):
                key = header_key(name)
                if found.setdefault(key, column.field) != column.field:
                    raise ValueError(f"{self.kind}: header {name!r} names two columns")
        return found

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.field == name:
                return column
        raise KeyError(name)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def help_key(self, column: Column) -> str:
        return column.help or f"import.col.{self.kind.replace('-', '_')}.{column.field}"



APPLICATIONS = Layout("applications", (
    Column("batch", "批次", "batch", required=True),
    Column("application_no", "申請編號", "application_no", required=True),
    Column("company_name", "公司名稱", "company_name", required=True),
    Column("ubn", "公司統編", "ubn", required=True),
    Column("business_items", "營業項目", "business_items", required=True),
    Column("registered_on", "設立登記日期", "registered_on"),
    Column("paid_in_capital", "實收資本額", "paid_in_capital", required=True),
    Column("website", "公司官網", "website"),
    Column("address", "公司地址", "address"),
    Column("intro", "公司簡介", "intro"),
    Column("capacity", "可服務能量上限", "capacity"),
    Column("owner_name", "負責人姓名", "owner_name"),
    Column("contact_name", "聯絡人姓名", "contact_name"),
    Column("contact_email", "聯絡人Email", "contact_email"),
    Column("contact_mobile", "聯絡人手機", "contact_mobile"),
    Column("top_qualified", "攻頂合格", "top_qualified"),
    Column("solution_name", "方案名稱", "solution_name", required=True),
    Column("category", "方案類別", "category", required=True),
    Column("price", "方案價格", "price", required=True),
    Column("term_months", "契約月數", "term_months", required=True),
    Column("renewal_offer", "續約優惠", "renewal_offer"),
    Column("video_url", "影片連結", "video_url"),
    Column("video_seconds", "影片長度秒", "video_seconds"),
    Column("submitted_at", "送出時間", "submitted_at", required=True),
))

REVIEWERS = Layout("reviewers", (
    Column("reviewer_no", "委員編號", "reviewer_no", required=True),
    Column("name", "姓名", "name", required=True),
    Column("affiliation", "服務單位", "affiliation"),
    Column("email", "Email", "email"),
    Column("expertise", "專長", "expertise"),
    Column("conflict_ubns", "迴避統編", "conflict_ubns"),
))

# The criteria (code, label) of the default rubric (office_tui/committee/rubric.toml,
# docs/rules/committee.md);
# a batch with its own rubric declares its own columns.
CRITERIA = tuple((criterion.code, criterion.zh) for criterion in default_rubric().criteria)


def scores_layout(criteria: Sequence[tuple[str, str]] = CRITERIA) -> Layout:
    """評分: one column per criterion, headed by its code (the label is accepted too)."""
    return Layout("scores", (
        Column("application_no", "申請編號", "application_no", required=True),
        Column("reviewer_no", "委員編號", "reviewer_no", required=True),
        *(Column(code.lower(), code, code, required=True, also=(label, f"{code} {label}"),
                 help="import.col.scores.criterion", help_params=(("code", code), ("label", label)))
          for code, label in criteria),
        Column("comment", "評語", "comment"),
    ))


SCORES = scores_layout()

CLAIMS = Layout("claims", (
    Column("claim_no", "請款編號", "claim_no", required=True),
    Column("provider_ubn", "服務提供者統編", "provider_ubn", required=True),
    Column("store_ubn", "店家統編", "store_ubn", required=True),
    Column("store_name", "店家名稱", "store_name", required=True),
    Column("industry", "行業別", "industry", required=True),
    Column("application_no", "申請編號", "application_no", required=True),
    Column("contract_start", "契約起日", "contract_start", required=True),
    Column("contract_end", "契約迄日", "contract_end", required=True),
    Column("contract_total", "契約總額", "contract_total", required=True),
    Column("terminated_on", "終止日", "terminated_on"),
    Column("invoice_no", "發票號碼", "invoice_no", required=True),
    Column("invoice_date", "發票日期", "invoice_date", required=True),
    Column("invoice_amount", "發票金額", "invoice_amount", required=True),
    Column("withholding_amount", "扣繳憑單金額", "withholding_amount"),
    Column("filed_on", "請款日期", "filed_on", required=True),
    Column("declaration", "聲明書", "declaration"),
    Column("receipt", "領據及總表", "receipt"),
    Column("signed_contract", "契約", "signed_contract"),
    Column("invoice_copy", "發票影本", "invoice_copy"),
    Column("existing_customer", "既有客戶", "existing_customer"),
))

USAGE = Layout("usage", (
    Column("store_ubn", "店家統編", "store_ubn", required=True),
    Column("at", "時間", "at", required=True),
    Column("event", "事件", "event"),
))

USAGE_DAILY = Layout("usage-daily", (
    Column("store_ubn", "店家統編", "store_ubn", required=True),
    Column("date", "日期", "date", required=True),
    Column("count", "次數", "count", required=True),
))

PAST_RECIPIENTS = Layout("past-recipients", (
    Column("store_ubn", "店家統編", "store_ubn", required=True),
    Column("store_name", "店家名稱", "store_name"),
    Column("programme", "計畫", "programme"),
))

# Every kind by name, in the order `office-tui template` lists them.
LAYOUTS: dict[str, Layout] = {layout.kind: layout for layout in (
    APPLICATIONS, REVIEWERS, SCORES, CLAIMS, USAGE, USAGE_DAILY, PAST_RECIPIENTS)}
