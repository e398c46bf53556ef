"""Reminder delivery end to end: the real loop (``run_forever``) inside both Telegram engines,
against the fake Bot API server, with virtual time.

Time never passes by sleeping: the loop's clock is a :class:`SteppedClock`, which moves only
when the test says so, waking the loop's sleeps in order. What is shown, per engine:

* an enrolment in chat whose deadline is near gets its first reminder at once;
* a reminder due is sent; the bot is killed and started again on the same database: nothing
  is sent twice, and a reminder that fell due while it was down is sent after the start, unless
  its deadline has passed meanwhile;
* 429 waits ``retry_after`` (virtual seconds) and sends again; 5xx backs off and is not lost;
* 403 makes the chat's reminders inactive; a message from the user makes them active again;
* a burst stays under 30 messages a second, one a second per chat;
* ``greenbot remind --once`` in a subprocess sends what is due through the Bot API, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Engine
from bot.reminders.delivery import run_forever
from bot.reminders.store import ReminderStore
from bot.transports.common import PortSender
from tests.bot.transports.conftest import ENGINES, TOKEN
from tests.conftest import Run
from tests.support.fake_telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)

START = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)


class SteppedClock:
    """Virtual time for the delivery loop (the :class:`~bot.reminders.clock.Clock` protocol).

    ``sleep`` waits until :meth:`advance` (or :meth:`advance_to`) moves time past its end;
    :meth:`jump` moves time while nobody sleeps (the bot is down)."""

    def __init__(self, start: datetime | float) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self._changed: asyncio.Event | None = None

    def now(self) -> float:
        return self._now

    def jump(self, moment: datetime) -> None:
        assert not self._sleepers, "jump only while the loop is not running"
        self._now = max(self._now, moment.timestamp())

    async def sleep(self, seconds: float) -> None:
        entry = (self._now + max(0.0, seconds), asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        self._signal().set()
        try:
            await entry[1]
        finally:
            self._sleepers.remove(entry)
            self._signal().set()

    def _signal(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def _waiting(self) -> list[tuple[float, asyncio.Future[None]]]:
        return [(end, future) for end, future in self._sleepers if not future.done()]

    async def _until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        async def wait() -> None:
            while not condition():
                self._signal().clear()
                await self._signal().wait()

        await asyncio.wait_for(wait(), timeout)

    async def idle(self) -> None:
        """Wait (in real time) until the loop sleeps on this clock."""
        await self._until(lambda: bool(self._waiting()))

    async def wake(self, event: asyncio.Event) -> None:
        """Set the loop's wake event and wait until the loop has left its sleep."""
        asleep = {id(future) for _, future in self._sleepers}
        event.set()
        await self._until(lambda: not asleep & {id(future) for _, future in self._sleepers})

    async def advance(self, seconds: float) -> None:
        await self.advance_to(self._now + seconds)

    async def advance_to(self, moment: float) -> None:
        """Move time to ``moment``, waking each sleep whose end comes first and letting the
        loop run until it sleeps again."""
        while True:
            await self.idle()
            waiting = self._waiting()
            end = min(end for end, _ in waiting)
            if end > moment:
                self._now = max(self._now, moment)
                return
            self._now = max(self._now, end)
            for wake_at, future in waiting:
                if wake_at <= self._now:
                    future.set_result(None)
            await self._until(lambda: not any(f.done() for _, f in self._sleepers))


@contextlib.asynccontextmanager
async def serving(
    engine_name: str, tg: FakeTelegram, db_path: Path, clock: SteppedClock
) -> AsyncIterator[Engine]:
    """The bot with ``engine_name``, its reminder loop on ``clock``, until the block ends;
    leaving the block stops it the way a killed process stops: mid-sleep, nothing flushed."""
    engine = build_engine(str(db_path))
    engine.services.clock = clock  # enrolments in chat share the virtual time
    services = engine.services

    # The loop on a connection of its own, as greenbot run has it (bot.reminders.routing):
    # engine turns run in worker threads on the engine's.
    loop_store = ReminderStore(db_path)

    async def deliver(port: Any) -> None:
        # Polls hourly rather than every 30 s: the same loop, fewer virtual wake-ups.
        await run_forever(
            loop_store,
            PortSender(port),
            clock,
            asyncio.Event(),
            wake_event=services.reminders_wake,
            poll_interval=3600,
        )

    if engine_name == "aiogram":
        from bot.transports.aiogram_runner import run_polling
    else:
        from bot.transports.ptb_runner import run_polling
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_polling(engine, TOKEN, tg.base_url, stop=stop, polling_timeout=1, background=[deliver])
    )
    try:
        await tg.await_for(
            lambda t: any(c.method.lower() == "getupdates" for c in t.calls), timeout=10
        )
        await clock.idle()  # the first pass is over
        yield engine
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        loop_store.close()
        engine.services.db.close()


