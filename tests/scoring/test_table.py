"""knowledge/indicators.yaml against the appendix table of the measures: verbatim and complete."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, load_indicators
from scoring.data import default_table
from scoring.rules import ChecklistRule, LevelRule, PercentRule, PositionRule, RatioRule

MEASURES = (KNOWLEDGE_DIR / "measures.txt").read_text(encoding="utf-8")
TABLE_TITLE = "北京市工厂绿色分级评价指标体系"
INDICATORS = default_table().indicators


def _ws(text: str) -> str:
    return " ".join(text.split())


def _appendix_rows() -> list[list[str]]:
    """The table's rows as cells: a cell starts with a tab, continuation lines have none."""
    rows: list[list[str]] = []
    cells: list[str] = []
    for line in MEASURES[MEASURES.index(TABLE_TITLE) :].split("\n")[1:]:
        if line == "":
            if cells:
                rows.append(cells)
            cells = []
        elif line.startswith("\t"):
            cells.append(line[1:])
        else:
            cells[-1] += "\n" + line
    if cells:
        rows.append(cells)
    assert rows[0] == ["序号", "领域", "评价指标", "指标说明及计算公式", "最高分值"]
    return rows[1:]


ROWS = _appendix_rows()


def test_the_table_has_21_rows_and_so_does_the_yaml() -> None:
    assert [row[0] for row in ROWS] == [str(n) for n in range(1, 22)]
    assert [ind.id for ind in INDICATORS] == [f"ind-{n}" for n in range(1, 22)]


@pytest.mark.parametrize("number", range(1, 22))
def test_text_is_the_verbatim_cell(number: int) -> None:
    indicator = INDICATORS[number - 1]
    cell = ROWS[number - 1][3]
    assert _ws(indicator.text) == _ws(cell)
    assert indicator.text in MEASURES  # not even whitespace differs


@pytest.mark.parametrize("number", range(1, 22))
def test_domain_name_and_points_follow_the_table(number: int) -> None:
    indicator = INDICATORS[number - 1]
    domain = next(row[1] for row in reversed(ROWS[:number]) if row[1])  # empty: the one above
    name = next(row[2] for row in reversed(ROWS[:number]) if row[2])
    _, _, own_name, _, points = ROWS[number - 1]
    assert indicator.domain == domain
    assert indicator.max_points == float(points)
    assert indicator.rule.max_points == indicator.max_points
    assert indicator.bonus == (number >= 20)
    if own_name:
        # 5 and 7 share their cell with 6 and 8: all four carry the pollutant in brackets.
        assert indicator.name == own_name or indicator.name.startswith(own_name + "（")
    else:
        assert indicator.name.startswith(name + "（") and indicator.name != name


def test_shared_names_are_told_apart() -> None:
    names = [ind.name for ind in INDICATORS]
    assert len(set(names)) == 21
    assert INDICATORS[5].name == "主要大气污染物排放强度（氮氧化物）"
    assert INDICATORS[7].name == "主要水体污染物排放强度（氨氮）"


KINDS = {
    "ratio": [1, 2],
    "position": [3, 5, 6, 7, 8, 10, 11, 12],
    "percent": [4, 9, 13, 15, 17],
    "checklist": [14, 16, 18, 19, 21],
    "level": [20],
}


def test_rule_kinds() -> None:
    for kind, numbers in KINDS.items():
        assert [ind.number for ind in INDICATORS if ind.rule.kind == kind] == numbers


def test_official_numbers_are_the_tables() -> None:
    ratio1, ratio2 = INDICATORS[0].rule, INDICATORS[1].rule
    assert isinstance(ratio1, RatioRule) and isinstance(ratio2, RatioRule)
    assert (ratio1.mode, ratio1.full_at, ratio1.percent) == ("multiple", 2, False)
    assert (ratio2.mode, ratio2.full_at, ratio2.percent) == ("margin", 30, True)
    thresholds = {
        4: (80, True, 4),
        9: (90, True, 5),
        13: (70, True, 3),
        15: (15, True, 6),
        17: (40, False, 6),
    }
    for number, (threshold, inclusive, points) in thresholds.items():
        rule = INDICATORS[number - 1].rule
        assert isinstance(rule, PercentRule)
        assert (rule.threshold, rule.inclusive, rule.max_points) == (threshold, inclusive, points)
    level = INDICATORS[19].rule
    assert isinstance(level, LevelRule)
    assert (level.min_level, level.top_level, level.max_points) == (2, 5, 6)


CHECKLISTS = {
    14: ({"energy_center": 2, "microgrid": 2, "green_power": 2, "waste_heat": 2, "metering": 2}, 8),
    16: ({"lighting": 1, "water_fixtures": 1, "design_star": 2, "operation_star": 2}, None),
    18: ({"ohs": 1, "environment": 1, "energy": 1, "esg_report": 1, "low_carbon_plan": 1}, None),
    19: ({"carbon_footprint": 2, "product_certification": 2}, None),
    21: (
        {
            "green_supply_chain": 1,
            "green_design": 1,
            "water_leader": 1,
            "energy_leader": 1,
            "pollution_ab": 1,
            "energy_benchmark": 1,
        },
        4,
    ),
}


