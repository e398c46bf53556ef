"""/article and article buttons: every form of reference, verbatim quotes, index, refusals."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.knowledge import default
from bot.refs import ref_label
from tests.support.conversation import data, kinds, labels, quoted, say, shown, tap, verbatim

FORGED = "无法识别这个按钮"


def test_article_command(engine: Engine) -> None:
    assert "失信被执行人" in say(engine, "/article 11").messages[0].text
    assert "（六）失信被执行人；" in say(engine, "/article 11.6").messages[0].text
    assert "没有找到" in say(engine, "/article 99").messages[0].text
    index = say(engine, "/article")
    assert len(labels(index)) == 21


@pytest.mark.parametrize(
    "typed",
    [
        "11",
        "第十一条",
        "第11条",
        "11条",
        "art-11",
        "Art. 11",
        "article 11",
        "ARTICLE 11",
        "Article 11",
        "１１",
    ],
)
def test_an_article_by_any_of_its_names_is_quoted_verbatim(engine: Engine, typed: str) -> None:
    reply = say(engine, f"/article {typed}")
    assert quoted(reply) == verbatim("art-11")
    assert shown(reply).startswith("第三章 培育创建\n【第十一条】不得入围的情形")
    assert f"要点：{default().articles['art-11'].summary_zh}" in shown(reply)
    assert data(reply) == [f"a:{ref}" for ref in default().articles["art-11"].refs]
    assert kinds(engine) == ["command:article", "article"]


@pytest.mark.parametrize("typed", ["第十五条", "15", "Article 15", "第15条"])
def test_article_15_in_chinese_numerals_or_digits(engine: Engine, typed: str) -> None:
    reply = say(engine, f"/article {typed}")
    assert quoted(reply) == verbatim("art-15")
    assert "【第十五条】撤销后重新申报" in shown(reply)


@pytest.mark.parametrize(
    "typed",
    ["11.6", "11(6)", "11（6）", "Art 11(6)", "article 11.6", "第十一条第六项", "第11条第6项"],
)
def test_an_item_is_quoted_with_its_articles_lead(engine: Engine, typed: str) -> None:
    reply = say(engine, f"/article {typed}")
    assert quoted(reply) == verbatim("art-11.6")
    assert "【第十一条第（六）项】失信被执行人" in shown(reply)
    assert "（七）" not in shown(reply)  # the item alone, not the whole article
    assert data(reply) == ["a:art-11"]  # the whole article first


@pytest.mark.parametrize(
    "typed", ["ind-14", "IND-14", "indicator 14", "Indicator 14", "ｉｎｄ－１４"]
)
def test_an_indicator_is_quoted_verbatim(engine: Engine, typed: str) -> None:
    reply = say(engine, f"/article {typed}")
    indicator = default().indicators["ind-14"]
    assert quoted(reply) == indicator.text
    assert shown(reply).startswith(f"【附表指标14】{indicator.name}")
    assert "最高8分" in shown(reply)


def test_in_english_the_title_and_summary_are_english_and_the_quote_stays_chinese(
    engine: Engine,
) -> None:
    article = default().articles["art-11"]
    reply = say(engine, "/article Article 11", lang="en")
    assert f"[Article 11] {article.title_en}" in shown(reply)
    assert f"In short: {article.summary_en}" in shown(reply)
    assert quoted(reply) == verbatim("art-11")
    assert labels(reply) == {"Article 13": "a:art-13", "Article 15": "a:art-15"}
    item = say(engine, "/article Art 11(6)", lang="en")
    assert "[Article 11(6)] Dishonest judgment debtor" in shown(item)
    assert labels(item) == {"Article 11": "a:art-11"}
    indicator = say(engine, "/article ind-14", lang="en")
    assert shown(indicator).startswith("[Indicator 14] Energy input")


def test_every_article_opens_by_number_and_by_its_chinese_name(engine: Engine) -> None:
    for ref, article in default().articles.items():
        for typed in (str(article.number), article.heading):
            reply = say(engine, f"/article {typed}")
            assert quoted(reply) == verbatim(ref), typed


def test_every_english_label_opens_what_it_names(engine: Engine) -> None:
    kb = default()
    for ref in kb.refs:
        reply = say(engine, f"/article {ref_label(ref, 'en')}", lang="en")
        assert f"[{ref_label(ref, 'en')}] {kb.title(ref, 'en')}" in shown(reply), ref
        assert quoted(reply) == verbatim(ref), ref


@pytest.mark.parametrize(
    ("typed", "printed_by", "ref"),
    [
        ("第十一条第（六）项", "/article 11.6", "art-11.6"),
        ("附表指标14", "/article ind-14", "ind-14"),
    ],
)
def test_the_chinese_labels_the_bot_prints_open_what_they_name(
    engine: Engine, typed: str, printed_by: str, ref: str
) -> None:
    assert f"【{typed}】" in shown(say(engine, printed_by))  # the bot's own name for it
    reply = say(engine, f"/article {typed}")
    assert quoted(reply) == verbatim(ref)


@pytest.mark.parametrize(
    "typed",
    [
        "0",
        "22",
        "99",
        "11.99",
        "11.0",
        "15.1",
        "ind-0",
        "ind-22",
        "ind-14.2",
        "第二十二条",
        "第零条",
        "abc",
        "十一条款",
        "😀",
        "11..6",
    ],
)
def test_unknown_or_out_of_range_refs_get_a_polite_reply(engine: Engine, typed: str) -> None:
    reply = say(engine, f"/article {typed}")
    [message] = reply.messages
    assert f"没有找到“{typed}”" in shown(reply)
    assert "/article 11" in shown(reply) and "/article ind-14" in shown(reply)  # how to ask
    assert message.buttons == () and reply.notice is None
    assert "article" not in kinds(engine)


def test_an_unknown_ref_in_english(engine: Engine) -> None:
    reply = say(engine, "/article 42", lang="en")
    assert 'I can\'t find "42"' in shown(reply)


def test_html_is_escaped_in_what_users_typed(engine: Engine) -> None:
    reply = say(engine, "/article <b>x</b>&")
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in reply.messages[0].text


def test_a_long_unknown_ref_is_cut_in_the_reply(engine: Engine) -> None:
    text = shown(say(engine, "/article " + "x" * 100))
    assert "“" + "x" * 40 + "”" in text and "x" * 41 not in text


@pytest.mark.parametrize(
    ("code", "heading"),
    [("zh", "《北京市绿色制造单位培育管理暂行办法》目录"), ("en", "Contents of the measures")],
)
def test_an_empty_article_command_shows_the_index(engine: Engine, code: str, heading: str) -> None:
    reply = say(engine, "/article", lang=code)
    text = shown(reply)
    assert text.startswith(heading)
    kb = default()
    for article in kb.articles.values():
        assert f"{ref_label(article.id, code)} {article.title(code)}" in text
        assert f"{article.chapter.heading} {article.chapter.title}" in text
    rows = reply.messages[0].buttons
    assert [len(row) for row in rows] == [7, 7, 7]
    assert data(reply) == [f"a:art-{n}" for n in range(1, 22)]
    assert [b.label for row in rows for b in row] == [str(n) for n in range(1, 22)]


def test_each_index_button_opens_its_article(engine: Engine) -> None:
    for button in data(say(engine, "/article")):
        reply = tap(engine, button)
        assert quoted(reply) == verbatim(button[2:]), button
        assert reply.notice is None


def test_the_buttons_under_an_article_open_the_articles_it_refers_to(engine: Engine) -> None:
    reply = say(engine, "/article 11")
    assert labels(reply) == {"第十三条": "a:art-13", "第十五条": "a:art-15"}
    assert "相关：第十三条 复核与撤销资格；第十五条 撤销后重新申报" in shown(reply)
    opened = tap(engine, labels(reply)["第十五条"])
    assert quoted(opened) == verbatim("art-15")
    whole = tap(engine, data(say(engine, "/article 11.6"))[0])
    assert quoted(whole) == verbatim("art-11")


def test_the_article_buttons_under_an_answer_open_the_article(engine: Engine) -> None:
    answer = say(engine, "厂区迁址要重新复核吗")
    assert "第十四条" in answer.messages[0].text and "<blockquote>" in answer.messages[0].text
    buttons = data(answer)
    assert buttons and all(d.startswith("a:") for d in buttons)
    for button in buttons:
        opened = tap(engine, button)
        assert quoted(opened) == verbatim(button[2:]), button


def test_article_buttons_follow_the_chat_language(engine: Engine) -> None:
    reply = tap(engine, "a:art-15", lang="en")
    assert "[Article 15] " in shown(reply)
    assert labels(reply) == {"Article 13": "a:art-13", "Article 14": "a:art-14"}
    assert "【附表指标14】" in shown(tap(engine, "a:ind-14"))
    assert "【第十一条第（六）项】" in shown(tap(engine, "a:art-11.6"))


@pytest.mark.parametrize(
    "button",
    ["a:art-99", "a:art-0", "a:art-11.99", "a:ind-22", "a:", "a:11", "a:第十一条", "a:<b>"],
)
def test_an_article_button_naming_nothing_is_refused(engine: Engine, button: str) -> None:
    reply = tap(engine, button)
    assert reply.notice == FORGED
    assert set(data(reply)) == {"m:qa", "m:ps", "m:sc", "m:rm"}


def test_reading_an_article_does_not_end_a_flow(engine: Engine) -> None:
    question = say(engine, "/prescreen")
    assert "【第十一条】" in shown(say(engine, "/article 11"))
    assert "【第十三条】" in shown(tap(engine, "a:art-13"))
    assert engine.chats.load(1).flow == "prescreen"
    answered = tap(engine, data(question)[0])  # the question's buttons still work
    assert answered.notice is None and "第2题" in shown(answered)
