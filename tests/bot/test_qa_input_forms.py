"""Questions typed as people type them: traditional characters, pinyin with or without
tones, full-width letters, mixed Chinese and English, one wrong character."""

from __future__ import annotations

import pytest

from bot.qa import default_index
from bot.textnorm import normalize, to_simplified


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("綠色工廠園區") == "绿色工厂园区"
    assert normalize("ＡＢＣ１２３綠色") == "abc123绿色"
    assert to_simplified("绿色工厂") == "绿色工厂"  # simplified text as it is


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("綠色工廠改名要多久內報備？", "art-14"),  # traditional
        ("gengming yao duojiu bao", "art-14"),  # pinyin, no tones
        ("tíngchǎn 半年还能报吗", "art-11"),  # pinyin with tone marks
        ("ting2chan3 yige yue le", "art-11"),  # pinyin with tone digits
        ("绿色供应连管理企业要什么条件", "art-7"),  # one wrong character in a long term
        ("我们park的工业增加值share不到一半", "art-7"),  # mixed
    ],
)
def test_input_forms_find_the_article(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.hits[0].ref == first, result.hits[:3]


def test_english_words_are_not_read_as_pinyin() -> None:
    index = default_index()
    assert index.from_pinyin("can we apply for the green factory list") == (
        "can we apply for the green factory list"
    )


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("我们厂被列为市级绿色工场，复合没过会怎样", "art-13"),  # 复合 for 复核
    ],
)
def test_a_term_typed_by_sound_with_a_wrong_character_is_found(question: str, first: str) -> None:
    assert default_index().ask(question).hits[0].ref == first


@pytest.mark.parametrize(
    "question", ["你好呀，你是真人还是机器人？", "员工试用期最长可以约定多久？"]
)
def test_a_function_word_alike_in_sound_is_no_term(question: str) -> None:
    """是级 sounds like 市级, but 是 is a function word: no term is made of it."""
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


def test_a_real_word_is_no_typo_of_a_term() -> None:
    """区里的工业 (a term) is one character from 区里的企业, but 企业 is a pair of the text's
    own: a word, not a slip. 绿色供应连 makes pairs the text never uses, on both sides."""
    index = default_index()
    assert not index._slip("区里的企业", 3)
    assert not index._slip("北京制造业", 1)  # 北京, though 京制 is no pair of the text
    assert index._slip("绿色供应连管理", 4)
    hits = index.ask("园区里的企业创建绿色工厂，要园区来组织吗").hits
    assert hits[0].ref == "art-7", hits[:3]
