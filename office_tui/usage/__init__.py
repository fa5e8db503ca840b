"""使用驗證 — usage verification (docs/rules/usage.md): the stores' system logs as daily
counts, continued use judged per monthly period, imported files' bookkeeping and spot
checks. ``periods`` is what other areas (claims reconciliation) may use."""
