"""Answers to the indicators: the INPUT mapping of ``greenbot score`` and single dialog answers.

The mapping is ``{"ind-N": answer}``; what an answer looks like depends on the rule kind
(see :mod:`scoring.rules`). A missing or ``null`` indicator is unanswered and scores 0.
Every problem is an :class:`InputError` naming the field, e.g. ``ind-14[2]: unknown ...``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scoring.indicators import Indicator
from scoring.rules import TIERS, Answer, AnswerError, PositionRule, RatioAnswer

# A tier may be written as people say it: 领先 / 先进 / 平均 / 落后, or as the labels show it
# (行业领先, industry-leading …); the short Chinese forms are listed here, the labels come from
# the strings, so a relabelled tier is still read.
_TIER_SHORT_ZH = {"leading": "领先", "advanced": "先进", "average": "平均", "lagging": "落后"}


class InputError(ValueError):
    """An unusable answer; ``str()`` is one line: ``<field>: <what is wrong>``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ScoreInput:
    """Parsed answers by reference id, in table order; absent ids are unanswered."""

    answers: Mapping[str, Answer] = field(default_factory=dict)

    def __contains__(self, ref: object) -> bool:
        return ref in self.answers

    def __iter__(self) -> Iterator[str]:
        return iter(self.answers)

    def get(self, ref: str) -> Answer | None:
        return self.answers.get(ref)

    def with_answer(self, indicator: Indicator, answer: Answer | None) -> ScoreInput:
        """A copy with one answer set (``None`` clears it): a dialog step."""
        answers = dict(self.answers)
        if answer is None:
            answers.pop(indicator.id, None)
        else:
            answers[indicator.id] = answer
        return ScoreInput(answers)

    def to_mapping(self) -> dict[str, Any]:
        """Back to the INPUT form (JSON-ready), e.g. to keep a dialog's state."""
        return {ref: dump_answer(answer) for ref, answer in self.answers.items()}


def _field_name(key: object) -> str:
    text = str(key)
    return text if text.isprintable() and len(text) <= 40 else repr(text)[:40]


@cache
def _tier_names() -> dict[str, str]:
    from bot.render import label

    names: dict[str, str] = {}
    for tier in TIERS:
        for name in (_TIER_SHORT_ZH[tier], label(f"score.tier.{tier}", "zh")):
            names[name] = tier
        names[label(f"score.tier.{tier}", "en").lower()] = tier
    return names


def _tier_alias(raw: object) -> object:
    """``领先`` / ``行业领先`` / ``industry-leading`` → ``leading``; anything else unchanged."""
    if not isinstance(raw, str):
        return raw
    said = unicodedata.normalize("NFKC", raw).strip().removesuffix("水平").lower()
    return _tier_names().get(said, raw)


def parse_answer(indicator: Indicator, raw: object) -> Answer:
    """One indicator's answer from a raw value (YAML/JSON value or a button's id)."""
    if isinstance(indicator.rule, PositionRule):
        raw = _tier_alias(raw)
    try:
        return indicator.rule.parse(raw)
    except AnswerError as error:
        raise InputError(indicator.id + error.path, error.message) from None


def parse_input(data: Mapping[Any, Any], indicators: Sequence[Indicator]) -> ScoreInput:
    """The whole INPUT mapping; the first problem raises :class:`InputError`."""
    by_id = {indicator.id: indicator for indicator in indicators}
    first, last = indicators[0].id, indicators[-1].id
    parsed: dict[str, Answer] = {}
    for key, raw in data.items():
        indicator = by_id.get(key) if isinstance(key, str) else None
        if indicator is None:
            raise InputError(_field_name(key), f"unknown indicator (expected {first} … {last})")
        if raw is not None:
            parsed[key] = parse_answer(indicator, raw)
    order = [ind.id for ind in indicators]
    return ScoreInput({ref: parsed[ref] for ref in order if ref in parsed})


def dump_answer(answer: Answer) -> Any:
    """An answer as the plain value ``parse_answer`` accepts."""
    if isinstance(answer, RatioAnswer):
        return {"value": answer.value, "requirement": answer.requirement}
    if isinstance(answer, tuple):
        return list(answer)
    return answer
