"""Q&A: classes of question that failed on a blind set, each in phrasings of its own (not the
set's words), so that a fix by class is checked on other ways of asking the same thing."""

from __future__ import annotations

import pytest

from bot.qa import default_index


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # who does what: the district's industry bureau (Art. 3), what it does once a unit
        # is listed (Art. 17)
        ("区里的工业口管什么？", "art-3"),
        ("区里管啥，市里管啥？", "art-3"),
        ("如果区里发现我们经营出了问题，会怎么样", "art-17"),
        # a unit that gives its title up of its own accord (Art. 13(6))
        ("我们不要这个称号了，可以吗", "art-13"),
        ("称号能主动退掉吗", "art-13"),
        ("Can we hand back the title if we no longer want it?", "art-13"),
        # a rename reported late (Art. 14)
        ("公司名字改了两个月了，名单上的名称没改，逾期了怎么办", "art-14"),
        ("We changed our company name but forgot to report it. Is it too late?", "art-14"),
        # the route to a list: the district's nomination first (Art. 8), the national list
        # from the city list (Art. 9), a national title counting for the city (Art. 10)
        ("我们不在区级培育名单里，可以直接报市级绿色工厂吗", "art-8"),
        ("能不能不经过市级，直接报国家级绿色工厂", "art-9"),
        ("国家级绿色供应链企业是不是自动算市级的", "art-10"),
        # an applicant's bar in other words (Art. 11)
        ("被列入经营异常名单，已经移出了，还能申报吗", "art-11"),
        ("We suffered a data breach last year. Are we still allowed to apply?", "art-11"),
    ],
)
def test_a_class_of_question_finds_its_article(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]
