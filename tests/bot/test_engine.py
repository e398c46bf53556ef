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

    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ask, "default_index", boom)
    ask._answer.cache_clear()
    assert "出了问题" in say(engine, "第十一条").messages[0].text
    ask._answer.cache_clear()  # nothing of the failure stays behind


def test_callback_data_limit_is_enforced() -> None:
    with pytest.raises(ValueError):
        Button("x", "d:abcdef:" + "y" * CALLBACK_DATA_MAX)


def test_the_activity_log_tells_finished_flows_from_abandoned_ones(engine: Engine) -> None:
    """/stats counts flows by how they ended: the user's own Cancel, or leaving a flow for
    another, is a cancel; only a flow that reached its end is an end."""
    say(engine, "/prescreen")
    say(engine, "/score")  # the pre-screen is left unfinished
    assert kinds(engine)[-3:] == ["command:score", "flow:prescreen:cancel", "flow:score:start"]
    reply = say(engine, "/remind")
    tap(engine, labels(reply)["取消"])
    assert kinds(engine)[-1] == "flow:remind:cancel"
    reply = say(engine, "/forget")
    tap(engine, labels(reply)["取消"])
    assert kinds(engine)[-1] == "flow:forget:cancel"
    assert not any(kind.endswith(":end") for kind in kinds(engine))
