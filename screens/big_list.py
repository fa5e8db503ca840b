"""A list for big tables: draws only the rows on screen, fetched a page at a time.

Rows come from an :class:`office_tui.core.listing.ListSource`, which sorts, filters and
pages in SQL; this widget keeps a cursor, draws the visible lines (Textual's line API)
and asks for no more than the pages those lines fall in. Every read runs as the screens'
work does (screens/jobs.py): the count and first page of a source in one worker, any
other page in its own when it scrolls into view; a line whose page is not in yet is drawn
blank and filled when the page's message arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from office_tui.core.i18n import t
from office_tui.core.listing import ListSource
from screens import jobs
from screens.i18n import TranslatedBindings

Formatter = Callable[[str, object], str]


def _fit(text: str, width: int) -> str:
    return set_cell_size(text, width) if cell_len(text) != width else text


def _prefetched(source: ListSource) -> ListSource:
    source.prefetch()
    return source


@dataclass
class Fetched(Message):
    """A source counted and its first page read: the table shows it."""

    source: ListSource
    from_top: bool


@dataclass
class PageFetched(Message):
    """Another page of the source shown."""

    source: ListSource
    number: int
    rows: list


def header_text(source: ListSource, widths: list[int]) -> str:
    parts = []
    for column, width in zip(source.columns, widths):
        mark = (" ▼" if source.descending else " ▲") if column.key == source.sort_key else ""
        parts.append(_fit(t(column.label_key) + mark, width))
    return " ".join(parts)


class PagedTable(TranslatedBindings, ScrollView, can_focus=True):
    """The rows of a ListSource with a cursor; Enter opens the row."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "key.up", show=False, id="list.up"),
        Binding("down", "cursor(1)", "key.down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "key.page_up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "key.page_down", show=False, id="list.page_down"),
        Binding("home", "jump(0)", "key.first", show=False, id="list.first"),
        Binding("end", "jump(-1)", "key.last", show=False, id="list.last"),
        Binding("enter", "open", "key.open", id="list.open"),
        Binding("s", "next_sort", "key.sort", id="list.sort"),
        Binding("S", "reverse_sort", "key.reverse", id="list.reverse"),
    ]

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable > .paged-table--cursor { background: $accent 40%; text-style: bold; }
    PagedTable:focus > .paged-table--cursor { background: $accent; }
    """
    COMPONENT_CLASSES = {"paged-table--cursor"}

    cursor: reactive[int] = reactive(0)

    class RowOpened(Message):
        def __init__(self, row_id: int) -> None:
            super().__init__()
            self.row_id = row_id

    class Reloaded(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, source: ListSource, formatter: Formatter, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.formatter = formatter
        self.row_count = 0
        self._wanted: set[int] = set()  # pages being read

    # -- layout ------------------------------------------------------------------------
    def column_widths(self) -> list[int]:
        """Each column's cells, widened to fill the screen in proportion."""
        base = [c.width for c in self.source.columns]
        spare = max(0, self.size.width - sum(base) - len(base))
        total = sum(base) or 1
        return [w + spare * w // total for w in base]

    def reload(self) -> None:
        """Count and read the current source again (after a change), keeping the cursor:
        the old rows stay on screen until the new ones are in."""
        self._fetch(self.source.refined(), from_top=False)

    def show(self, source: ListSource) -> None:
        """Switch to another filter or order: the query runs in a worker while the old
        rows stay on screen and typing goes on; a newer request supersedes it."""
        self._fetch(source, from_top=True)

    def _fetch(self, source: ListSource, from_top: bool) -> None:
        jobs.fetch(self, lambda: _prefetched(source), lambda done: Fetched(done, from_top), group="paged-table")

    @on(Fetched)
    def _fetched(self, message: Fetched) -> None:
        message.stop()
        self._adopt(message.source, message.from_top)

    def _adopt(self, source: ListSource, from_top: bool = False) -> None:
        self.source = source
        self._wanted = set()
        self.row_count = source.cached_count() or 0
        self.virtual_size = Size(self.size.width, self.row_count)
        if from_top:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self.cursor = min(self.cursor, max(0, self.row_count - 1))
        self.refresh()
        self.post_message(self.Reloaded(self.row_count))

    def _want(self, index: int) -> None:
        """Read the page holding row ``index`` unless it is on its way."""
        source, number = self.source, index // self.source.page_size
        if number in self._wanted:
            return
        self._wanted.add(number)
        jobs.fetch(self, lambda: source.fetch_page(number), lambda rows: PageFetched(source, number, rows),
                   group="paged-table-page", exclusive=False)

    @on(PageFetched)
    def _page_fetched(self, message: PageFetched) -> None:
        message.stop()
        if message.source is not self.source:
            return  # another filter or order meanwhile
        self.source.keep_page(message.number, message.rows)
        self._wanted.discard(message.number)
        self.refresh()
        self.page_arrived(message.number)

    def page_arrived(self, number: int) -> None:
        """A page came in (a subclass may follow its cursor)."""

    def current_row(self) -> tuple | None:
        """The highlighted row, or None (no rows, or its page not read yet)."""
        return self.source.cached_row(self.cursor) if self.row_count else None

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count)

    # -- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        if not self.source.has_row(index):
            self._want(index)
            return Strip.blank(width, self.rich_style)
        row = self.source.cached_row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        widths = self.column_widths()
        text = " ".join(
            _fit(self.formatter(column.kind, value), w)
            for column, value, w in zip(self.source.columns, row[1:], widths)
        )
        style = self.get_component_rich_style("paged-table--cursor") if index == self.cursor else self.rich_style
        return Strip([Segment(_fit(text, width), style)], width)

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height or 1
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()

    # -- actions -----------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        if self.row_count:
            self.cursor = 0 if where == 0 else self.row_count - 1

    def action_open(self) -> None:
        row = self.current_row()
        if row is not None:
            self.post_message(self.RowOpened(row[0]))

    def action_next_sort(self) -> None:
        keys = [c.key for c in self.source.columns]
        following = keys[(keys.index(self.source.sort_key) + 1) % len(keys)]
        self.show(self.source.refined(sort_key=following, descending=False))

    def action_reverse_sort(self) -> None:
        self.show(self.source.refined(descending=not self.source.descending))

    def set_filter(self, text: str) -> None:
        self.show(self.source.refined(filter_text=text))


class ListHeader(Static):
    """The column titles above a PagedTable, showing the sort column."""

    DEFAULT_CSS = "ListHeader { height: 1; text-style: bold; background: $panel; }"

    def show(self, table: PagedTable) -> None:
        self.update(Text(header_text(table.source, table.column_widths())))
