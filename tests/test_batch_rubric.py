"""A batch's own rubric (docs/rules/committee.md): set from a TOML file, used by the batch's sheets and
tally, refused once scores exist, and put back on the default."""

from __future__ import annotations

import pytest
from sqlmodel import select
from test_cli import run_all
from test_exports_committee import STAFF, build

from models import Batch
from office_tui.committee.batch_rubric import set_batch_rubric
from office_tui.intake.batches import BatchError
from office_tui.core.db import read_session
from office_tui.committee.rubric import RubricError, default_rubric, rubric_for

OWN = """
pass_line = 60
outlier_threshold = 10
[[stages]]
code = "T"
zh = "技術"
weight = 1
criteria = [{ code = "T1", zh = "技術可行性", en = "Feasibility", max = 10 }]
"""


def _rubric(engine, number):
    with read_session(engine) as session:
        return rubric_for(session.exec(select(Batch).where(Batch.number == number)).one())


def test_a_batch_without_scores_takes_its_own_rubric_and_goes_back(engine):
    build(engine)  # batch 1 has scores, batch 2 only a decision
    set_batch_rubric(engine, STAFF, 2, OWN)
    own = _rubric(engine, 2)
    assert [c.code for c in own.criteria] == ["T1"] and own.pass_line == 60 and own.criterion("T1").max == 10
    assert own.total({"T1": 7}) == 70
    assert _rubric(engine, 1) == default_rubric()
    set_batch_rubric(engine, STAFF, 2, None)
    assert _rubric(engine, 2) == default_rubric()


def test_refused_when_scored_unknown_or_unreadable_and_nothing_changes(engine):
    build(engine)
    with pytest.raises(BatchError) as scored:
        set_batch_rubric(engine, STAFF, 1, OWN)
    assert scored.value.key == "batch.rubric_scored"
    with pytest.raises(BatchError) as unknown:
        set_batch_rubric(engine, STAFF, 9, OWN)
    assert unknown.value.key == "batch.no_such_batch"
    with pytest.raises(RubricError):
        set_batch_rubric(engine, STAFF, 2, "pass_line = 70")
    assert _rubric(engine, 1) == _rubric(engine, 2) == default_rubric()


def test_the_command(engine, db_url, tmp_path, shell_admin):
    build(engine)
    own, bad = tmp_path / "own.toml", tmp_path / "bad.toml"
    own.write_text(OWN, encoding="utf-8")
    bad.write_text("x =", encoding="utf-8")
    done = run_all((("--db", db_url, "batch", "rubric", "2", str(own)),),
                   (("--db", db_url, "batch", "rubric", "1", str(own)),),
                   (("--db", db_url, "--lang", "en", "batch", "rubric", "2", str(bad)),),
                   (("--db", db_url, "batch", "rubric", "2", str(tmp_path / "none.toml")),))
    assert [r.returncode for r in done] == [0, 1, 1, 1], [r.stderr for r in done]
    assert done[0].stdout.strip() == "第 2 批次改用自訂評分標準（1 項評分項目，及格分數 60）。"
    assert done[1].stderr.strip().startswith("第 1 批次已有") and "Traceback" not in done[2].stderr
    assert "none.toml" in done[3].stderr
    assert _rubric(engine, 2).pass_line == 60
    (back,) = run_all((("--db", db_url, "--lang", "en", "batch", "rubric", "2", "--default"),))
    assert (back.returncode, back.stdout.strip()) == (0, "Batch 2 now uses the default rubric.")
    assert _rubric(engine, 2) == default_rubric()
