"""The programme's fixed facts (docs/rules/): budget, cap, categories, statuses."""

from __future__ import annotations

BUDGET_TOTAL = 90_000_000  # NT$, the whole store-subsidy budget
SUBSIDY_CAP = 30_000  # NT$ per store, ever (FAQ 12)
CLAIM_WINDOW_DAYS = 30  # calendar days after the contract term ends
CORRECTION_WORKING_DAYS = 3

# 方案類別: code → i18n key "category.<code>"; the Chinese label is what imports carry.
CATEGORIES = ("crm", "inventory", "hr", "pos", "marketing", "loyalty", "shop", "booking", "other")

# 申請案狀態 (JSON codes); labels under i18n "status.<code>".
APPLICATION_STATUSES = (
    "received",
    "qualification_review",
    "awaiting_correction",
    "eligible",
    "not_accepted",
    "approved",
    "rejected",
    "waitlisted",
    "listed",
    "delisted",
)
# Still being handled by the office: the programme system's 申請中解決方案.
IN_PROGRESS_STATUSES = ("received", "qualification_review", "awaiting_correction", "eligible")

INDUSTRIES = ("零售業", "餐飲業", "休憩服務業", "生活服務業")

# 請款狀態 (JSON codes); labels under i18n "claim.<code>", one tab each on the screen:
#   filed 待審 — reconciled clean (or not yet reconciled); approvable, or waiting for budget
#   incomplete 待補件 — only flags the provider can put right (documents, invoice, log)
#   rejected 不符 — a flag no correction removes (ineligible store, late, renewal …)
#   approved 核定 — the subsidy is committed from the budget
#   paid 已撥款 — disbursed
#   clawed_back 已追回 — paid, then recovered (a renewal found after payment)
#   withdrawn 撤銷核定 — approved, then the approval withdrawn before payment for a reason
#       no flag shows (nothing was paid, so nothing is recovered)
CLAIM_STATUSES = ("filed", "incomplete", "rejected", "approved", "paid", "clawed_back", "withdrawn")
# Staff decisions that ended a claim: they hold no budget and not the store's one subsidy.
CLAIM_ENDED_STATUSES = ("clawed_back", "withdrawn")
CLAIM_PENDING_STATUSES = ("filed", "incomplete")
CLAIM_GRANTED_STATUSES = ("approved", "paid")
# Statuses reconciliation may move between; the others are staff decisions it leaves be.
CLAIM_OPEN_STATUSES = ("filed", "incomplete", "rejected")

# Reconciliation flags (stable codes; reasons under i18n "flag.<code>"), in display order.
# A claim with any FATAL flag is 不符; with only correctable ones, 待補件.
CLAIM_FLAGS = (
    "invoice_mismatch", "invoice_malformed", "invoice_duplicate", "store_ineligible",
    "store_already_subsidised", "existing_customer", "contract_too_short", "no_approved_solution",
    "filed_late", "withholding_mismatch", "missing_documents", "no_usage_log", "usage_gap", "spot_check_failed",
)
FATAL_FLAGS = ("store_ineligible", "store_already_subsidised", "existing_customer", "contract_too_short",
               "no_approved_solution", "filed_late", "spot_check_failed")
# Applications whose solution a contract may cover (approved by the ministry, or listed).
SUBSIDISABLE_APPLICATION_STATUSES = ("approved", "listed")
# Continued use (docs/rules/usage.md): every monthly period of the term needs at least this
# many days with an event; the setting usage_min_active_days overrides it.
USAGE_MIN_ACTIVE_DAYS = 1
# Verdicts of usage verification, per claim: every period used, some period short, no event.
USAGE_VERDICTS = ("covered", "gap", "no_log")
SPOT_CHECK_RESULTS = ("pass", "fail")

NOTICE_STATUSES = ("open", "corrected", "lapsed", "withdrawn")
