"""Writes ``v_int_ids.sqlite3``: a database as the release with integer (Telegram) chat ids
left it, for the migration test. Run with that release's code on the path, e.g.

    git archive <release> | tar -x -C /tmp/release
    PYTHONPATH=/tmp/release python -B tests/bot/data/release_db/make.py OUT.sqlite3

What it holds: a private chat (5550001) with a flow in progress, English replies, activity,
report inputs and a unit whose first reminder was sent and whose next is still planned; a
group (-1007770001) with a unit enrolled by user 42; the console's chat (1) with a unit;
a chat that blocked the bot (5550003), its reminders inactive.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import date, datetime

from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Incoming
from bot.reminders.clock import ManualClock
from bot.reminders.delivery import run_once
from bot.report.store import ReportInputStore

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)
PRIVATE, GROUP, CONSOLE, BLOCKED = 5550001, -1007770001, 1, 5550003


class Sender:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_text(self, chat_id: int, html: str) -> None:
        self.sent.append((chat_id, html))

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        raise AssertionError("not used")


def main(path: str) -> None:
    engine = build_engine(path)
    store = engine.services.extras["reminders"]
    for text in ("/start", "/lang en", "第十一条讲什么", "/prescreen"):
        engine.handle(Incoming(PRIVATE, PRIVATE, text=text, lang_code="en"))
    engine.handle(Incoming(GROUP, 42, text="/start", lang_code="zh"))
    engine.handle(Incoming(CONSOLE, 1, text="/start", lang_code="zh"))
    ReportInputStore(engine.services.db).save_unit(PRIVATE, "甲厂")
    ReportInputStore(engine.services.db).save_score(PRIVATE, {"a": 1})
    # rename on 03-01: deadline 03-31, reminders 03-24, 03-30 and 03-31 still ahead
    store.enrol(PRIVATE, "甲厂", None, "rename", date(2026, 3, 1), NOW, lang="en")
    store.enrol(GROUP, "乙厂", None, "review_notice", date(2026, 6, 30), NOW, enrolled_by=42)
    store.enrol(CONSOLE, "丙厂", None, "rename", date(2026, 3, 2), NOW)
    store.enrol(BLOCKED, "丁厂", None, "rename", date(2026, 3, 3), NOW)
    store.deactivate_chat(BLOCKED, NOW.timestamp())
    engine.chats.set_blocked(BLOCKED, True)
    # The first reminder of the private chat went out (03-24 10:00); the rest wait.
    clock = ManualClock(datetime(2026, 3, 24, 12, 0, tzinfo=TZ))
    sender = Sender()
    stats = asyncio.run(run_once(store, sender, clock, max_wait=0))
    assert [chat for chat, _ in sender.sent].count(PRIVATE) == 1, sender.sent
    engine.services.db.conn.commit()
    engine.services.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.services.db.conn.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("VACUUM")
    conn.close()
    print(stats.as_dict(), sender.sent and len(sender.sent))


if __name__ == "__main__":
    main(sys.argv[1])
