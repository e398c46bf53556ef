"""/forget: a confirmation first; yes deletes everything stored about the chat, no keeps it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.dates import TZ
from bot.engine import Engine
from bot.identity import as_chat_id
from bot.reminders.store import ReminderStore
from tests.support.conversation import data, kinds, labels, say, shown, tap

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)
TABLES = ("chats", "activity", "units", "deadlines", "reminders", "blocked_chats")


def rows(engine: Engine, chat: int) -> dict[str, int]:
    """How many rows each table holds about ``chat``."""
    db = engine.services.db
    return {
        table: db.execute(
            f"select count(*) from {table} where chat_id = ?", [as_chat_id(chat)]
        ).fetchone()[0]
        for table in TABLES
    }


def store_of(engine: Engine) -> ReminderStore:
    return engine.services.extras["reminders"]  # type: ignore[no-any-return]


def make_history(engine: Engine, chat: int) -> None:
    """A chat that chose English, asked a question, enrolled a unit and was once blocked."""
    say(engine, "/lang en", chat=chat)
    say(engine, "第十一条", chat=chat)
    store_of(engine).enrol(chat, f"北京{chat}厂", None, "rename", date(2026, 3, 1), NOW)
    store_of(engine).deactivate_chat(chat, NOW)


def test_forget_asks_first_and_deletes_nothing_yet(engine: Engine) -> None:
    make_history(engine, 1)
    before = rows(engine, 1)
    reply = say(engine, "/forget")
    assert "确认删除本聊天在机器人中保存的全部数据" not in shown(reply)  # the chat speaks English
    assert "Delete everything this bot stores about this chat" in shown(reply)
    [[yes, no]] = reply.messages[0].buttons
    nonce = engine.chats.load(1).nonce
    assert (yes.label, yes.data) == ("Yes, delete", f"d:{nonce}:yes")
    assert (no.label, no.data) == ("No, keep", f"d:{nonce}:no")
    after = rows(engine, 1)
    assert {t: after[t] for t in TABLES if t != "activity"} == {
        t: before[t] for t in TABLES if t != "activity"
    }


def test_the_confirmation_in_chinese(engine: Engine) -> None:
    reply = say(engine, "/forget")
    assert "确认删除本聊天在机器人中保存的全部数据" in shown(reply)
    assert "此操作不可撤销" in shown(reply)
    assert list(labels(reply)) == ["确认删除", "取消"]


def test_forget_deletes_everything_after_confirmation(engine: Engine) -> None:
    say(engine, "/lang en")
    say(engine, "第十一条")
    yes = labels(say(engine, "/forget"))["Yes, delete"]
    assert (
        engine.services.db.execute(
            "select count(*) from activity where chat_id = 'telegram:1'"
        ).fetchone()[0]
        > 0
    )
    done = tap(engine, yes)
    assert "deleted" in done.messages[0].text
    db = engine.services.db
    assert db.execute("select count(*) from chats where chat_id = 'telegram:1'").fetchone()[0] == 0
    assert (
        db.execute("select count(*) from activity where chat_id = 'telegram:1'").fetchone()[0] == 0
    )


def test_yes_deletes_every_row_of_the_chat_and_nothing_of_others(engine: Engine) -> None:
    make_history(engine, 1)
    make_history(engine, 2)
    others = rows(engine, 2)
    assert all(rows(engine, 1).values()), rows(engine, 1)  # something in every table
    done = tap(engine, labels(say(engine, "/forget"))["Yes, delete"])
    assert shown(done) == "Everything about this chat has been deleted. Send /start to begin again."
    assert done.messages[0].buttons == ()
    assert rows(engine, 1) == dict.fromkeys(TABLES, 0)
    assert rows(engine, 2) == others
    assert store_of(engine).list_units(1) == [] and len(store_of(engine).list_units(2)) == 1


def test_after_forgetting_the_chat_is_new(engine: Engine) -> None:
    make_history(engine, 1)
    tap(engine, labels(say(engine, "/forget"))["Yes, delete"])
    assert shown(say(engine, "/start")).startswith("您好！")  # the Telegram code decides again
    assert "本对话还没有登记单位" in shown(say(engine, "/reminders"))
    assert kinds(engine) == ["command:start", "command:reminders"]  # a fresh log


@pytest.mark.parametrize(
    ("code", "says"), [("zh", "好的，数据保持不变。"), ("en", "OK, nothing was deleted.")]
)
def test_no_keeps_everything(engine: Engine, code: str, says: str) -> None:
    make_history(engine, 1)
    if code == "zh":
        say(engine, "/lang zh")
    before = rows(engine, 1)
    kept = tap(engine, data(say(engine, "/forget", lang=code))[1], lang=code)
    assert shown(kept) == says
    assert len(data(kept)) == 4 and data(kept)[0] == "m:qa"  # the main menu
    after = rows(engine, 1)
    assert after["activity"] > before["activity"]  # /forget itself was logged
    assert {t: after[t] for t in TABLES if t != "activity"} == {
        t: before[t] for t in TABLES if t != "activity"
    }
    assert engine.chats.load(1).lang == code and engine.chats.load(1).flow is None
    assert len(store_of(engine).list_units(1)) == 1


def test_another_chat_cannot_use_the_confirmation_buttons(engine: Engine) -> None:
    make_history(engine, 1)
    make_history(engine, 2)
    yes, no = data(say(engine, "/forget", chat=1))
    before = {chat: rows(engine, chat) for chat in (1, 2)}
    say(engine, "/forget", chat=2)  # chat 2 has a confirmation of its own open, chat 3 none
    for button in (yes, no):
        assert tap(engine, button, chat=2).notice == "This menu has expired"
        assert tap(engine, button, chat=3).notice == "这个菜单已过期"
    assert rows(engine, 1) == before[1]
    assert {t: n for t, n in rows(engine, 2).items() if t != "activity"} == {
        t: n for t, n in before[2].items() if t != "activity"
    }
    assert engine.chats.load(1).flow == "forget" and engine.chats.load(2).flow == "forget"
    assert shown(tap(engine, yes, chat=1)).startswith("Everything about this chat")
    assert rows(engine, 1) == dict.fromkeys(TABLES, 0) and rows(engine, 2)["units"] == 1


def test_typing_instead_of_tapping_asks_again(engine: Engine) -> None:
    say(engine, "/lang en")
    first = data(say(engine, "/forget"))
    again = say(engine, "yes")
    assert "Delete everything this bot stores" in shown(again)
    assert data(again) != first
    assert tap(engine, first[0]).notice == "This menu has expired"
    assert engine.chats.load(1).lang == "en"  # nothing deleted by typing


def test_a_forged_answer_is_refused_and_the_question_stands(engine: Engine) -> None:
    say(engine, "/lang en")
    yes, no = data(say(engine, "/forget"))
    nonce = yes.split(":")[1]
    refused = tap(engine, f"d:{nonce}:maybe")
    assert refused.notice == "Unrecognised button"
    assert engine.chats.load(1).lang == "en" and engine.chats.load(1).flow == "forget"
    assert shown(tap(engine, no)) == "OK, nothing was deleted."


def test_yes_tapped_twice_deletes_once(engine: Engine) -> None:
    yes = data(say(engine, "/forget"))[0]
    tap(engine, yes)
    say(engine, "/lang en")  # the chat starts over
    second = tap(engine, yes)
    assert second.notice == "This menu has expired"
    assert engine.chats.load(1).lang == "en"


GROUP = -100123  # Telegram's group and supergroup ids are negative
ADMIN = 999  # an administrator of the bot (tests/conftest.py)


def test_in_a_group_only_an_administrator_can_forget_the_chat(engine: Engine) -> None:
    # A group's data holds every member's enrolments: one member may not delete the others'.
    store_of(engine).enrol(GROUP, "北京甲厂", None, "rename", date(2026, 3, 1), NOW, enrolled_by=7)
    before = {t: n for t, n in rows(engine, GROUP).items() if t in ("units", "deadlines")}
    refused = say(engine, "/forget", chat=GROUP, user=7)
    assert "管理员" in shown(refused) and not data(refused)
    # nor can a member tap the confirmation an administrator was shown
    yes = say(engine, "/forget", chat=GROUP, user=ADMIN).messages[0].buttons[0][0].data
    assert "管理员" in shown(tap(engine, yes, chat=GROUP, user=8))
    assert {t: n for t, n in rows(engine, GROUP).items() if t in before} == before
    yes = say(engine, "/forget", chat=GROUP, user=ADMIN).messages[0].buttons[0][0].data
    tap(engine, yes, chat=GROUP, user=ADMIN)
    assert rows(engine, GROUP)["units"] == 0


def test_in_a_private_chat_anyone_forgets_their_own_chat(engine: Engine) -> None:
    make_history(engine, 5)
    yes = say(engine, "/forget", chat=5).messages[0].buttons[0][0].data
    tap(engine, yes, chat=5)
    assert set(rows(engine, 5).values()) == {0}
