"""The scoring rules of the appendix grading table, one kind per way it scores, as data.

Each rule states only what the appendix fixes as official (full marks at a threshold, 0 below a
required value, checklist points and caps); every number the appendix leaves open (partial
credit, tier values) sits in a field marked ``official: false`` so reports can call it an estimate.

A rule also parses one answer (``parse``), scores it (``points``), says whether the points rest on
an unofficial number (``estimated``) and proposes the next realistic step (``step``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1)]
Points = Annotated[float, Field(ge=0)]

Tier = Literal["leading", "advanced", "average", "lagging"]
TIERS: tuple[Tier, ...] = ("leading", "advanced", "average", "lagging")  # best first

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*[%％]?\s*$")


class AnswerError(ValueError):
    """An answer a rule cannot use; ``path`` extends the field name (``.requirement``, ``[2]``)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class _Strict(BaseModel):
    # defer_build: a fresh process that loads the knowledge from the build cache never
    # validates, so it need not pay for building every validator at import (~60 ms)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class StepText(_Strict):
    """A next step in both languages; ``{placeholders}`` are filled in by the presentation."""

    zh: Text
    en: Text

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class RatioAnswer(_Strict):
    """The factory's value and the industry's required minimum (《工业项目建设用地控制指标》)."""

    value: float
    requirement: float


@dataclass(frozen=True)
class Step:
    """A realistic next step: how many points it gains and what to do.

    ``params`` fill the step text: ``target``/``x`` (numbers), ``tier`` (a :data:`Tier`),
    ``level`` (an int); the presentation layer localises them.
    """

    gain: float
    text: StepText
    params: dict[str, Any] = field(default_factory=dict)


_EPS = 1e-9


def _floor_cents(value: float) -> float:
    """Partial credit is floored to 0.01 so an estimate never rounds up into full marks."""
    return math.floor(value * 100 + 1e-9) / 100


def parse_number(raw: object, what: str = "a number") -> float:
    """A finite number from a YAML/JSON number or a numeric string (``"85"``, ``"85%"``)."""
    if isinstance(raw, bool):  # YAML ``yes``/``true`` is not a number
        raise AnswerError(f"expected {what}, got {str(raw).lower()}")
    try:
        if isinstance(raw, int | float):
            number = float(raw)
        elif isinstance(raw, str) and (match := _NUMBER.match(raw)):
            number = float(match.group(1))
        else:
            raise AnswerError(f"expected {what}, got {_show(raw)}")
    except OverflowError:  # an integer beyond float range
        raise AnswerError(f"expected {what}, got a number too large") from None
    if not math.isfinite(number):
        raise AnswerError(f"expected {what}, got {_show(raw)}")
    return number


def _show(raw: object) -> str:
    """A short one-line rendering of a bad value for an error message."""
    if isinstance(raw, str):
        return repr(raw if len(raw) <= 40 else raw[:40] + "…")
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list | tuple):
        return "a list"
    if raw is None:
        return "null"
    text = repr(raw)
    return text if len(text) <= 40 else type(raw).__name__


class Curve(_Strict):
    """Partial credit below full marks as anchor points ``[x, points]``.

    ``linear`` interpolates between anchors and on from the last one to full marks; ``steps``
    gives the points of the highest anchor at or below ``x``. Left of the first anchor: 0.
    """

    shape: Literal["linear", "steps"]
    anchors: list[tuple[float, Points]] = Field(min_length=1)
    official: bool

    @model_validator(mode="after")
    def _monotone(self) -> Curve:
        xs = [x for x, _ in self.anchors]
        ys = [y for _, y in self.anchors]
        if any(b <= a for a, b in pairwise(xs)):
            raise ValueError("anchors: x must increase strictly")
        if any(b < a for a, b in pairwise(ys)):
            raise ValueError("anchors: points must not decrease")
        return self

    def at(self, x: float, full: tuple[float, float]) -> float:
        """Points at ``x``; ``full`` is the rule's (x, points) of full marks, the end of a line."""
        xs = [ax for ax, _ in self.anchors]
        index = bisect_right(xs, x) - 1
        if index < 0:
            return 0.0
        x0, y0 = self.anchors[index]
        if self.shape == "steps" or x == x0:
            return y0
        x1, y1 = self.anchors[index + 1] if index + 1 < len(self.anchors) else full
        if x >= x1:
            return y0
        return _floor_cents(y0 + (y1 - y0) * (x - x0) / (x1 - x0))

    def next_anchor(self, current: float) -> tuple[float, float] | None:
        """The first anchor worth more than ``current`` points."""
        return next(((x, y) for x, y in self.anchors if y > current + 1e-9), None)


