"""One chat's trouble on the Bot API side, against both engines: flood control, a hung send,
a burst of 5xx, failing getUpdates. Each test measures a second chat, and reads the log."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from bot.transports.outbox import RetryPolicy
from tests.bot.transports.conftest import ENGINES, running
from tests.support.fake_telegram import FakeTelegram

pytestmark = [pytest.mark.timeout(90), pytest.mark.parametrize("engine_name", ENGINES)]

# Small numbers keep the wall time short; the behaviour is the same at full scale.
FAST = RetryPolicy(backoff_start=0.05, backoff_cap=0.2, give_up_after=60.0, request_timeout=1.0)
QUESTION = "第十一条"


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Expected weather is logged as one line per event: no traceback, nothing above WARNING."""
    loud = [r for r in caplog.records if r.exc_info or r.levelno > logging.WARNING]
    assert not loud, [f"{r.levelname} {r.name}: {r.getMessage()}" for r in loud]


async def reply_time(tg: FakeTelegram, chat_id: int, count: int, started: float) -> float:
    await tg.await_sent(chat_id, count, timeout=20)
    return time.monotonic() - started


async def test_flood_control_in_one_chat_does_not_delay_another(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(engine_name, tg, tmp_path / "bot.sqlite3", policy=FAST):
        tg.fail("sendMessage", 429, retry_after=3, chat_id=21)
        started = time.monotonic()
        tg.send_text(21, 21, QUESTION)
        await tg.await_for(lambda t: any(c.status == 429 for c in t.calls))
        tg.send_text(22, 22, QUESTION)
        other = await reply_time(tg, 22, 1, started)
        flooded = await reply_time(tg, 21, 1, started)
        await asyncio.sleep(0.5)  # room for a second copy, had the bot sent one
    assert other < 1.5, f"chat 22 waited {other:.1f} s for chat 21's flood control"
    assert flooded >= 3.0  # chat 21 itself did wait retry_after
    assert len(tg.sent(21)) == 1
    assert any("flood control" in r.getMessage() for r in caplog.records)
    assert_no_traceback(caplog)


async def test_hung_send_neither_delays_others_nor_answers_twice(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(engine_name, tg, tmp_path / "bot.sqlite3", policy=FAST):
        # The server sits on chat 31's reply for 3 s (past the 1 s request timeout), then
        # carries it out: the user has the message although the bot saw no answer.
        tg.hang("sendMessage", 3.0, chat_id=31)
        started = time.monotonic()
        tg.send_text(31, 31, QUESTION)
        await tg.await_for(lambda t: any(c.method == "getUpdates" for c in t.calls))
        await asyncio.sleep(0.2)
        tg.send_text(32, 32, QUESTION)
        other = await reply_time(tg, 32, 1, started)
        await reply_time(tg, 31, 1, started)
        await asyncio.sleep(1.5)  # room for a second copy, had the bot sent one
        tg.send_text(31, 31, "/help")  # and the chat goes on
        await tg.await_sent(31, 2, timeout=10)
    assert other < 1.5, f"chat 32 waited {other:.1f} s for chat 31's hung request"
    texts = [r.text for r in tg.sent(31)]
    assert len(texts) == 2 and "/article" in (texts[1] or ""), texts
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("sendMessage" in m and "may have arrived" in m for m in warned), warned
    assert_no_traceback(caplog)


async def test_reply_survives_a_burst_of_server_errors(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(engine_name, tg, tmp_path / "bot.sqlite3", policy=FAST):
        tg.fail("sendMessage", 502, times=10, chat_id=41)
        started = time.monotonic()
        tg.send_text(41, 41, QUESTION)
        await tg.await_for(lambda t: any(c.status == 502 for c in t.calls))
        tg.send_text(42, 42, QUESTION)
        other = await reply_time(tg, 42, 1, started)
        [answer] = await tg.await_sent(41, 1, timeout=20)
        await asyncio.sleep(0.5)
    assert len(tg.sent(41)) == 1
    assert "不得入围" in (answer.text or "")
    assert other < 1.5, f"chat 42 waited {other:.1f} s for chat 41's retries"
    failures = [c for c in tg.calls if c.method == "sendMessage" and c.status == 502]
    assert len(failures) == 10
    retried = [
        r
        for r in caplog.records
        if "sendMessage" in r.getMessage() and "retrying" in r.getMessage()
    ]
    assert len(retried) == 10
    assert all(r.levelno == logging.WARNING for r in retried)
    assert_no_traceback(caplog)


async def test_failing_get_updates_is_one_warning_each_and_recovers_quickly(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(engine_name, tg, tmp_path / "bot.sqlite3", policy=FAST):
        tg.fail("getUpdates", 500, times=5)
        tg.drop("getUpdates", times=3)
        tg.fail("getUpdates", 502, times=3)
        # A poll already under way is past the faults: wait until they bite, then write.
        await tg.await_for(lambda t: any(c.status == 500 for c in t.calls), timeout=10)
        tg.send_text(51, 51, QUESTION)
        started = time.monotonic()
        [answer] = await tg.await_sent(51, 1, timeout=30)
        waited = time.monotonic() - started
    assert "不得入围" in (answer.text or "")
    failed = [c for c in tg.calls if c.method == "getUpdates" and c.status != 200]
    assert len(failed) == 11
    # The back-off is capped (here at 0.2 s), so eleven failures cost seconds, not half a minute.
    assert waited < 8, f"the reply took {waited:.1f} s after eleven failed polls"
    polls = [r for r in caplog.records if "getUpdates" in r.getMessage()]
    assert len([r for r in polls if r.levelno == logging.WARNING]) >= 11
    assert_no_traceback(caplog)


async def test_a_token_revoked_while_serving_ends_the_run_in_one_line(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    if engine_name != "ptb":
        pytest.skip("aiogram keeps polling (one WARNING line per try) until the token works")
    from bot.app import build_engine
    from bot.transports.common import StartupError
    from bot.transports.ptb_runner import run_polling
    from tests.bot.transports.conftest import TOKEN

    engine = build_engine(str(tmp_path / "bot.sqlite3"))
    task = asyncio.create_task(run_polling(engine, TOKEN, tg.base_url, polling_timeout=1))
    await tg.await_for(lambda t: any(c.method == "getUpdates" for c in t.calls), timeout=10)
    tg.token = "987654321:" + "R" * 35  # revoked: every call is now 401
    with pytest.raises(StartupError, match="401"):
        await asyncio.wait_for(task, timeout=15)
