"""Scoring a set of answers: per-indicator points, totals, the grade estimate, the best next steps.

:func:`score` is pure; :meth:`Report.to_json` is the ``greenbot score --json`` contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scoring.data import Table, default_table
from scoring.indicators import GradeCutoffs, Indicator
from scoring.inputs import ScoreInput
from scoring.rules import Answer, Step

TOP_GAINS = 5
# The measures publish no cut-offs; those in the YAML are estimates applied to the total
# including the bonus items (the YAML's ``grading.source`` explains why).
GradeKey = Literal["2", "3", "4"]
GRADE_KEYS: tuple[GradeKey, ...] = ("2", "3", "4")


@dataclass(frozen=True)
class ItemScore:
    """One indicator's result."""

    indicator: Indicator
    answer: Answer | None  # None: unanswered, scored 0
    points: float
    estimated: bool  # the points rest on a number marked official: false
    step: Step | None  # the next realistic step (answered indicators only)

    @property
    def ref(self) -> str:
        return self.indicator.id

    @property
    def max(self) -> float:
        return self.indicator.max_points

    @property
    def answered(self) -> bool:
        return self.answer is not None


@dataclass(frozen=True)
class Report:
    """Everything a score report shows."""

    items: tuple[ItemScore, ...]
    grading: GradeCutoffs
    base: float
    bonus: float
    total: float
    max_base: float
    max_bonus: float
    grade: int
    top_gains: tuple[ItemScore, ...]

    @property
    def max_total(self) -> float:
        return self.max_base + self.max_bonus

    @property
    def unanswered(self) -> list[str]:
        return [item.ref for item in self.items if not item.answered]

    @property
    def cutoffs(self) -> dict[str, float]:
        return {key: float(self.grading.cutoffs[key]) for key in GRADE_KEYS}


def round_points(value: float) -> float:
    # Points are multiples of 0.01 at most; this only removes floating-point noise.
    return round(value + 0.0, 2)


def plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def grade_for(total: float, grading: GradeCutoffs) -> int:
    """The estimated grade 1-4 for a total: the highest grade whose cut-off it reaches."""
    grade = 1
    for key in GRADE_KEYS:
        if total >= grading.cutoffs[key] - 1e-9:
            grade = int(key)
    return grade


def score_item(indicator: Indicator, answer: Answer | None) -> ItemScore:
    """Points, estimate flag and next step for one indicator."""
    if answer is None:
        return ItemScore(indicator, None, 0.0, False, None)
    rule: Any = indicator.rule  # each rule kind takes its own answer type
    points = round_points(rule.points(answer))
    step: Step | None = rule.step(answer)
    if step is not None and step.gain < 0.005:
        step = None
    return ItemScore(indicator, answer, points, bool(rule.estimated(answer)), step)


def score(
    answers: ScoreInput | Mapping[str, Answer], table: Table | None = None, top: int = TOP_GAINS
) -> Report:
    """Score parsed answers against the table (the shipped one by default)."""
    table = table or default_table()
    given = answers.answers if isinstance(answers, ScoreInput) else answers
    items = tuple(score_item(ind, given.get(ind.id)) for ind in table.indicators)
    base = round_points(sum(item.points for item in items if not item.indicator.bonus))
    bonus = round_points(sum(item.points for item in items if item.indicator.bonus))
    total = round_points(base + bonus)
    # Best first; ties: the table's order, which the stable sort keeps.
    ranked = sorted(
        (item for item in items if item.step is not None),
        key=lambda item: -item.step.gain if item.step else 0.0,
    )
    return Report(
        items=items,
        grading=table.grading,
        base=base,
        bonus=bonus,
        total=total,
        max_base=sum(ind.max_points for ind in table.indicators if not ind.bonus),
        max_bonus=sum(ind.max_points for ind in table.indicators if ind.bonus),
        grade=grade_for(total, table.grading),
        top_gains=tuple(ranked[:top]),
    )