class _RuleBase(_Strict):
    max_points: Annotated[float, Field(gt=0)]


class RatioRule(_RuleBase):
    """A value against an industry's required minimum (ind-1 plot ratio, ind-2 building density).

    ``multiple``: progress ``x = value / requirement``, full marks at ``x >= full_at`` (2 times).
    ``margin``: ``x = value - requirement`` in percentage points, full at ``x >= full_at`` (30).
    Below the requirement (``x`` under 1 or 0) the appendix says the indicator is not met: 0.
    """

    kind: Literal["ratio"]
    next_step: StepText  # what to do; ``{placeholders}`` filled by the presentation
    mode: Literal["multiple", "margin"]
    full_at: Annotated[float, Field(gt=0)]
    percent: bool  # value and requirement are percentages (0-100)
    partial: Curve  # over x from the requirement up to full_at

    @property
    def full(self) -> tuple[float, float]:
        return (self.full_at, self.max_points)

    @property
    def floor(self) -> float:
        return 1.0 if self.mode == "multiple" else 0.0

    @model_validator(mode="after")
    def _consistent(self) -> RatioRule:
        first_x = self.partial.anchors[0][0]
        if first_x != self.floor:
            raise ValueError(f"partial: first anchor must be at the requirement (x={self.floor})")
        if self.full_at <= self.floor:
            raise ValueError("full_at must lie above the requirement")
        for x, y in self.partial.anchors:
            if x > self.full_at or y >= self.max_points:
                raise ValueError(f"partial: anchor [{x}, {y}] outside the rule's range")
        return self

    def parse(self, raw: object) -> RatioAnswer:
        if not isinstance(raw, dict):
            raise AnswerError(f"expected {{value: ..., requirement: ...}}, got {_show(raw)}")
        for key in raw:
            if key not in ("value", "requirement"):
                raise AnswerError("unknown field", f".{key}")
        values: dict[str, float] = {}
        for key in ("value", "requirement"):
            if key not in raw:
                raise AnswerError("missing", f".{key}")
            try:
                values[key] = parse_number(raw[key])
            except AnswerError as error:
                raise AnswerError(error.message, f".{key}") from None
        value, requirement = values["value"], values["requirement"]
        if value < 0:
            raise AnswerError("must not be negative", ".value")
        if requirement <= 0:
            raise AnswerError("must be greater than 0", ".requirement")
        if self.percent:
            if value > 100:
                raise AnswerError("percentage must be between 0 and 100", ".value")
            if requirement > 100:
                raise AnswerError("percentage must be between 0 and 100", ".requirement")
        return RatioAnswer(value=value, requirement=requirement)

    def progress(self, answer: RatioAnswer) -> float:
        if self.mode == "multiple":
            return answer.value / answer.requirement
        return answer.value - answer.requirement

    def points(self, answer: RatioAnswer) -> float:
        x = self.progress(answer)
        # Tolerance: 0.6 / 0.3 is 1.9999999999999998 in floating point, yet twice the requirement.
        if x >= self.full_at - _EPS:
            return self.max_points
        if x < self.floor - _EPS:
            return 0.0
        return self.partial.at(max(x, self.floor), self.full)

    def estimated(self, answer: RatioAnswer) -> bool:
        points = self.points(answer)
        return 0 < points < self.max_points and not self.partial.official

    def step(self, answer: RatioAnswer) -> Step | None:
        current = self.points(answer)
        if current >= self.max_points:
            return None
        anchor = self.partial.next_anchor(current)
        x = anchor[0] if anchor is not None and anchor[0] < self.full_at else self.full_at
        gained = self.max_points if x >= self.full_at else self.partial.at(x, self.full)
        target = answer.requirement * x if self.mode == "multiple" else answer.requirement + x
        return Step(gained - current, self.next_step, {"target": target, "x": x})


