"""Pre-screen texts: every reason in both languages, quotes verbatim, advice, the report."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.prescreen import EXCLUSIONS, Profile, Reason, Result, evaluate
from bot.prescreen_text import next_steps, reason_text, report_context
from bot.render import render
from tests.bot.test_prescreen import BAN_CASES, BASES, CASES, make

ROOT = Path(__file__).resolve().parents[2]
STRINGS = ROOT / "bot" / "templates" / "strings" / "prescreen.yaml"
ARTICLES = ROOT / "knowledge" / "articles.yaml"
NUMERALS = {
    "art-2": "二",
    "art-7": "七",
    "art-8": "八",
    "art-9": "九",
    "art-10": "十",
    "art-11": "十一",
    "art-15": "十五",
}


def _strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load(STRINGS.read_text(encoding="utf-8"))


def _all_results() -> list[Result]:
    results = [evaluate(make(base, **changes)) for _, base, changes, *_ in CASES]
    results += [
        evaluate(make(base, **{f"exclusions__{name}": True}))
        for base in BASES
        for name in EXCLUSIONS
    ]
    results += [
        evaluate(
            make("factory", today=today, revocation={"date": revoked, "reason": "failed_review"})
        )
        for revoked, today, *_ in BAN_CASES
    ]
    results.append(evaluate(Profile(), date(2026, 11, 24)))
    return results


def _all_reasons() -> list[Reason]:
    seen: dict[tuple[str, str | None], Reason] = {}
    for result in _all_results():
        for reason in result.reasons:
            seen.setdefault((reason.code, reason.quote_key), reason)
    return list(seen.values())


REASONS = _all_reasons()


def test_every_reason_code_is_exercised() -> None:
    defined = {
        key.removeprefix("prescreen.reason.")
        for key in _strings()
        if key.startswith("prescreen.reason.")
    }
    used = {reason.code for reason in REASONS}
    assert defined == used


def test_every_quote_is_used() -> None:
    defined = {
        key.removeprefix("prescreen.quote.")
        for key in _strings()
        if key.startswith("prescreen.quote.")
    }
    assert defined == {reason.quote_key for reason in REASONS}


def test_every_label_has_both_languages_where_people_read_it() -> None:
    for key, entry in _strings().items():
        assert set(entry) <= {"zh", "en"}, key
        assert entry["zh"].strip(), key
        if not key.startswith("prescreen.quote."):  # quotes stay verbatim Chinese
            assert entry.get("en", "").strip(), key


@pytest.mark.parametrize("reason", REASONS, ids=lambda r: f"{r.code}/{r.quote_key}")
def test_reason_text_says_the_point_and_quotes_the_article(reason: Reason) -> None:
    quote = _strings()[f"prescreen.quote.{reason.quote_key}"]["zh"]
    zh = reason_text(reason, "zh")
    en = reason_text(reason, "en")
    assert f"第{NUMERALS[reason.ref]}条：“{quote}”" in zh
    assert f"Art. {reason.ref.removeprefix('art-')}: “{quote}”" in en
    assert not re.search(r"[{}]", zh + en), "a placeholder was left unfilled"
    assert re.search(r"[A-Za-z]{4}", en.replace(quote, ""))


@pytest.mark.parametrize("reason", REASONS, ids=lambda r: f"{r.code}/{r.quote_key}")
def test_quotes_are_verbatim_from_the_cited_article(reason: Reason) -> None:
    if not ARTICLES.is_file():
        pytest.skip("knowledge/articles.yaml is not there yet")
    articles: dict[str, Any] = {
        entry["id"]: entry
        for entry in yaml.safe_load(ARTICLES.read_text(encoding="utf-8"))["articles"]
    }
    text = articles[reason.ref]["text"]
    quote = _strings()[f"prescreen.quote.{reason.quote_key}"]["zh"]
    for part in quote.split("……"):
        assert part in text, f"{reason.quote_key}: {part!r} is not in {reason.ref}"


def test_art11_items_are_quoted_with_their_marker() -> None:
    markers = "一二三四五六七"
    for number, name in enumerate(EXCLUSIONS, start=1):
        result = evaluate(make("factory", **{f"exclusions__{name}": True}))
        assert f"（{markers[number - 1]}）" in reason_text(result.reasons[0], "zh")


# -- advice --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"district_list": False}, "区级培育名单"),
        ({"grade": "__drop__"}, "greenbot score"),
        ({"grade": None}, "greenbot score"),
        ({"exclusions": {}}, "zxgk.court.gov.cn"),
        ({"exclusions": {}}, "www.gsxt.gov.cn"),
        ({"exclusions": {}}, "信用中国"),
        ({"revocation": {"date": date(2025, 6, 1), "reason": "failed_review"}}, "2027-06-02"),
        ({"location": "tianjin", "hq_in_beijing": True}, "以北京总部名义"),
        ({"target": "national", "municipal_list": False, "grade": 4}, "先申报市级"),
        ({}, "征集通知"),
        ({"national_list": True, "national_listed_before_measures": True}, "无需另行申报"),
        ({"national_list": True}, "本办法的发布日期"),
        ({"revocation": {"date": date(2024, 6, 1), "reason": "other"}}, "带上撤销通知"),
    ],
)
def test_next_steps(changes: dict[str, Any], expected: str) -> None:
    from tests.bot.test_prescreen import DROP

    changes = {key: DROP if value == "__drop__" else value for key, value in changes.items()}
    steps = next_steps(evaluate(make("factory", **changes)), "zh")
    assert any(expected in step for step in steps), steps
    assert len(steps) == len(set(steps))


def test_next_steps_in_english() -> None:
    steps = next_steps(evaluate(make("factory", exclusions={})), "en")
    assert any("Credit China" in step for step in steps)
    assert not any(re.search(r"[\u4e00-\u9fff]{6}", step) for step in steps)


# -- the person-readable report ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({}, "eligible"),
        ({"district_list": False}, "conditional"),
        ({"legal_person": False}, "not_eligible"),
        ({"exclusions": {}}, "incomplete"),
        ({"national_list": True, "national_listed_before_measures": True}, "auto_included"),
        ({"revocation": {"date": date(2024, 6, 1), "reason": "failed_review"}}, "conditional"),
        ({"revocation": {"date": date(2025, 6, 1), "reason": "failed_review"}}, "not_eligible"),
    ],
)
def test_report_renders(lang: str, changes: dict[str, Any], verdict: str) -> None:
    result = evaluate(make("factory", **changes))
    assert result.verdict == verdict
    context = report_context(result, lang)  # type: ignore[arg-type]
    text = render("prescreen_result.txt.j2", lang, **context)  # type: ignore[arg-type]
    assert context["verdict_label"] in text
    for reason in result.reasons:
        assert f"[{reason.ref}]" in text
    for item in context["missing"]:
        assert item["question"] in text and item["field"] in text
    if result.earliest_reapply:
        assert result.earliest_reapply.isoformat() in text
    assert "\n\n\n" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unsure_target_is_not_shown_as_the_municipal_list(lang: str) -> None:
    from tests.bot.test_prescreen import DROP

    unsure = report_context(evaluate(make("factory", target=DROP)), lang)  # type: ignore[arg-type]
    chosen = report_context(evaluate(make("factory")), lang)  # type: ignore[arg-type]
    assert unsure["target_label"] != chosen["target_label"]
    assert ("未确定" if lang == "zh" else "not chosen") in unsure["target_label"]
    text = render("prescreen_result.txt.j2", lang, **unsure)  # type: ignore[arg-type]
    assert unsure["target_label"] in text


def test_the_art15_date_is_not_the_whole_answer_while_art11_is_open() -> None:
    result = evaluate(make("factory", revocation={"date": date(2024, 6, 1), "reason": "other"}))
    failed = evaluate(
        make("factory", revocation={"date": date(2024, 6, 1), "reason": "failed_review"})
    )
    for lang, words in (("zh", "按第十五条，最早可重新申报日期"), ("en", "as far as Art. 15 goes")):
        text = render("prescreen_result.txt.j2", lang, **report_context(failed, lang))  # type: ignore[arg-type]
        assert words in text and "2026-06-02" in text
        html = render(
            "prescreen_result.html.j2", lang, estimate=None, **report_context(failed, lang)
        )  # type: ignore[arg-type]
        assert words in html
    assert result.earliest_reapply is None
    banned = evaluate(
        make("factory", revocation={"date": date(2025, 6, 1), "reason": "failed_review"})
    )
    text = render("prescreen_result.txt.j2", "zh", **report_context(banned))
    assert "最早可重新申报日期：2027-06-02" in text and "按第十五条" not in text
