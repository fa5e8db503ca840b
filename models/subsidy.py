"""Store subsidies: stores, past recipients, contracts, invoices, claims, usage and
商圈 districts (docs/rules/claims.md; the 商圈 programme is not implemented yet)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Index, Text, text
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class District(SQLModel, table=True):
    """商圈 — a shopping district in the 雲世代商圈 programme; settles as a whole."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    city: str = ""
    organisation: str = ""  # the 商圈 organisation
    approved_store_count: int = 0
    provider_id: Optional[int] = Field(default=None, foreign_key="provider.id")


class Store(SQLModel, table=True):
    """店家 — a small shop adopting a cloud solution."""

    id: Optional[int] = Field(default=None, primary_key=True)
    ubn: str = Field(max_length=8, unique=True)
    name: str = Field(index=True)
    industry: str = Field(max_length=16, index=True)  # 零售業/餐飲業/休憩服務業/生活服務業
    city: str = Field(default="", max_length=8, index=True)
    address: str = ""
    owner_name: str = ""
    is_sme: bool = True
    operating: bool = True
    district_id: Optional[int] = Field(default=None, foreign_key="district.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PastRecipient(SQLModel, table=True):
    """過往受補助店家 — a store already subsidised elsewhere (not eligible)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    store_ubn: str = Field(max_length=8, index=True)
    store_name: str = ""
    programme: str = ""


class Contract(SQLModel, table=True):
    """定型化契約 between a store and one provider; one subsidised contract per store, ever."""

    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("subsidy >= 0 AND subsidy <= 30000", name="subsidy_within_cap"),
        CheckConstraint("subsidy <= total", name="subsidy_within_total"),
        CheckConstraint("ends_on > starts_on", name="term_positive"),
        # One subsidy per store, ever (FAQ 12): only one subsidised contract per store.
        Index(
            "uq_contract_subsidised_store",
            "store_id",
            unique=True,
            sqlite_where=text("subsidised"),
            postgresql_where=text("subsidised"),
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    contract_no: str = Field(max_length=32, unique=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    signed_on: Optional[date] = None
    starts_on: date
    ends_on: date
    total: int  # contract total, NT$
    subsidy: int = 0  # NT$, ≤ total and ≤ 30,000
    subsidised: bool = True
    terminated_on: Optional[date] = None
    existing_customer: bool = False  # a renewal by an existing customer earns nothing
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContractSolution(SQLModel, table=True):
    """A solution (approved application) covered by a contract."""

    contract_id: int = Field(foreign_key="contract.id", primary_key=True)
    application_id: int = Field(foreign_key="application.id", primary_key=True, index=True)


class Invoice(SQLModel, table=True):
    """發票 — its amount must equal the contract total.

    The number is not unique here on purpose: a number on two claims is stored as filed
    and flagged ``invoice_duplicate`` by reconciliation (office_tui.claims.reconcile), as a
    malformed one is flagged ``invoice_malformed``."""

    id: Optional[int] = Field(default=None, primary_key=True)
    invoice_no: str = Field(max_length=32, index=True)  # should be 2 capital letters + 8 digits
    contract_id: int = Field(foreign_key="contract.id", index=True)
    issued_on: date
    amount: int
    electronic: bool = True


class Claim(SQLModel, table=True):
    """請款 — the provider's claim of a store's subsidy; one claim per invoice.

    ``subsidy`` and ``flags`` are what reconciliation (office_tui.claims.reconcile) last found:
    the subsidy due in NT$ and the comma-joined flag codes ('' when clean). Statuses:
    office_tui.core.programme.CLAIM_STATUSES."""

    __table_args__ = (
        Index("ix_claim_status_filed", "status", "filed_on"),
        # One granted subsidy per contract (and, with uq_contract_subsidised_store and the
        # rule that only the store's subsidised contract is approved, one per store).
        Index(
            "uq_claim_granted_contract",
            "contract_id",
            unique=True,
            sqlite_where=text("status IN ('approved', 'paid')"),
            postgresql_where=text("status IN ('approved', 'paid')"),
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_no: str = Field(max_length=32, unique=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", unique=True)
    filed_on: date
    requested: int  # NT$
    approved_amount: Optional[int] = None
    withholding_amount: int = 0  # 扣繳憑單
    has_declaration: bool = False  # 店家請款申請及聲明書
    has_receipt: bool = False  # 請款領據及申請補助總表
    has_signed_contract: bool = False
    has_invoice_copy: bool = False
    has_usage_log: bool = False
    status: str = Field(default="filed", max_length=16)  # programme.CLAIM_STATUSES
    status_reason: str = ""
    subsidy: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # NT$ due, by reconciliation
    flags: str = Field(default="", max_length=400, sa_column_kwargs={"server_default": ""})
    approved_on: Optional[date] = None
    paid_on: Optional[date] = None
    clawed_back_on: Optional[date] = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UsageDaily(SQLModel, table=True):
    """使用紀錄 — a store's count of system-log events on one day."""

    store_id: int = Field(foreign_key="store.id", primary_key=True)
    day: date = Field(primary_key=True)
    count: int = 0


class UsageFile(SQLModel, table=True):
    """匯入的使用紀錄檔 — one system-log file as imported: what it held and who brought it
    in (docs/rules/usage.md). The same content (``sha256`` of its text bytes, after any
    gzip) is imported once while the file is in; a removed file keeps its row, with who
    removed it and when, and its counts are gone from UsageDaily."""

    __table_args__ = (
        Index("uq_usagefile_sha256_in", "sha256", unique=True,
              sqlite_where=text("removed_at IS NULL"), postgresql_where=text("removed_at IS NULL")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str  # the file's name as it was imported
    sha256: str = Field(max_length=64)
    kind: str = Field(max_length=8)  # events (one row per use) or daily (counts per day)
    encoding: str = Field(default="", max_length=16)  # how the text was read (UTF-8, Big5 (cp950) …; xlsx)
    replace: bool = False  # its store-days replaced what earlier files said (a corrected log)
    rows: int = 0  # data rows read
    events: int = 0  # events counted in (the sum of its daily counts)
    stores: int = 0
    days: int = 0  # store-days it gave a count for
    first_day: Optional[date] = None
    last_day: Optional[date] = None
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    imported_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    imported_by: str = ""  # the username, kept even if the user is later removed
    removed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    removed_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    removed_by: str = ""


class UsageContribution(SQLModel, table=True):
    """What one imported file said about one store: its daily counts from ``first_day``
    on, as a JSON array (``counts[i]`` is day first_day + i; -1 where the file has no
    figure), and for a file imported with replace, what UsageDaily held on each of those
    days before (``replaced``, the same shape; '' otherwise). Removing a file takes
    exactly its share back out (office_tui.usage.files)."""

    file_id: int = Field(foreign_key="usagefile.id", primary_key=True)
    store_id: int = Field(foreign_key="store.id", primary_key=True, index=True)
    first_day: date
    counts: str = Field(sa_type=Text)
    replaced: str = Field(default="", sa_type=Text)


class SpotCheckDraw(SQLModel, table=True):
    """抽查抽樣 — one reproducible draw of claims for spot checks: the same seed, percent
    and minimum per provider over the same claims give the same sample."""

    id: Optional[int] = Field(default=None, primary_key=True)
    seed: int
    percent: float
    min_per_provider: int = 1
    population: int = 0  # claims it was drawn from
    drawn_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    drawn_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    drawn_by: str = ""


class SpotCheck(SQLModel, table=True):
    """抽查 — one drawn claim and, once checked at the provider, the result: ``pass``
    (符合) or ``fail`` (不符, which flags the claim ``spot_check_failed``) with a note."""

    __table_args__ = (
        CheckConstraint("result IS NULL OR result IN ('pass', 'fail')", name="result_known"),
    )

    draw_id: int = Field(foreign_key="spotcheckdraw.id", primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, index=True)
    result: Optional[str] = Field(default=None, max_length=8)
    note: str = ""
    checked_on: Optional[date] = None
    recorded_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    recorded_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    recorded_by: str = ""
