"""The three outcomes of a question (confident, candidates, refusal), what the text leaves
open, where the asker stands, and the numbers a question gives."""

from __future__ import annotations

import pytest

from bot.answer import answer_text
from bot.qa import default_index


@pytest.mark.parametrize(
    "question", ["改名要多久内报备？", "第十一条", "What happens if our title is revoked?"]
)
def test_a_clear_question_is_answered_with_high_confidence(question: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.confidence == "high" and result.hits


@pytest.mark.parametrize("question", ["明天会下雨吗", "上海市绿色工厂评价办法是什么", ""])
def test_out_of_scope_and_unusable_have_no_confidence(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and result.confidence is None and not result.hits


@pytest.mark.parametrize("question", ["申报截止日期是什么时候？", "申报找谁联系，电话多少"])
def test_generic_words_alone_get_candidates_not_a_refusal(question: str) -> None:
    """Only generic words of ours (申报) and a detail asked: "did you mean …", never refused."""
    result = default_index().ask(question)
    assert result.in_scope and result.confidence == "low"
    text = answer_text(result, "zh")
    lines = text.splitlines()
    assert lines[1] == "您是想问以下哪一条？"
    assert [line[:2] for line in lines[2:5]] == ["1.", "2.", "3."]
    english = answer_text(default_index().ask(question, "en"), "en")
    assert "Did you mean one of these?" in english


@pytest.mark.parametrize(
    ("question", "ref", "opening"),
    [
        ("绿色工厂称号有效期几年", "art-12", "《办法》没有规定称号的有效期"),
        ("绿色供应链要交哪些表格", None, "《办法》没有列出申报表格或材料清单"),
        ("公司换了个名字，要去哪儿报？", "art-14", "《办法》没有给出联系电话、联系人或办理地点"),
        ("国家级绿色工厂是怎么评的", "art-9", "《办法》没有规定其他层级或其他地区名单的评价办法"),
    ],
)
def test_a_detail_the_text_does_not_give_is_said_first(
    question: str, ref: str | None, opening: str
) -> None:
    """Found by the kind of detail asked, not by one article's word list."""
    result = default_index().ask(question)
    assert result.in_scope and (ref is None or result.hits[0].ref == ref)
    assert answer_text(result, "zh").startswith(opening)


def test_a_detail_the_text_gives_is_not_said_to_be_missing() -> None:
    """Art. 14 sets 30 days: "when must we report a new name" is answered, not called open."""
    result = default_index().ask("改名以后什么时候要报备")
    assert result.hits[0].ref == "art-14" and not result.notes


def test_the_does_not_say_line_in_english() -> None:
    result = default_index().ask("How long is the green factory title valid for?", "en")
    assert result.in_scope
    assert answer_text(result, "en").startswith("The measures do not say how long a title is valid")


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("我们已经是市级绿色工厂了，今年出了一起安全生产事故，会怎样？", "art-13"),
        ("想申报绿色工厂，去年出过一起安全生产事故，还能报吗？", "art-11"),
        ("我们的绿色工厂称号被撤销了，现在还能再申报吗", "art-15"),
        ("我们已经是国家级绿色工厂了，还要报市级吗", "art-10"),
    ],
)
def test_where_the_asker_stands_steers_the_ranking(question: str, first: str) -> None:
    assert default_index().ask(question).hits[0].ref == first


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("停产半年了能申报吗", "您说的半年不到12个月"),
        ("我们停产了14个月，还能申报吗", "您说的14个月已达到这一时长"),
        ("被撤销称号一年了，现在能重新申报吗", "您说的一年还在两年之内"),
        ("园区工业增加值占比只有40%，能当培育对象吗", "您说的40%没有超过"),
    ],
)
def test_numbers_in_the_question_are_set_against_the_text(question: str, line: str) -> None:
    result = default_index().ask(question)
    assert any(line in fitted for fitted in result.fitted), result.fitted
    assert line in answer_text(result, "zh")


def test_numbers_in_english() -> None:
    result = default_index().ask("Production stopped for six months. Can we still apply?", "en")
    assert any("six months is less" in line for line in result.fitted), result.fitted
