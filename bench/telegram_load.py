"""Telegram engine figures against the fake Bot API server on 127.0.0.1.

Run: ``python bench/telegram_load.py [--users 200] [--per-user 10]``. Prints:

1. updates per second through the aiogram engine answering free-text questions, as a ratio to
   a bare aiogram echo bot measured in the same run (target >= 0.7);
2. 200 simulated users sending interleaved messages: lost or crossed replies (target: none)
   and reply latency p50 / p99;
3. resident memory of a real ``greenbot run`` process, idle and after serving the load.

Nothing leaves the machine: the server listens on 127.0.0.1 and every loop is bounded.
Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456789:" + "B" * 35
ARTICLE_HEADINGS = ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条", "第八条",
                    "第九条", "第十条", "第十一条", "第十二条", "第十三条", "第十四条", "第十五条",
                    "第十六条", "第十七条", "第十八条", "第十九条", "第二十条", "第二十一条"]


def question_for(user: int, turn: int) -> tuple[str, str]:
    """A question and the heading its answer must carry (so crossed replies show)."""
    number = (user + turn) % 21
    return f"请问{ARTICLE_HEADINGS[number]}是怎么规定的", ARTICLE_HEADINGS[number]


async def drive(tg: FakeTelegram, users: int, per_user: int,
                check: Callable[[str, str], bool]) -> dict[str, float]:
    """Inject ``users * per_user`` messages interleaved; wait for every reply; check them."""
    base = 1_000_000
    expected: dict[int, list[tuple[str, float]]] = {base + u: [] for u in range(users)}
    all_before = len(tg.sent())  # before injecting: a fast bot answers during injection
    start = time.perf_counter()
    for turn in range(per_user):
        for user in range(users):
            chat = base + user
            text, heading = question_for(user, turn)
            expected[chat].append((heading, time.perf_counter()))
            tg.send_text(chat, chat, text)
        await asyncio.sleep(0)
    total = users * per_user
    deadline = time.perf_counter() + 120
    latencies: list[float] = []
    replies: dict[int, list[str]] = {chat: [] for chat in expected}
    seen = 0
    # One read of everything sent per poll: per-chat reads would starve the server thread.
    while len(latencies) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
        now = time.perf_counter()
        records = tg.sent()[all_before:]
        for record in records[seen:]:
            if record.chat_id in replies:
                replies[record.chat_id].append(record.text or "")
                index = len(replies[record.chat_id]) - 1
                if index < len(expected[record.chat_id]):
                    latencies.append(now - expected[record.chat_id][index][1])
        seen = len(records)
    elapsed = time.perf_counter() - start
    crossed = lost = 0
    for chat, wanted in expected.items():
        got = replies[chat]
        lost += max(0, len(wanted) - len(got))
        for (heading, _), text in zip(wanted, got, strict=False):
            crossed += not check(text, heading)
    latencies.sort()
    return {
        "updates": total, "seconds": elapsed, "rate": total / elapsed, "lost": lost,
        "crossed": crossed, "p50": latencies[len(latencies) // 2] if latencies else 0.0,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else 0.0,
    }


ECHO_BOT = """
import asyncio, sys
from aiogram import Dispatcher, Router
from aiogram.types import Message
from bot.transports.aiogram_runner import make_bot

router = Router()

@router.message()
async def echo(message: Message) -> None:
    await message.bot.send_message(message.chat.id, message.text or "")

async def main() -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    await dispatcher.start_polling(make_bot(sys.argv[1], sys.argv[2]), polling_timeout=1)

asyncio.run(main())
"""


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def serving(tg: FakeTelegram, command: list[str], env: dict[str, str],
                  work: Callable[[int], Awaitable[dict[str, float]]]) -> dict[str, float]:
    """Run a bot process against ``tg`` until ``work`` is done; work gets its pid."""
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                               cwd=env.get("WORKDIR", str(ROOT)), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not any(
                c.method.lower() == "getupdates" for c in tg.calls):
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        return await work(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)


async def main_async(users: int, per_user: int) -> None:
    def mentions(text: str, heading: str) -> bool:
        return heading in text

    with tempfile.TemporaryDirectory() as folder:
        with FakeTelegram(token=TOKEN) as tg:
            echo = await serving(
                tg, [sys.executable, "-c", ECHO_BOT, TOKEN, tg.base_url], {},
                lambda pid: drive(tg, users, per_user, lambda text, _: bool(text)))
        with FakeTelegram(token=TOKEN) as tg:
            env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url,
                   "GREENBOT_DB": str(Path(folder) / "bench.sqlite3"), "WORKDIR": folder}
            memory: dict[str, float] = {}

            async def load(pid: int) -> dict[str, float]:
                memory["idle"] = rss_kb(pid)
                figures = await drive(tg, users, per_user, mentions)
                memory["loaded"] = rss_kb(pid)
                return figures

            green = await serving(
                tg, [sys.executable, "-m", "bot", "run", "--log-level", "WARNING"], env, load)

    print(f"load: {users} users x {per_user} messages, interleaved; each bot in its own "
          "process, the fake Bot API server on 127.0.0.1")
    print(f"aiogram echo bot  : {echo['rate']:7.1f} updates/s ({echo['seconds']:.2f} s)")
    print(f"greenbot (aiogram): {green['rate']:7.1f} updates/s ({green['seconds']:.2f} s), "
          f"ratio {green['rate'] / echo['rate']:.2f} (target >= 0.7)")
    print(f"greenbot replies: lost {green['lost']:.0f}, crossed {green['crossed']:.0f} "
          f"(target 0/0); latency p50 {green['p50'] * 1000:.0f} ms, "
          f"p99 {green['p99'] * 1000:.0f} ms")
    print(f"`greenbot run` resident memory: idle {memory['idle'] / 1024:.1f} MiB, "
          f"after the load {memory['loaded'] / 1024:.1f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main_async(args.users, args.per_user))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
