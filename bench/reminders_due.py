"""Reminder figures: due-batch query time, database size, and the delivery loop's send rate.

    python bench/reminders_due.py [--units 100000] [--reminders 500000] [--send 300]

Builds a temporary SQLite file with the reminder schema, ``--units`` enrolled units and
``--reminders`` planned/sent reminders (one in four units follows two deadlines; four reminders
per deadline), then prints:

* the time to find the due batch (``ReminderStore.due_batch``, 100 rows; target <= 50 ms),
  median and p99 over repeated runs, with a small and a large backlog of due reminders;
* the database size on disk;
* the send rate of the real delivery loop (``run_once``, real clock, limits on: 30 messages/s
  overall, 1/s per chat) through aiogram to the fake Bot API server on 127.0.0.1, and against
  an in-process fake sender (no HTTP) to separate the loop and limiter from the wire.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.dates import TZ
from bot.reminders.clock import SystemClock
from bot.reminders.delivery import RateLimiter, run_once
from bot.reminders.schedule import OFFSETS, expires_at, reminder_time
from bot.reminders.store import ReminderStore

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=TZ)
EVENTS = ("rename", "major_change", "review_notice", "report_notice", "below_grade_3")
KIND_OF = {
    "rename": "apply_name_change",
    "major_change": "apply_review",
    "review_notice": "review_due",
    "report_notice": "report_due",
    "below_grade_3": "green_diagnosis",
}


def build(path: Path, units: int, reminders: int, backlog: int, seed: int = 20260601) -> None:
    """Fill ``path`` with ``units`` units and ``reminders`` reminders; ``backlog`` of them are
    planned and already due at ``NOW``, the rest spread from 150 days ago to 3 years ahead."""
    rng = random.Random(seed)
    store = ReminderStore(path)
    db = store.db
    now = NOW.timestamp()
    unit_rows, deadline_rows, reminder_rows = [], [], []
    deadline_id = reminder_id = 0
    per_deadline = len(OFFSETS)
    deadlines_needed = reminders // per_deadline
    for unit_id in range(1, units + 1):
        # some chats follow several units
        chat_id = f"telegram:{10_000 + rng.randrange(units * 6 // 10)}"
        event = EVENTS[unit_id % len(EVENTS)]
        day = NOW.date() - timedelta(days=rng.randrange(0, 400))
        unit_rows.append(
            (
                unit_id,
                chat_id,
                f"北京测试单位{unit_id}有限公司",
                None,
                event,
                day.isoformat(),
                "zh",
                now - 86_400,
            )
        )
        count = 2 if unit_id % 4 == 0 else 1
        for _ in range(count):
            if deadline_id >= deadlines_needed:
                break
            deadline_id += 1
            due = NOW.date() + timedelta(days=rng.randrange(-120, 3 * 365))
            expiry = expires_at(due).timestamp()
            deadline_rows.append(
                (
                    deadline_id,
                    unit_id,
                    chat_id,
                    KIND_OF[event],
                    due.isoformat(),
                    None,
                    "art-14",
                    expiry,
                )
            )
            for offset in OFFSETS:
                reminder_id += 1
                send_at = reminder_time(due, offset).timestamp()
                status = "sent" if send_at <= now else "planned"
                reminder_rows.append(
                    [
                        reminder_id,
                        deadline_id,
                        unit_id,
                        chat_id,
                        offset,
                        send_at,
                        expiry,
                        status,
                        1 if status == "sent" else 0,
                        send_at,
                    ]
                )
    # Turn some past ones back into a backlog of due, still-planned reminders.
    past = [row for row in reminder_rows if row[7] == "sent" and row[6] > now]
    for row in rng.sample(past, min(backlog, len(past))):
        row[7] = "planned"
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO units (id, chat_id, name, credit_code, event, date, lang, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            unit_rows,
        )
        db.conn.executemany(
            "INSERT INTO deadlines (id, unit_id, chat_id, kind, due, holiday_adjusted, ref, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            deadline_rows,
        )
        db.conn.executemany(
            "INSERT INTO reminders (id, deadline_id, unit_id, chat_id, offset_days, send_at, "
            "expires_at, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            reminder_rows,
        )
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def timed(function, repeats: int) -> tuple[float, float]:
    """Median and p99 in milliseconds."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


