"""The grading table's rows (appendix of the measures) and its score → grade cut-offs, as read
from ``knowledge/indicators.yaml``; each row carries its scoring rule (:mod:`scoring.rules`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.knowledge_files import KnowledgeError, NonEmpty, entries, load_yaml, where
from scoring.rules import Rule

INDICATOR_ID = re.compile(r"^ind-(\d{1,2})$")


class _Strict(BaseModel):
    # defer_build: a fresh process that loads the knowledge from the build cache never
    # validates, so it need not pay for building every validator at import (~60 ms)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Indicator(_Strict):
    """One row of the appendix grading table."""

    id: NonEmpty
    number: Annotated[int, Field(ge=1, le=21)]
    domain: NonEmpty
    domain_en: NonEmpty
    name: NonEmpty
    name_en: NonEmpty
    text: NonEmpty  # verbatim 指标说明及计算公式
    max_points: Annotated[float, Field(gt=0)]
    bonus: bool
    rule: Rule
    keywords: list[NonEmpty] = []
    synonyms: list[NonEmpty] = []
    keywords_en: list[NonEmpty] = []

    @model_validator(mode="after")
    def _id_matches(self) -> Indicator:
        match = INDICATOR_ID.match(self.id)
        if not match or int(match.group(1)) != self.number:
            raise ValueError(f"id {self.id!r} does not match indicator number {self.number}")
        return self

    @model_validator(mode="after")
    def _rule_matches(self) -> Indicator:
        if self.rule.max_points != self.max_points:
            raise ValueError(
                f"rule.max_points {self.rule.max_points} differs from max_points {self.max_points}"
            )
        lines = self.text.split("\n")
        for index, item in enumerate(getattr(self.rule, "items", [])):
            if item.text not in lines:
                raise ValueError(f"rule.items.{index}: text is not a line of the indicator text")
        return self

    def title(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name


class GradeCutoffs(_Strict):
    """Score → grade cut-offs; the measures publish none, so ``official`` must stay false."""

    official: Literal[False]
    source: NonEmpty
    cutoffs: dict[Literal["2", "3", "4"], Annotated[float, Field(ge=0, le=110)]]
    note_zh: NonEmpty
    note_en: NonEmpty

    @model_validator(mode="after")
    def _increasing(self) -> GradeCutoffs:
        values = [self.cutoffs[key] for key in ("2", "3", "4")]
        if values != sorted(values) or len(set(values)) != 3:
            raise ValueError("cutoffs must increase strictly from grade 2 to grade 4")
        return self


def load_indicators(path: Path) -> tuple[list[Indicator], GradeCutoffs]:
    raw = load_yaml(path)
    if not isinstance(raw, dict) or "indicators" not in raw or "grading" not in raw:
        raise KnowledgeError(f"{path}: expected a mapping with 'grading' and 'indicators'")
    indicators = entries(path, raw["indicators"], Indicator, "indicators")
    try:
        grading = GradeCutoffs.model_validate(raw["grading"])
    except ValidationError as error:
        raise KnowledgeError(f"{path}: grading: {where(error)}") from error
    numbers = [indicator.number for indicator in indicators]
    if sorted(numbers) != list(range(1, 22)):
        raise KnowledgeError(f"{path}: indicators must be 1-21 exactly once, got {numbers}")
    base = sum(ind.max_points for ind in indicators if not ind.bonus)
    bonus = sum(ind.max_points for ind in indicators if ind.bonus)
    if base != 100 or bonus != 10:
        raise KnowledgeError(f"{path}: base points sum to {base} (want 100), bonus {bonus} (10)")
    return indicators, grading
