"""A question about the measures typed in the middle of a flow is answered, never taken as the
step's answer; then the pending question comes back with fresh buttons."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.dates import TZ
from bot.dialogs.asides import is_measures_question, reads_as_question
from bot.engine import Engine
from bot.reminders.clock import ManualClock
from tests.support.conversation import data, kinds, labels, say, shown, tap

RENAME_QUESTION = "改名要多久内报备？"


@pytest.fixture(autouse=True)
def _clock(engine: Engine) -> None:
    engine.services.extras["clock"] = ManualClock(datetime(2026, 3, 5, 10, 0, tzinfo=TZ))


def texts(reply: object) -> str:
    return "\n".join(shown(reply, i) for i in range(len(reply.messages)))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        RENAME_QUESTION,
        "被撤销后多久能重新申报？",
        "失信被执行人能申报吗",
        "失信企业能申报吗？",
        "我们是否符合申报条件？",
        "园区工业增加值占比怎么算？",
        "How long do we have to report a rename?",
        "can we apply?",
    ],
)
def test_questions_about_the_measures_are_recognised(text: str) -> None:
    assert is_measures_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "北京绿色制造有限公司",  # a unit's name: no question form
        "Beijing Green Manufacturing Co., Ltd.",
        "第十一条",  # about the measures, but not asked as a question
        "2026-03-01",
        "62",
        "62%",
        "1.6 1.0",
        "不确定",
        "?",
        "不确定？",
        "今天天气怎么样？",  # a question, not about the measures
        "你好吗",
    ],
)
def test_answers_names_and_other_questions_are_not(text: str) -> None:
    assert not is_measures_question(text)


def test_the_question_form() -> None:
    assert reads_as_question("申报需要什么材料")
    assert reads_as_question("What is Article 11")
    assert not reads_as_question("北京绿色制造有限公司")
    assert not reads_as_question("Whatever Ltd")


def test_remind_does_not_store_a_question_as_the_unit_name(engine: Engine) -> None:
    asked = say(engine, "/remind")
    reply = say(engine, RENAME_QUESTION)
    assert "第十四条" in shown(reply, 0) and "30日内" in shown(reply, 0)  # the Q&A's answer
    assert "请输入单位名称" in shown(reply)  # then the name question again
    assert engine.chats.load(1).state.get("name") is None
    # Fresh buttons: the old Cancel has expired, the new one works.
    assert tap(engine, labels(asked)["取消"]).notice == "这个菜单已过期"
    assert engine.chats.load(1).flow == "remind"
    assert "question:in" in kinds(engine)
    # A company name is still a name.
    code = say(engine, "北京绿色制造有限公司")
    assert "统一社会信用代码" in shown(code)
    assert engine.chats.load(1).state["name"] == "北京绿色制造有限公司"


def test_remind_at_the_date_step(engine: Engine) -> None:
    say(engine, "/remind 北京甲厂")
    events = say(engine, "跳过")  # no credit code
    events = tap(engine, labels(events)["1. 更名"])
    assert "日期" in shown(events)
    reply = say(engine, "被撤销后多久能重新申报？")
    assert "第十五条" in shown(reply, 0) and "日期" in shown(reply)
    assert engine.chats.load(1).state["step"] == "date"
    preview = say(engine, "2026-03-01")  # a date is still a date
    assert "请确认登记" in shown(preview)


def test_prescreen_answers_then_asks_the_same_question(engine: Engine) -> None:
    first = say(engine, "/prescreen")
    reply = say(engine, "失信被执行人能申报吗")
    assert "没有看懂" not in texts(reply)
    assert "失信被执行人" in shown(reply, 0)
    assert "第1题" in shown(reply) and "申报哪一类" in shown(reply)
    assert set(labels(reply)) >= {"绿色工厂", "不确定"}
    assert tap(engine, labels(first)["绿色工厂"]).notice == "这个菜单已过期"
    step = tap(engine, labels(reply)["绿色工厂"])
    assert "第2题" in shown(step)


def test_score_answers_then_asks_the_same_question(engine: Engine) -> None:
    say(engine, "/score", lang="en")
    reply = say(engine, "How long do we have to report a rename?", lang="en")
    assert "Article 14" in shown(reply, 0)
    assert "1/21" in shown(reply) and "Plot ratio" in shown(reply)
    state = engine.chats.load(1).state
    assert state["at"] == 0 and state["answers"] == {}
    assert any(d.endswith(":skip") for d in data(reply))


@pytest.mark.parametrize("question", ["改名以后多久要报备？", "复核不合格会怎样？"])
def test_score_ratio_step_answers_a_question_in_chinese(engine: Engine, question: str) -> None:
    # The Q&A's confidence decides, whatever its score: a question whose answer is uncertain
    # between two articles is still answered (with its candidates), not "not understood".
    say(engine, "/score")
    reply = say(engine, question)
    assert "没有看懂" not in texts(reply)
    assert "1/21" in shown(reply)
    assert engine.chats.load(1).state["answers"] == {}


def test_a_question_inside_a_flow_is_put_to_the_qa_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.handlers import ask
    from bot.qa import default_index

    index = default_index()
    asked: list[str] = []
    real = index.ask

    def counted(question: str, lang: str = "zh") -> object:
        asked.append(question)
        return real(question, lang)

    monkeypatch.setattr(index, "ask", counted)
    ask._answer.cache_clear()  # a cached answer would hide a second look-up
    say(engine, "/remind")
    reply = say(engine, "企业改名以后多久内要报备？")
    assert "请输入单位名称" in shown(reply)
    assert asked == ["企业改名以后多久内要报备？"]
