"""The declared-flow machinery: versioned state, a damaged one, the forgery check, the
hand-off to the Q&A after a result, all written once for every flow."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine import Engine
from bot.render import label
from tests.support.conversation import labels, say, shown, tap


def _store(engine: Engine, flow: str, state: dict[str, Any]) -> None:
    chat = engine.chats.load(1)
    chat.flow, chat.state, chat.nonce = flow, state, "abc123"
    engine.chats.save(chat)


@pytest.mark.parametrize(
    "state",
    [
        {"v": 1, "step": "preview"},  # a step without the answers it shows
        {"v": 1, "step": "nowhere", "name": "北京甲厂"},  # a step the flow does not have
        {"v": 1, "step": "date", "name": "北京甲厂", "code_done": True, "event": "no-such"},
        {"v": 99, "step": "name"},  # saved by a newer version
        {"v": 1, "step": "code", "name": 42},
        "not a dict at all",
    ],
)
def test_a_state_that_cannot_be_used_starts_the_flow_again_politely(
    engine: Engine, state: Any
) -> None:
    _store(engine, "remind", state if isinstance(state, dict) else {"v": state})
    reply = say(engine, "北京乙厂")
    assert "旧版本保存的" in shown(reply, 0)
    assert "请输入单位名称" in shown(reply)
    assert engine.chats.load(1).state["step"] == "name"
    # and the flow goes on from there
    assert "统一社会信用代码" in shown(say(engine, "北京乙厂"))


def test_a_tap_on_a_damaged_state_starts_again_too(engine: Engine) -> None:
    _store(engine, "remind", {"v": 1, "step": "preview"})
    reply = tap(engine, "d:abc123:confirm")
    assert "旧版本保存的" in shown(reply, 0) and "请输入单位名称" in shown(reply)


def test_a_state_saved_before_versions_is_carried_on(engine: Engine) -> None:
    _store(engine, "remind", {"step": "code", "name": "北京甲厂"})
    say(engine, "跳过")
    state = engine.chats.load(1).state
    assert state["v"] == 1 and state["code_done"] is True and state["step"] != "code"
    assert state["name"] == "北京甲厂"


def test_a_payload_the_step_did_not_offer_is_forged(engine: Engine) -> None:
    asked = say(engine, "/remind")  # the name step offers 取消 only
    nonce = labels(asked)["取消"].split(":")[1]
    reply = tap(engine, f"d:{nonce}:confirm")
    assert reply.notice == label("notice.forged", "zh")
    assert engine.chats.load(1).state["step"] == "name"  # nothing moved
    assert "统一社会信用代码" in shown(say(engine, "北京甲厂"))


def test_the_forget_confirmation_saved_before_versions_still_works(engine: Engine) -> None:
    say(engine, "/lang en")
    _store(engine, "forget", {"asked": True})
    reply = tap(engine, "d:abc123:no")
    assert engine.chats.load(1).lang == "en" and engine.chats.load(1).flow is None
    assert reply.messages
