"""The committee's tally, pinned on small cases computed by hand."""

from __future__ import annotations

import pytest

from office_tui.committee.rubric import RubricError, default_rubric, parse_rubric
from office_tui.committee.tally import member_ranks, outliers, tally, trimmed_mean

SHEETS = {
    "A1": {"R1": 80, "R2": 82, "R3": 78, "R4": 81, "R5": 60},
    "A2": {"R1": 70, "R2": 70, "R3": 75, "R4": 65, "R5": 72},
    "A3": {"R1": 90, "R2": 60, "R3": 70, "R4": 72, "R5": 74},
}
PANEL = {"R1", "R2", "R3", "R4", "R5"}


def _rows(method="mean", sheets=SHEETS, assigned=None):
    assigned = assigned or {app: set(PANEL) for app in sheets}
    return {r.application_no: r for r in tally(sheets, assigned, 70, 15, method)}


def test_the_default_rubric_is_domain_md():
    rubric = default_rubric()
    assert [c.code for c in rubric.criteria] == [f"T{i}" for i in range(1, 10)] + [f"P{i}" for i in range(1, 5)]
    assert [s.weight for s in rubric.stages] == [50, 50]
    assert (rubric.pass_line, rubric.outlier_threshold) == (70, 15)
    assert all(c.max == 100 and c.weight == 1 for c in rubric.criteria)
    assert rubric.criterion("T8").zh == "流量驗證與數據提供的合理性"


def test_sheet_total_is_the_weighted_mean_of_stage_means():
    rubric = default_rubric()
    scores = {f"T{i}": 80 for i in range(1, 10)} | {f"P{i}": 60 for i in range(1, 5)}
    assert rubric.stage_scores(scores) == {"T": 80, "P": 60}
    assert rubric.total(scores) == 70
    scores["P4"] = 100  # P: (60+60+60+100)/4 = 70 → total 75
    assert rubric.total(scores) == pytest.approx(75)
    del scores["T1"]
    assert rubric.total(scores) is None and rubric.stage_scores(scores)["T"] is None


def test_a_batch_rubric_with_its_own_weights_and_range():
    rubric = parse_rubric("""
pass_line = 60
outlier_threshold = 10
[[stages]]
code = "T"
zh = "技術"
weight = 3
criteria = [{ code = "T1", zh = "a", max = 10, weight = 2 }, { code = "T2", zh = "b", max = 10, weight = 1 }]
[[stages]]
code = "P"
zh = "計畫"
weight = 1
criteria = [{ code = "P1", zh = "c", max = 20 }]
""")
    # T = (8/10*100*2 + 5/10*100*1)/3 = 70; P = 15/20*100 = 75; total = (70*3 + 75)/4 = 71.25
    assert rubric.total({"T1": 8, "T2": 5, "P1": 15}) == pytest.approx(71.25)
    with pytest.raises(RubricError):
        rubric.check("T1", 11)
    with pytest.raises(RubricError):
        parse_rubric("pass_line = 70")


def test_mean_median_trimmed_stdev():
    a1 = _rows()["A1"]
    assert a1.mean == pytest.approx(76.2)
    assert a1.median == 80
    assert a1.trimmed_mean == pytest.approx((80 + 78 + 81) / 3)  # drops 60 and 82
    assert a1.stdev == pytest.approx((336.8 / 4) ** 0.5)
    assert trimmed_mean([70, 80, 90, 100]) == 85  # fewer than 5: nothing dropped


def test_rank_sums_with_each_members_own_ranking():
    rows = _rows()
    assert (rows["A1"].rank_sum, rows["A2"].rank_sum, rows["A3"].rank_sum) == (8, 12, 10)
    assert rows["A1"].mean_rank == pytest.approx(1.6)
    assert member_ranks({"a": 80, "b": 80, "c": 70, "d": 90}) == {"d": 1, "a": 2.5, "b": 2.5, "c": 4}


