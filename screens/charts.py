"""Small text charts for tables: a committee's spread of scores on one line."""

from __future__ import annotations

from rich.text import Text

DOT, MEAN = "●", "│"


def spread(totals: dict[str, float], outliers: list[str] | tuple[str, ...] = (), width: int = 21,
           low: float = 0.0, high: float = 100.0, pass_line: float | None = None) -> Text:
    """Each member's total as a dot on a ``low``–``high`` strip (a digit when several
    share a cell), outliers in red, the mean as a bar and the pass line as a faint tick."""
    cells: list[list[str]] = [[] for _ in range(width)]

    def position(value: float) -> int:
        value = min(max(value, low), high)
        return min(width - 1, int((value - low) / (high - low) * width))

    for member, value in totals.items():
        cells[position(value)].append(member)
    mean_at = position(sum(totals.values()) / len(totals)) if totals else None
    pass_at = position(pass_line) if pass_line is not None else None
    text = Text()
    for index, members in enumerate(cells):
        if members:
            mark = DOT if len(members) == 1 else str(min(len(members), 9))
            style = "bold red" if any(m in outliers for m in members) else "bold"
        elif index == mean_at:
            mark, style = MEAN, "cyan"
        elif index == pass_at:
            mark, style = "┊", "dim green"
        else:
            mark, style = "·", "dim"
        text.append(mark, style=style)
    return text
