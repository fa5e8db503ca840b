"""評審總表 — the committee's summary of a batch: one row per application in rank order.

名次, 申請編號, 服務提供者, 統一編號, 方案名稱, each member's total (a column per member
number; blank where that member has no submitted sheet), 平均, 中位數, 截尾平均, 標準差,
序位和, 平均序位, 達及格人數, 是否通過, 離群委員 (those already discussed are marked), 決議.
The numbers are those of ``office_tui.committee.batch_tally.batch_tally`` under the chosen method;
scores are numbers to two decimals, never rounded text.
"""

from __future__ import annotations

from pathlib import Path

from exports.approvals import programme_name
from office_tui.core.i18n import t

SCORE_FORMAT = "0.00"
FIXED_BEFORE = 5  # 名次 … 方案名稱
UBN_COLUMN = 3


def headers(reviewers: list[str]) -> list[str]:
    return [t("export.summary_col_rank"), t("col.application_no"), t("export.approvals_col_provider"),
            t("export.approvals_col_ubn"), t("col.solution_name"), *reviewers,
            t("export.summary_col_mean"), t("export.summary_col_median"), t("export.summary_col_trimmed"),
            t("export.summary_col_stdev"), t("export.summary_col_rank_sum"), t("export.summary_col_mean_rank"),
            t("export.summary_col_at_pass_line"), t("export.summary_col_passed"),
            t("export.summary_col_outliers"), t("export.summary_col_decision")]


def _member_cell(result, row, member: str):
    """The member's total; 迴避 where the member must not review the application (their
    sheet, if any, counts nowhere); empty where they have none."""
    if (row.application_no, member) in result.conflicted:
        return t("export.summary_conflicted")
    return row.totals.get(member)


def summary_rows(result) -> list[list[object]]:
    """The cells of each application's row, from a :class:`office_tui.committee.batch_tally.BatchTally`."""
    out = []
    for row in result.rows:
        info = result.info.get(row.application_no)
        outliers = "、".join(
            t("export.outlier_resolved", reviewer=m) if (row.application_no, m) in result.resolutions else m
            for m in row.outliers)
        decision = info.decision if info is not None else None
        out.append([
            row.rank, row.application_no, info.company if info else "", info.ubn if info else "",
            info.solution_name if info else "", *(_member_cell(result, row, m) for m in result.reviewers),
            row.mean, row.median, row.trimmed_mean, row.stdev, row.rank_sum, row.mean_rank, row.at_pass_line,
            t("common.yes") if row.passed else t("common.no"), outliers,
            t(f"status.{decision}") if decision else ""])
    return out


def write_summary(result, path: str | Path) -> Path:
    """Write the summary of ``result`` (a BatchTally); returns the path written."""
    from exports.list_sheet import add_list_sheet, new_list_book, save_book

    heads = headers(result.reviewers)
    first_score = FIXED_BEFORE
    last_score = FIXED_BEFORE + len(result.reviewers) + 6  # members' totals … 平均序位
    heading = t("export.summary_title", programme=programme_name(result.batch.programme),
                batch=result.batch.number, method=t(f"export.method_{result.method}"))
    book = new_list_book()
    add_list_sheet(book, t("export.summary_sheet"), heads, summary_rows(result), title=heading,
                   number_formats={i: SCORE_FORMAT for i in range(first_score, last_score)},
                   text_columns=(UBN_COLUMN,), footer=t("export.footer_pages"))
    return save_book(book, path)


def export_summary(engine, batch_no: int, path: str | Path, method: str = "mean") -> tuple[Path, int]:
    """Tally the batch and write its summary; (path, number of applications)."""
    from office_tui.committee.batch_tally import batch_tally
    from office_tui.core.db import read_session

    from exports.approvals import find_batch

    with read_session(engine) as session:
        find_batch(session, batch_no)  # the exports' own words for an unknown batch
        result = batch_tally(session, batch_no, method)
    return write_summary(result, path), len(result.rows)
