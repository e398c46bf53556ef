"""The flows as a console user types them: numbers where numbers are asked for, destructive
buttons by their word, no promise of delivery, no repeated welcome."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest

from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Engine
from bot.reminders.clock import ManualClock
from bot.storage import ChatState
from bot.transports.console import CONSOLE_CHAT_ID, ConsoleChat, run

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)
PARK_TO_SHARE = "/prescreen\n绿色工业园区\n市级名单\n否\n是\n是\n是\n"


@pytest.fixture
def engine() -> Engine:
    engine = build_engine(":memory:")
    engine.services.extras["clock"] = ManualClock(NOW)
    engine.dialogs["prescreen"].today = lambda: NOW.date()  # type: ignore[attr-defined]
    return engine


def chat(engine: Engine, script: str, lang: str | None = None) -> str:
    """A whole console session (greeting included) typing ``script``."""
    out = io.StringIO()
    assert run(engine, io.StringIO(script), out, interactive=False, lang_code=lang) == 0
    return out.getvalue()


class Typing:
    """One console chat typed into bit by bit, reading what each bit printed."""

    def __init__(self, engine: Engine, lang: str | None = None) -> None:
        self.out = io.StringIO()
        self.console = ConsoleChat(engine, self.out, lang_code=lang)

    def __call__(self, script: str) -> str:
        start = len(self.out.getvalue())
        for line in script.splitlines():
            assert self.console.feed(line)
        return self.out.getvalue()[start:]


def test_a_number_is_the_parks_share_not_a_tap(engine: Engine) -> None:
    text = chat(engine, PARK_TO_SHARE + "3\n")
    assert "园区工业增加值占比为3%" in text
    assert "重新开始" in text and text.count("申报预审\n") == 1  # never restarted


def test_restart_skip_cancel_and_delete_take_their_word(engine: Engine) -> None:
    typing = Typing(engine)
    text = typing(PARK_TO_SHARE)
    assert "[1] 不确定  [2] ⬅ 上一步  [重新开始]" in text
    assert not re.search(r"\[\d+\] 🔄", text)  # restart has no number
    assert "第1题" in typing("重新开始")
    assert engine.chats.load(CONSOLE_CHAT_ID).state["history"] == []
    text = typing("/remind\n取消")
    assert "[取消]" in text and "已退出" in text
    assert "[删除] 确认删除  [1] 取消" in typing("/forget")
    assert "数据保持不变" in typing("1")  # … while 1 keeps everything
    typing("/forget")
    typing("删除")
    assert engine.chats.load(CONSOLE_CHAT_ID) == ChatState(CONSOLE_CHAT_ID)  # nothing left


def test_numbers_in_the_quick_score_are_answers(engine: Engine) -> None:
    # 1: plot ratio, value then requirement typed as bare numbers (not 📖 or ⬅);
    # 2: a bare 2 is a value, not "skip"; skip is typed as its word.
    typing = Typing(engine)
    text = typing("/score\n2\n1\n2\n1")
    assert "2 / 2分" in text  # the plot ratio, 2 against 1
    assert "3/21" in text and "已跳过" not in text
    assert "[跳过] 跳过/不知道" in text
    text = typing("跳过")
    assert "已跳过" in text and "4/21" in text


def test_level_typed_as_a_number_is_the_level(engine: Engine) -> None:
    script = "/score\n" + "跳过\n" * 19 + "3\n"
    text = chat(engine, script)
    assert "3级" in text.rsplit("20.", 1)[-1]


def test_digit_taps_and_equals_still_work_elsewhere(engine: Engine) -> None:
    text = chat(engine, "/prescreen\n1\n=2\n")
    assert "→ 绿色工厂" in text  # 1 tapped the first choice
    assert "没有看懂“2”" in text  # =2 sent the text "2"


def test_enrolment_in_the_console_promises_no_delivery(engine: Engine) -> None:
    typing = Typing(engine)
    text = typing("/remind")
    assert "本对话都会收到提醒" not in text and "greenbot run" in text
    text = typing("北京甲厂\n跳过\n1\n2026-03-01\n1")
    assert "已登记" in text
    assert "马上发出" not in text
    assert "greenbot run" in text and "greenbot remind --once" in text and "Telegram" in text
    assert "第一条提醒现在就到期" in text
    engine.services.extras["clock"].advance(3 * 3600)  # later that day
    listing = typing("/reminders")
    assert "提醒现在到期" in listing and "控制台不发送" in listing
    assert "下次提醒 2026-03-05 10:00" not in listing  # a time in the past is never "next"
    assert "下次提醒 2026-03-24 09:00" not in listing


def test_enrolment_in_english(engine: Engine) -> None:
    script = "/remind\nBeijing Works\nskip\n1\n2026-03-01\n1\n/reminders\n"
    text = chat(engine, script, lang="en")
    assert "Enrolled" in text and "right away" not in text
    assert "the first reminder is due now" in text and "a reminder is due now" in text
    assert "greenbot remind --once" in text


def test_start_right_after_the_greeting_does_not_repeat_the_welcome(engine: Engine) -> None:
    text = chat(engine, "/start\n")
    assert text.count("您好！我是绿色制造单位助手") == 1
    assert text.count("[1] 问答") == 2  # the menu again, after a one-line note
    assert "欢迎说明就在上面" in text
    text = chat(engine, "/help\n/start\n")  # later on, /start is /start
    assert text.count("您好！我是绿色制造单位助手") == 2
