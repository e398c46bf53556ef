"""The delivery loop's guarantees, on a virtual clock (no real sleeping).

Down-time catch-up, no duplicates across restarts (one repeat at most after a crash between the
send and its record), 429 waits, 5xx/network backoff without loss, 403 deactivation, and
Telegram's rate limits as measured on the clock.
"""

from __future__ import annotations

import asyncio
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from bot.reminders import delivery
from bot.reminders.clock import ManualClock, SystemClock
from bot.reminders.delivery import RateLimiter, backoff, run_forever, run_once
from bot.reminders.errors import PermanentError, RetryAfter, TransientError
from bot.reminders.store import ReminderStore

from .conftest import FakeSender, at

NOW = at("2026-03-05 10:00")


class Crash(BaseException):
    """The process dies (not an error the loop may handle)."""


def statuses(store: ReminderStore) -> dict[str, int]:
    return {k: v for k, v in store.status_counts().items() if v}


async def test_sends_what_is_due_and_records_it(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(7, "北京<甲>厂 & Co", None, "rename", date(2026, 3, 1), NOW)  # due 03-31
    stats = await run_once(store, sender, clock)
    assert stats.sent == 1
    [message] = sender.sent
    assert message.chat_id == 7
    assert "北京&lt;甲&gt;厂 &amp; Co" in message.html  # escaped for Telegram HTML
    assert "2026-03-31" in message.html and "第十四条" in message.html
    assert statuses(store) == {"sent": 1, "planned": 3}
    # Nothing more until the 7-day reminder's time.
    assert (await run_once(store, sender, clock)).sent == 0
    clock.set(at("2026-03-24 09:00"))
    assert (await run_once(store, sender, clock)).sent == 1
    assert "还有 7 天" in sender.sent[-1].html


async def test_english_enrolment_gets_english_reminders(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(7, "Acme", None, "revoked_failed_review", date(2024, 3, 20), NOW, lang="en")
    await run_once(store, sender, clock)  # reapply_from 2026-03-21: closer than 30 days
    assert "May apply again" in sender.sent[0].html and "Art. 15" in sender.sent[0].html


async def test_reminder_due_while_down_is_sent_after_start(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(7, "甲厂", None, "review_notice", date(2026, 6, 30), NOW)
    # The bot is down from before the 30-day reminder (05-31) until after the 7-day one (06-23).
    clock.set(at("2026-06-25 15:00"))
    stats = await run_once(store, sender, clock)
    assert stats.sent == 1 and stats.superseded == 1  # one message for the deadline, not two
    assert "还有 5 天" in sender.sent[0].html
    assert statuses(store) == {"sent": 1, "superseded": 1, "planned": 2}


async def test_reminder_whose_deadline_passed_while_down_is_not_sent(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(7, "甲厂", None, "review_notice", date(2026, 6, 30), NOW)
    clock.set(at("2026-07-01 00:00"))
    stats = await run_once(store, sender, clock)
    assert stats.sent == 0 and stats.expired == 4
    assert sender.sent == []


async def test_no_duplicates_across_a_clean_restart(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    for chat in range(1, 6):
        store.enrol(chat, f"厂{chat}", None, "rename", date(2026, 3, 1), NOW)
    sender = FakeSender(clock)
    assert (await run_once(store, sender, clock)).sent == 5
    store.close()
    for _ in range(3):  # restart three times at the same moment, then later
        store = ReminderStore(path)
        await run_once(store, sender, clock)
        store.close()
        clock.advance(600)
    assert sorted(m.chat_id for m in sender.sent) == [1, 2, 3, 4, 5]


async def test_crash_between_send_and_record_repeats_that_message_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    for chat in range(1, 6):
        store.enrol(chat, f"厂{chat}", None, "rename", date(2026, 3, 1), NOW)

    class CrashingSender(FakeSender):
        async def send_text(self, chat_id: int, html: str) -> None:
            await super().send_text(chat_id, html)  # Telegram has the message...
            if len(self.sent) == 3:
                raise Crash  # ...and the process dies before recording it

    first = CrashingSender(clock)
    with pytest.raises(Crash):
        await run_once(store, first, clock)
    store.close()
    crashed_chat = first.sent[2].chat_id

    # Restart on the same file. Within the lease the claim is left alone...
    store = ReminderStore(path)
    second = FakeSender(clock)
    await run_once(store, second, clock)
    assert crashed_chat not in {m.chat_id for m in second.sent}
    # ...after it the message goes out once more.
    clock.advance(delivery.DEFAULT_LEASE_SECONDS)
    await run_once(store, second, clock)
    store.close()

    # And a third start sends nothing.
    store = ReminderStore(path)
    third = FakeSender(clock)
    clock.advance(3600)
    await run_once(store, third, clock)
    assert third.sent == []
    store.close()

    everything = [m.chat_id for m in first.sent + second.sent]
    assert sorted(everything) == sorted([1, 2, 3, 4, 5, crashed_chat])


async def test_killed_loop_restarts_and_loses_nothing(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    for chat in range(1, 4):
        store.enrol(chat, f"厂{chat}", None, "below_grade_3", date(2026, 1, 10), NOW)

    hang, reached = asyncio.Event(), asyncio.Event()

    class HangingSender(FakeSender):
        async def send_text(self, chat_id: int, html: str) -> None:
            await super().send_text(chat_id, html)
            if self.sent[-1].chat_id == 2:
                reached.set()
                await hang.wait()  # the send is under way when the process is killed

    first = HangingSender(clock)
    clock.set(at("2026-12-11 09:00"))  # the 30-day reminders of the diagnosis deadlines
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(store, first, clock, stop))
    await reached.wait()
    task.cancel()  # kill
    with pytest.raises(asyncio.CancelledError):
        await task
    store.close()
    assert sorted(m.chat_id for m in first.sent) == [1, 2]

    store = ReminderStore(path)
    second = FakeSender(clock)
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(store, second, clock, stop))
    while len(second.sent) < 2:
        await asyncio.sleep(0)
    stop.set()
    await task
    store.close()
    # Chat 3 got its reminder after the restart; chat 2 once more (the interrupted send).
    assert sorted(m.chat_id for m in second.sent) == [2, 3]


async def test_retry_after_waits_and_retries(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    for chat in (1, 2, 3):
        store.enrol(chat, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    sender.fail(RetryAfter(7), chat_id=1)
    start = clock.now()
    stats = await run_once(store, sender, clock)
    assert stats.sent == 3 and stats.retry_after == 1
    assert sorted(m.chat_id for m in sender.sent) == [1, 2, 3]
    retried = next(m for m in sender.sent if m.chat_id == 1)
    assert retried.at >= start + 7
    # Nothing was sent during the pause.
    assert not [m for m in sender.sent if start < m.at < start + 7 and m.chat_id != 1][1:]
    assert store.reminder(1)["attempts"] == 2


async def test_retry_after_beyond_max_wait_stays_planned(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    sender.fail(RetryAfter(300))
    stats = await run_once(store, sender, clock, max_wait=60)
    assert stats.sent == 0
    row = store.reminder(1)
    assert row["status"] == "planned"
    assert row["next_attempt_at"] == pytest.approx(NOW.timestamp() + 300)
    clock.advance(300)
    assert (await run_once(store, sender, clock)).sent == 1


async def test_transient_errors_back_off_and_are_not_lost(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    sender.fail(
        TransientError("502 Bad Gateway"), TransientError("timeout"), ConnectionResetError("reset")
    )
    stats = await run_once(store, sender, clock, max_wait=0)
    assert (stats.sent, stats.transient) == (0, 1)
    row = store.reminder(1)
    assert (row["status"], row["attempts"]) == ("planned", 1)
    assert row["last_error"].startswith("transient: 502")

    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(store, sender, clock, stop))
    while not sender.sent:
        await asyncio.sleep(0)
    stop.set()
    await task
    times = [t for t, _ in sender.attempts]
    gaps = [round(b - a) for a, b in pairwise(times)]
    assert gaps == [5, 15, 60]
    assert store.reminder(1)["status"] == "sent"


async def test_backoff_schedule_is_capped() -> None:
    assert [backoff(n) for n in range(1, 9)] == [5, 15, 60, 300, 900, 1800, 1800, 1800]


async def test_retries_until_the_deadline_passes_then_expires(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(1, "甲厂", None, "review_notice", date(2026, 3, 6), NOW)  # due tomorrow
    sender.fail(*[TransientError("503") for _ in range(1000)])
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(store, sender, clock, stop))
    while clock.datetime() < at("2026-03-07 01:00"):
        await asyncio.sleep(0)
    stop.set()
    await task
    assert sender.sent == []
    assert len(sender.attempts) > 10
    # The immediate reminder kept failing until the on-the-day one superseded it, which kept
    # failing until the day was over.
    assert statuses(store) == {"superseded": 1, "expired": 1}


async def test_chat_blocked_deactivates_that_chat_only(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.enrol(1, "乙厂", None, "below_grade_3", date(2026, 1, 1), NOW)
    store.enrol(2, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    sender.block(1)
    stats = await run_once(store, sender, clock)
    assert stats.blocked == 1
    assert [m.chat_id for m in sender.sent] == [2]
    assert store.is_blocked(1)
    rows = store.db.execute(
        "SELECT DISTINCT status FROM reminders WHERE chat_id = 'telegram:1'"
    ).fetchall()
    assert rows == [("inactive",)]
    clock.set(at("2026-12-30 09:00"))
    await run_once(store, sender, clock)
    assert len([a for a in sender.attempts if a[1] == 1]) == 1  # never tried again


async def test_permanent_error_marks_dead(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    sender.fail(PermanentError("Bad Request: message is too long"))
    stats = await run_once(store, sender, clock)
    assert stats.dead == 1
    assert store.reminder(1)["status"] == "dead"


async def test_deleted_while_queued_is_not_sent(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    unit = store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.enrol(1, "乙厂", None, "rename", date(2026, 3, 1), NOW)

    class DeletingSender(FakeSender):
        async def send_text(self, chat_id: int, html: str) -> None:
            await super().send_text(chat_id, html)
            store.delete_unit(1, unit + 1)  # the user deletes the other unit meanwhile

    deleting = DeletingSender(clock)
    stats = await run_once(store, deleting, clock)
    assert stats.sent == 1 and stats.lost_claims == 1


async def test_rate_limits_hold_on_the_clock(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    for chat in range(1, 61):
        store.enrol(chat, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    for number in range(6):  # one busy chat with six units, in the middle of the queue
        store.enrol(999, f"厂{number}", None, "rename", date(2026, 3, 1), NOW)
    for chat in range(61, 121):
        store.enrol(chat, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    start = clock.now()
    stats = await run_once(store, sender, clock, batch_size=50)
    assert stats.sent == 126
    times = sorted(m.at for m in sender.sent)
    window = max(sum(1 for t in times if first <= t < first + 1.0) for first in times)
    assert window == 30  # as fast as allowed, never faster
    busy = [m.at for m in sender.to(999)]
    assert min(b - a for a, b in pairwise(busy)) >= 1.0
    # ...and not slower than the limits require: the busy chat, reached after 60 others
    # (2 s), needs 5 s more for its six messages; everyone else goes around it meanwhile.
    others = sorted(m.at for m in sender.sent if m.chat_id != 999)
    assert others[-1] - start <= 121 * 1.02 / 30 + 0.1
    assert busy[-1] - start <= 60 * 1.02 / 30 + 5 * 1.02 + 0.1


def test_rate_limiter_bookkeeping() -> None:
    limiter = RateLimiter(per_second=30, per_chat_interval=1.0)
    assert limiter.ready_at(1) == float("-inf")
    limiter.record(1, 100.0)
    assert 100 + 1 / 30 < limiter.ready_at(2) <= 100 + 1.02 / 30 + 1e-9
    assert 101.0 < limiter.ready_at(1) <= 101.02 + 1e-9
    limiter.pause(110.0)
    assert limiter.ready_at(2) == 110.0


async def test_run_forever_sends_at_nine_beijing(
    store: ReminderStore, sender: FakeSender, clock: ManualClock
) -> None:
    store.enrol(1, "甲厂", None, "review_notice", date(2026, 6, 30), NOW)
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(store, sender, clock, stop, poll_interval=3600))
    while len(sender.sent) < 4:
        await asyncio.sleep(0)
    stop.set()
    await task
    assert [m.at for m in sender.sent] == [
        at(moment).timestamp()
        for moment in (
            "2026-05-31 09:00",
            "2026-06-23 09:00",
            "2026-06-29 09:00",
            "2026-06-30 09:00",
        )
    ]
    assert "就是今天" in sender.sent[-1].html


async def test_wake_event_sends_a_new_enrolment_at_once(store: ReminderStore) -> None:
    clock = SystemClock()
    sender = FakeSender(clock)  # type: ignore[arg-type]
    stop, wake = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        run_forever(store, sender, clock, stop, wake_event=wake, poll_interval=3600)
    )
    await asyncio.sleep(0.05)
    store.enrol(1, "甲厂", None, "review_notice", clock_today(clock), clock.now())
    wake.set()
    for _ in range(200):
        if sender.sent:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert len(sender.sent) == 1


def clock_today(clock: SystemClock) -> date:
    from bot.reminders.clock import to_datetime

    return to_datetime(clock.now()).date()


async def test_a_failed_record_after_the_send_is_not_a_failed_send(
    store: ReminderStore, sender: FakeSender, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)

    def locked(*args: object) -> bool:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "mark_sent", locked)
    stats = await run_once(store, sender, clock)
    assert (stats.sent, stats.transient) == (1, 0)
    assert store.reminder(1)["status"] == "sending"  # not planned again at once
    monkeypatch.undo()
    clock.advance(30)
    assert (await run_once(store, sender, clock)).sent == 0  # within the lease: left alone
    assert len(sender.sent) == 1


async def test_a_locked_database_while_sending_delays_the_record_not_duplicates_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds the write lock from the send until well after it: "sent" is
    recorded once the lock is gone, and a later run (after the lease) sends nothing more."""
    import sqlite3
    import threading

    class WallClock(ManualClock):
        """Virtual dates, but sleeps for real: the lock is released in real time."""

        async def sleep(self, seconds: float) -> None:
            await asyncio.sleep(seconds)
            self.advance(seconds)

    clock = WallClock(NOW)
    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    store.db.execute("PRAGMA busy_timeout = 100")  # scaled down from 5 s, as the lock is
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    holder = sqlite3.connect(path, check_same_thread=False)

    class LockingSender(FakeSender):
        async def send_text(self, chat_id: int, html: str) -> None:
            await super().send_text(chat_id, html)
            holder.execute("begin immediate")  # Telegram has it; now the database is locked
            threading.Timer(1.0, holder.commit).start()

    sender = LockingSender(clock)
    stats = await run_once(store, sender, clock)
    assert (stats.sent, stats.transient) == (1, 0)
    assert store.reminder(1)["status"] == "sent"
    clock.advance(delivery.DEFAULT_LEASE_SECONDS * 2)
    await run_once(store, sender, clock)
    assert len(sender.sent) == 1
    assert not any(r.exc_info for r in caplog.records)
    store.close()
    holder.close()


async def test_processes_on_one_database_share_the_send_budget(tmp_path: Path) -> None:
    """The bot and a ``remind --once`` (two connections here, as two processes would have)
    sending together stay under one limit: it belongs to the token, not to a process."""
    from bot.reminders.clock import to_datetime

    clock = SystemClock()
    path = tmp_path / "greenbot.sqlite3"
    setup = ReminderStore(path)
    today = to_datetime(clock.now()).date()
    for chat in range(1, 61):
        setup.enrol(chat, f"厂{chat}", None, "review_notice", today, clock.now())
    setup.close()
    per_second = 100.0  # scaled up from 30 to keep the test short
    stores = [ReminderStore(path), ReminderStore(path)]
    senders = [FakeSender(clock), FakeSender(clock)]  # type: ignore[arg-type]
    results = await asyncio.gather(
        *(
            run_once(store, sender, clock, limiter=RateLimiter(per_second=per_second))
            for store, sender in zip(stores, senders, strict=True)
        )
    )
    for store in stores:
        store.close()
    assert sum(r.sent for r in results) == 60
    assert all(r.sent for r in results)  # both did send
    times = sorted(m.at for sender in senders for m in sender.sent)
    window = 0.1
    busiest = max(sum(1 for t in times if start <= t < start + window) for start in times)
    assert busiest <= per_second * window + 1, busiest


async def test_the_duplicate_window_is_one_statement_with_no_wait_in_it(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Between Telegram's answer and the committed "sent" the loop does not yield: nothing
    else runs, so only a process death inside that one SQLite statement can duplicate."""
    import sqlite3

    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    for chat in range(1, 6):
        store.enrol(chat, f"厂{chat}", None, "rename", date(2026, 3, 1), NOW)
    observer = sqlite3.connect(path)
    seen: list[str] = []

    class WatchingSender(FakeSender):
        async def send_text(self, chat_id: int, html: str) -> None:
            await super().send_text(chat_id, html)
            count = len(self.sent)

            def status_at_the_next_turn() -> None:
                rows = observer.execute(
                    "SELECT count(*) FROM reminders WHERE status = 'sent'"
                ).fetchone()
                seen.append("recorded" if rows[0] >= count else "window open")

            asyncio.get_running_loop().call_soon(status_at_the_next_turn)

    sender = WatchingSender(clock)
    assert (await run_once(store, sender, clock, max_in_flight=1)).sent == 5
    assert seen == ["recorded"] * 5
    store.close()
    observer.close()


async def test_a_pass_stopped_by_a_locked_database_still_records_what_it_sent(
    tmp_path: Path,
) -> None:
    """The lock arrives right after the first send: the next claim fails and ends the pass,
    yet the first reminder's "sent" is waited for, not abandoned (it would go out again)."""
    import sqlite3
    import threading

    class WallClock(ManualClock):
        async def sleep(self, seconds: float) -> None:
            await asyncio.sleep(seconds)
            self.advance(seconds)

    clock = WallClock(NOW)
    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    store.db.execute("PRAGMA busy_timeout = 100")  # scaled down from 5 s, as the lock is
    for chat in (1, 2):
        store.enrol(chat, f"厂{chat}", None, "rename", date(2026, 3, 1), NOW)
    holder = sqlite3.connect(path, check_same_thread=False)

    class LockingSender(FakeSender):
        async def send_text(self, chat_id: int, html: str) -> None:
            await super().send_text(chat_id, html)
            if len(self.sent) == 1:
                holder.execute("begin immediate")
                threading.Timer(1.0, holder.commit).start()

    sender = LockingSender(clock)
    with pytest.raises(sqlite3.OperationalError):
        await run_once(store, sender, clock)
    assert [store.reminder(i)["status"] for i in (1, 2)].count("sent") == 1  # type: ignore[index]
    clock.advance(delivery.DEFAULT_LEASE_SECONDS * 2)
    await run_once(store, sender, clock)  # the next cron run
    assert sorted(m.chat_id for m in sender.sent) == [1, 2]
    store.close()
    holder.close()
