"""Q&A: classes of question that failed on a blind set, each in phrasings of its own (not the
set's words), so that a fix by class is checked on other ways of asking the same thing."""

from __future__ import annotations

import pytest

from bot.qa import default_index
from bot.textnorm import normalize


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


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # what a grade is worth (Art. 4), not the list it may lead to nor Art. 16's retrofit
        ("刚评了个二级，这算好还是差", "art-4"),
        ("三级是高还是低？", "art-4"),
        # the grade an applicant needs: the city list (Art. 8), the national one (Art. 9)
        ("分级结果出来是三级，今年能报市里的绿色工厂吗", "art-8"),
        ("What is the minimum grade for the Beijing green factory list?", "art-8"),
        ("我们grade是4级，能apply national的吗", "art-9"),
        # a listed unit graded low (Art. 16), in English as in Chinese
        ("We have been listed since 2021 and this year got grade 2. What happens?", "art-16"),
    ],
)
def test_a_grade_is_read_from_where_the_asker_stands(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question",
    [
        # another label's or certificate's own procedure
        "绿色建筑标识的申请流程要多久",
        "ISO 50001认证审核的周期是多长时间",
        # another law's obligation
        "按清洁生产促进法，清洁生产审核要怎么做",
        # a named fund's own call
        "今年的技改专项资金申报指南发了没有",
        # a neighbour's own recognition
        "河北省绿色工厂认定什么时候开始申报",
    ],
)
def test_another_scheme_or_law_is_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # how these measures count a label is ours, though the label is not
        ("厂房拿了绿色建筑二星标识，分级评价能加几分", "ind-16"),
        ("绿色制造单位能申请专项资金吗", "art-20"),
    ],
)
def test_how_the_measures_count_another_scheme_stays_ours(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.hits[0].ref == first


@pytest.mark.parametrize(
    "question",
    [
        "用电的碳排放因子按多少算？",  # a figure the text takes from standards
        "市级绿色工厂每年有多少个名额",  # a quota
        "分级评价多久做一次",  # a frequency
        "绿码A+怎么拿",  # another scheme's own rules
    ],
)
def test_a_detail_the_text_leaves_open_is_said(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope or result.notes, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # English twins of questions the Chinese already finds
        ("Must a supply-chain leader's own plants be green factories too?", "art-7"),
        ("We are a sales company with no production. Can we apply?", "art-7"),
        ("Do listed units have to submit data every year?", "art-12"),
        # a unit that names itself as listed (我们是绿色工厂) asks about revoking
        ("我们是绿色工厂，被列入失信名单会怎么样", "art-13"),
        # not on the district's list: Art. 8's route, not Art. 6's pool
        ("没进培育库能不能直接报市级", "art-8"),
        # a national unit asking whether the city list needs its own application
        ("已经是国家级绿色园区，还要报市级吗", "art-10"),
        # a Beijing headquarters with a plant next door stays ours
        ("总部在京，天津的厂怎么以总部名义报国家级", "art-9"),
    ],
)
def test_more_ways_of_asking_find_the_article(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question",
    [
        "绿色建筑三星标识怎么申请",
        "How do we apply for LEED certification?",
        "河北省绿色供应链怎么认定",
    ],
)
def test_another_label_or_region_asked_for_itself_is_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # a question about losing the title, or about a review, comes from a listed unit:
        # a low grade then points to Art. 16, not to what an applicant needs
        ("市级绿色工厂在复核时只评了二级，会不会被撤销", "art-16"),
        ("Our city-listed factory came out at grade 2 in the latest review. What now?", "art-16"),
        ("What would we gain from being listed?", "art-20"),
        ("Should we apply via the district?", "art-8"),
    ],
)
def test_a_listed_unit_and_english_route_questions(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question", ["广州市绿色园区的认定标准", "安全生产标准化一级怎么申请", "云南省绿色供应链怎么报"]
)
def test_other_regions_and_grading_schemes_are_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # a national title already held, said in other words: Art. 10's automatic inclusion
        ("国家级的称号早就拿了，市级的还用申请吗", "art-10"),
        ("We made the national list long ago. Are we automatically on the city list?", "art-10"),
        # whether the grades are published (Art. 19)
        ("各家企业的分级会公开吗", "art-19"),
    ],
)
def test_a_national_title_and_published_grades(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize("question", ["产品碳足迹认证找哪个机构做", "电动汽车补贴怎么申请"])
def test_another_certificate_s_provider_and_car_subsidies_are_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # "after we were listed" places the asker on the list: a fine is then a ground for
        # revoking (Art. 13), and what follows is dynamic management (Art. 12)
        ("入选以后被罚了一次款，称号会不会受影响", "art-13"),
        ("拿了称号之后还需要做什么", "art-12"),
        ("Listed but our grade dropped below level 3. What now?", "art-16"),
        ("We have been idle for 8 months. Are we eligible?", "art-11"),
        ("市级的怎么推荐到国家级", "art-9"),
    ],
)
def test_after_listing_and_other_situations(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("咱们是市级绿色工厂，这次被查出失信，会怎样", "art-13"),
        ("复核后我们被评为二级，需要整改吗", "art-16"),
        ("Is a national green park automatically on the Beijing list?", "art-10"),
        ("Who administers these measures in Beijing?", "art-3"),
    ],
)
def test_listed_and_national_units_in_other_words(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question",
    ["绿色工厂评审费用多少", "What is the audit fee?", "节能行动方案对企业有什么要求"],
)
def test_fees_and_other_policy_documents_are_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # the grounds for revoking asked about, not a unit that was revoked
        ("绿色园区被撤销的情况都有哪些", "art-13"),
        ("National title already - do we need a city application?", "art-10"),
    ],
)
def test_grounds_for_revoking_and_a_national_title_held(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question",
    [
        "绿色设计产品认定怎么申报",  # another scheme's own procedure
        "环境标志认证周期多长时间",
        "How long does an ISO 14064 certification audit take?",
        "节能专项资金怎么申请",  # a named fund's own call
        "How do we apply for the city's tech-upgrade grant?",
        "大气污染防治条例对工厂有什么要求",  # another law's requirements
        "湖南省绿色低碳工厂怎么申报",  # another province's own list
    ],
)
def test_other_schemes_funds_and_laws_asked_for_themselves_are_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("绿色工厂专项资金怎么申请", "art-20"),  # the same words about these measures
        ("有绿色设计产品能加分吗", "ind-19"),
    ],
)
def test_the_same_words_about_these_measures_stay_ours(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # a penalty under another law, asked about applying: Art. 11, not a refusal
        ("按安全生产法我们被罚过款，还能申报吗", "art-11"),
        # "certification" said of these measures' own lists
        ("市级绿色工厂认证流程是怎样的", "art-8"),
        ("公司改了名字，需要重新认证吗", "art-14"),
        ("绿色工厂认定之后每年要干什么", "art-12"),
    ],
)
def test_in_scope_questions_in_other_laws_words_are_not_refused(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question", ["市里的数字化转型升级基金如何申报", "碳足迹认证需要提交什么材料"]
)
def test_any_fund_s_call_or_any_certificate_s_papers_are_refused(question: str) -> None:
    """Another fund or certificate, whatever its name: its own procedure is not ours."""
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    ("question", "first", "note"),
    [
        ("申报的资料都有哪些，给个清单", "art-8", "材料清单"),
        ("做评价的第三方机构需要什么资质", "art-18", "资质"),
    ],
)
def test_papers_and_assessors_qualifications_are_said_to_be_left_open(
    question: str, first: str, note: str
) -> None:
    result = default_index().ask(question)
    assert result.hits[0].ref == first
    assert result.notes and note in result.notes[0]


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("我们去年被评为市级绿色工厂，今年出了安全事故会怎样", True),
        ("已经入选绿色工厂了，但最近停产了一年多，会被撤吗", True),
        ("刚拿到称号，下个月要搬厂，要做什么", True),
        ("能评上绿色工厂吗，我们去年出过事故", False),
        ("想拿到绿色工厂称号要什么条件", False),
    ],
)
def test_a_title_told_as_won_places_the_asker_on_the_list(question: str, listed: bool) -> None:
    """Whatever the verb (入选, 被评为, 拿到), a title told as won is the listed frame; one
    asked for is not."""
    frames = default_index().features.frames_in(normalize(question))
    assert ("listed" in {frame.name for frame in frames}) is listed


@pytest.mark.parametrize(
    "question",
    ["Can you recommend a cheap hotel near the airport?", "Can you recommend a good dentist?"],
)
def test_one_english_word_of_ours_in_a_foreign_question_is_refused(question: str) -> None:
    """ "recommend" is a word of Art. 9, but a hotel recommended is not what it is about."""
    result = default_index().ask(question)
    assert not result.in_scope and not result.hits


@pytest.mark.parametrize(
    "question",
    ["绿色园区怎么评分，有评分细则吗", "What are the scoring criteria for a green supply chain?"],
)
def test_a_park_s_or_supply_chain_s_own_indicators_are_said_to_be_left_open(
    question: str,
) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.notes
    assert "绿色工厂" in result.notes[0]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("How much money do we get once listed?", "art-20"),
        ("Do we get money for being listed?", "art-20"),
    ],
)
def test_money_asked_in_english_is_article_20_not_a_refusal(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.hits[0].ref == first