def store_of(engine: Engine) -> ReminderStore:
    return engine.services.reminders


async def wake(engine: Engine, clock: SteppedClock) -> None:
    """What an enrolment in chat does when a reminder is due at once."""
    await clock.wake(engine.services.reminders_wake)


def sends(tg: FakeTelegram, chat_id: int) -> list[tuple[int, str | None]]:
    """(status, description) of every sendMessage to ``chat_id``."""
    return [
        (c.status, c.description)
        for c in tg.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == chat_id
    ]


def reminders(tg: FakeTelegram, chat_id: int | None) -> list[str]:
    """The reminder messages the chat (``None``: any chat) received."""
    return [r.text or "" for r in tg.sent(chat_id) if (r.text or "").startswith("⏰")]


def rows(db_path: Path, chat_id: int) -> list[dict[str, Any]]:
    store = ReminderStore(db_path)
    try:
        return list(
            store.db.query(
                "SELECT * FROM reminders WHERE chat_id = ? ORDER BY send_at",
                [f"telegram:{chat_id}"],
            )
        )
    finally:
        store.close()


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(START)


async def test_enrolment_in_chat_sends_the_first_reminder_at_once(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, clock: SteppedClock
) -> None:
    async with serving(engine_name, tg, tmp_path / "bot.sqlite3", clock):
        tg.send_text(42, 42, "/remind")
        await tg.await_sent(42, 1)
        tg.send_text(42, 42, "北京甲厂")
        code = (await tg.await_sent(42, 2))[-1]
        tg.tap(42, 42, code.message_id, dict(tg.buttons(code))["跳过（不填信用代码）"])
        events = (await tg.await_sent(42, 3))[-1]
        tg.tap(42, 42, events.message_id, dict(tg.buttons(events))["1. 更名"])
        await tg.await_sent(42, 4)
        tg.send_text(42, 42, "2026年3月1日")
        preview = (await tg.await_sent(42, 5))[-1]
        assert "立即 2026-03-05 10:00" in (preview.text or "")
        tg.tap(42, 42, preview.message_id, dict(tg.buttons(preview))["✅ 确认登记"])
        await tg.await_for(
            lambda t: reminders(t, 42) and any("已登记" in (r.text or "") for r in t.sent(42))
        )
        done = next(r for r in tg.sent(42) if "已登记" in (r.text or ""))
        [reminder] = reminders(tg, 42)
        assert "北京甲厂" in reminder and "2026-03-31" in reminder and "还有 26 天" in reminder

        # the calendar button of the summary sends an .ics document
        [data] = [d for label, d in tg.buttons(done) if label.startswith("📅")]
        tg.tap(42, 42, done.message_id, data)
        [document] = await tg.await_for(
            lambda t: [r for r in t.sent(42) if r.method == "sendDocument"] or None
        )
        assert document.document is not None and b"BEGIN:VCALENDAR" in document.document
        assert (document.filename or "").endswith(".ics")


async def test_kill_and_restart_sends_nothing_twice_and_catches_up(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, clock: SteppedClock
) -> None:
    db = tmp_path / "bot.sqlite3"
    for chat in (42, 43):
        tg.register_chat(chat)
    async with serving(engine_name, tg, db, clock) as engine:
        store = store_of(engine)
        # name change registered on 1 March: apply by 31 March; reminders now, 24, 30, 31 March
        store.enrol(42, "北京甲厂", None, "rename", date(2026, 3, 1), clock.now())
        # a review on 10 March: reminders now, 9 and 10 March
        store.enrol(43, "北京乙厂", None, "review_notice", date(2026, 3, 10), clock.now())
        await wake(engine, clock)
        await clock.advance(3600)  # an hour on: nothing else is due
        await tg.await_for(lambda t: reminders(t, 42) and reminders(t, 43))
    assert len(reminders(tg, 42)) == 1 and len(reminders(tg, 43)) == 1

    # Down from 5 to 24 March 10:00: the 7-day reminder of the name change fell due on the
    # 24th at 09:00; the review's deadline (10 March) has passed, so its reminders are not sent.
    clock.jump(datetime(2026, 3, 24, 10, 0, tzinfo=TZ))
    async with serving(engine_name, tg, db, clock) as engine:
        await tg.await_for(lambda t: len(reminders(t, 42)) == 2)
        await clock.advance(3600)
        late = reminders(tg, 42)[1]
        assert "还有 7 天" in late and "2026-03-31" in late
    assert len(reminders(tg, 42)) == 2 and len(reminders(tg, 43)) == 1  # nothing twice
    assert [r["status"] for r in rows(db, 42)] == ["sent", "sent", "planned", "planned"]
    assert [r["status"] for r in rows(db, 43)] == ["sent", "expired", "expired"]

    # once more: started and left running to the day before the deadline
    async with serving(engine_name, tg, db, clock) as engine:
        await clock.advance_to(datetime(2026, 3, 30, 9, 30, tzinfo=TZ).timestamp())
        await tg.await_for(lambda t: len(reminders(t, 42)) == 3)
        assert "还有 1 天" in reminders(tg, 42)[2]
        assert store_of(engine).status_counts()["sent"] == 4
    assert len(reminders(tg, 42)) == 3 and len(reminders(tg, 43)) == 1