class InProcessSender:
    """Accepts every message instantly and records when it started (real clock)."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, int]] = []

    async def send_text(self, chat_id: int, html: str) -> None:
        self.sent.append((time.monotonic(), chat_id))

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        self.sent.append((time.monotonic(), chat_id))


def busiest_second(times: list[float]) -> int:
    """The most sends that started within any one second (sorted times)."""
    best, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def enrol_due(path: Path, messages: int) -> tuple[ReminderStore, SystemClock, int]:
    """A store with ``messages`` reminders due now, over ~90% as many chats."""
    store = ReminderStore(path)
    clock = SystemClock()
    now = clock.now()
    today = datetime.fromtimestamp(now, TZ).date()
    chats = max(1, messages * 9 // 10)
    for number in range(messages):
        # review_notice due in 10 days: closer than 30, so one reminder is due at once.
        store.enrol(
            1_000 + number % chats,
            f"单位{number}",
            None,
            "review_notice",
            today + timedelta(days=10),
            now,
        )
    return store, clock, chats


def send_rate(directory: Path, messages: int, limits: bool) -> dict[str, float]:
    """Enrol ``messages`` due reminders (over ~90% as many chats) and time ``run_once``."""
    path = directory / f"send-{messages}-{int(limits)}.sqlite3"
    store, clock, _ = enrol_due(path, messages)
    limiter = (
        RateLimiter() if limits else RateLimiter(per_second=float("inf"), per_chat_interval=0.0)
    )
    sender = InProcessSender()
    start = time.monotonic()
    stats = asyncio.run(run_once(store, sender, clock, limiter=limiter))
    elapsed = time.monotonic() - start
    store.close()
    times = sorted(t for t, _ in sender.sent)
    window = busiest_second(times)
    scheduled = busiest_second(sorted(stats.send_times))
    by_chat: dict[int, list[float]] = {}
    for moment, chat in sender.sent:
        by_chat.setdefault(chat, []).append(moment)
    gaps = [b - a for moments in by_chat.values() for a, b in pairwise(sorted(moments))]
    return {
        "sent": stats.sent,
        "elapsed": elapsed,
        "rate": stats.sent / elapsed if elapsed else float("inf"),
        "max_per_second": window,
        "scheduled_max_per_second": scheduled,
        "min_chat_gap": min(gaps) if gaps else float("nan"),
    }


async def _send_over_http(
    store: ReminderStore, clock: SystemClock, base_url: str, token: str
) -> Any:
    from bot.transports.aiogram_runner import AiogramPort, make_bot
    from bot.transports.common import PortSender

    bot = make_bot(token, base_url)
    try:
        return await run_once(store, PortSender(AiogramPort(bot)), clock, limiter=RateLimiter())
    finally:
        await bot.session.close()


def send_rate_fake_server(directory: Path, messages: int) -> dict[str, float]:
    """The same run, limits on, through aiogram's HTTP client to the fake Bot API server."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.fake_telegram import FakeTelegram

    token = "123456789:" + "R" * 35
    path = directory / f"send-http-{messages}.sqlite3"
    store, clock, chats = enrol_due(path, messages)
    with FakeTelegram(token=token) as tg:
        for chat in range(chats):
            tg.register_chat(1_000 + chat)
        start = time.monotonic()
        stats = asyncio.run(_send_over_http(store, clock, tg.base_url, token))
        elapsed = time.monotonic() - start
        records = [r for r in tg.sent() if r.method == "sendMessage"]
    store.close()
    times = sorted(r.at for r in records)
    by_chat: dict[int, list[float]] = {}
    for record in records:
        by_chat.setdefault(record.chat_id, []).append(record.at)
    gaps = [b - a for moments in by_chat.values() for a, b in pairwise(sorted(moments))]
    return {
        "sent": stats.sent,
        "received": len(records),
        "elapsed": elapsed,
        "rate": stats.sent / elapsed if elapsed else float("inf"),
        "max_per_second": busiest_second(times),
        "min_chat_gap": min(gaps) if gaps else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=500_000)
    parser.add_argument("--backlog", type=int, default=2_000, help="due, still planned")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--send", type=int, default=300, help="messages for the send-rate run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="greenbot-bench-") as tmp:
        directory = Path(tmp)
        path = directory / "reminders.sqlite3"
        start = time.perf_counter()
        build(path, args.units, args.reminders, args.backlog)
        built = time.perf_counter() - start
        store = ReminderStore(path)
        counts = store.status_counts()
        units = store.db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        total = sum(counts.values())
        print(
            f"database: {units:,} units, {total:,} reminders "
            f"({counts['planned']:,} planned, {counts['sent']:,} sent), built in {built:.1f} s"
        )
        size = path.stat().st_size + sum(
            p.stat().st_size for p in directory.glob("reminders.sqlite3-*")
        )
        print(f"database size: {size / 1e6:.1f} MB ({size / total:.0f} bytes per reminder)")

        now = NOW.timestamp()
        due_now = len(store.due_batch(now, 1_000_000))
        median, p99 = timed(lambda: store.due_batch(now, 100), args.repeats)
        print(
            f"due batch (100 of {due_now:,} due): median {median:.2f} ms, p99 {p99:.2f} ms "
            f"(target <= 50 ms)"
        )
        later = (NOW + timedelta(days=30)).timestamp()  # a month of down time
        due_later = len(store.due_batch(later, 1_000_000))
        median, p99 = timed(lambda: store.due_batch(later, 100), args.repeats)
        print(
            f"due batch after 30 days down (100 of {due_later:,} due): median {median:.2f} ms, "
            f"p99 {p99:.2f} ms"
        )
        median, p99 = timed(lambda: store.next_wake_at(), args.repeats)
        print(f"next wake-up query: median {median:.3f} ms, p99 {p99:.3f} ms")
        median, p99 = timed(lambda: store.expire(now), args.repeats)
        print(f"expire pass (nothing to expire): median {median:.3f} ms, p99 {p99:.3f} ms")
        median, p99 = timed(lambda: store.list_units(10_000), args.repeats)
        print(f"list one chat's units: median {median:.3f} ms, p99 {p99:.3f} ms")
        store.close()

        result = send_rate_fake_server(directory, args.send)
        print(
            f"send rate through aiogram to the fake Bot API server on 127.0.0.1, limits on: "
            f"{result['sent']} sent ({result['received']} received) in "
            f"{result['elapsed']:.2f} s = {result['rate']:.1f} msg/s; busiest second "
            f"{result['max_per_second']}, closest two in one chat "
            f"{result['min_chat_gap']:.3f} s"
        )
        print("send rate: in-process fake sender (no HTTP), to separate the loop from the wire")
        for limits in (True, False):
            result = send_rate(directory, args.send, limits)
            label = "limits on " if limits else "limits off"
            print(
                f"  {label}: {result['sent']} sent in {result['elapsed']:.2f} s = "
                f"{result['rate']:.1f} msg/s; busiest second {result['max_per_second']} "
                f"as received ({result['scheduled_max_per_second']} as scheduled), "
                f"closest two in one chat {result['min_chat_gap']:.3f} s"
            )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
