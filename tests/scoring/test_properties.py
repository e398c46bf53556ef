"""Totals over random valid inputs: points stay within bounds, steps gain what they promise."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge import Indicator
from scoring.data import default_table
from scoring.inputs import ScoreInput, parse_answer, parse_input
from scoring.present import report_json
from scoring.report import grade_for, score, score_item
from scoring.rules import (
    TIERS,
    ChecklistRule,
    LevelRule,
    PercentRule,
    PositionRule,
    RatioAnswer,
    RatioRule,
)

TABLE = default_table()
percent = st.floats(min_value=0, max_value=100, allow_nan=False)


def raw_answer(indicator: Indicator) -> st.SearchStrategy[Any]:
    """Any valid raw answer for the indicator."""
    rule = indicator.rule
    if isinstance(rule, RatioRule):
        if rule.percent:
            requirement = st.floats(min_value=0.5, max_value=100, allow_nan=False)
            return st.fixed_dictionaries({"value": percent, "requirement": requirement})
        return st.fixed_dictionaries(
            {
                "value": st.floats(min_value=0, max_value=50, allow_nan=False),
                "requirement": st.floats(min_value=0.05, max_value=10, allow_nan=False),
            }
        )
    if isinstance(rule, PositionRule):
        return st.sampled_from(TIERS)
    if isinstance(rule, PercentRule):
        return percent
    if isinstance(rule, ChecklistRule):
        return st.lists(st.sampled_from([item.id for item in rule.items]), unique=True)
    assert isinstance(rule, LevelRule)
    return st.integers(min_value=0, max_value=rule.top_level)


inputs = st.fixed_dictionaries({}, optional={ind.id: raw_answer(ind) for ind in TABLE.indicators})


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_points_stay_within_bounds(data: dict[str, Any]) -> None:
    report = score(parse_input(data, TABLE.indicators))
    for item in report.items:
        assert 0 <= item.points <= item.max
    assert 0 <= report.base <= 100
    assert 0 <= report.bonus <= 10
    assert report.total == round(report.base + report.bonus, 2) <= 110
    assert report.grade == grade_for(report.total, report.grading)
    assert set(report.unanswered) == {ind.id for ind in TABLE.indicators} - set(data)
    gains = [item.step.gain for item in report.top_gains if item.step]
    assert gains == sorted(gains, reverse=True) and len(gains) <= 5
    for item in report.top_gains:
        assert item.answered and item.step is not None
        assert 0 < item.step.gain <= item.max - item.points + 1e-9
    payload = report_json(report, "en")
    assert [entry["ref"] for entry in payload["items"]] == [f"ind-{n}" for n in range(1, 22)]


def apply_step(indicator: Indicator, answer: Any, params: dict[str, Any]) -> Any:
    """The answer after doing the suggested step."""
    rule = indicator.rule
    if isinstance(rule, RatioRule):
        return RatioAnswer(value=params["target"], requirement=answer.requirement)
    if isinstance(rule, PercentRule):
        return params["target"] + (0.01 if params["over"] else 0)
    if isinstance(rule, PositionRule):
        return params["tier"]
    if isinstance(rule, ChecklistRule):
        return (*answer, params["item"])
    return params["level"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_step_gains_what_it_promises(data: st.DataObject) -> None:
    indicator = data.draw(st.sampled_from(TABLE.indicators))
    answer = parse_answer(indicator, data.draw(raw_answer(indicator)))
    before = score_item(indicator, answer)
    if before.step is None:
        assert before.points == indicator.max_points  # no step only when nothing is left
        return
    after = score_item(indicator, apply_step(indicator, answer, before.step.params))
    assert after.points == round(before.points + before.step.gain, 2)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_more_is_never_worse(data: st.DataObject) -> None:
    indicator = data.draw(
        st.sampled_from([ind for ind in TABLE.indicators if ind.rule.kind in ("percent", "ratio")])
    )
    rule: Any = indicator.rule
    if isinstance(rule, PercentRule):
        low, high = sorted([data.draw(percent), data.draw(percent)])
        assert rule.points(low) <= rule.points(high)
    else:
        requirement = data.draw(st.floats(min_value=0.1, max_value=50, allow_nan=False))
        low, high = sorted(data.draw(st.floats(min_value=0, max_value=100)) for _ in range(2))
        assert rule.points(RatioAnswer(value=low, requirement=requirement)) <= rule.points(
            RatioAnswer(value=high, requirement=requirement)
        )


@settings(max_examples=100, deadline=None)
@given(inputs)
def test_input_round_trip(data: dict[str, Any]) -> None:
    parsed = parse_input(data, TABLE.indicators)
    assert parse_input(parsed.to_mapping(), TABLE.indicators) == parsed


FULL: dict[str, Any] = {
    "ind-1": {"value": 2.4, "requirement": 1.2},
    "ind-2": {"value": 70, "requirement": 40},
    **{
        ref: "leading"
        for ref in ["ind-3", "ind-5", "ind-6", "ind-7", "ind-8", "ind-10", "ind-11", "ind-12"]
    },
    "ind-4": 80,
    "ind-9": 90,
    "ind-13": 70,
    "ind-15": 15,
    "ind-17": 40.5,
    "ind-14": ["energy_center", "microgrid", "green_power", "waste_heat", "metering"],
    "ind-16": ["lighting", "water_fixtures", "design_star", "operation_star"],
    "ind-18": ["ohs", "environment", "energy", "esg_report", "low_carbon_plan"],
    "ind-19": ["carbon_footprint", "product_certification"],
    "ind-20": 5,
    "ind-21": ["green_supply_chain", "green_design", "water_leader", "energy_leader"],
}


def test_full_input_is_110() -> None:
    report = score(parse_input(FULL, TABLE.indicators))
    assert (report.base, report.bonus, report.total) == (100, 10, 110)
    assert report.grade == 4
    assert report.unanswered == [] and report.top_gains == ()
    assert all(not item.estimated for item in report.items)


def test_nothing_answered_is_0() -> None:
    report = score(ScoreInput())
    assert (report.total, report.grade, len(report.unanswered)) == (0, 1, 21)
