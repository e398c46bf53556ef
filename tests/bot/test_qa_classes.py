"""Q&A: classes of question that failed on a blind set, each in phrasings of its own (not the
set's words), so that a fix by class is checked on other ways of asking the same thing."""

from __future__ import annotations

import pytest

from bot.qa import Result, default_index
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


@pytest.mark.parametrize(
    "question",
    [
        # another province's own rules, even when compared with Beijing's, in English too
        "浙江的绿色工厂认定条件跟北京比哪个严",
        "What are Jiangsu's rules for green industrial parks?",
        # tax relief: the measures name taxes only as a bar (偷漏税)
        "成了绿色工厂，增值税能不能免征",
        "Is there any income tax relief for listed green factories?",
    ],
)
def test_another_place_s_rules_or_tax_relief_asked_for_itself_is_refused(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    "question",
    [
        # a scheme the text names (Art. 1 and 10, the bonus rows), asked how it itself works
        "A+级绿码的档次是按什么算出来的",
        "绿证到哪里买，价格大概多少",
        "重污染天气绩效评级的申请流程是怎样的",
        "How do we buy green power, and at what price?",
        # what an assessor must hold to be one, across a comma
        "我们想做第三方评价机构，需要具备哪些资质",
    ],
)
def test_a_named_scheme_asked_on_its_own_terms_says_the_text_is_silent(question: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and result.notes, [h.ref for h in result.hits]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # the same schemes, asked how these measures count them, keep their answer
        ("绿证买了120兆瓦时，能源投入那项怎么算分", "ind-14"),
        ("重污染天气绩效评了B级，荣誉这块能加分吗", "ind-21"),
        ("企业绿码和这个办法是什么关系", "art-1"),
        ("偷漏税被处罚过，还能申报绿色工厂吗", "art-11"),
        ("第三方评价机构弄虚作假会怎样", "art-18"),
        ("我们总部在上海，在北京的工厂能申报绿色工厂吗", "art-8"),
        # another place or a tax named, but Beijing's conditions or a tax case asked about
        ("总部在江苏，北京这边的工厂申报绿色工厂要什么条件", "art-7"),
        ("税收方面被处罚过，还符合申报条件吗", "art-11"),
    ],
)
def test_a_named_scheme_counted_by_the_measures_stays_ours(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope and not result.notes, result.notes
    assert first in [h.ref for h in result.hits[:3]], [h.ref for h in result.hits]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # a national title held since before the measures (Art. 10), told in the past
        ("办法发布以前我们就是国家级绿色供应链企业了，市级还要申请吗", "art-10"),
        ("我们厂早就是国家级绿色工厂，市级名单怎么进", "art-10"),
        # with whom a unit deals, the city or the district (Art. 3)
        ("绿色园区的事我们该跟市里还是区里对接", "art-3"),
        ("这事归哪个委办局管", "art-3"),
        # publicity and objections before listing (Art. 8)
        ("入围前会挂网让大家看吗", "art-8"),
        ("公示的时候有人提意见怎么办", "art-8"),
        # a unit's own data found padded (Art. 13(5))
        ("申报时能耗数据注水被发现了，称号还保得住吗", "art-13"),
        # listed on a blacklist is not listed as a green unit (Art. 11)
        ("If we are listed as a judgment debtor, can we still apply?", "art-11"),
        ("公司已列入失信被执行人名单，还能申报吗", "art-11"),
        # what the top grade asks of a factory (Art. 4(4))
        ("评到最高档需要什么技术水平", "art-4"),
    ],
)
def test_more_situations_in_words_of_their_own(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first, [h.ref for h in result.hits]


def _ask(question: str) -> Result:
    """In the question's language: English when it is all ASCII."""
    return default_index().ask(question, "en" if question.isascii() else "zh")


# Questions asked as people ask them, and the entry they are about.
FIRST = [
    # English words and pinyin inside a question
    ("我们plant早就是national级的绿色工厂，还用apply市级吗", "art-10"),
    ("我们的title被revoke了以后，多久能再apply", "art-15"),
    ("tíng chǎn bàn nián hái néng shēn bào ma", "art-11"),  # one word per syllable
    ("fu he bu he ge hui bei che xiao ma", "art-13"),
    ("lüse gongchang fenji you jiji", "art-4"),  # words the text repeats, a question word
    ("lvse gongchang zui gao shi ji ji", "art-4"),  # 最高是几级, read from the end
    ("我们已经是 green factory，这次 grading 只拿了 level 1，多久内要做 diagnosis", "art-16"),
    ("我们的green factory title这次regrade只有level 1，会被revoke吗", "art-16"),
    ("市级称号被撒销了，国家级的会不会也撒销", "art-13"),  # a look-alike character
    # a story with one question at its end: what it asks leads
    (
        "我们是顺义的一家包装厂，去年总算评上了市级绿色工厂，为此上了光伏、换了电机，"
        "花了小两百万，财务一直追着问这笔钱花得值不值，想问下市里区里对我们有哪些方面的支持",
        "art-20",
    ),
    # a national unit's long story, asking about the city list: Art. 10
    (
        "跟领导汇报用：我们厂一直是国家级绿色工厂，2019年评上的，厂址在北京，"
        "领导问现在还要不要去区里排队申报市级名单，是不是得重新走一遍流程",
        "art-10",
    ),
    # where the unit stands
    ("We slipped to level 2 after the latest regrading. What now?", "art-16"),
    ("We're on the list but scored grade 1 this year. What must we do?", "art-16"),
    ("We already have the title, but this year we came out at grade 2. What now?", "art-16"),
    ("我们本来就是绿色工厂，这次分级只有一级，会不会直接被撤销", "art-16"),
    ("When would the bureau revoke a unit's title?", "art-13"),
    ("要是不配合市里的动态管理工作，会怎么样", "art-13"),  # consequences: grounds for revoking
    ("我们是市级绿色工厂，去年的动态管理基本没配合，风险大吗", "art-13"),
    ("材料里的数据是编的，被查出来会怎么处理", "art-13"),
    ("分级从二级升到三级了，公布的名单会跟着变吗", "art-19"),
    # grades and routes to a list
    ("自评下来是二级，这在行业里算什么水平", "art-4"),  # what a grade means, to an applicant
    ("三级和四级的差别在哪", "art-4"),
    ("市级还没评上，能不能直接去冲国家级", "art-9"),  # the national list without the city's
    ("区级培育名单里没有我们，能跳过区里直接报市级吗", "art-8"),  # the district skipped
    ("咱们园区是国家级绿色工业园区，北京市级的还要单独报吗", "art-10"),
    (
        "我们河北的厂拿了河北的省级绿色工厂，北京这边能推荐国家级吗",
        "art-9",
    ),  # a neighbour as a place
    # who may be, or become, what (not the bonus row that names the lists)
    ("园区想评绿色工业园区，对园区本身有什么条件", "art-7"),
    ("我们给好几家整车厂配套，能不能争取绿色供应链管理企业", "art-7"),
    ("我们打算冲一冲绿色供应链管理企业，对上游供应商要管到什么程度", "art-7"),
    ("研究所的中试车间想报绿色工厂，有这个资格吗", "art-7"),
    ("我们就是个绿色供应链管理企业，这个办法跟我们有关系吗", "art-2"),
    ("园区里的企业有的在国家级名单有的在市级名单，都归这套办法管吗", "art-2"),
    # who does what, why, the table
    ("做第三方评价的机构在这套管理里算什么角色", "art-3"),
    ("为啥北京要专门出这么个办法，想解决什么问题", "art-1"),
    ("评分指标是定死的吗，以后谁来调整", "art-5"),
    ("碳排放那项按排放强度算还是总量算", "ind-11"),
    ("Is VOC intensity counted per unit of output value in the grading?", "ind-5"),
    # a Tianjin or Hebei plant on its way to the national list, with its province's own
    # recognition named (Art. 9)
    ("河北那个厂想冲国家级，是不是得先有河北省级绿色工厂的认定", "art-9"),
    # a national title held since a year named (Art. 10)
    ("我们去年就是国家级绿色园区了，市级还得另外申请吗", "art-10"),
    # whether a unit counts as one the measures mean (Art. 2)
    ("我们只在国家级供应链名单上，也算本办法所称的绿色制造单位吗", "art-2"),
    # how a change is filed: Art. 14's route, in the application's words
    ("厂区搬迁以后申请复核，是直接报市里还是先过区里", "art-14"),
    # the district recommending an applicant (Art. 8), in Art. 6's words
    ("我们在区级培育名单里，报市级的时候区经信要出推荐函吗", "art-8"),
    # a park's operator, not a building's operation (运营)
    ("我们是园区运营方，入驻企业创建绿色工厂要我们牵头吗", "art-7"),
    ("Our Beijing head office has a plant in Tianjin. Can it use the Beijing grading?", "art-4"),
    ("我们只在国家级名单上，算不算本办法所称的“绿色制造单位”？", "art-2"),  # quoted
    ("Would a serious accident last year keep us from getting listed?", "art-11"),
    ("Could a fine from two years ago stop us from being listed?", "art-11"),  # not listed yet
    ("Which ISO certificates earn points in the grading?", "ind-18"),
    ("第三方评价机构在这里头扮演啥角色", "art-3"),  # 啥 for the lexicon's 什么
    ("If the city revokes our title, do we lose the national title too?", "art-13"),
    ("打分的指标将来会调整吗，由谁来调", "art-5"),
    ("评上以后还有人管我们吗", "art-12"),
    ("酒店能申报绿色工厂吗", "art-7"),  # not a manufacturer
    ("Is the carbon indicator counted per unit of output value?", "ind-11"),  # not VOCs only
    ("Our status was withdrawn after we moved site. Can we apply again straight away?", "art-15"),
    ("When national rules say otherwise, which prevails?", "art-21"),
    ("What exactly is the job of third-party evaluators here?", "art-3"),
    ("我们评了三级，这在行业里大概算什么水平", "art-4"),
    ("作为在册的绿色工厂，被列入严重失信名单会被撤吗", "art-13"),
    ("已经入围了，现在公司业务方向大调整，要办什么手续", "art-14"),
    ("Does 'green manufacturing unit' include supply-chain enterprises?", "art-2"),
    ("We're on the national list. Are we a green manufacturing unit here?", "art-2"),
    ("Does a B-level performance rating in pollution alerts count in the grading?", "ind-21"),
    ("绿色 工厂 复核 不合格 会 怎样", "art-13"),  # Chinese typed word by word
    ("三级工厂市里希望我们往哪方面努力", "art-4"),  # what a grade asks of a factory
    ("We were shut down for 13 months last year. Can we still apply?", "art-11"),
    ("When can a listed park lose its title?", "art-13"),
    ("打分指标明年要是改了，谁说了算", "art-5"),
    ("只评到一级，我们的称号会不会被摘", "art-16"),  # a title held, graded low
    ("Does the term 'green manufacturing unit' also cover parks?", "art-2"),
    ("A fire two years ago: could that hurt our application?", "art-11"),
]


@pytest.mark.parametrize(("question", "first"), FIRST)
def test_a_question_as_people_ask_it_finds_its_entry(question: str, first: str) -> None:
    result = _ask(question)
    assert result.in_scope and result.hits[0].ref == first, result.hits[:3]


# Details the measures do not give, and the line that says so first.
LEFT_OPEN = [
    ("申报材料纸质版寄到哪个地址", "办理地点"),
    ("区里组织的绿色诊断要企业自己掏钱吗", "费用由谁承担"),
    ("ESG报告按哪个准则编写才算数", "哪项标准"),
    ("复核多少年一次", "多久进行一次"),
    ("复核是不是一年搞一次", "多久进行一次"),  # a frequency, not the periods the text gives
    ("绿色工厂每年批几家", "名额"),
    ("有没有认可的评价机构名录可以参考", "名录"),
    ("认可的评价机构都有哪些，能列个名单吗", "名录"),
    ("技术改造的专项资金能补到投资额的几成", "金额"),
    ("绿色贷款的利率能便宜几个点", "金额"),
    ("What's the cash reward for a listed green factory in Shunyi?", "how much money"),
    ("对撤销的决定我们不服，能申诉吗", "申诉或复议"),
    ("GB 18613-2020中一级能效电机的效率限值是多少", "标准原文"),  # a figure inside a standard
    ("GB 24044里碳足迹核查的边界要求具体是什么", "标准原文"),
    ("DB11/1234里锅炉氮氧化物的排放限值是多少", "标准原文"),
    ("What are the NOx limits under the Beijing boiler emission standard?", "standard itself"),
    ("VOCs排放强度要做到每万元产值多少千克才算领先", "这一数值"),
    ("绿色工厂的铜牌什么时候发", "牌匾或证书"),
    ("Where can we purchase green power for the plant?", "only mention"),
    ("绿电在北京怎么买", "只是提到"),  # Beijing between a scheme and its ask: still its ask
    (
        "Do green factories get exempted from production curbs in Beijing's pollution alerts?",
        "only mention",
    ),
    ("What registration does a firm need to act as a third-party assessor?", "qualifications"),
    ("绿色供应链管理企业评价时各项指标占多少权重", "供应链"),  # another list's own table
    ("国家要的自评价报告用什么格式写", "表格"),
    ("Is there an English version of the measures we can circulate?", "Chinese only"),
    ("这个办法是哪天发布的", "发布的日期"),
    ("市里会办绿色工厂申报的培训班吗", "培训"),
    ("能给推荐一家做绿色诊断的咨询机构吗", "不推荐"),
    ("超了能耗限额会被怎么罚", "罚款"),
    ("评上绿色工厂后，项目审批能走绿色通道吗", "绿色通道"),
    ("企业绿码去哪查询", "其他层级"),
    # what a standard named by its code says, or which of two standards to use
    ("GB 17167对计量器具的配备率是怎么规定的", "标准原文"),
    ("碳足迹核算按ISO 14064还是GB/T 24044来做", "标准原文"),
    ("What does GB/T 36132 say about how to count green materials?", "standard itself"),
    # how exactly an indicator is computed
    ("单位产值碳排放的产值按现价算还是不变价算", "计算口径"),
    ("Should scope 3 emissions go into the carbon intensity figure?", "how exactly"),
    # a word the text uses, left undefined
    ("节水器具怎么认定，有没有目录", "定义"),
    # a logo, the lists themselves, fees kept up every year
    ("绿色工厂的标志能不能印在产品外箱上", "标识"),
    ("市级绿色工厂名单上都有哪些企业，能发我看看吗", "名单"),
    ("Do we pay an annual fee to keep the title?", "fees"),
    ("做绿色诊断需不需要花钱", "收费"),
    ("企业绿色贷款利率一般比普通贷款低多少", "金额"),
    ("北京每年推荐几家去评国家级绿色工厂", "名额"),
    ("How many factories are added to the city list every year?", "quota"),
    ("碳排放按什么核算方法算", "计算口径"),
    ("园区增加值要哪个部门出证明", "表格"),
    ("称号被撤了，拿到的补贴要退回吗", "退回"),
    ("What is the minimum building density required for the food industry?", "this figure"),
    ("链主企业的营收至少要多少个亿才够格", "规模"),
    ("评价报告出来以后多久有效", "有效期"),
    ("How much do third-party assessors charge?", "fees"),
    ("复核的费用谁出", "收费"),
    ("What fee do assessors usually ask for?", "fees"),
    ("评价报告出了以后多长时间内有效", "有效期"),
    ("申报是在哪个系统上填", "系统"),
    ("今年的征集通知出了没", "日期"),
    ("领军企业有没有奖金", "金额"),
    ("Is there any prize money for listed units?", "how much money"),
    ("余热回收率怎么算，有没有国家标准", "哪项标准"),
    ("市里评价用的是哪家第三方，我们能指定吗", "不推荐"),
    ("危废仓库的防渗要达到什么标准", "哪项具体标准"),
    ("一般固废堆场要满足什么标准", "哪项具体标准"),  # the entry's GB/T 36132 is a method
    ("Is there a plaque for listed factories, and how do we get it?", "plaques"),
    ("这个办法哪一年失效", "废止日期"),
    ("When do these measures expire?", "expiry"),
    ("去年一共有多少家企业入围市级名单", "名额"),
    ("申报需不需要另外提供审计报告", "表格"),
    ("What is the industry-leading VOC intensity for printing plants?", "this figure"),
    ("What efficiency does GB 18613-2020 set for a 15 kW motor?", "standard itself"),
]


@pytest.mark.parametrize(("question", "note"), LEFT_OPEN)
def test_what_the_text_leaves_open_is_said_first(question: str, note: str) -> None:
    result = _ask(question)
    assert result.in_scope and result.notes and note in result.notes[0], result


def test_an_amount_asked_in_pinyin_is_said_to_be_left_open() -> None:
    result = default_index().ask("lvse gongchang jiangli duoshao qian")
    assert not result.in_scope or (result.notes and "金额" in result.notes[0]), result


# What another place, regime, label or law decides for itself.
REFUSED = [
    "河北省级绿色工厂的认定条件有哪些",  # a neighbour's own list
    "浙江的绿色工厂评价跟北京比有什么不同",  # another place, compared
    "Will Jiangsu accept our Beijing green factory title for the Suzhou site?",
    "进口节能设备的关税能减免吗",
    "Would the title lower the environmental protection tax we pay?",
    "Can green factories get a VAT refund?",
    "How do we trade carbon allowances on the national carbon market?",
    "评上绿色工厂以后，北京碳市场的配额能多分一点吗",  # a market of its own
    "出口欧盟要交CBAM报告，碳数据怎么报",  # a regime of its own, in the table's words
    "危废转移联单怎么填",
    "北京分布式光伏的上网电价是多少",  # a price of its own
    "What's the feed-in tariff for solar in Beijing?",
    "节能监察发现问题一般给多长的整改期限",  # an inspection regime of its own
    "上交所的ESG披露规则要不要第三方鉴证",
    "药品生产质量管理规范对洁净区有哪些要求",  # another regulation's own requirements
    "零碳工厂怎么认定",
    "绿色矿山的申报条件有哪些",  # a sibling list of its own
    "专精特新要什么条件",  # generic ask words and another subject only
    "申请绿色建筑二星标识，找哪个部门办",  # another label's own procedure
    "绿色建筑评价标识二星级要找哪个部门申请",
    "绿色建筑标识是向哪个部门申请的",
    "节水型企业去哪里申请",
    "能效领跑者示范企业怎么申报",
    "经营异常名录怎么移出",  # another list's way out
    "How can we get removed from the dishonest entities list?",
    "工厂屋顶光伏项目要去哪备案",  # regimes of their own
    "储能项目并网要走什么流程",
    "How do we register CCER credits?",
    "Can listed companies issue green bonds, and who approves them?",
    "安全生产标准化二级怎么申请",  # a sibling label of its own
    "在线监测设备要不要跟生态环境局联网",
    "Do we have to file an energy audit every year under the energy conservation law?",
    "被列入整改名单，整改完找谁销号",
    "公司上了失信名单，怎么申请移出",
    "How does Hebei provincial green factory recognition work?",
    "排污许可证到期怎么延续",
    "屋顶光伏，备案去哪个部门",
    "How does Tianjin certify its provincial green factories?",
    "节能监察的整改名单在哪查",
    "称号被撤销会影响排污许可证吗",
    "厂里的光伏项目在北京怎么备案",
    "Do we need EIA approval before building a new warehouse?",
    "环境管理体系认证审核前要准备哪些体系文件",  # a certification's own audit
    "Will manufacturers have to pay a carbon tax?",
]


@pytest.mark.parametrize("question", REFUSED)
def test_what_belongs_to_another_place_regime_or_label_is_refused(question: str) -> None:
    assert not _ask(question).in_scope


# Either outcome is honest: refused as another's business, or the line saying the text does
# not give it; never answered as if the measures said more.
REFUSED_OR_LEFT_OPEN = [
    ("钢铁行业能效标杆值是多少", "这一数值"),
    ("What discharge limit for ammonia does the Beijing standard set?", "standard itself"),
    ("能效领跑者是怎么评选的，要什么条件", "只是提到"),  # a label the bonus row names
    ("成熟度评估找哪家机构做比较好，大概什么费用", "只是提到"),
    ("申报要交手续费吗", "收费"),
    ("园区评价的评分细则去哪找", "园区"),
    ("Which certification bodies can certify ISO 14001?", "recommend"),
    ("政府采购打分的时候，绿色工厂能加几分", "只是提到"),  # Art. 20 names procurement
    ("绿色建筑三星标识怎么申请", "只是提到"),
    ("节水型企业是哪个局评的", "只是提到"),
    ("What indicators does the national scheme use to evaluate green supply chains?", "supply"),
    ("绿色建筑二星要满足哪些条款", "只是提到"),
    ("How do we get the green product certification mark?", "only mention"),
    ("What does the smart manufacturing maturity model require at level 3?", "only mention"),
    ("Does Guangdong have its own grading levels for green factories?", "other"),
    ("What are the NOx emission limits for gas boilers?", "standard itself"),
    ("碳标签怎么申请", "只是提到"),
    ("Which portal do we use to file the application?", "portal"),
    ("厂房想评绿色建筑运营标识，找哪个部门", "只是提到"),
    ("做碳足迹核查 要找 哪家 机构", "不推荐"),  # typed word by word
    ("链主企业申报时评审专家都是什么人", "专家"),
    ("绿色设计产品怎么申报", "只是提到"),
    ("园区增加值的数据要去统计局开证明吗", "表格"),  # refused is honest too
    ("绿色数据中心的PUE要达到多少", "只是提到"),
    ("供应链管理企业评价里绿色采购占多少分", "供应链"),
]


@pytest.mark.parametrize(("question", "note"), REFUSED_OR_LEFT_OPEN)
def test_another_s_figures_labels_and_fees_are_refused_or_left_open(
    question: str, note: str
) -> None:
    result = _ask(question)
    assert not result.in_scope or (result.notes and note in result.notes[0]), result


# What the text does give is not said to be missing.
GIVEN = [
    "这个办法什么时候开始施行",  # the text says: from the day it is issued
    "我们被列入经营异常名录了，还能申报吗",  # being on another list is ours (Art. 11)
    "What share of grade 1 or 2 motors do we need for full marks?",  # the text gives 40%
    "我们每年都发布ESG报告，这一项能得几分",  # a fact told, not a frequency asked
    "Our new workshop uses 90% LED lighting. How many points?",  # a hall, not a training
    "总部在上海，北京的工厂怎么申报绿色工厂",  # a place with Beijing between: about Beijing
    "办法说的绿色制造单位具体指哪些",  # Art. 2 defines it
    "工厂容积率达到多少能拿满分",  # indicator 1 gives it: twice the requirement
    "我们分级四级，绿码是A级，够评领军企业的条件吗",  # the code's grade is Art. 10's condition
    "申报流程是什么",  # all our words: nothing for the classifier's doubt to be about
    "我们是国家级绿色工厂，工厂在外省，能自动进北京市级名单吗",  # a place told, not asked
    "公司被列入经营异常名单了还没移出，影响申报吗",  # being on another list (Art. 11)
]


@pytest.mark.parametrize("question", GIVEN)
def test_what_the_text_does_give_is_not_said_to_be_missing(question: str) -> None:
    result = _ask(question)
    assert result.in_scope and not result.notes, result


def test_the_asked_part_of_a_long_message() -> None:
    from bot.qa import asked_part

    story = (
        "我们厂去年换了新的污水处理设备，又请了咨询公司帮忙整理材料，前后忙了大半年，"
        "老板一直很关心这件事，现在想问问复核不合格会被撤销吗"
    )
    assert asked_part(story) == "老板一直很关心这件事，现在想问问复核不合格会被撤销吗"
    assert asked_part("复核不合格会被撤销吗") is None  # short: the whole is the question
    english = "For the building density indicator, how far above the requirement for full marks?"
    assert asked_part(english) is None


def test_points_asked_for_lead_to_the_grading_table() -> None:
    result = default_index().ask("危险废物处置做得好能得几分")
    assert result.hits[0].ref.startswith("ind-"), result.hits[:3]
