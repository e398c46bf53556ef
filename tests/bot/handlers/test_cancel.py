"""/cancel: leaving each guided flow (its buttons then expire), and nothing to leave."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from tests.support.conversation import data, kinds, labels, quoted, say, shown, tap, verbatim

MENU = ["m:qa", "m:ps", "m:sc", "m:rm"]
EXPIRED = "这个菜单已过期"


def test_cancel_leaves_a_flow(engine: Engine) -> None:
    assert "没有进行中" in say(engine, "/cancel").messages[0].text
    say(engine, "/forget")
    assert "已退出" in say(engine, "/cancel").messages[0].text
    assert engine.chats.load(1).flow is None


@pytest.mark.parametrize(
    ("code", "says"), [("zh", "当前没有进行中的流程。"), ("en", "There is no flow to leave.")]
)
def test_outside_any_flow_there_is_nothing_to_leave(engine: Engine, code: str, says: str) -> None:
    reply = say(engine, "/cancel", lang=code)
    assert shown(reply) == says
    assert data(reply) == MENU
    assert kinds(engine) == ["command:cancel"]  # no flow was cancelled
    assert shown(say(engine, "/cancel", lang=code)) == says  # and again


@pytest.mark.parametrize(
    ("start", "flow", "asks"),
    [
        ("/prescreen", "prescreen", "第1题"),
        ("/score", "score", "1/21"),
        ("/remind", "remind", "请输入单位名称"),
        ("/forget", "forget", "确认删除本聊天"),
    ],
)
def test_inside_a_flow_cancel_leaves_it_and_its_buttons_expire(
    engine: Engine, start: str, flow: str, asks: str
) -> None:
    step = say(engine, start)
    assert asks in shown(step) and engine.chats.load(1).flow == flow
    reply = say(engine, "/cancel")
    assert shown(reply) == "已退出当前流程。"
    assert data(reply) == MENU
    chat = engine.chats.load(1)
    assert (chat.flow, chat.state, chat.nonce) == (None, {}, None)
    assert kinds(engine)[-2:] == ["command:cancel", f"flow:{flow}:cancel"]
    for button in data(step):
        assert tap(engine, button).notice == EXPIRED, button
    assert shown(say(engine, "/cancel")) == "当前没有进行中的流程。"


def test_cancel_in_english(engine: Engine) -> None:
    say(engine, "/score", lang="en")
    reply = say(engine, "/cancel", lang="en")
    assert shown(reply) == "Left the current flow."
    assert list(labels(reply)) == ["Ask", "Can we apply?", "Quick score", "Deadlines"]


def test_a_flow_started_from_the_menu_is_cancelled_too(engine: Engine) -> None:
    step = tap(engine, "m:ps")
    assert engine.chats.load(1).flow == "prescreen"
    assert shown(say(engine, "/cancel")) == "已退出当前流程。"
    assert tap(engine, data(step)[0]).notice == EXPIRED


def test_after_cancelling_the_score_it_starts_again_from_the_first_question(engine: Engine) -> None:
    say(engine, "/score")
    second = say(engine, "1.6 1.0")
    assert "2/21" in shown(second)
    say(engine, "/cancel")
    again = say(engine, "/score")
    assert "1/21" in shown(again) and "2/21" not in shown(again)


def test_after_cancelling_text_is_a_question_again(engine: Engine) -> None:
    say(engine, "/remind")
    say(engine, "/cancel")
    answer = say(engine, "第十五条")  # not taken as the unit's name
    assert quoted(answer) == verbatim("art-15")
    assert engine.services.reminders.list_units(1) == []


def test_cancelling_the_forget_confirmation_deletes_nothing(engine: Engine) -> None:
    say(engine, "/lang en")
    yes = labels(say(engine, "/forget"))["Yes, delete"]
    say(engine, "/cancel")
    assert tap(engine, yes).notice == "This menu has expired"
    assert engine.chats.load(1).lang == "en"
    assert "command:lang" in kinds(engine)


def test_cancel_leaves_only_the_own_chats_flow(engine: Engine) -> None:
    say(engine, "/prescreen", chat=1)
    say(engine, "/score", chat=2)
    say(engine, "/cancel", chat=1)
    assert engine.chats.load(1).flow is None
    assert engine.chats.load(2).flow == "score"
