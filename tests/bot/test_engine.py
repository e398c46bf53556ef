"""The conversation engine, driven directly: routing, state, expiry, isolation, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_engine
from bot.engine import CALLBACK_DATA_MAX, Button, Engine
from tests.support.conversation import kinds, labels, say, tap


def test_an_unknown_command_is_answered_and_commands_ignore_case_and_bot_name(
    engine: Engine,
) -> None:
    assert "没有这个命令" in say(engine, "/nope").messages[0].text
    assert "没有这个命令" in say(engine, "/nope@greenbot_bot now").messages[0].text
    welcome = say(engine, "/start").messages[0].text
    assert say(engine, "/START").messages[0].text == welcome
    assert say(engine, "/start@greenbot_bot").messages[0].text == welcome


def test_forged_and_expired_buttons_are_answered_politely(engine: Engine) -> None:
    for data in ("", "garbage", "zz:1", "a:art-99", "l:fr", "m:nothing", "d:", "x" * 80):
        reply = tap(engine, data)
        assert reply.notice and reply.messages and labels(reply), data
    confirm = say(engine, "/forget")
    old = labels(confirm)["取消"]
    say(engine, "/cancel")
    expired = tap(engine, old)
    assert "已过期" in expired.messages[0].text and labels(expired)


def test_buttons_of_an_earlier_step_expire(engine: Engine) -> None:
    first = labels(say(engine, "/forget"))["取消"]
    second = labels(say(engine, "/forget"))["取消"]
    assert first != second
    assert "已过期" in tap(engine, first).messages[0].text
    assert "保持不变" in tap(engine, second).messages[0].text


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite3")
    before = build_engine(db)
    keep = labels(say(before, "/forget"))["取消"]
    after = build_engine(db)  # a new process on the same file
    assert "保持不变" in tap(after, keep).messages[0].text


def test_chats_are_isolated(engine: Engine) -> None:
    mine = labels(say(engine, "/forget", chat=1))["确认删除"]
    # Another chat replaying chat 1's button data gets nothing of chat 1's.
    assert "已过期" in tap(engine, mine, chat=2).messages[0].text
    assert engine.chats.load(1).flow == "forget"
    assert engine.chats.load(2).flow is None


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "x" * 10_000, "\x00\x01"])
def test_bad_messages_get_a_polite_reply(engine: Engine, text: str) -> None:
    reply = say(engine, text)
    assert reply.messages and reply.messages[0].text


def test_a_failing_handler_becomes_an_apology(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.handlers import ask

    class Broken:
        def ask(self, *args: object) -> None:
            raise RuntimeError("boom")

    monkeypatch.setattr(engine.services, "qa", Broken())
    ask._answer.cache_clear()
    assert "出了问题" in say(engine, "第十一条").messages[0].text
    ask._answer.cache_clear()  # nothing of the failure stays behind


def test_callback_data_limit_is_enforced() -> None:
    with pytest.raises(ValueError):
        Button("x", "d:abcdef:" + "y" * CALLBACK_DATA_MAX)


def test_the_activity_log_tells_finished_flows_from_abandoned_ones(engine: Engine) -> None:
    """/stats counts flows by how they ended: the user's own Cancel, or giving up a flow put
    aside for another, is a cancel; putting one aside is a pause; only a flow that reached its
    end is an end."""
    say(engine, "/prescreen")
    say(engine, "/score")  # the pre-screen is put aside, not ended
    assert kinds(engine)[-3:] == ["command:score", "flow:prescreen:pause", "flow:score:start"]
    reply = say(engine, "/remind")  # the score goes aside in its place: the pre-screen is given up
    assert kinds(engine)[-4:] == [
        "command:remind",
        "flow:prescreen:cancel",
        "flow:score:pause",
        "flow:remind:start",
    ]
    tap(engine, labels(reply)["取消"])
    assert kinds(engine)[-1] == "flow:remind:cancel"
    reply = say(engine, "/forget")
    tap(engine, labels(reply)["取消"])
    assert kinds(engine)[-1] == "flow:forget:cancel"
    assert not any(kind.endswith(":end") for kind in kinds(engine))


# -- starting a flow while another waits for an answer -----------------------------------------


def test_starting_another_flow_puts_the_first_aside_and_offers_it_back(engine: Engine) -> None:
    reply = say(engine, "/prescreen")
    reply = tap(engine, labels(reply)["绿色工厂"])
    reply = tap(engine, labels(reply)["市级名单"])
    assert "第3题" in reply.messages[-1].text
    score = say(engine, "/score")
    notice = score.messages[0].text
    assert "申报预审还没做完" in notice and len(notice.splitlines()) == 1
    assert labels(score)["↩ 回到申报预审"] == "m:resume"
    assert "1/21" in score.messages[-1].text  # the quick score has started
    assert engine.chats.load(1).flow == "score"
    # Going back: the pending question, answers kept, fresh buttons; the score goes aside.
    back = tap(engine, "m:resume")
    assert "第3题" in back.messages[-1].text
    assert engine.chats.load(1).state["answers"] == {"unit_type": "factory", "target": "municipal"}
    assert "快速评分还没做完" in back.messages[0].text
    assert labels(back)["↩ 回到快速评分"] == "m:resume"
    assert tap(engine, labels(score)["跳过/不知道"]).notice == "这个菜单已过期"
    assert "第4题" in tap(engine, labels(back)["不确定"]).messages[-1].text


def test_the_flow_aside_is_offered_again_when_the_other_one_ends(engine: Engine) -> None:
    reply = say(engine, "/prescreen")
    tap(engine, labels(reply)["绿色工厂"])
    remind = say(engine, "/remind")
    ended = tap(engine, labels(remind)["取消"])
    assert "已退出" in ended.messages[0].text
    assert "申报预审还没做完" in ended.messages[-1].text
    assert labels(ended)["↩ 回到申报预审"] == "m:resume"
    assert "第2题" in tap(engine, "m:resume").messages[-1].text


def test_cancel_ends_the_flow_aside_too(engine: Engine) -> None:
    say(engine, "/prescreen")
    say(engine, "/score")
    say(engine, "/cancel")
    assert engine.chats.load(1).paused is None and engine.chats.load(1).flow is None
    reply = tap(engine, "m:resume")
    assert reply.notice == "这个菜单已过期"
    assert kinds(engine)[-3:] == ["command:cancel", "flow:score:cancel", "flow:prescreen:cancel"]


def test_cancel_with_only_a_flow_aside_leaves_it(engine: Engine) -> None:
    say(engine, "/prescreen")
    kept = tap(engine, labels(say(engine, "/forget"))["取消"])  # the pre-screen stays aside
    assert labels(kept)["↩ 回到申报预审"] == "m:resume"
    assert "已退出当前流程" in say(engine, "/cancel").messages[0].text
    assert engine.chats.load(1).paused is None
    assert tap(engine, "m:resume").notice == "这个菜单已过期"


def test_a_flow_at_its_result_or_started_again_is_simply_left(engine: Engine) -> None:
    say(engine, "/prescreen")
    reply = say(engine, "/prescreen")  # the same flow again: a fresh start, nothing aside
    assert "还没做完" not in reply.messages[0].text and engine.chats.load(1).paused is None
    reply = say(engine, "/forget")  # the pre-screen goes aside …
    assert "申报预审还没做完" in reply.messages[0].text
    reply = say(engine, "/score")  # … but a confirmation is no flow to come back to
    assert "还没做完" not in reply.messages[0].text
    assert (engine.chats.load(1).paused or {})["flow"] == "prescreen"


def test_the_flow_aside_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite3")
    before = build_engine(db)
    reply = say(before, "/prescreen")
    tap(before, labels(reply)["绿色供应链管理企业"])
    say(before, "/remind")
    after = build_engine(db)
    back = tap(after, "m:resume")
    assert "第2题" in back.messages[-1].text
    assert after.chats.load(1).flow == "prescreen"