class PercentRule(_RuleBase):
    """A percentage with a full-marks threshold (ind-4, 9, 13, 15, 17).

    ``inclusive``: full marks at ``>= threshold`` (达到…及以上/以上); otherwise only above it
    (ind-17: 超40%). Below the threshold the ``partial`` curve applies, 0 at 0%.
    """

    kind: Literal["percent"]
    next_step: StepText  # what to do; ``{placeholders}`` filled by the presentation
    threshold: Annotated[float, Field(gt=0, le=100)]
    inclusive: bool
    partial: Curve

    @model_validator(mode="after")
    def _consistent(self) -> PercentRule:
        if tuple(self.partial.anchors[0]) != (0, 0):
            raise ValueError("partial: the first anchor must be [0, 0] (0 points at 0%)")
        for x, y in self.partial.anchors:
            if x > self.threshold or y >= self.max_points:
                raise ValueError(
                    f"partial: anchor [{x}, {y}] must lie below the threshold and full marks"
                )
        return self

    def parse(self, raw: object) -> float:
        value = parse_number(raw, "a percentage")
        if not 0 <= value <= 100:
            raise AnswerError("percentage must be between 0 and 100")
        return value

    def is_full(self, value: float) -> bool:
        return value >= self.threshold if self.inclusive else value > self.threshold

    def points(self, value: float) -> float:
        if self.is_full(value):
            return self.max_points
        return self.partial.at(value, (self.threshold, self.max_points))

    def estimated(self, value: float) -> bool:
        return 0 < self.points(value) < self.max_points and not self.partial.official

    def step(self, value: float) -> Step | None:
        current = self.points(value)
        if current >= self.max_points:
            return None
        anchor = self.partial.next_anchor(current)
        if anchor is not None:
            return Step(anchor[1] - current, self.next_step, {"target": anchor[0], "over": False})
        # Only full marks left: reach the threshold (or pass it, for a strict one).
        return Step(
            self.max_points - current,
            self.next_step,
            {"target": self.threshold, "over": not self.inclusive},
        )


class PositionRule(_RuleBase):
    """Where the factory stands in its industry (ind-3, 5-8, 10-12).

    The appendix fixes only 行业领先 → full marks; the other tiers' values are estimates.
    """

    kind: Literal["position"]
    next_step: StepText  # what to do; ``{placeholders}`` filled by the presentation
    tiers: dict[Tier, Points]
    tiers_official: bool

    @model_validator(mode="after")
    def _consistent(self) -> PositionRule:
        if set(self.tiers) != set(TIERS):
            raise ValueError(f"tiers: need exactly {', '.join(TIERS)}")
        if self.tiers["leading"] != self.max_points:
            raise ValueError("tiers: leading must give full marks")
        if self.tiers["lagging"] != 0:
            raise ValueError("tiers: lagging must give 0")
        values = [self.tiers[tier] for tier in TIERS]
        if any(b >= a for a, b in pairwise(values)):
            raise ValueError("tiers: points must fall strictly from leading to lagging")
        return self

    def parse(self, raw: object) -> Tier:
        if isinstance(raw, str) and raw.strip().lower() in TIERS:
            return raw.strip().lower()  # type: ignore[return-value]
        raise AnswerError(
            f"unknown tier {_show(raw)} (expected one of: {', '.join(TIERS)}; "
            "or 领先, 先进, 平均, 落后)"
        )

    def points(self, tier: Tier) -> float:
        return self.tiers[tier]

    def estimated(self, tier: Tier) -> bool:
        return tier in ("advanced", "average") and not self.tiers_official

    def step(self, tier: Tier) -> Step | None:
        index = TIERS.index(tier)
        if index == 0:
            return None
        better = TIERS[index - 1]
        return Step(self.tiers[better] - self.tiers[tier], self.next_step, {"tier": better})


