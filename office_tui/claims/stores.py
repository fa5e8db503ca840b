"""店家資格 — whether a store may receive the subsidy (docs/rules/claims.md).

A store is eligible when its industry is one of the four (零售業, 餐飲業, 休憩服務業,
生活服務業), it is an SME, it is operating (not suspended), and it is not on the
past-recipients list (過往受補助店家, e.g. MOEA's 中小型店家數位轉型補助方案). Whether the
store is the provider's existing customer (續購) belongs to the contract, not the store,
and is its own flag (``existing_customer``); "not receiving other 雲世代 resources" has no
data in the office's system and is the provider's declaration (聲明書).

The rule is written once, as SQL over a store row (:func:`ineligible_sql`), so that the
reconciliation pass applies it to every claim in one statement; :func:`store_problems`
says for one store which conditions fail, for a form or a claim's detail.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PastRecipient, Store
from office_tui.core.programme import INDUSTRIES

# Problem codes; reasons under i18n "store.<code>".
STORE_PROBLEMS = ("industry", "not_sme", "not_operating", "past_recipient")


def _quoted(values) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def ineligible_sql(store: str = "s") -> str:
    """An SQL condition, true when the store row aliased ``store`` is not eligible."""
    return (f"({store}.industry NOT IN ({_quoted(INDUSTRIES)}) OR NOT {store}.is_sme OR NOT {store}.operating"
            f" OR EXISTS (SELECT 1 FROM pastrecipient p WHERE p.store_ubn = {store}.ubn))")


@dataclass(frozen=True)
class StoreEligibility:
    ubn: str
    problems: tuple[str, ...]  # STORE_PROBLEMS codes, () when eligible
    past_programmes: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.problems

    def reasons(self) -> list[str]:
        from office_tui.core.i18n import t

        return [t(f"store.{code}", programmes="、".join(self.past_programmes) or "—",
                  industries="、".join(INDUSTRIES)) for code in self.problems]


def store_problems(session: Session, store: Store) -> StoreEligibility:
    """Which eligibility conditions ``store`` fails, in STORE_PROBLEMS order."""
    past = tuple(session.scalars(select(PastRecipient.programme).where(PastRecipient.store_ubn == store.ubn)))
    problems = []
    if store.industry not in INDUSTRIES:
        problems.append("industry")
    if not store.is_sme:
        problems.append("not_sme")
    if not store.operating:
        problems.append("not_operating")
    if past:
        problems.append("past_recipient")
    return StoreEligibility(store.ubn, tuple(problems), tuple(p for p in past if p))
