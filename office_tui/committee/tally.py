"""評分統計 — tallying the committee's scores (docs/rules/committee.md).

Per application: mean, median, trimmed mean (with 5 or more members drop one highest and
one lowest), standard deviation (sample, n − 1; 0 with fewer than two sheets), rank sum
(序位法: each member ranks the applications they scored, 1 = best, ties share the average
rank) and mean rank (rank sum / sheets: comparable when members scored different sets),
members at or above the pass line, outliers (members more than the threshold from the
mean of the other members' totals) and missing sheets.

Ranking by the chosen method — mean (default) or trimmed mean, highest first, or rank sum
(mean rank when members scored different sets), lowest first. Ties are broken by the
mean (higher first), then the number of members at or above the pass line (more first),
then the application number.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from office_tui.committee.rubric import settled

METHODS = ("mean", "trimmed", "ranksum")


@dataclass
class TallyRow:
    application_no: str
    totals: dict[str, float]  # reviewer_no → the sheet's total
    mean: float | None
    median: float | None
    trimmed_mean: float | None
    stdev: float | None
    rank_sum: float | None
    mean_rank: float | None
    at_pass_line: int
    passed: bool
    outliers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rank: int | None = None

    @property
    def submitted(self) -> int:
        """Sheets submitted (and counted): the figures rest on these."""
        return len(self.totals)

    @property
    def assigned(self) -> int:
        """Sheets assigned (a conflicted member's aside): submitted + missing."""
        return len(set(self.totals) | set(self.missing))

    def to_json(self) -> dict:
        def r(value):
            return None if value is None else round(value, 2)

        return {"application_no": self.application_no, "mean": r(self.mean), "median": r(self.median),
                "trimmed_mean": r(self.trimmed_mean), "stdev": r(self.stdev), "rank_sum": r(self.rank_sum),
                "mean_rank": r(self.mean_rank), "passed": self.passed, "rank": self.rank,
                "outliers": list(self.outliers), "missing": list(self.missing),
                "sheets_submitted": self.submitted, "sheets_assigned": self.assigned}


def trimmed_mean(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) >= 5:
        values = sorted(values)[1:-1]
    return settled(statistics.fmean(values))


def member_ranks(totals: dict[str, float]) -> dict[str, float]:
    """One member's ranks of the applications they scored: 1 = best, ties averaged."""
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    ranks, i = {}, 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        shared = (i + 1 + j + 1) / 2
        for k in range(i, j + 1):
            ranks[ordered[k][0]] = shared
        i = j + 1
    return ranks


def outliers(totals: dict[str, float], threshold: float) -> list[str]:
    """Members whose total is more than ``threshold`` from the mean of the others'."""
    found = []
    for member, value in totals.items():
        others = [v for m, v in totals.items() if m != member]
        if others and settled(abs(value - statistics.fmean(others))) > threshold:
            found.append(member)
    return sorted(found)


def tally(sheets: dict[str, dict[str, float]], assigned: dict[str, set[str]], pass_line: float,
          outlier_threshold: float, method: str = "mean") -> list[TallyRow]:
    """``sheets``: application_no → {reviewer_no: total of a submitted sheet};
    ``assigned``: application_no → the members assigned to it. Returns rows in rank order."""
    if method not in METHODS:
        raise ValueError(method)
    by_member: dict[str, dict[str, float]] = {}
    for app_no, totals in sheets.items():
        for member, value in totals.items():
            by_member.setdefault(member, {})[app_no] = value
    ranks = {member: member_ranks(scored) for member, scored in by_member.items()}
    rows = []
    for app_no in sorted(set(sheets) | set(assigned)):
        totals = dict(sheets.get(app_no, {}))
        values = list(totals.values())
        rank_values = [ranks[m][app_no] for m in totals]
        mean = settled(statistics.fmean(values)) if values else None
        row = TallyRow(
            application_no=app_no, totals=totals, mean=mean,
            median=settled(statistics.median(values)) if values else None,
            trimmed_mean=trimmed_mean(values),
            stdev=statistics.stdev(values) if len(values) >= 2 else (0.0 if values else None),
            rank_sum=sum(rank_values) if rank_values else None,
            mean_rank=statistics.fmean(rank_values) if rank_values else None,
            at_pass_line=sum(1 for v in values if v >= pass_line),
            passed=False,
            outliers=outliers(totals, outlier_threshold),
            missing=sorted(assigned.get(app_no, set()) - set(totals)),
        )
        score = row.trimmed_mean if method == "trimmed" else row.mean
        row.passed = score is not None and score >= pass_line
        rows.append(row)
    _rank(rows, method, same_sets=len({frozenset(s) for s in by_member.values()}) <= 1)
    return rows


def _rank(rows: list[TallyRow], method: str, same_sets: bool) -> None:
    scored = [r for r in rows if r.mean is not None]

    def key(row: TallyRow):
        if method == "ranksum":
            primary = row.rank_sum if same_sets else row.mean_rank
        else:
            primary = -(row.trimmed_mean if method == "trimmed" else row.mean)
        return (primary, -row.mean, -row.at_pass_line, row.application_no)

    scored.sort(key=key)
    for position, row in enumerate(scored, start=1):
        row.rank = position
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.application_no))