class ChecklistItem(_Strict):
    """One □ line: its id for input, its points, labels and the verbatim line."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    points: Annotated[float, Field(gt=0)]
    label_zh: Text
    label_en: Text
    text: Text  # the verbatim □ line of the appendix
    # Rough effort of getting the item (1 a purchase or a document, 2 a project, 3 a major
    # investment or a selection process): among equal gains, the easier step is suggested.
    effort: Literal[1, 2, 3]
    next_step: StepText

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


class ChecklistRule(_RuleBase):
    """Items each worth their points, the sum capped (ind-14, 16, 18, 19, 21). All official.

    Each item carries its own step text.
    """

    kind: Literal["checklist"]
    items: list[ChecklistItem] = Field(min_length=1)
    cap: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ChecklistRule:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("items: ids must be unique")
        total = sum(item.points for item in self.items)
        if self.cap is not None and self.cap > total:
            raise ValueError(f"cap {self.cap} exceeds the items' sum {total}")
        if (self.cap if self.cap is not None else total) != self.max_points:
            raise ValueError("max_points must equal the cap (or the items' sum without one)")
        return self

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.items if item.id == item_id), None)

    def parse(self, raw: object) -> tuple[str, ...]:
        if isinstance(raw, str):  # one item written without brackets
            raw = [raw]
        if not isinstance(raw, list | tuple):
            raise AnswerError(f"expected a list of checklist items, got {_show(raw)}")
        seen: set[str] = set()
        for index, entry in enumerate(raw):
            if not isinstance(entry, str) or self.item(entry.strip()) is None:
                known = ", ".join(item.id for item in self.items)
                raise AnswerError(
                    f"unknown checklist item {_show(entry)} (known: {known})", f"[{index}]"
                )
            if entry.strip() in seen:
                raise AnswerError(f"duplicate checklist item {entry.strip()!r}", f"[{index}]")
            seen.add(entry.strip())
        # Canonical order: the table's.
        return tuple(item.id for item in self.items if item.id in seen)

    def _capped(self, total: float) -> float:
        return min(total, self.cap) if self.cap is not None else total

    def points(self, ticked: tuple[str, ...]) -> float:
        return self._capped(sum(item.points for item in self.items if item.id in ticked))

    def estimated(self, ticked: tuple[str, ...]) -> bool:
        return False

    def step(self, ticked: tuple[str, ...]) -> Step | None:
        current = self.points(ticked)
        options = [
            (self._capped(current + item.points) - current, item)
            for item in self.items
            if item.id not in ticked
        ]
        # Most points first, then least effort, then the table's order (min() keeps the first).
        gain, item = min(options, key=lambda o: (-o[0], o[1].effort), default=(0.0, None))
        if item is None or gain <= _EPS:
            return None
        return Step(gain, item.next_step, {"item": item.id})


class LevelRule(_RuleBase):
    """智能制造能力成熟度 level (GB/T 39116/39117-2020) for ind-20; 0 = not assessed.

    Official: below ``min_level`` (2) → 0, ``top_level`` (5) → full marks; between: estimates.
    """

    kind: Literal["level"]
    next_step: StepText  # what to do; ``{placeholders}`` filled by the presentation
    min_level: Annotated[int, Field(ge=1)]
    top_level: Annotated[int, Field(ge=2)]
    levels: dict[int, Points]  # points for min_level .. top_level - 1
    levels_official: bool

    @model_validator(mode="after")
    def _consistent(self) -> LevelRule:
        if self.top_level <= self.min_level:
            raise ValueError("top_level must lie above min_level")
        wanted = list(range(self.min_level, self.top_level))
        if sorted(self.levels) != wanted:
            raise ValueError(f"levels: need exactly levels {wanted}")
        values = [0.0, *(self.levels[level] for level in wanted), self.max_points]
        if any(b <= a for a, b in pairwise(values)):
            raise ValueError("levels: points must rise strictly between 0 and max_points")
        return self

    def parse(self, raw: object) -> int:
        value = parse_number(raw, "a level")
        if not value.is_integer() or not 0 <= value <= self.top_level:
            raise AnswerError(f"level must be a whole number from 0 to {self.top_level}")
        return int(value)

    def points(self, level: int) -> float:
        if level >= self.top_level:
            return self.max_points
        return self.levels.get(level, 0.0) if level >= self.min_level else 0.0

    def estimated(self, level: int) -> bool:
        return self.min_level <= level < self.top_level and not self.levels_official

    def step(self, level: int) -> Step | None:
        if level >= self.top_level:
            return None
        target = max(level + 1, self.min_level)
        return Step(self.points(target) - self.points(level), self.next_step, {"level": target})


Rule = Annotated[
    RatioRule | PositionRule | PercentRule | ChecklistRule | LevelRule,
    Field(discriminator="kind"),
]
AnyRule = RatioRule | PositionRule | PercentRule | ChecklistRule | LevelRule
Answer = RatioAnswer | str | float | tuple[str, ...] | int
