"""Big lists page, sort and filter in SQL."""

from __future__ import annotations

from sqlalchemy import select

from models import Store
from office_tui.core.db import read_session
from office_tui.core.listing import applications_source, stores_source


def _all(source) -> list[tuple]:
    return [source.row(i) for i in range(source.count())]


def test_pages_join_up_to_the_whole_sorted_table(demo_engine):
    source = stores_source(demo_engine)
    source.page_size = 7  # pages that do not divide 300 evenly
    rows = _all(source)
    with read_session(demo_engine) as s:
        expected = s.execute(select(Store.id, Store.name).order_by(Store.name, Store.id)).all()
    assert [(r[0], r[2]) for r in rows] == [tuple(e) for e in expected]
    assert source.row(300) is None


def test_sort_by_another_column_and_reverse(demo_engine):
    source = stores_source(demo_engine)
    source.set_sort("ubn")
    ubns = [r[1] for r in _all(source)]
    assert ubns == sorted(ubns)
    source.set_sort("ubn")  # same column again: reverse
    assert source.descending
    assert [r[1] for r in _all(source)] == sorted(ubns, reverse=True)


def test_filter_matches_any_searchable_column_and_escapes_wildcards(demo_engine):
    source = stores_source(demo_engine)
    source.set_filter("臺中市")
    rows = _all(source)
    assert rows and all("臺中市" in (r[4] + r[5]) for r in rows)
    source.set_filter("%")
    assert source.count() == 0  # a literal percent sign, not "anything"
    source.set_filter("")
    assert source.count() == 300


def test_only_the_pages_looked_at_are_fetched(demo_engine):
    source = stores_source(demo_engine)
    source.row(250)
    assert list(source._pages) == [2]


def test_applications_source_filters_by_batch_status_and_category(demo_engine):
    assert applications_source(demo_engine).count() == 60
    batch3 = applications_source(demo_engine, batch=3)
    assert 0 < batch3.count() < 60
    assert {r[2] for r in _all(batch3)} == {3}
    eligible = applications_source(demo_engine, status="eligible")
    assert {r[7] for r in _all(eligible)} == {"eligible"}
    pos = applications_source(demo_engine, category="pos")
    assert {r[6] for r in _all(pos)} <= {"pos"}


def test_a_refined_source_leaves_the_original_untouched(demo_engine):
    source = stores_source(demo_engine)
    assert source.count() == 300
    narrow = source.refined(filter_text="臺中市", sort_key="ubn", descending=True)
    narrow.prefetch()
    assert source.filter_text == "" and source.count() == 300 and source.sort_key == "name"
    assert 0 < narrow.count() < 300
    ubns = [narrow.row(i)[1] for i in range(narrow.count())]
    assert ubns == sorted(ubns, reverse=True)


def test_a_selective_filter_is_sorted_the_same_whichever_plan_is_used(demo_engine):
    """Filtered rows sort through an unindexed expression; the order must not change."""
    source = stores_source(demo_engine).refined(filter_text="花蓮")
    names = [source.row(i)[2] for i in range(source.count())]
    assert names == sorted(names)
