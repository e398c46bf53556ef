"""The report: the JSON contract, notes, the grade estimate, the text report and the chart."""

from __future__ import annotations

from typing import Any

import pytest

from bot.render import render
from scoring.data import default_table
from scoring.inputs import parse_input
from scoring.present import choices, fmt, render_text, report_context, report_json
from scoring.report import Report, grade_for, score
from scoring.rules import ChecklistRule, LevelRule, PercentRule, PositionRule, RatioRule

TABLE = default_table()
EXAMPLE: dict[str, Any] = {
    "ind-1": {"value": 1.6, "requirement": 1.0},
    "ind-2": {"value": 52, "requirement": 30},
    "ind-3": "leading",
    "ind-4": 85,
    "ind-14": ["energy_center", "green_power"],
    "ind-20": 3,
}


def report_of(data: dict[str, Any]) -> Report:
    return score(parse_input(data, TABLE.indicators))


def test_json_contract_for_the_example() -> None:
    payload = report_json(report_of(EXAMPLE))
    assert list(payload) == [
        "total",
        "base",
        "bonus",
        "max",
        "items",
        "unanswered",
        "grade_estimate",
        "grade_cutoffs",
        "cutoffs_official",
        "top_gains",
    ]
    assert payload["max"] == 110
    points = {item["ref"]: item["points"] for item in payload["items"]}
    assert points["ind-1"] == pytest.approx(1.4)  # 0.5 at 1×, linear to 2 at 2×: estimate
    assert points["ind-2"] == pytest.approx(1.6)
    assert (points["ind-3"], points["ind-4"], points["ind-14"], points["ind-20"]) == (6, 4, 4, 3)
    assert payload["base"] == pytest.approx(17.0) and payload["bonus"] == 3.0
    assert payload["total"] == pytest.approx(20.0)
    assert all(isinstance(payload[key], float) for key in ("total", "base", "bonus"))
    for item in payload["items"]:
        assert set(item) == {"ref", "points", "max", "note"}
        assert isinstance(item["points"], float) and isinstance(item["max"], float)
        assert item["note"]
    assert len(payload["unanswered"]) == 15 and "ind-5" in payload["unanswered"]
    assert payload["grade_estimate"] == 1
    assert payload["grade_cutoffs"] == {"2": 60.0, "3": 75.0, "4": 90.0}
    assert payload["cutoffs_official"] is False
    gains = payload["top_gains"]
    assert gains[0]["ref"] == "ind-14" and gains[0]["gain"] == 2.0
    assert all(set(gain) == {"ref", "gain", "step"} for gain in gains)
    assert gains[0]["step"].endswith("+2")


def test_english_steps_and_notes() -> None:
    payload = report_json(report_of({"ind-14": ["energy_center"], "ind-17": 35}), "en")
    steps = {gain["ref"]: gain["step"] for gain in payload["top_gains"]}
    assert steps["ind-14"] == "buy green power above 100 MWh (or over 20% of annual use): +2"
    assert steps["ind-17"].endswith("above 40%: +2")
    notes = {item["ref"]: item["note"] for item in payload["items"]}
    assert "estimate" in notes["ind-17"] and "above 40%" in notes["ind-17"]
    assert notes["ind-4"] == "not answered, counted as 0"


def test_notes_say_what_is_an_estimate() -> None:
    payload = report_of({"ind-3": "advanced", "ind-4": 90, "ind-18": ["ohs"], "ind-20": 1})
    notes = {item["ref"]: item["note"] for item in report_json(payload)["items"]}
    assert "估算" in notes["ind-3"]
    assert "满分" in notes["ind-4"] and "估算" not in notes["ind-4"]
    assert "估算" not in notes["ind-18"]  # checklist points are official
    assert "不得分" in notes["ind-20"]


def test_capped_checklist_says_so() -> None:
    ticked = ["energy_center", "microgrid", "green_power", "waste_heat", "metering"]
    notes = {i["ref"]: i["note"] for i in report_json(report_of({"ind-14": ticked}), "en")["items"]}
    assert "capped at 8" in notes["ind-14"]


