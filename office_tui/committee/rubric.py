"""評分標準 — the committee's rubric: stages, criteria, weights, pass line, outlier
threshold. The default ships as rubric.toml (docs/rules/committee.md); a batch may override it."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from office_tui.core.errors import OfficeError

DEFAULT_PATH = Path(__file__).parent / "rubric.toml"


class RubricError(OfficeError):
    """A rubric file that cannot be used, or a score outside its range."""


@dataclass(frozen=True)
class Criterion:
    code: str
    zh: str
    en: str
    max: float
    weight: float


@dataclass(frozen=True)
class Stage:
    code: str
    zh: str
    en: str
    weight: float
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Rubric:
    stages: tuple[Stage, ...]
    pass_line: float
    outlier_threshold: float

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for stage in self.stages for c in stage.criteria)

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise RubricError("rubric.no_such_criterion", code=code)

    def check(self, code: str, value: float) -> None:
        criterion = self.criterion(code)
        if not 0 <= value <= criterion.max:
            raise RubricError("rubric.out_of_range", code=code, value=plain_number(value),
                              max=plain_number(criterion.max))

    def stage_scores(self, scores: dict[str, float]) -> dict[str, float | None]:
        """Each stage's weighted mean on a 100-point scale; None until all its criteria
        are scored."""
        out: dict[str, float | None] = {}
        for stage in self.stages:
            if any(c.code not in scores for c in stage.criteria):
                out[stage.code] = None
                continue
            weight = sum(c.weight for c in stage.criteria)
            out[stage.code] = settled(sum(scores[c.code] * 100 / c.max * c.weight for c in stage.criteria) / weight)
        return out

    def total(self, scores: dict[str, float]) -> float | None:
        """The sheet's weighted total (0–100); None until every criterion is scored."""
        stages = self.stage_scores(scores)
        if any(v is None for v in stages.values()):
            return None
        weight = sum(s.weight for s in self.stages)
        return settled(sum(stages[s.code] * s.weight for s in self.stages) / weight)


def plain_number(value: float) -> str:
    """A score as people write it: 101, not 101.0; 100.5 stays 100.5."""
    value = float(value)
    return f"{value:.0f}" if value.is_integer() else repr(value)


SETTLED_DIGITS = 9


def settled(value: float) -> float:
    """``value`` without binary floating-point residue: 57 × 100 / 100 is 57, never
    56.99999999999999, so a sheet exactly on the pass line passes, two sheets exactly
    the outlier threshold apart are not outliers, and exports show 57, not 57.00000001.
    Scores are typed with at most a few decimals, so nine keep every real digit."""
    return round(value, SETTLED_DIGITS) + 0.0  # + 0.0: never -0.0


@lru_cache(maxsize=64)  # a Rubric is immutable; batches share a handful of texts
def parse_rubric(text: str) -> Rubric:
    try:
        data = tomllib.loads(text)
        stages = tuple(
            Stage(s["code"], s["zh"], s.get("en", s["zh"]), float(s["weight"]), tuple(
                Criterion(c["code"], c["zh"], c.get("en", c["zh"]), float(c.get("max", 100)), float(c.get("weight", 1)))
                for c in s["criteria"]))
            for s in data["stages"])
        rubric = Rubric(stages, float(data.get("pass_line", 70)), float(data.get("outlier_threshold", 15)))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise RubricError("rubric.unreadable", detail=str(error)) from None
    codes = [c.code for c in rubric.criteria]
    if not stages or len(set(codes)) != len(codes):
        raise RubricError("rubric.unreadable", detail="stages / criterion codes")
    if any(s.weight <= 0 for s in stages) or any(c.weight <= 0 or c.max <= 0 for c in rubric.criteria):
        raise RubricError("rubric.unreadable", detail="weights and max must be positive")
    return rubric


@lru_cache(maxsize=1)
def default_rubric() -> Rubric:
    return parse_rubric(DEFAULT_PATH.read_text(encoding="utf-8"))


def rubric_for(batch) -> Rubric:
    """The batch's own rubric when it has one, else the default."""
    return parse_rubric(batch.rubric) if batch is not None and batch.rubric else default_rubric()
