"""The shipped font: it covers what the charts and reports print, and matplotlib uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render import label
from scoring.data import default_table
from scoring.font import (
    FAMILY,
    FONT_PATH,
    LICENCE_PATH,
    PLACEHOLDER,
    charset,
    gb2312,
    missing,
    printable,
)
from scoring.inputs import parse_input
from scoring.report import score

ROOT = Path(__file__).resolve().parents[2]
TABLE = default_table()


def test_the_font_and_its_licence_ship_and_stay_small() -> None:
    assert FONT_PATH.is_file() and FONT_PATH.stat().st_size < 3 * 1024 * 1024
    licence = LICENCE_PATH.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_every_gb2312_character_is_in_the_font() -> None:
    chars = gb2312()
    assert len(chars) > 7000
    assert sorted(chars - charset())[:10] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_label_is_in_the_font(lang: str) -> None:
    from scoring.chart import chart_labels

    # Every grade, every domain: a blank input (grade 1) and a full one (a high grade).
    answers = [
        {},
        {ind.id: ind.rule.parse(_best(ind)) for ind in TABLE.indicators},
    ]
    texts: list[str] = []
    for given in answers:
        report = score(parse_input({k: _dump(v) for k, v in given.items()}, TABLE.indicators))
        texts += chart_labels(report, lang)  # type: ignore[arg-type]
    texts += [label(f"score.grade.{grade}", lang) for grade in (1, 2, 3, 4)]  # type: ignore[arg-type]
    assert [(text, missing(text)) for text in texts if missing(text)] == []


def _best(indicator: object) -> object:
    from scoring.present import choices

    options = choices(indicator, "zh")  # type: ignore[arg-type]
    rule = indicator.rule  # type: ignore[attr-defined]
    if rule.kind == "checklist":
        return [value for value, _ in options]
    if options:
        return options[0][0] if rule.kind == "position" else options[-1][0]
    if rule.kind == "ratio":
        return {"value": 100, "requirement": 1}
    return 100


def _dump(answer: object) -> object:
    from scoring.inputs import dump_answer

    return dump_answer(answer)  # type: ignore[arg-type]


def test_every_character_of_the_knowledge_files_is_in_the_font() -> None:
    # The report quotes articles and indicators: a new character there needs a new subset
    # (python tools/make_font_subset.py).
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "knowledge").glob("*.*"))]
    lacking = {ch for text in texts for ch in missing(text)}
    assert sorted(lacking) == []


def test_a_character_outside_the_subset_is_shown_as_a_placeholder() -> None:
    text, replaced = printable("北京\U00020000鿏科技😀有限公司\x07")
    assert replaced
    assert text == f"北京{PLACEHOLDER}{PLACEHOLDER}科技{PLACEHOLDER}有限公司"
    assert printable("北京绿色 Co., Ltd.") == ("北京绿色 Co., Ltd.", False)


def test_matplotlib_draws_with_the_shipped_font() -> None:
    from matplotlib import font_manager

    from scoring.chart import render_png
    from scoring.font import matplotlib_family

    assert matplotlib_family() == FAMILY
    found = font_manager.findfont(
        font_manager.FontProperties(family=FAMILY), fallback_to_default=False
    )
    assert Path(found).resolve() == FONT_PATH
    png = render_png(score(parse_input({"ind-4": 85}, TABLE.indicators)), "zh")
    assert png.startswith(b"\x89PNG")


def test_the_chinese_chart_is_not_the_english_one() -> None:
    # Without a CJK system font the chart used to fall back to the English labels: the zh and
    # en charts came out the same image.
    from scoring.chart import render_png

    report = score(parse_input({"ind-4": 85, "ind-20": 3}, TABLE.indicators))
    assert render_png(report, "zh") != render_png(report, "en")