def test_outliers_are_far_from_the_mean_of_the_others():
    assert _rows()["A1"].outliers == ["R5"]  # 60 vs (80+82+78+81)/4 = 80.25
    assert _rows()["A3"].outliers == ["R1", "R2"]  # 90 vs 69; 60 vs 76.5
    assert outliers({"R1": 70, "R2": 85}, 15) == []  # exactly 15 is not more than 15


def test_each_method_ranks_and_passes():
    assert [r.application_no for r in tally(SHEETS, {}, 70, 15, "mean")] == ["A1", "A3", "A2"]
    assert [r.application_no for r in tally(SHEETS, {}, 70, 15, "trimmed")] == ["A1", "A3", "A2"]
    assert [r.application_no for r in tally(SHEETS, {}, 70, 15, "ranksum")] == ["A1", "A3", "A2"]
    rows = _rows()
    assert all(r.passed for r in rows.values()) and rows["A2"].at_pass_line == 4
    strict = {r.application_no: r for r in tally(SHEETS, {}, 75, 15, "mean")}
    assert (strict["A1"].passed, strict["A3"].passed) == (True, False)


def test_missing_sheets_and_different_sets_use_the_mean_rank():
    sheets = {app: dict(totals) for app, totals in SHEETS.items()}
    sheets["A2"]["R6"] = 95  # R6 scored only A2: its rank 1 there
    assigned = {app: set(PANEL) | {"R6"} for app in sheets}
    rows = {r.application_no: r for r in tally(sheets, assigned, 70, 15, "ranksum")}
    assert rows["A1"].missing == ["R6"] and rows["A2"].missing == []
    assert rows["A2"].rank_sum == 13 and rows["A2"].mean_rank == pytest.approx(13 / 6)
    assert [r.application_no for r in sorted(rows.values(), key=lambda r: r.rank)] == ["A1", "A3", "A2"]


def test_ties_break_on_mean_then_members_at_the_pass_line_then_number():
    sheets = {"B2": {"R1": 80, "R2": 60}, "B1": {"R1": 60, "R2": 80}, "B3": {"R1": 70, "R2": 70}}
    rows = tally(sheets, {}, 70, 50, "mean")
    # all means 70; B3 has two members at the pass line, B1 and B2 one each → B3, then B1, B2 by number
    assert [(r.application_no, r.rank) for r in rows] == [("B3", 1), ("B1", 2), ("B2", 3)]


def test_an_application_without_sheets_is_unranked_and_lists_who_is_missing():
    rows = {r.application_no: r for r in tally({"A1": {"R1": 75}}, {"A1": {"R1"}, "A9": {"R1", "R2"}}, 70, 15)}
    assert rows["A9"].rank is None and rows["A9"].missing == ["R1", "R2"] and not rows["A9"].passed
    assert rows["A9"].to_json()["mean"] is None


def test_a_sheet_exactly_on_the_pass_line_passes_without_float_residue():
    """57 × 100 / 100 in floating point is 56.99999999999999: the total of a sheet of 57s
    and 83s must be 70 exactly, pass, and two sheets exactly the threshold apart are no
    outliers."""
    rubric = default_rubric()
    on_line = rubric.total({f"T{i}": 57 for i in range(1, 10)} | {f"P{i}": 83 for i in range(1, 5)})
    assert on_line == 70 and repr(on_line) == "70.0"
    low = rubric.total({c.code: 57 for c in rubric.criteria})
    high = rubric.total({c.code: 72 for c in rubric.criteria})
    assert (low, high) == (57, 72)
    rows = {r.application_no: r for r in tally({"A1": {"R1": on_line} | {f"R{k}": on_line for k in range(2, 6)},
                                                "A2": {"R1": low, "R2": high}}, {}, 70, 15)}
    assert rows["A1"].mean == 70 and rows["A1"].passed and rows["A1"].at_pass_line == 5
    assert rows["A2"].outliers == []
