"""Fault run: both Telegram engines and the reminder sender against a misbehaving Bot API.

Run: ``python bench/fault_run.py [--runs 12] [--quick]``. Prints, per fault:

1. chat replies, per engine: chat X meets the fault, chat Y asks right after it. Replies to X
   lost (0 copies) or duplicated (2+), and Y's reply time (the delay one chat's trouble puts
   on another). Faults: 429 retry_after on X, a sendMessage to X that hangs past the request
   timeout (the server carries it out late, as Telegram may), ten 502s on sendMessage to X,
   and getUpdates failing eleven times (5x500, 3 dropped connections, 3x502), where the
   figure is the time from the last failure to the reply;
2. reminders under kill -9: 60 due, ``remind --once`` killed three times at random moments in
   its first second and restarted, then run once more after the lease (time moved on in the
   database). Lost and duplicated reminders over ``--runs`` runs;
3. reminders while another process holds the database write-locked for a while mid-send:
   lost and duplicated;
4. three ``remind --once`` processes on one database at once: the combined peak messages per
   second at the server (the token's limit is 30).

``--quick`` scales the waits down (a 2 s flood wait, a 3 s hang) for a fast look. Nothing
leaves the machine. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456789:" + "F" * 35
X, Y = 101, 102
QUESTION = "第十一条"


# ---------------------------------------------------------------------- chat replies


async def chat_fault(engine_name: str, fault: str, quick: bool) -> tuple[int, int, float]:
    """(replies to X, replies to Y, seconds Y waited — or, for getUpdates, seconds from the
    last failed poll to the reply)."""
    from bot.app import build_engine

    if engine_name == "aiogram":
        from bot.transports.aiogram_runner import run_polling
    else:
        from bot.transports.ptb_runner import run_polling
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(token=TOKEN) as tg:
        engine = build_engine(str(Path(folder) / "bot.sqlite3"))
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_polling(engine, TOKEN, tg.base_url, stop=stop, polling_timeout=1)
        )
        await tg.await_for(lambda t: any(c.method == "getUpdates" for c in t.calls), 20)
        wait_x = 130.0
        if fault == "429":
            tg.fail("sendMessage", 429, retry_after=2 if quick else 20, chat_id=X)
        elif fault == "hang":
            tg.hang("sendMessage", 3 if quick else 25, chat_id=X)
        elif fault == "502x10":
            tg.fail("sendMessage", 502, times=10, chat_id=X)
        if fault == "getUpdates":
            tg.fail("getUpdates", 500, times=5)
            tg.drop("getUpdates", times=3)
            tg.fail("getUpdates", 502, times=3)
            await tg.await_for(lambda t: any(c.status == 500 for c in t.calls), 20)
            tg.send_text(X, X, QUESTION)
            await tg.await_sent(X, 1, timeout=wait_x)
            last_failure = max(c.at for c in tg.calls if c.status != 200)
            figure = tg.sent(X)[0].at - last_failure
            tg.send_text(Y, Y, QUESTION)
            await tg.await_sent(Y, 1, timeout=20)
        else:
            tg.send_text(X, X, QUESTION)
            # X's question is taken (a hung call is logged only when it ends), then Y asks.
            await tg.await_for(lambda t: t.pending_updates() == 0 or None, 20)
            await asyncio.sleep(0.3)
            started = time.monotonic()
            tg.send_text(Y, Y, QUESTION)
            await tg.await_sent(Y, 1, timeout=wait_x)
            figure = time.monotonic() - started
            with contextlib.suppress(AssertionError):  # lost: counted below
                await tg.await_sent(X, 1, timeout=wait_x)
            await asyncio.sleep(2.0)  # room for a late duplicate
        stop.set()
        await asyncio.wait_for(task, 30)
        return len(tg.sent(X)), len(tg.sent(Y)), figure


FAULTS = ("429", "hang", "502x10", "getUpdates")


def report_chat(quick: bool, faults: tuple[str, ...] = FAULTS) -> None:
    print("1. chat replies (X meets the fault, Y asks right after)")
    print(f"   {'fault':<12}{'engine':<9}{'X lost':>7}{'X dup':>7}{'Y got':>7}{'Y delay s':>11}")
    for fault in faults:
        for engine_name in ("aiogram", "ptb"):
            x, y, figure = asyncio.run(chat_fault(engine_name, fault, quick))
            label = "gap s" if fault == "getUpdates" else ""
            print(
                f"   {fault:<12}{engine_name:<9}{int(x == 0):>7}{max(0, x - 1):>7}{y:>7}"
                f"{figure:>11.2f} {label}"
            )


# ---------------------------------------------------------------------- reminders


def make_due_db(path: Path, chats: int) -> None:
    from bot.reminders.clock import SystemClock, to_datetime
    from bot.reminders.store import ReminderStore

    clock = SystemClock()
    store = ReminderStore(path)
    today = to_datetime(clock.now()).date()
    for chat in range(1, chats + 1):
        store.enrol(chat, f"厂{chat}", None, "review_notice", today, clock.now())
    store.close()


def remind_once(db: Path, base_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN}
    env["TELEGRAM_API_BASE"] = base_url
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "remind", "--once", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=str(db.parent),
    )


def after_the_lease(db: Path) -> None:
    """Move the claims of killed processes back past the lease, as time would."""
    from bot.reminders.store import DEFAULT_LEASE_SECONDS

    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE reminders SET claimed_at = claimed_at - ? WHERE status = 'sending'",
            [DEFAULT_LEASE_SECONDS + 1],
        )


def counts(tg: FakeTelegram, chats: int) -> tuple[int, int]:
    per_chat = Counter(r.chat_id for r in tg.sent() if r.method == "sendMessage")
    lost = sum(1 for chat in range(1, chats + 1) if per_chat[chat] == 0)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    return lost, duplicated


def wait_started(tg: FakeTelegram, process: subprocess.Popen[bytes], before: int) -> None:
    """Until the process makes its first Bot API call (its imports take a moment)."""
    deadline = time.monotonic() + 30
    while len(tg.calls) == before and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def kill_run(chats: int, rng: random.Random) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(token=TOKEN) as tg:
        db = Path(folder) / "bot.sqlite3"
        make_due_db(db, chats)
        for chat in range(1, chats + 1):
            tg.register_chat(chat)
        for _ in range(3):
            before = len(tg.calls)
            process = remind_once(db, tg.base_url)
            wait_started(tg, process, before)
            time.sleep(rng.uniform(0.0, 1.0))
            process.kill()
            process.wait()
        after_the_lease(db)
        remind_once(db, tg.base_url).wait(120)
        return counts(tg, chats)


def locked_run(chats: int, hold: float) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(token=TOKEN) as tg:
        db = Path(folder) / "bot.sqlite3"
        make_due_db(db, chats)
        for chat in range(1, chats + 1):
            tg.register_chat(chat)
        before = len(tg.calls)
        process = remind_once(db, tg.base_url)
        wait_started(tg, process, before)
        tg.wait_sent(None, 3, timeout=30)  # sends under way: now another process locks
        holder = sqlite3.connect(db, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        threading.Timer(hold, holder.commit).start()
        process.wait(180)
        time.sleep(hold)
        for _ in range(2):  # the cron's next runs, the second after the lease
            remind_once(db, tg.base_url).wait(120)
            after_the_lease(db)
        holder.close()
        return counts(tg, chats)


def combined_rate(processes: int, chats: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(token=TOKEN) as tg:
        db = Path(folder) / "bot.sqlite3"
        make_due_db(db, chats)
        for chat in range(1, chats + 1):
            tg.register_chat(chat)
        running = [remind_once(db, tg.base_url) for _ in range(processes)]
        for process in running:
            process.wait(180)
        times = sorted(r.at for r in tg.sent() if r.method == "sendMessage")
        peak = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
        return float(peak), len(times)


def report_reminders(runs: int, quick: bool) -> None:
    rng = random.Random(15)
    lost = duplicated = dirty = 0
    for _ in range(runs):
        run_lost, run_dup = kill_run(60, rng)
        lost += run_lost
        duplicated += run_dup
        dirty += bool(run_dup)
    print(f"2. kill -9 (60 due, 3 kills in the first second) x {runs} runs:")
    print(f"   lost {lost}, duplicated {duplicated} (in {dirty} of {runs} runs)")
    hold = 3.0 if quick else 15.0
    run_lost, run_dup = locked_run(30, hold)
    print(
        f"3. database write-locked {hold:.0f} s mid-send (30 due): lost {run_lost}, "
        f"duplicated {run_dup}"
    )
    peak, total = combined_rate(3, 150)
    print(
        f"4. three remind --once at once (150 due): {total} sent, peak {peak:.0f} messages "
        "in any 1 s (limit 30)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12, help="kill -9 runs (default 12)")
    parser.add_argument("--quick", action="store_true", help="shorter waits and hangs")
    parser.add_argument("--only", choices=("chat", "reminders"), help="one part only")
    parser.add_argument("--fault", choices=FAULTS, help="this chat fault only")
    args = parser.parse_args()
    if args.only != "reminders":
        report_chat(args.quick, (args.fault,) if args.fault else FAULTS)
    if args.only != "chat":
        report_reminders(args.runs, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
