"""Free-text questions: verbatim quotes, article buttons, honest refusals, escaping, caching."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.knowledge import Article, Item, default
from tests.support.conversation import data, kinds, labels, quoted, say, shown, tap, verbatim

MENU = ["m:qa", "m:ps", "m:sc", "m:rm"]
NOT_COVERED = "这个问题不在《北京市绿色制造单位培育管理暂行办法》的范围内"


def test_a_question_gets_a_quoted_answer_and_article_buttons(engine: Engine) -> None:
    reply = say(engine, "厂区迁址要重新复核吗")
    assert "第十四条" in reply.messages[0].text and "<blockquote>" in reply.messages[0].text
    buttons = list(labels(reply).values())
    assert buttons and all(d.startswith("a:") for d in buttons)
    article = tap(engine, buttons[0])
    assert article.messages[0].text


@pytest.mark.parametrize(
    ("question", "ref", "heading"),
    [
        ("厂区迁址要重新复核吗", "art-14", "【第十四条】更名和重大调整的报告"),
        ("改名要多久内报备？", "art-14", "【第十四条】更名和重大调整的报告"),
        ("被撤销后多久能重新申报？", "art-15", "【第十五条】撤销后重新申报"),
        ("第十一条", "art-11", "【第十一条】不得入围的情形"),
        ("配备三级计量有分吗", "ind-14", "【附表指标14】能源投入"),
    ],
)
def test_an_in_scope_question_quotes_the_measures_verbatim(
    engine: Engine, question: str, ref: str, heading: str
) -> None:
    reply = say(engine, question)
    assert quoted(reply) == verbatim(ref)
    assert shown(reply).startswith(heading)
    entry = default().get(ref)
    if isinstance(entry, Article | Item):  # an indicator's summary is made of its figures
        assert entry.summary_zh in shown(reply)
    buttons = data(reply)
    # Buttons to the related articles, or the main menu when there are none.
    assert buttons
    assert all(d.startswith("a:") and default().get(d[2:]) is not None for d in buttons) or all(
        d.startswith("m:") for d in buttons
    )
    assert f"a:{ref}" not in buttons  # no button for what is already quoted in full
    assert kinds(engine) == ["question:in"]


def test_the_related_line_and_the_buttons_name_the_same_articles(engine: Engine) -> None:
    reply = say(engine, "厂区迁址要重新复核吗")
    assert (
        "相关：第十三条 复核与撤销资格；第十五条 撤销后重新申报；第十七条 各区的跟踪职责"
        in shown(reply)
    )
    assert labels(reply) == {"第十三条": "a:art-13", "第十五条": "a:art-15", "第十七条": "a:art-17"}


@pytest.mark.parametrize(
    ("question", "code", "whole"),
    [
        ("老赖能申报吗", "zh", "第十一条"),
        ("失信被执行人可以入围名单吗", "zh", "第十一条"),
        ("第十一条第六项", "zh", "第十一条"),
        ("Can a dishonest judgment debtor be listed?", "en", "Article 11"),
        ("Art 11(6)", "en", "Article 11"),
    ],
)
def test_an_item_question_offers_the_whole_article_first(
    engine: Engine, question: str, code: str, whole: str
) -> None:
    reply = say(engine, question, lang=code)
    assert quoted(reply) == verbatim("art-11.6")
    assert "（七）" not in quoted(reply)  # the item, not the whole article
    first = reply.messages[0].buttons[0][0]
    assert (first.label, first.data) == (whole, "a:art-11")
    assert data(reply).count("a:art-11") == 1
    opened = tap(engine, first.data, lang=code)
    assert quoted(opened) == verbatim("art-11")


def test_the_answer_quotes_the_chinese_text_in_english_too(engine: Engine) -> None:
    reply = say(engine, "How long after revocation can we re-apply?", lang="en")
    article = default().articles["art-15"]
    assert shown(reply).startswith(f"[Article 15] {article.title_en}")
    assert article.summary_en in shown(reply)
    assert "Original text (Chinese)" in shown(reply)
    assert quoted(reply) == verbatim("art-15")
    assert labels(reply) == {"Article 13": "a:art-13", "Article 14": "a:art-14"}


@pytest.mark.parametrize(
    ("question", "code", "says"),
    [
        ("今天天气怎么样", "zh", NOT_COVERED),
        ("高新技术企业认定需要什么条件", "zh", NOT_COVERED),
        ("What's the weather like?", "en", "That question is not covered by the Beijing measures"),
    ],
)
def test_an_out_of_scope_question_says_so_and_shows_the_main_menu(
    engine: Engine, question: str, code: str, says: str
) -> None:
    reply = say(engine, question, lang=code)
    assert says in shown(reply)
    assert "<blockquote>" not in reply.messages[0].text  # nothing is cited
    assert data(reply) == MENU
    assert "/prescreen" in shown(reply) and "/remind" in shown(reply)  # what it can do instead
    assert kinds(engine) == ["question:out"]


@pytest.mark.parametrize(
    ("question", "code", "says"),
    [
        ("第三十条", "zh", "本办法共二十一条，没有第30条"),
        ("Article 99", "en", "The measures have 21 articles; there is no Article 99"),
    ],
)
def test_an_article_beyond_21_is_not_invented(
    engine: Engine, question: str, code: str, says: str
) -> None:
    reply = say(engine, question, lang=code)
    assert says in shown(reply)
    assert "<blockquote>" not in reply.messages[0].text and data(reply) == MENU


@pytest.mark.parametrize(
    ("question", "code", "says"),
    [
        ("   ", "zh", "请输入您的问题"),
        ("？？？ ！", "zh", "没有读到文字"),
        ("改名" * 251, "zh", "问题太长了"),
        ("???", "en", "I found no words there"),
        ("name " * 101, "en", "That is too long; please ask in a sentence or two"),
    ],
)
def test_unusable_text_gets_a_hint_and_the_main_menu(
    engine: Engine, question: str, code: str, says: str
) -> None:
    reply = say(engine, question, lang=code)
    assert says in shown(reply)
    assert data(reply) == MENU


def test_what_the_user_typed_cannot_inject_markup(engine: Engine) -> None:
    reply = say(engine, "<b>老赖</b>能申报吗 & <i>x</i> &amp;")  # say() checks the HTML parses
    text = reply.messages[0].text
    assert quoted(reply) == verbatim("art-11.6")  # still understood
    assert "老赖</b>" not in text and "<i>x" not in text and "&amp;amp;" not in text
    assert text.count("<b>") == 1  # the answer's own heading only


def test_the_same_question_twice_gets_the_same_reply(engine: Engine) -> None:
    first = say(engine, "厂区迁址要重新复核吗")
    assert say(engine, "厂区迁址要重新复核吗") == first
    assert say(engine, "厂区迁址要重新复核吗", chat=2) == first  # another chat, too
    assert kinds(engine) == ["question:in", "question:in"]  # each one counted
    out = say(engine, "今天天气怎么样")
    assert say(engine, "今天天气怎么样") == out


def test_the_same_question_in_another_language_is_answered_in_it(engine: Engine) -> None:
    chinese = say(engine, "第十四条")
    english = say(engine, "第十四条", lang="en")
    assert shown(chinese).startswith("【第十四条】")
    assert shown(english).startswith("[Article 14] ")
    assert quoted(chinese) == quoted(english) == verbatim("art-14")
    assert set(labels(english)) == {"Article 13", "Article 15", "Article 17"}
    assert shown(say(engine, "今天天气怎么样", lang="en")).startswith("That question")
    assert data(say(engine, "今天天气怎么样", lang="en")) == MENU
    assert "Ask" in labels(say(engine, "今天天气怎么样", lang="en"))


def test_a_question_after_a_flow_ended_goes_to_the_qa(engine: Engine) -> None:
    say(engine, "/remind")
    say(engine, "/cancel")
    assert quoted(say(engine, "第十五条")) == verbatim("art-15")


def test_asking_the_label_of_an_item_quotes_the_item(engine: Engine) -> None:
    assert shown(say(engine, "老赖能申报吗")).startswith("【第十一条第（六）项】")
    assert quoted(say(engine, "第十一条第（六）项")) == verbatim("art-11.6")


def test_the_welcomes_english_example_is_answered_by_article_14(engine: Engine) -> None:
    example = "Do we need a review after moving?"
    assert example in shown(say(engine, "/start", lang="en"))
    assert quoted(say(engine, "厂区迁址要重新复核吗")) == verbatim("art-14")  # the same, in Chinese
    assert quoted(say(engine, example, lang="en")) == verbatim("art-14")


def test_an_answer_with_nothing_related_offers_the_main_menu(engine: Engine) -> None:
    reply = say(engine, "配备三级计量有分吗")
    assert quoted(reply) == verbatim("ind-14")
    assert data(reply) == ["m:qa", "m:ps", "m:sc", "m:rm"]


@pytest.mark.parametrize(
    ("lang", "prompt"), [("zh", "您是想问以下哪一条？"), ("en", "Did you mean")]
)
def test_a_low_confidence_answer_offers_candidates_one_tap_shows_them(
    engine: Engine, lang: str, prompt: str
) -> None:
    reply = say(engine, "申报截止日期是什么时候？", lang=lang)
    assert prompt in shown(reply)
    buttons = data(reply)
    assert 1 <= len(buttons) <= 3 and all(d.startswith("a:") for d in buttons)
    ref = buttons[0][2:]
    article = tap(engine, buttons[0], lang=lang)
    assert quoted(article) == verbatim(ref)
    assert kinds(engine)[0] == "question:in"  # answered, not refused


def test_the_does_not_say_line_comes_first_in_chat(engine: Engine) -> None:
    assert shown(say(engine, "绿色工厂称号有效期几年")).startswith("《办法》没有规定称号的有效期")
    english = shown(say(engine, "How long is a green factory title valid?", lang="en"))
    assert english.startswith("The measures do not say how long a title is valid")
