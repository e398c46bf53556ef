"""Run a real Telegram engine (aiogram or python-telegram-bot) against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import build_engine
from bot.engine import Engine
from bot.transports.outbox import DEFAULT_POLICY, RetryPolicy
from tests.support.fake_telegram import FakeTelegram

TOKEN = "123456789:" + "A" * 35
ENGINES = ("aiogram", "ptb")


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as server:
        yield server


@contextlib.asynccontextmanager
async def running(
    engine_name: str,
    tg: FakeTelegram,
    db_path: Path | str,
    admins: frozenset[int] = frozenset(),
    policy: RetryPolicy = DEFAULT_POLICY,
) -> AsyncIterator[Engine]:
    """Serve with ``engine_name`` on this loop until the block ends."""
    engine = build_engine(str(db_path), admins)
    if engine_name == "aiogram":
        from bot.transports.aiogram_runner import run_polling
    else:
        from bot.transports.ptb_runner import run_polling
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_polling(engine, TOKEN, tg.base_url, stop=stop, polling_timeout=1, policy=policy)
    )
    try:
        await tg.await_for(
            lambda t: any(c.method.lower() == "getupdates" for c in t.calls), timeout=10
        )
        yield engine
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