async def test_429_and_5xx_are_retried_until_delivered(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, clock: SteppedClock
) -> None:
    db = tmp_path / "bot.sqlite3"
    tg.register_chat(42)
    async with serving(engine_name, tg, db, clock) as engine:
        tg.fail("sendMessage", 429, retry_after=7)
        store_of(engine).enrol(42, "北京甲厂", None, "rename", date(2026, 3, 1), clock.now())
        sent_at = clock.now()
        await wake(engine, clock)
        await tg.await_for(lambda t: sends(t, 42))
        await clock.idle()
        assert not reminders(tg, 42)  # it waits the 7 seconds Telegram asked for
        await clock.advance(6.9)
        assert not reminders(tg, 42)
        await clock.advance(0.2)
        await tg.await_for(lambda t: reminders(t, 42))
        [row] = [r for r in rows(db, 42) if r["status"] == "sent"]
        assert row["attempts"] == 2 and row["claimed_at"] >= sent_at + 7

        tg.register_chat(43)
        tg.fail("sendMessage", 502, times=2)
        store_of(engine).enrol(43, "北京乙厂", None, "rename", date(2026, 3, 2), clock.now())
        await wake(engine, clock)
        await tg.await_for(lambda t: len(sends(t, 43)) == 1)
        await clock.advance(5)  # the first back-off step
        await tg.await_for(lambda t: len(sends(t, 43)) == 2)
        await clock.idle()
        assert not reminders(tg, 43)
        await clock.advance(15)  # the second
        await tg.await_for(lambda t: reminders(t, 43))
    assert [status for status, _ in sends(tg, 43)] == [502, 502, 200]
    assert [status for status, _ in sends(tg, 42)] == [429, 200]
    [row] = [r for r in rows(db, 43) if r["status"] == "sent"]
    assert row["attempts"] == 3


