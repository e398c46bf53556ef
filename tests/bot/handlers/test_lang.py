"""/lang zh|en and the language buttons: the choice, its persistence, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_engine
from bot.engine import Engine
from tests.support.conversation import data, labels, say, shown, tap

CHOICE = {"中文": "l:zh", "English": "l:en"}
MENU_EN = ["Ask", "Can we apply?", "Quick score", "Deadlines"]
MENU_ZH = ["问答", "申报预审", "快速评分", "期限提醒"]


def test_language_follows_telegram_then_lang_command(engine: Engine) -> None:
    assert "Hello" in say(engine, "/start", lang="en-GB").messages[0].text
    assert "您好" in say(engine, "/start", chat=2, lang="de").messages[0].text
    say(engine, "/lang en", chat=2, lang="de")
    assert "Hello" in say(engine, "/start", chat=2, lang="de").messages[0].text
    reply = say(engine, "/lang fr", chat=2)
    assert labels(reply) == CHOICE
    tap(engine, "l:zh", chat=2)
    assert "您好" in say(engine, "/start", chat=2, lang="en").messages[0].text


def test_lang_en_answers_in_english_at_once_and_from_then_on(engine: Engine) -> None:
    reply = say(engine, "/lang en")  # a Chinese Telegram user
    assert shown(reply) == "OK, I will reply in English."
    assert list(labels(reply)) == MENU_EN
    assert engine.chats.load(1).lang == "en"
    assert shown(say(engine, "/help")).startswith("How to use")
    assert shown(say(engine, "老赖能申报吗")).startswith("[Article 11(6)] ")
    assert "Original text (Chinese)" in shown(say(engine, "厂区迁址要重新复核吗"))
    assert "Question 1." in shown(say(engine, "/prescreen"))
    assert tap(engine, "a:zz", lang="zh").notice == "Unrecognised button"


def test_lang_zh_for_an_english_telegram_user(engine: Engine) -> None:
    reply = say(engine, "/lang zh", lang="en-US")
    assert shown(reply) == "好的，之后用中文回复。"
    assert list(labels(reply)) == MENU_ZH
    assert shown(say(engine, "/start", lang="en-US")).startswith("您好！")
    assert shown(say(engine, "第十五条", lang="en-US")).startswith("【第十五条】")


@pytest.mark.parametrize("typed", ["EN", " en ", "En", "en-US", "en_GB"])
def test_the_code_is_read_whatever_its_case_and_spacing(engine: Engine, typed: str) -> None:
    assert shown(say(engine, f"/lang {typed}")) == "OK, I will reply in English."
    assert engine.chats.load(1).lang == "en"


@pytest.mark.parametrize("typed", ["", "fr", "english", "fr-CA", "中文", "zh en", "de"])
def test_an_invalid_or_missing_code_offers_the_choice(engine: Engine, typed: str) -> None:
    reply = say(engine, f"/lang {typed}".rstrip())
    assert labels(reply) == CHOICE
    assert "请选择语言：/lang zh 或 /lang en" in shown(reply)
    assert (f"不支持“{typed}”" in shown(reply)) == bool(typed)
    assert engine.chats.load(1).lang is None  # nothing chosen yet


def test_the_choice_is_offered_in_the_current_language(engine: Engine) -> None:
    reply = say(engine, "/lang klingon", lang="en")
    assert shown(reply) == '"klingon" is not available. Choose a language: /lang zh or /lang en'
    assert labels(reply) == CHOICE  # each language named in itself


def test_what_was_typed_is_escaped_and_cut(engine: Engine) -> None:
    reply = say(engine, "/lang <b>&" + "x" * 40)
    assert "“&lt;b&gt;&amp;" + "x" * 16 + "”" in reply.messages[0].text  # 20 characters
    assert "x" * 17 not in reply.messages[0].text


def test_the_choice_buttons_set_the_language(engine: Engine) -> None:
    offered = say(engine, "/lang")
    english = tap(engine, offered.messages[0].buttons[0][1].data)
    assert shown(english) == "OK, I will reply in English."
    assert list(labels(english)) == MENU_EN and not english.messages[0].edit
    assert shown(say(engine, "/start")).startswith("Hello!")
    chinese = tap(engine, CHOICE["中文"], lang="en")
    assert shown(chinese) == "好的，之后用中文回复。"
    assert shown(say(engine, "/start", lang="en")).startswith("您好！")


@pytest.mark.parametrize("button", ["l:fr", "l:", "l:EN", "l:zh-hans", "l:<b>"])
def test_a_forged_language_button_changes_nothing(engine: Engine, button: str) -> None:
    say(engine, "/lang en")
    reply = tap(engine, button)
    assert reply.notice == "Unrecognised button"
    assert data(reply) == ["m:qa", "m:ps", "m:sc", "m:rm"]
    assert engine.chats.load(1).lang == "en"


def test_the_language_is_the_chats_own(engine: Engine) -> None:
    say(engine, "/lang en", chat=1)
    assert shown(say(engine, "/start", chat=2)).startswith("您好！")
    assert engine.chats.load(2).lang is None
    say(engine, "/lang zh", chat=2, lang="en")
    assert shown(say(engine, "/start", chat=1)).startswith("Hello!")


def test_switching_inside_a_flow_keeps_the_flow(engine: Engine) -> None:
    question = say(engine, "/prescreen")
    assert "第1题" in shown(question)
    say(engine, "/lang en")
    assert engine.chats.load(1).flow == "prescreen"
    answered = tap(engine, data(question)[0])  # the question's buttons still count
    assert answered.notice is None
    assert "Question 2." in shown(answered)


def test_the_choice_survives_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.sqlite3")
    say(build_engine(path), "/lang en")
    restarted = build_engine(path)
    assert shown(say(restarted, "/start")).startswith("Hello!")
    assert restarted.chats.load(1).lang == "en"


def test_forgetting_the_chat_forgets_the_choice(engine: Engine) -> None:
    say(engine, "/lang en")
    tap(engine, labels(say(engine, "/forget"))["Yes, delete"])
    assert shown(say(engine, "/start")).startswith("您好！")  # the Telegram code decides again
