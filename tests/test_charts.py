"""The one-line spread chart of a committee's scores."""

from screens.charts import spread


def test_members_are_placed_on_the_scale_and_outliers_marked_red():
    chart = spread({"R1": 0, "R2": 50, "R3": 100, "R4": 52}, outliers=["R3"], width=21)
    assert len(chart.plain) == 21
    assert chart.plain[0] == "●" and chart.plain[20] == "●"
    assert chart.plain[10] == "2", "two members in the same cell show a count"
    red = [span for span in chart.spans if "red" in str(span.style)]
    assert [(s.start, s.end) for s in red] == [(20, 21)]


def test_mean_and_pass_line_marks_and_empty():
    chart = spread({"R1": 20, "R2": 40}, width=10, pass_line=70)
    assert chart.plain[3] == "│" and chart.plain[7] == "┊"
    assert spread({}, width=5).plain == "·····"
