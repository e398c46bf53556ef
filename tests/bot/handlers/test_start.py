"""/start and /help: the welcome in the user's language, the main menu and where it leads."""

from __future__ import annotations

import re

import pytest

from bot.engine import Engine
from bot.render import Lang, label
from tests.support.conversation import data, kinds, labels, say, shown, tap

MENU_ZH = {"问答": "m:qa", "申报预审": "m:ps", "快速评分": "m:sc", "期限提醒": "m:rm"}
MENU_EN = {"Ask": "m:qa", "Can we apply?": "m:ps", "Quick score": "m:sc", "Deadlines": "m:rm"}
PUBLIC = {
    "start",
    "email",
    "help",
    "article",
    "lang",
    "cancel",
    "forget",
    "reminders",
    "prescreen",
    "score",
    "remind",
}
LISTED = re.compile(r"^/(\w+) — (.+)$", re.MULTILINE)


def test_start_shows_the_main_menu(engine: Engine) -> None:
    reply = say(engine, "/start")
    assert "绿色制造单位助手" in reply.messages[0].text
    assert labels(reply) == MENU_ZH
    rows = [[button.data for button in row] for row in reply.messages[0].buttons]
    assert rows == [["m:qa", "m:ps"], ["m:sc", "m:rm"]]  # two to a row, Q&A first


@pytest.mark.parametrize("code", [None, "", "zh", "zh-hans", "zh-TW", "de", "ru", "ja"])
def test_start_is_in_chinese_unless_telegram_says_english(engine: Engine, code: str | None) -> None:
    reply = say(engine, "/start", lang=code)
    assert "您好！我是绿色制造单位助手" in shown(reply)
    assert labels(reply) == MENU_ZH


@pytest.mark.parametrize("code", ["en", "en-GB", "en-us", "EN"])
def test_start_is_in_english_for_english_telegram_users(engine: Engine, code: str) -> None:
    reply = say(engine, "/start", lang=code)
    assert "Hello! I am the green manufacturing assistant" in shown(reply)
    assert "您好" not in shown(reply)
    assert labels(reply) == MENU_EN


@pytest.mark.parametrize("code", ["zh", "en"])
def test_the_welcome_names_only_commands_that_exist(engine: Engine, code: str) -> None:
    named = set(re.findall(r"/(\w+)", shown(say(engine, "/start", lang=code))))
    assert named == {"prescreen", "score", "remind"}
    assert named <= set(engine.commands)


@pytest.mark.parametrize(("code", "heading"), [("zh", "使用说明"), ("en", "How to use")])
def test_help_lists_every_public_command_with_its_description(
    engine: Engine, code: Lang, heading: str
) -> None:
    reply = say(engine, "/help", lang=code)
    text = shown(reply)
    assert text.startswith(heading)
    listed = dict(LISTED.findall(text))
    assert set(listed) == PUBLIC
    assert set(listed) == {command.name for command in engine.public_commands()}
    for name, description in listed.items():
        assert description == label(f"command.{name}", code)
    assert labels(reply) == (MENU_ZH if code == "zh" else MENU_EN)


def test_help_hides_the_administrators_commands_even_from_them(engine: Engine) -> None:
    text = shown(say(engine, "/help", chat=999))  # 999 is the fixture's administrator
    assert "/start" in text and "/stats" not in text
    assert "聊天总数" in shown(say(engine, "/stats", chat=999))  # yet the command works


def test_help_examples_are_references_the_bot_understands(engine: Engine) -> None:
    """The references /help suggests typing, typed as questions, each quote what they name."""
    for typed, heading in [
        ("第十一条", "【第十一条】"),
        ("11条", "【第十一条】"),
        ("第十一条第六项", "【第十一条第（六）项】"),
        ("ind-14", "【附表指标14】"),
    ]:
        assert f"“{typed}”" in shown(say(engine, "/help"))
        assert shown(say(engine, typed)).startswith(heading), typed
    for typed, heading in [
        ("Article 11", "[Article 11]"),
        ("Art 11(6)", "[Article 11(6)]"),
        ("ind-14", "[Indicator 14]"),
    ]:
        assert f'"{typed}"' in shown(say(engine, "/help", lang="en"))
        assert shown(say(engine, typed, lang="en")).startswith(heading), typed


@pytest.mark.parametrize(
    ("code", "menu", "flow", "expected"),
    [
        ("zh", "m:qa", None, "请直接输入您的问题"),
        ("zh", "m:ps", "prescreen", "第1题"),
        ("zh", "m:sc", "score", "1/21"),
        ("zh", "m:rm", "remind", "请输入单位名称"),
        ("en", "m:qa", None, "Type your question"),
        ("en", "m:ps", "prescreen", "Question 1."),
        ("en", "m:sc", "score", "1/21"),
        ("en", "m:rm", "remind", "Please type the unit's name"),
    ],
)
def test_each_menu_button_leads_to_its_feature(
    engine: Engine, code: str, menu: str, flow: str | None, expected: str
) -> None:
    assert menu in data(say(engine, "/start", lang=code))
    reply = tap(engine, menu, lang=code)
    assert expected in shown(reply)
    assert engine.chats.load(1).flow == flow
    if flow is not None:  # a guided flow: its step's buttons belong to it
        assert data(reply) and all(d.startswith("d:") for d in data(reply))
        assert engine.chats.load(1).nonce == data(reply)[0].split(":")[1]


def test_ask_from_the_menu_then_type_a_question(engine: Engine) -> None:
    tap(engine, "m:qa")
    answer = say(engine, "老赖能申报吗")
    assert shown(answer).startswith("【第十一条第（六）项】失信被执行人")
    assert data(answer)[0] == "a:art-11"


def test_start_leaves_the_flow_in_progress(engine: Engine) -> None:
    question = say(engine, "/prescreen")
    assert engine.chats.load(1).flow == "prescreen"
    welcome = say(engine, "/start")
    assert labels(welcome) == MENU_ZH
    assert engine.chats.load(1).flow is None
    stale = tap(engine, data(question)[0])
    assert stale.notice == "这个菜单已过期"
    assert kinds(engine)[-2:] == ["command:start", "flow:prescreen:cancel"]
