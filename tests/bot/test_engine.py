"""The conversation engine, driven directly: routing, state, expiry, isolation, forgetting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_engine
from bot.engine import CALLBACK_DATA_MAX, Button, Engine, Incoming, Reply


def say(engine: Engine, text: str, chat: int = 1, lang: str | None = "zh") -> Reply:
    return engine.handle(Incoming(chat, chat, text=text, lang_code=lang))


def tap(engine: Engine, data: str, chat: int = 1) -> Reply:
    return engine.handle(Incoming(chat, chat, button=data, lang_code="zh", message_id=1))


def labels(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for m in reply.messages for row in m.buttons for b in row}


def test_start_shows_the_main_menu(engine: Engine) -> None:
    reply = say(engine, "/start")
    assert "绿色制造单位助手" in reply.messages[0].text
    assert labels(reply) == {"问答": "m:qa", "申报预审": "m:ps", "快速评分": "m:sc",
                             "期限提醒": "m:rm"}


def test_language_follows_telegram_then_lang_command(engine: Engine) -> None:
    assert "Hello" in say(engine, "/start", lang="en-GB").messages[0].text
    assert "您好" in say(engine, "/start", chat=2, lang="de").messages[0].text
    say(engine, "/lang en", chat=2, lang="de")
    assert "Hello" in say(engine, "/start", chat=2, lang="de").messages[0].text
    reply = say(engine, "/lang fr", chat=2)
    assert labels(reply) == {"中文": "l:zh", "English": "l:en"}
    tap(engine, "l:zh", chat=2)
    assert "您好" in say(engine, "/start", chat=2, lang="en").messages[0].text


def test_a_question_gets_a_quoted_answer_and_article_buttons(engine: Engine) -> None:
    reply = say(engine, "厂区迁址要重新复核吗")
    assert "第十四条" in reply.messages[0].text and "<blockquote>" in reply.messages[0].text
    data = list(labels(reply).values())
    assert data and all(d.startswith("a:") for d in data)
    article = tap(engine, data[0])
    assert article.messages[0].text


def test_html_is_escaped_in_what_users_typed(engine: Engine) -> None:
    reply = say(engine, "/article <b>x</b>&")
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in reply.messages[0].text


def test_article_command(engine: Engine) -> None:
    assert "失信被执行人" in say(engine, "/article 11").messages[0].text
    assert "（六）失信被执行人；" in say(engine, "/article 11.6").messages[0].text
    assert "没有找到" in say(engine, "/article 99").messages[0].text
    index = say(engine, "/article")
    assert len(labels(index)) == 21


def test_unknown_command_and_admin_only_stats(engine: Engine) -> None:
    unknown = say(engine, "/nope").messages[0].text
    assert say(engine, "/stats").messages[0].text == unknown
    admin = engine.handle(Incoming(999, 999, text="/stats", lang_code="zh"))
    assert "聊天总数" in admin.messages[0].text


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


def test_forget_deletes_everything_after_confirmation(engine: Engine) -> None:
    say(engine, "/lang en")
    say(engine, "第十一条")
    yes = labels(say(engine, "/forget"))["Yes, delete"]
    assert engine.services.db.execute(
        "select count(*) from activity where chat_id = 1").fetchone()[0] > 0
    done = tap(engine, yes)
    assert "deleted" in done.messages[0].text
    db = engine.services.db
    assert db.execute("select count(*) from chats where chat_id = 1").fetchone()[0] == 0
    assert db.execute("select count(*) from activity where chat_id = 1").fetchone()[0] == 0


def test_cancel_leaves_a_flow(engine: Engine) -> None:
    assert "没有进行中" in say(engine, "/cancel").messages[0].text
    say(engine, "/forget")
    assert "已退出" in say(engine, "/cancel").messages[0].text
    assert engine.chats.load(1).flow is None


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "x" * 10_000, "\x00\x01"])
def test_bad_messages_get_a_polite_reply(engine: Engine, text: str) -> None:
    reply = say(engine, text)
    assert reply.messages and reply.messages[0].text


def test_a_failing_handler_becomes_an_apology(engine: Engine,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
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
