"""The programme's fixed facts (DOMAIN.md): budget, cap, categories, statuses."""

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

# 請款狀態
CLAIM_STATUSES = ("filed", "checking", "approved", "rejected", "paid")
CLAIM_PENDING_STATUSES = ("filed", "checking")
CLAIM_GRANTED_STATUSES = ("approved", "paid")

NOTICE_STATUSES = ("open", "corrected", "lapsed", "withdrawn")