@pytest.mark.parametrize(
    ("total", "grade"),
    [(0, 1), (59.99, 1), (60, 2), (74.99, 2), (75, 3), (89.99, 3), (90, 4), (110, 4)],
)
def test_grade_cutoffs(total: float, grade: int) -> None:
    assert grade_for(total, TABLE.grading) == grade


def test_text_report_zh_and_en() -> None:
    report = report_of(EXAMPLE)
    zh = render_text(report)
    assert "总分：20 / 110" in zh and "估算" in zh and "≥ 60" in zh
    assert "工厂容积率" in zh and "未填写" in zh and "下一步" in zh
    assert TABLE.grading.note_zh in zh
    en = render_text(report, "en")
    assert "Total: 20 / 110" in en and "estimate" in en and "Plot ratio" in en
    assert TABLE.grading.note_en in en


def _zero_answers() -> dict[str, Any]:
    """The worst answer to every indicator: everything answered, nothing scores."""
    zero: dict[type, Any] = {
        RatioRule: {"value": 0, "requirement": 1},
        PositionRule: "lagging",
        PercentRule: 0,
        ChecklistRule: [],
        LevelRule: 0,
    }
    return {ind.id: zero[type(ind.rule)] for ind in TABLE.indicators}


def _summary(report: Report, lang: str = "zh") -> str:
    """The chat summary (score_result.html.j2) as the score dialog renders it."""
    return render(
        "score_result.html.j2",
        lang,  # type: ignore[arg-type]
        unanswered_count=len(report.unanswered),
        offer=True,
        **report_context(report, lang),  # type: ignore[arg-type]
    )


def test_everything_skipped_is_not_called_full_marks() -> None:
    report = report_of({})
    zh, en = _summary(report), _summary(report, "en")
    assert "各项均已满分" not in zh and "full marks" not in en
    assert "21 项未填写" in zh and "一项都没有填写" in zh and "请至少填写几项" in zh
    assert "Nothing was answered" in en and "answer at least a few" in en
    assert "可以用估算等级直接做申报预审" not in zh  # no grade worth handing over
    text, text_en = render_text(report), render_text(report, "en")
    assert "各项均已满分" not in text and "一项都没有填写" in text and "请至少填写几项" in text
    assert "Every indicator has full marks" not in text_en and "Nothing was answered" in text_en


def test_full_marks_on_what_was_answered_points_at_the_rest() -> None:
    report = report_of({"ind-3": "leading", "ind-4": 100})
    assert report.top_gains == ()
    zh, en = _summary(report), _summary(report, "en")
    assert "各项均已满分" not in zh and "已填写的 2 项均已满分" in zh and "未填写的 19 项" in zh
    assert "The 2 answered indicators have full marks" in en and "other 19" in en
    assert "已填写的 2 项均已满分" in render_text(report)
    assert "可以用估算等级直接做申报预审" in zh


def test_all_zero_answers_list_the_biggest_gains() -> None:
    report = report_of(_zero_answers())
    assert report.total == 0 and report.unanswered == [] and report.top_gains
    zh = _summary(report)
    assert "提分最多的" in zh and "各项均已满分" not in zh and "未填写" not in zh
    assert "一项都没有填写" not in zh
    gains = [item.step.gain for item in report.top_gains if item.step]
    assert gains == sorted(gains, reverse=True) and min(gains) > 0


def test_fmt() -> None:
    assert [fmt(2.0), fmt(1.25), fmt(0.5), fmt(0), fmt(1.4000000001)] == [
        "2",
        "1.25",
        "0.5",
        "0",
        "1.4",
    ]


def test_choices_for_a_dialog() -> None:
    by_id = {ind.id: ind for ind in TABLE.indicators}
    assert [value for value, _ in choices(by_id["ind-3"])] == [
        "leading",
        "advanced",
        "average",
        "lagging",
    ]
    assert choices(by_id["ind-3"])[0][1] == "行业领先"
    assert [value for value, _ in choices(by_id["ind-20"], "en")] == list("012345")
    assert choices(by_id["ind-14"])[2][0] == "green_power"
    assert choices(by_id["ind-4"]) == []


def test_chart_is_a_png_and_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    from scoring.chart import render_png

    for lang in ("zh", "en"):
        png = render_png(report_of(EXAMPLE), lang)  # type: ignore[arg-type]
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
