"""What both Telegram frameworks share: stopping after the replies in flight, background jobs,
the command menu, and the back-off of the retry policy."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bot import identity
from bot.app import build_engine
from bot.engine import Keyboard
from bot.reminders.errors import ChatBlocked
from bot.transports.common import BotCore
from bot.transports.outbox import RetryPolicy
from bot.transports.turns import in_turn


class NoPort:
    async def send_message(self, chat_id: int, text: str, buttons: Keyboard) -> int:
        return 1

    async def edit_message(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard
    ) -> None: ...

    async def send_document(
        self, chat_id: int, filename: str, data: bytes, caption: str
    ) -> None: ...

    async def send_photo(self, chat_id: int, filename: str, data: bytes, caption: str) -> None: ...

    async def answer_callback(self, callback_id: str, text: str | None) -> None: ...


@pytest.fixture
def core() -> BotCore:
    return BotCore(build_engine(":memory:"), NoPort())


async def test_drain_waits_for_the_event_in_flight_without_polling(
    core: BotCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = asyncio.Event()

    async def handling() -> None:
        async with core._in_turn(5):
            await release.wait()

    busy = asyncio.create_task(handling())
    await asyncio.sleep(0)
    naps: list[float] = []
    real_sleep = asyncio.sleep

    async def nap(seconds: float, *args: Any) -> Any:
        naps.append(seconds)
        return await real_sleep(seconds, *args)

    monkeypatch.setattr(asyncio, "sleep", nap)
    draining = asyncio.create_task(core.drain(timeout=5))
    await real_sleep(0.1)
    assert not draining.done()  # the reply is still on its way
    release.set()
    started = time.monotonic()
    await asyncio.wait_for(draining, 1)
    assert time.monotonic() - started < 0.5
    assert naps == []  # woken by the end of the event, not by looking every few milliseconds
    await busy


async def test_drain_gives_up_after_its_timeout(core: BotCore) -> None:
    async with core._in_turn(5):
        started = time.monotonic()
        await core.drain(timeout=0.1)
        assert 0.05 < time.monotonic() - started < 1


async def test_stop_drains_then_cancels_the_background_jobs(core: BotCore) -> None:
    ports: list[object] = []

    async def job(port: Any) -> None:
        ports.append(port)
        await asyncio.Event().wait()

    tasks = core.start([job])
    await asyncio.sleep(0)
    assert ports == [core.outbox.port]
    await core.stop(tasks)
    assert all(task.cancelled() for task in tasks)


async def test_a_refused_command_menu_is_one_warning(
    core: BotCore, caplog: pytest.LogCaptureFixture
) -> None:
    published: list[str | None] = []

    async def publish(commands: list[tuple[str, str]], lang_code: str | None) -> None:
        assert ("start", core.command_lists()[lang_code or "zh"][0][1]) in commands
        published.append(lang_code)
        if lang_code == "zh":
            raise TimeoutError("no answer")

    await core.publish_commands(publish, (TimeoutError,))
    assert published == [None, "zh"]  # the rest is not tried against a server that refuses
    assert [r.getMessage() for r in caplog.records] == [
        "setMyCommands (zh) refused: no answer; serving anyway"
    ]


class RefusingPort(NoPort):
    """Chat 13 has blocked the bot."""

    async def send_message(self, chat_id: int, text: str, buttons: Keyboard) -> int:
        if chat_id == 13:
            raise ChatBlocked("Forbidden: bot was blocked by the user")
        return 1


def _core_on_file(tmp_path: Path) -> BotCore:
    engine = build_engine(str(tmp_path / "bot.sqlite3"))
    engine.chats.set_blocked(identity.telegram(42), True)  # blocked in an earlier run
    return BotCore(engine, RefusingPort())


async def test_the_engines_connection_is_used_only_inside_turns(tmp_path: Path) -> None:
    core = _core_on_file(tmp_path)
    outside: list[str] = []  # statements run by a thread that holds no turn

    def trace(statement: str) -> None:
        if not in_turn():
            outside.append(statement)

    core.engine.services.db.conn.set_trace_callback(trace)
    await core.on_message(42, 42, "第十一条", "zh")  # it was blocked: unblocked now
    await core.on_message(13, 13, "第十一条", "zh")  # refused: blocked now
    await core.on_callback(7, 7, 1, "forged", "cb", "zh")
    core.engine.services.db.conn.set_trace_callback(None)
    assert outside == []
    chats = core.engine.chats
    assert not chats.is_blocked(identity.telegram(42)) and chats.is_blocked(identity.telegram(13))
    assert core.engine.services.reminders.is_blocked(identity.telegram(13))
    assert core.blocked == {identity.telegram(13)}


async def test_a_chat_unblocked_while_another_turn_is_inside_a_transaction(
    tmp_path: Path,
) -> None:
    """The blocked flag of a chat that writes again is cleared only once the engine is free:
    written from the loop in the middle of another turn's transaction, it became part of it,
    and was lost with it when that turn failed and rolled back."""
    core = _core_on_file(tmp_path)
    db = core.engine.services.db
    inside, go_on = threading.Event(), threading.Event()

    def failing_turn() -> None:
        with db.atomic():
            db.execute("insert into activity (chat_id, kind, at) values ('telegram:7', 'x', 0)")
            inside.set()
            go_on.wait(10)
            raise sqlite3.IntegrityError("the turn fails: its writes are rolled back")

    turn = asyncio.ensure_future(core.turns.run(identity.telegram(7), failing_turn))
    await asyncio.get_running_loop().run_in_executor(None, inside.wait, 10)
    message = asyncio.ensure_future(core.on_message(42, 42, "第十一条", "zh"))
    await asyncio.sleep(0.2)  # the message is taken in meanwhile (the loop is not held up)
    assert not message.done()
    go_on.set()
    with pytest.raises(sqlite3.IntegrityError):
        await turn
    await message
    assert db.execute("select count(*) from activity where kind = 'x'").fetchone()[0] == 0
    assert not core.engine.chats.is_blocked(identity.telegram(42))
    assert core.blocked == set()


async def test_start_warms_the_chart_workers_up_without_waiting_for_them(
    core: BotCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed = threading.Event()

    def slow_warm_up() -> None:
        time.sleep(0.5)  # spawning the processes; each then draws a chart on its own
        warmed.set()

    monkeypatch.setattr("bot.transports.common.warm_processes", slow_warm_up)
    started = time.monotonic()
    tasks = core.start([])
    assert time.monotonic() - started < 0.2 and not warmed.is_set()
    await core.stop(tasks)
    assert warmed.is_set()


def test_the_back_off_doubles_up_to_its_cap_and_starts_again() -> None:
    policy = RetryPolicy(backoff_start=0.5, backoff_cap=3.0, retry_after_cap=10.0)
    delays = policy.delays()
    assert [next(delays) for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert next(policy.delays()) == 0.5
    assert policy.flood_wait(4) == 4 and policy.flood_wait(60) == 10.0