async def test_a_blocked_chat_gets_inactive_reminders_until_it_writes_again(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    # Unblocking goes by the wall clock (the user's message), so virtual time starts now;
    # whole seconds, as stored times go through datetimes (microseconds) and back.
    clock = SteppedClock(int(time.time()))
    today = datetime.fromtimestamp(clock.now(), TZ).date()
    db = tmp_path / "bot.sqlite3"
    tg.register_chat(42)
    tg.block(42)
    async with serving(engine_name, tg, db, clock) as engine:
        store = store_of(engine)
        store.enrol(42, "北京甲厂", None, "rename", today - timedelta(days=3), clock.now())
        await wake(engine, clock)
        await tg.await_for(lambda t: sends(t, 42))
        await clock.idle()
        assert sends(tg, 42) == [(403, "Forbidden: bot was blocked by the user")]
        assert store.is_blocked(42)
        assert {r["status"] for r in rows(db, 42)} == {"inactive"}
        await clock.advance(24 * 3600)  # a day on: nothing is tried again
        assert len(sends(tg, 42)) == 1

        tg.unblock(42)
        tg.send_text(42, 42, "/start")  # the user is back
        await tg.await_for(lambda t: reminders(t, 42))
        assert not store.is_blocked(42)
        assert "北京甲厂" in reminders(tg, 42)[0]


async def test_a_burst_stays_under_telegrams_limits(
    engine_name: str, tg: FakeTelegram, tmp_path: Path, clock: SteppedClock
) -> None:
    db = tmp_path / "bot.sqlite3"
    chats = list(range(100, 140))
    async with serving(engine_name, tg, db, clock) as engine:
        store = store_of(engine)
        for chat in chats:
            tg.register_chat(chat)
            store.enrol(chat, f"单位{chat}", None, "rename", date(2026, 3, 1), clock.now())
        # one chat follows three units whose first reminders are all due at once
        tg.register_chat(7)
        store.enrol(7, "北京丙厂", None, "rename", date(2026, 3, 1), clock.now())
        store.enrol(7, "北京丙厂", None, "major_change", date(2026, 3, 2), clock.now())
        store.enrol(7, "北京丙厂", None, "review_notice", date(2026, 3, 20), clock.now())
        await wake(engine, clock)
        await clock.advance(10)
        await tg.await_for(lambda t: len(reminders(t, None)) == len(chats) + 3)
    store = ReminderStore(db)
    started = sorted(
        (row["claimed_at"], row["chat_id"])
        for row in store.db.query("SELECT claimed_at, chat_id FROM reminders WHERE status = 'sent'")
    )
    store.close()
    assert len(started) == len(chats) + 3
    times = [moment for moment, _ in started]
    for index, moment in enumerate(times):
        assert len([t for t in times[index:] if t < moment + 1.0]) <= 30
    own = [moment for moment, chat in started if chat == "telegram:7"]
    assert len(own) == 3 and all(b - a >= 1.0 for a, b in pairwise(own))


def test_remind_once_sends_through_the_bot_api(
    tg: FakeTelegram, tmp_path: Path, greenbot: Run
) -> None:
    db = tmp_path / "bot.sqlite3"
    today = datetime.now(TZ).date()
    store = ReminderStore(db)
    store.enrol(5, "北京甲厂", None, "rename", today - timedelta(days=3), time.time())
    store.enrol(6, "北京乙厂", None, "review_notice", today + timedelta(days=300), time.time())
    store.close()
    tg.register_chat(5)
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url}

    first = greenbot("remind", "--once", "--db", str(db), "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["sent"] == 1
    [message] = tg.sent(5)
    assert "期限提醒" in (message.text or "") and message.parse_mode == "HTML"
    assert not tg.sent(6)

    again = greenbot("remind", "--once", "--db", str(db), "--json", env=env)
    assert json.loads(again.stdout)["sent"] == 0 and len(tg.sent(5)) == 1

    refused = greenbot("remind", "--once", "--db", str(db), env={"TELEGRAM_API_BASE": tg.base_url})
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "BOT_TOKEN" in refused.stderr


def test_remind_once_delivers_through_every_channel_configured(
    tg: FakeTelegram, tmp_path: Path, greenbot: Run
) -> None:
    """Telegram chats through the Bot API, web chats by e-mail to their confirmed address, the
    way the running loop routes them; a channel not configured leaves its reminders planned."""
    from bot import identity
    from bot.reminders.mail import EmailTargets
    from tests.bot.reminders.test_mail import Inbox, Server, url_of

    db = tmp_path / "bot.sqlite3"
    web = identity.make("web", "visitor-1")
    today = datetime.now(TZ).date()
    store = ReminderStore(db)
    for chat in (5, web):  # a rename 3 days ago: a reminder due at once
        store.enrol(chat, "北京甲厂", None, "rename", today - timedelta(days=3), time.time())
    targets = EmailTargets(store)
    code = targets.request(web, "ops@example.cn", time.time())
    assert targets.confirm(web, code, time.time()) == "confirmed"
    store.close()
    tg.register_chat(5)
    inbox = Inbox()
    smtp = Server(inbox)
    try:
        mail_only = greenbot(
            "remind", "--once", "--db", str(db), "--json", env={"GREENBOT_SMTP_URL": url_of(smtp)}
        )
        assert mail_only.returncode == 0, mail_only.stderr
        assert json.loads(mail_only.stdout)["sent"] == 1
        [mail] = inbox.messages
        assert mail["To"] == "ops@example.cn" and "北京甲厂" in mail.get_body().get_content()  # type: ignore[union-attr]
        assert not tg.sent(5)  # no token: Telegram's reminders left to the bot

        both = greenbot(
            "remind",
            "--once",
            "--db",
            str(db),
            "--json",
            env={
                "BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE": tg.base_url,
                "GREENBOT_SMTP_URL": url_of(smtp),
            },
        )
        assert both.returncode == 0, both.stderr
        assert json.loads(both.stdout)["sent"] == 1  # the Telegram one; the mail went before
        assert len(tg.sent(5)) == 1 and len(inbox.messages) == 1

        bad = greenbot(
            "remind", "--once", "--db", str(db), env={"GREENBOT_SMTP_URL": "ftp://nowhere"}
        )
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
        assert "GREENBOT_SMTP_URL" in bad.stderr
    finally:
        smtp.stop()
    rows = ReminderStore(db)
    try:
        sent = rows.db.execute(
            "SELECT chat_id, COUNT(*) FROM reminders WHERE status = 'sent' GROUP BY chat_id"
        ).fetchall()
    finally:
        rows.close()
    assert sorted(sent) == [("telegram:5", 1), (web, 1)]
