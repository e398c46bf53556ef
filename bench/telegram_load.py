"""Telegram engine figures against the fake Bot API server on 127.0.0.1.

Run: ``python bench/telegram_load.py [--users 200] [--per-user 10]``. Prints:

1. updates per second through the aiogram engine answering free-text questions, as a ratio to
   a bare aiogram echo bot measured in the same run (target >= 0.7): once for a question mix
   that repeats (21 questions, as real users repeat them, so answers come from the bot's
   answer cache) and once with every message a different question (no cache hits). The echo
   bot gets the same two loads, and each ratio pairs the runs of one round. Also as CPU time
   per update of each bot's process, which a busy neighbour on a shared machine disturbs less;
2. 200 simulated users sending interleaved messages: lost or crossed replies (target: none)
   and reply latency p50 / p99, for a burst and for a steady 100 messages per second;
3. resident memory of a real ``greenbot run`` process, idle and after serving the load.

Nothing leaves the machine: the server listens on 127.0.0.1 and every loop is bounded.
Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
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
DISTINCT_PER_USER = 3  # distinct questions per user in the cache-free run
PACED_RATE = 100.0  # messages per second in the latency run, well under the bot's capacity
ARTICLE_HEADINGS = [
    "第一条",
    "第二条",
    "第三条",
    "第四条",
    "第五条",
    "第六条",
    "第七条",
    "第八条",
    "第九条",
    "第十条",
    "第十一条",
    "第十二条",
    "第十三条",
    "第十四条",
    "第十五条",
    "第十六条",
    "第十七条",
    "第十八条",
    "第十九条",
    "第二十条",
    "第二十一条",
]


def question_for(user: int, turn: int) -> tuple[str, str]:
    """A question and the heading its answer must carry (so crossed replies show)."""
    number = (user + turn) % 21
    return f"请问{ARTICLE_HEADINGS[number]}是怎么规定的", ARTICLE_HEADINGS[number]


Questions = Callable[[int, int], tuple[str, str]]


def distinct_questions(users: int, per_user: int) -> Questions:
    """Every message a different real question from knowledge/questions (so no answer comes from
    the bot's answer cache), each with the heading its answer must start with."""
    import yaml

    from bot.qa import default_index
    from bot.refs import ref_label

    pool: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in sorted((ROOT / "knowledge" / "questions").glob("qa_*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            question = str(case["q"])
            result = default_index().ask(question)
            if question not in seen and result.in_scope:
                seen.add(question)
                # An answer opens with the entry it quotes: 【第十一条】 or 【第十一条第（六）项】.
                pool.append((question, f"<b>【{ref_label(result.hits[0].ref)}"))
    if len(pool) < users * per_user:
        raise SystemExit(f"only {len(pool)} distinct questions for {users * per_user} messages")
    return lambda user, turn: pool[turn * users + user]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(
    tg: FakeTelegram,
    users: int,
    per_user: int,
    check: Callable[[str, str], bool],
    rate: float | None = None,
    questions: Questions = question_for,
    pid: int | None = None,
) -> dict[str, float]:
    """Inject ``users * per_user`` messages interleaved (all at once, or ``rate`` per second);
    collect every reply meanwhile; check them. With ``pid``, also the bot's CPU time per
    update, which a busy neighbour on a shared machine disturbs far less than wall time."""
    cpu_before = cpu_seconds(pid) if pid else 0.0
    base = 1_000_000
    expected: dict[int, list[tuple[str, float]]] = {base + u: [] for u in range(users)}
    all_before = len(tg.sent())  # before injecting: a fast bot answers during injection
    start = time.perf_counter()

    async def inject() -> None:
        for turn in range(per_user):
            for user in range(users):
                chat = base + user
                text, heading = questions(user, turn)
                expected[chat].append((heading, time.perf_counter()))
                tg.send_text(chat, chat, text)
                if rate:
                    await asyncio.sleep(
                        max(0.0, start + (turn * users + user + 1) / rate - time.perf_counter())
                    )
            await asyncio.sleep(0)

    injecting = asyncio.create_task(inject())
    total = users * per_user
    deadline = time.perf_counter() + 120
    latencies: list[float] = []
    replies: dict[int, list[str]] = {chat: [] for chat in expected}
    seen = 0
    # One read of everything sent per poll: per-chat reads would starve the server thread.
    while (len(latencies) < total or not injecting.done()) and time.perf_counter() < deadline:
        await asyncio.sleep(0.005 if rate else 0.02)
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
    cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000 / total if pid else 0.0
    injecting.cancel()
    crossed = lost = 0
    for chat, wanted in expected.items():
        got = replies[chat]
        lost += max(0, len(wanted) - len(got))
        for (heading, _), text in zip(wanted, got, strict=False):
            crossed += not check(text, heading)
    latencies.sort()
    return {
        "updates": total,
        "seconds": elapsed,
        "rate": total / elapsed,
        "lost": lost,
        "crossed": crossed,
        "p50": latencies[len(latencies) // 2] if latencies else 0.0,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else 0.0,
        "cpu_ms": cpu_ms,
    }


# A bare aiogram echo bot: the framework's defaults, nothing of greenbot's.
ECHO_BOT = """
import asyncio, sys
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

def make_bot(token, base):
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))

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


async def serving(
    tg: FakeTelegram,
    command: list[str],
    env: dict[str, str],
    work: Callable[[int], Awaitable[dict[str, float]]],
) -> dict[str, float]:
    """Run a bot process against ``tg`` until ``work`` is done; work gets its pid."""
    process = subprocess.Popen(
        command,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=env.get("WORKDIR", str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not any(
            c.method.lower() == "getupdates" for c in tg.calls
        ):
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        return await work(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)


async def one_round(
    users: int, per_user: int, folder: Path, various: Questions
) -> dict[str, dict[str, float]]:
    """An echo run, then greenbot runs (distinct, repeating, paced) on a fresh database."""

    def mentions(text: str, heading: str) -> bool:
        return text.startswith(heading) if heading.startswith("<b>") else heading in text

    figures: dict[str, dict[str, float]] = {}

    async def echo_load(pid: int) -> dict[str, float]:
        # The same two loads as greenbot's below, so each ratio compares like with like.
        echoed = lambda text, _: bool(text)  # noqa: E731
        figures["echo distinct"] = await drive(
            tg, users, DISTINCT_PER_USER, echoed, questions=various, pid=pid
        )
        figures["echo"] = await drive(tg, users, per_user, echoed, pid=pid)
        return figures["echo"]

    with FakeTelegram(token=TOKEN) as tg:
        await serving(tg, [sys.executable, "-c", ECHO_BOT, TOKEN, tg.base_url], {}, echo_load)
    with FakeTelegram(token=TOKEN) as tg:
        database = folder / f"bench-{time.monotonic_ns()}.sqlite3"
        env = {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": tg.base_url,
            "GREENBOT_DB": str(database),
            "WORKDIR": str(folder),
        }

        async def load(pid: int) -> dict[str, float]:
            figures["memory"] = {"idle": rss_kb(pid)}
            figures["distinct"] = await drive(
                tg, users, DISTINCT_PER_USER, mentions, questions=various, pid=pid
            )
            figures["repeating"] = await drive(tg, users, per_user, mentions, pid=pid)
            figures["paced"] = await drive(tg, users, 3, mentions, rate=PACED_RATE)
            figures["memory"]["loaded"] = rss_kb(pid)
            return figures["repeating"]

        await serving(tg, [sys.executable, "-m", "bot", "run", "--log-level", "WARNING"], env, load)
    return figures


async def main_async(users: int, per_user: int, rounds: int) -> None:
    various = distinct_questions(users, DISTINCT_PER_USER)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            results.append(await one_round(users, per_user, Path(folder), various))

    def ratios(kind: str, echo: str, key: str = "rate") -> list[float]:
        if key == "cpu_ms":  # CPU per update: the echo's over greenbot's, so higher is better
            return sorted(r[echo][key] / r[kind][key] for r in results)
        return sorted(r[kind][key] / r[echo][key] for r in results)

    def spread(values: list[float], unit: str = "") -> str:
        return (
            f"median {statistics.median(values):.2f}{unit} "
            f"(range {values[0]:.2f}-{values[-1]:.2f}{unit})"
        )

    def total(kind: str, key: str) -> int:
        return int(sum(r[kind][key] for r in results))

    print(
        f"load: {users} users x {per_user} messages, interleaved; each bot in its own process, "
        f"the fake Bot API server on 127.0.0.1; {rounds} rounds, echo and greenbot alternating"
    )
    print(f"aiogram echo bot: {spread(sorted(r['echo']['rate'] for r in results), ' upd/s')}")
    for kind, echo, title in (
        ("repeating", "echo", "repeating question mix (answers from its cache)"),
        ("distinct", "echo distinct", "every message a different question (no cache hits)"),
    ):
        print(
            f"greenbot, {title}: "
            f"{spread(sorted(r[kind]['rate'] for r in results), ' upd/s')}; "
            f"ratio to echo {spread(ratios(kind, echo))} (target >= 0.7); "
            f"by CPU time per update {spread(ratios(kind, echo, 'cpu_ms'))}"
        )
    for kind in ("distinct", "repeating", "paced"):
        print(
            f"  {kind}: lost {total(kind, 'lost')}, crossed {total(kind, 'crossed')} (target 0/0)"
        )
    burst = sorted(r["repeating"]["p99"] * 1000 for r in results)
    paced_p50 = sorted(r["paced"]["p50"] * 1000 for r in results)
    paced_p99 = sorted(r["paced"]["p99"] * 1000 for r in results)
    print(
        f"reply latency, steady {PACED_RATE:.0f} messages/s from {users} users: "
        f"p50 {spread(paced_p50, ' ms')}, p99 {spread(paced_p99, ' ms')}"
    )
    print(
        f"reply latency p99 when {users * per_user} messages arrive at once (queueing): "
        f"{spread(burst, ' ms')}"
    )
    idle = sorted(r["memory"]["idle"] / 1024 for r in results)
    loaded = sorted(r["memory"]["loaded"] / 1024 for r in results)
    print(
        f"`greenbot run` resident memory: idle {idle[-1]:.1f} MiB, after the load "
        f"{loaded[-1]:.1f} MiB (aiogram's import alone is about 165 MiB of it)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main_async(args.users, args.per_user, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
