"""Finding lexicon terms in a question: exactly, split by inserted words, or cut short."""

from __future__ import annotations

import pytest

from bot.qa_terms import (
    NEAR,
    NEAR_SHORT,
    SUB_MAX,
    NearPlan,
    all_starts,
    bigrams,
    en_key,
    gapped,
    stem,
    whole_word,
)


def positions(text: str) -> dict[str, list[int]]:
    """Every substring of the question up to SUB_MAX characters, with where it starts."""
    table: dict[str, list[int]] = {}
    for size in range(1, SUB_MAX + 1):
        for start in range(len(text) - size + 1):
            table.setdefault(text[start : start + size], []).append(start)
    return table


@pytest.mark.parametrize(
    ("term", "question", "factor", "found"),
    [
        ("改名", "我们公司改了个名字怎么办", NEAR_SHORT, "改了个名"),  # a short term split
        ("撤销资格", "被撤销绿色工厂资格以后", NEAR, "撤销绿色工厂资格"),  # a long term split
        ("主营业务变更", "主营业务要报告吗", NEAR * 4 / 6, "主营业务"),  # cut short
    ],
)
def test_a_term_found_near(term: str, question: str, factor: float, found: str) -> None:
    match = NearPlan.of(term).match(positions(question))
    assert match is not None
    assert match.factor == pytest.approx(factor)
    assert question[match.start : match.end] == found


@pytest.mark.parametrize(
    ("term", "question"),
    [
        ("撤销资格", "撤销了我们在北京市的那个绿色工厂资格"),  # pieces too far apart
        ("改名", "改为什么都可以的名字"),  # more than two characters between them
        ("主营业务变更", "主营要报告吗"),  # too little of the term
        ("失信被执行人", "执行人是谁"),  # not its beginning
    ],
)
def test_a_term_not_found_near(term: str, question: str) -> None:
    assert NearPlan.of(term).match(positions(question)) is None


def test_a_short_term_is_not_split_at_a_function_character() -> None:
    # 的 alone says nothing: 的是 must not be 的…是 in any question.
    assert NearPlan.of("的是").cuts == ()


def test_whole_words_only_for_latin_letters() -> None:
    assert not whole_word("designs", 1, 4)  # "esg" inside "designs"
    assert whole_word("esg rating", 0, 3)
    assert whole_word("绿色工厂", 0, 2)  # Chinese has no word boundaries to respect


def test_helpers() -> None:
    assert all_starts("改名改名", "改名") == [0, 2]
    assert stem("moving") == stem("moved") == stem("move")
    assert en_key("Changed Names") == en_key("change name")
    assert gapped(["change", "name"], ["change", "our", "company", "name"])
    assert not gapped(["change", "name"], ["change", "a", "b", "c", "name"])
    assert bigrams("绿色 工厂") == ["绿色", "工厂"]
