"""Every rule at its boundaries, and the answers each rule refuses."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.data import default_table
from scoring.inputs import InputError, parse_answer
from scoring.rules import RatioAnswer

TABLE = default_table()


def points(ref: str, raw: Any) -> float:
    indicator = TABLE.get(ref)
    assert indicator is not None
    rule: Any = indicator.rule
    return float(rule.points(parse_answer(indicator, raw)))


def error(ref: str, raw: Any) -> str:
    indicator = TABLE.get(ref)
    assert indicator is not None
    with pytest.raises(InputError) as caught:
        parse_answer(indicator, raw)
    return str(caught.value)


def ratio(value: float, requirement: float) -> dict[str, float]:
    return {"value": value, "requirement": requirement}


# --- ratio to a required minimum -----------------------------------------------------------


def test_plot_ratio_boundaries() -> None:
    assert points("ind-1", ratio(0.99, 1.0)) == 0  # below the requirement
    assert points("ind-1", ratio(0, 1.0)) == 0
    assert 0 < points("ind-1", ratio(1.0, 1.0)) < 2  # meets it: partial (estimate)
    assert points("ind-1", ratio(1.0, 1.0)) < points("ind-1", ratio(1.5, 1.0))
    assert points("ind-1", ratio(1.99, 1.0)) < 2
    assert points("ind-1", ratio(2.0, 1.0)) == 2  # twice the requirement: full
    assert points("ind-1", ratio(0.6, 0.3)) == 2  # 1.9999999999999998 in floats, still twice
    assert points("ind-1", ratio(9, 1.2)) == 2


def test_building_density_boundaries() -> None:
    assert points("ind-2", ratio(29.9, 30)) == 0
    assert 0 < points("ind-2", ratio(30, 30)) < 2
    assert points("ind-2", ratio(59.9, 30)) < 2
    assert points("ind-2", ratio(60, 30)) == 2  # 30 percentage points above: full
    assert points("ind-2", ratio(100, 30)) == 2
    assert points("ind-2", ratio(52, 30)) == pytest.approx(1.6)


@pytest.mark.parametrize(
    ("ref", "raw", "field", "message"),
    [
        ("ind-1", ratio(-0.1, 1), "ind-1.value", "negative"),
        ("ind-1", ratio(1, 0), "ind-1.requirement", "greater than 0"),
        ("ind-1", ratio(1, -2), "ind-1.requirement", "greater than 0"),
        ("ind-1", {"value": 1}, "ind-1.requirement", "missing"),
        ("ind-1", {"value": 1, "requirement": 1, "unit": "x"}, "ind-1.unit", "unknown field"),
        ("ind-1", {"value": "much", "requirement": 1}, "ind-1.value", "number"),
        ("ind-1", 1.6, "ind-1", "value"),
        ("ind-2", ratio(101, 30), "ind-2.value", "between 0 and 100"),
        ("ind-2", ratio(50, 120), "ind-2.requirement", "between 0 and 100"),
        ("ind-2", ratio(50, 0), "ind-2.requirement", "greater than 0"),
    ],
)
def test_ratio_errors(ref: str, raw: Any, field: str, message: str) -> None:
    text = error(ref, raw)
    assert text.startswith(field + ":") and message in text


def test_ratio_answer_is_kept() -> None:
    indicator = TABLE.get("ind-1")
    assert indicator is not None
    assert parse_answer(indicator, ratio(1.6, 1)) == RatioAnswer(value=1.6, requirement=1)


# --- industry position ---------------------------------------------------------------------

POSITION_REFS = ["ind-3", "ind-5", "ind-6", "ind-7", "ind-8", "ind-10", "ind-11", "ind-12"]


@pytest.mark.parametrize("ref", POSITION_REFS)
def test_positions(ref: str) -> None:
    indicator = TABLE.get(ref)
    assert indicator is not None
    assert points(ref, "leading") == indicator.max_points
    assert indicator.max_points > points(ref, "advanced") > points(ref, "average") > 0
    assert points(ref, "lagging") == 0
    assert error(ref, "best").startswith(f"{ref}: unknown tier 'best'")
    assert "leading" in error(ref, 3)


# --- percentages with a full-marks threshold -------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "below", "at", "full"),
    [
        ("ind-4", 79.9, 80, 4),
        ("ind-9", 89.99, 90, 5),
        ("ind-13", 69.9, 70, 3),
        ("ind-15", 14.99, 15, 6),
    ],
)
def test_inclusive_thresholds(ref: str, below: float, at: float, full: float) -> None:
    assert points(ref, 0) == 0
    assert points(ref, below) < full
    assert points(ref, at) == full
    assert points(ref, 100) == full


def test_ind17_is_strictly_over_40() -> None:
    assert points("ind-17", 40) < 6
    assert points("ind-17", 40.01) == 6
    assert points("ind-17", 0) == 0


@pytest.mark.parametrize("ref", ["ind-4", "ind-9", "ind-13", "ind-15", "ind-17"])
def test_percent_curve_never_falls(ref: str) -> None:
    values = [points(ref, step / 10) for step in range(0, 1001)]
    assert values == sorted(values)
    assert values[0] == 0


@pytest.mark.parametrize("raw", [-0.1, 100.01, 150, "abc", True, float("nan"), float("inf"), [80]])
def test_percent_errors(raw: Any) -> None:
    text = error("ind-4", raw)
    assert text.startswith("ind-4: ")
    assert "\n" not in text


def test_percent_accepts_numeric_strings() -> None:
    assert points("ind-4", "85%") == 4
    assert points("ind-4", "60") == 3
    assert error("ind-4", 10**400).startswith("ind-4: ")


# --- checklists ----------------------------------------------------------------------------


def test_ind14_two_each_capped_at_8() -> None:
    items = ["energy_center", "microgrid", "green_power", "waste_heat", "metering"]
    assert points("ind-14", []) == 0
    assert points("ind-14", items[:1]) == 2
    assert points("ind-14", items[:3]) == 6
    assert points("ind-14", items[:4]) == 8
    assert points("ind-14", items) == 8  # 10 by the items, 8 by the cap


def test_ind16_first_two_one_last_two_two() -> None:
    assert points("ind-16", ["lighting"]) == 1
    assert points("ind-16", ["water_fixtures"]) == 1
    assert points("ind-16", ["design_star"]) == 2
    assert points("ind-16", ["operation_star"]) == 2
    assert points("ind-16", ["lighting", "water_fixtures", "design_star", "operation_star"]) == 6


def test_ind18_ind19_ind21() -> None:
    assert points("ind-18", ["ohs", "environment", "energy", "esg_report", "low_carbon_plan"]) == 5
    assert points("ind-18", ["esg_report"]) == 1
    assert points("ind-19", ["carbon_footprint"]) == 2
    assert points("ind-19", ["carbon_footprint", "product_certification"]) == 4
    honours = [
        "green_supply_chain",
        "green_design",
        "water_leader",
        "energy_leader",
        "pollution_ab",
        "energy_benchmark",
    ]
    assert points("ind-21", honours[:3]) == 3
    assert points("ind-21", honours[:4]) == 4
    assert points("ind-21", honours) == 4  # 6 by the items, 4 by the cap


def test_checklist_errors() -> None:
    assert error("ind-14", ["energy_center", "solar", "x"]).startswith(
        "ind-14[1]: unknown checklist item 'solar'"
    )
    assert error("ind-14", ["metering", "metering"]).startswith(
        "ind-14[1]: duplicate checklist item 'metering'"
    )
    assert error("ind-21", [1]).startswith("ind-21[0]: unknown checklist item")
    assert error("ind-18", {"ohs": True}).startswith("ind-18: expected a list")


def test_checklist_single_item_and_order() -> None:
    indicator = TABLE.get("ind-14")
    assert indicator is not None
    assert parse_answer(indicator, "metering") == ("metering",)
    assert parse_answer(indicator, ["metering", "energy_center"]) == ("energy_center", "metering")


# --- maturity level ------------------------------------------------------------------------


def test_level_boundaries() -> None:
    values = [points("ind-20", level) for level in range(6)]
    assert values[0] == values[1] == 0  # below level 2
    assert 0 < values[2] < values[3] < values[4] < values[5] == 6
    assert points("ind-20", 3.0) == values[3]


@pytest.mark.parametrize("raw", [6, -1, 2.5, "high", True, None])
def test_level_errors(raw: Any) -> None:
    assert error("ind-20", raw).startswith("ind-20: ")


# --- next steps ----------------------------------------------------------------------------


def step(ref: str, raw: Any) -> Any:
    indicator = TABLE.get(ref)
    assert indicator is not None
    rule: Any = indicator.rule
    return rule.step(parse_answer(indicator, raw))


def test_checklist_step_prefers_more_points_then_less_effort() -> None:
    first = step("ind-14", [])
    assert (first.gain, first.params["item"]) == (2, "green_power")
    assert step("ind-14", ["energy_center", "microgrid", "green_power", "waste_heat"]) is None
    assert step("ind-16", ["lighting", "water_fixtures"]).gain == 2
    assert step("ind-21", ["green_supply_chain", "green_design", "water_leader"]).gain == 1


def test_steps_of_the_other_kinds() -> None:
    assert step("ind-3", "lagging").params == {"tier": "average"}
    assert step("ind-3", "leading") is None
    over = step("ind-17", 35)
    assert over.params == {"target": 40, "over": True} and over.gain == 2
    assert step("ind-4", 85) is None
    assert step("ind-20", 0).params == {"level": 2}
    assert step("ind-20", 5) is None
    below = step("ind-1", ratio(0.8, 1.0))
    assert below.params["target"] == pytest.approx(1.0) and below.gain > 0
    assert step("ind-1", ratio(1.5, 1.0)).params["target"] == pytest.approx(2.0)
    assert step("ind-2", ratio(40, 30)).params["target"] == pytest.approx(60)