@pytest.mark.parametrize("number", sorted(CHECKLISTS))
def test_checklists_items_points_and_caps(number: int) -> None:
    indicator = INDICATORS[number - 1]
    rule = indicator.rule
    assert isinstance(rule, ChecklistRule)
    items, cap = CHECKLISTS[number]
    assert {item.id: item.points for item in rule.items} == items
    assert list(items) == [item.id for item in rule.items]
    assert rule.cap == cap
    # Every □ line of the cell is one item, in order, verbatim.
    boxes = [line for line in indicator.text.split("\n") if line.startswith("□")]
    assert boxes == [item.text for item in rule.items]
    for item in rule.items:
        assert item.label_zh and item.label_en and item.next_step.zh and item.next_step.en


def test_every_open_number_is_marked_unofficial() -> None:
    for indicator in INDICATORS:
        rule = indicator.rule
        if isinstance(rule, RatioRule | PercentRule):
            assert rule.partial.official is False, indicator.id
        elif isinstance(rule, PositionRule):
            assert rule.tiers_official is False, indicator.id
        elif isinstance(rule, LevelRule):
            assert rule.levels_official is False, indicator.id
    grading = default_table().grading
    assert grading.official is False
    assert "人民网" in grading.source and "2026-01-05" in grading.source
    assert "Hebei" in grading.source or "河北" in grading.source
    assert "估算" in grading.note_zh and "estimate" in grading.note_en
    assert "总分" in grading.note_zh and "total" in grading.note_en  # names the scale


COLLOQUIAL = {
    "ind-13": ["中水", "再生水", "雨水回用"],
    "ind-14": ["绿电", "绿证"],
    "ind-15": ["光伏", "太阳能"],
    "ind-18": ["ESG"],
    "ind-19": ["碳足迹"],
    "ind-20": ["智能制造成熟度"],
    "ind-21": ["能效领跑者"],
    "ind-1": ["容积率"],
    "ind-4": ["绿色物料"],
    "ind-16": ["节水器具"],
}


def test_search_words() -> None:
    by_id = {ind.id: ind for ind in INDICATORS}
    for ref, words in COLLOQUIAL.items():
        found = set(by_id[ref].keywords) | set(by_id[ref].synonyms)
        assert set(words) <= found, ref
    for indicator in INDICATORS:
        assert len(indicator.keywords) >= 3 and len(indicator.synonyms) >= 3, indicator.id
        assert len(indicator.keywords_en) >= 3, indicator.id
        assert all(word == word.lower() for word in indicator.keywords_en), indicator.id
        assert indicator.name_en and indicator.domain_en
    assert "green power" in by_id["ind-14"].keywords_en
    assert "plot ratio" in by_id["ind-1"].keywords_en
    assert "building density" in by_id["ind-2"].keywords_en


# --- the models refuse inconsistent data, naming the entry ---------------------------------


def _broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    path = tmp_path / "indicators.yaml"
    shutil.copy(KNOWLEDGE_DIR / "indicators.yaml", path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _rule(number: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda data: data["indicators"][number - 1]["rule"]


BREAKS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("leading below full", lambda d: _rule(3)(d)["tiers"].update(leading=5), r"ind-3.*leading"),
    ("tiers not falling", lambda d: _rule(3)(d)["tiers"].update(average=5), r"ind-3.*fall"),
    ("cap over the sum", lambda d: _rule(21)(d).update(cap=7), r"ind-21.*cap"),
    ("rule max differs", lambda d: _rule(19)(d).update(max_points=5), r"ind-19"),
    (
        "decreasing curve",
        lambda d: _rule(4)(d)["partial"].update(anchors=[[0, 0], [20, 2], [40, 1]]),
        r"ind-4.*decr",
    ),
    (
        "full marks below the threshold",
        lambda d: _rule(17)(d)["partial"].update(anchors=[[0, 0], [30, 6]]),
        r"ind-17",
    ),
    ("unknown field", lambda d: _rule(13)(d).update(bonus_points=1), r"ind-13"),
    (
        "item text not in the cell",
        lambda d: _rule(18)(d)["items"][0].update(text="□别的"),
        r"ind-18.*not a line",
    ),
    (
        "level points not rising",
        lambda d: _rule(20)(d).update(levels={2: 3, 3: 3, 4: 4.5}),
        r"ind-20.*rise",
    ),
    (
        "duplicate item",
        lambda d: _rule(19)(d)["items"][1].update(id="carbon_footprint"),
        r"ind-19.*unique",
    ),
    ("official cut-offs", lambda d: d["grading"].update(official=True), r"grading"),
]


@pytest.mark.parametrize(("what", "change", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_inconsistent_rules_are_refused(
    tmp_path: Path, what: str, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(KnowledgeError, match=message):
        load_indicators(_broken(tmp_path, change))
