"""The delivery loop: send what is due, record it, lose nothing, stay under Telegram's limits.

Transport-agnostic: it talks to a :class:`Sender` (the Telegram transports adapt aiogram or
python-telegram-bot to it, mapping their errors to :mod:`bot.reminders.errors`).

One pass: put stale claims back (:meth:`ReminderStore.recover_stale`), expire reminders whose
deadline has passed, then repeatedly take the due batch and send it. Several reminders of one
deadline due together (after down time) go out as one — the latest; the others are marked
``superseded``. Each reminder is claimed in the database right before it is sent and recorded
right after; what happens on failure:

* :class:`RetryAfter` (429): every send pauses for ``seconds``; the reminder is planned again
  for then. :func:`run_once` waits for it (up to ``max_wait``), :func:`run_forever` always does.
* :class:`TransientError` (5xx, network) or any unexpected exception: planned again with
  exponential backoff (``BACKOFF``), and retried until its deadline passes — never dropped.
* :class:`ChatBlocked` (403): the chat's reminders become ``inactive``.
* :class:`PermanentError`: the reminder is marked ``dead``.

Rate limits: sends start at least ``1/per_second`` apart (so no second holds more than 30) and
at least ``per_chat_interval`` apart in one chat. The global spacing is also shared through the
database (:meth:`ReminderStore.reserve_send_slot`): the bot and any ``remind --once`` running
beside it take slots from one budget, since the limit belongs to the bot's token. Only the
dispatcher waits on the clock, so an injected :class:`bot.reminders.clock.ManualClock` gives
exact virtual time in tests.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.identity import ChatId
from bot.reminders.clock import Clock
from bot.reminders.errors import (
    ChatBlocked,
    NoRoute,
    PermanentError,
    RetryAfter,
    TransientError,
)
from bot.reminders.store import DEFAULT_LEASE_SECONDS, DueReminder, ReminderStore

log = logging.getLogger(__name__)

# Seconds before retry n (1-based) after a transient error; the last value repeats.
BACKOFF: tuple[float, ...] = (5, 15, 60, 300, 900, 1800)
MAX_PER_SECOND = 30
PER_CHAT_INTERVAL = 1.0
SAFETY_MARGIN = 0.02  # sends are spaced this fraction wider than the limits require
# Recording "sent" while another process holds the database: each try waits this long for the
# lock (the event loop, and so every chat, waits with it), then the task sleeps and tries again.
RECORD_WAIT_MS = 200
RECORD_RETRY_CAP = 2.0  # seconds between tries, at most


class Sender(Protocol):
    """How reminders reach a chat. Raise the errors of :mod:`bot.reminders.errors`."""

    async def send_text(self, chat_id: ChatId, html: str) -> None:
        """Send ``html`` (Telegram's HTML subset, already escaped) to ``chat_id``."""
        ...

    async def send_document(
        self, chat_id: ChatId, filename: str, data: bytes, caption: str
    ) -> None:
        """Send a file (e.g. an ``.ics``) with an HTML caption."""
        ...


Renderer = Callable[[DueReminder, float], str]


def backoff(attempt: int) -> float:
    """Delay before the next try after the ``attempt``-th failed one (1-based)."""
    return BACKOFF[min(max(attempt, 1), len(BACKOFF)) - 1]


class RateLimiter:
    """Send slots: globally at least ``1/per_second`` apart, per chat ``per_chat_interval``
    apart, none before a flood-control pause ends. Pure bookkeeping on the clock's time."""

    def __init__(
        self,
        per_second: float = MAX_PER_SECOND,
        per_chat_interval: float = PER_CHAT_INTERVAL,
    ) -> None:
        # 2 % above the exact spacing, so neither float rounding nor a few milliseconds of
        # jitter between the decision and the request fits a 31st send into a second (or a
        # second send to a chat into one).
        margin = 1.0 + SAFETY_MARGIN
        self.interval = margin / per_second if per_second and math.isfinite(per_second) else 0.0
        self.per_chat_interval = per_chat_interval * margin
        self._next_global = -math.inf
        self._paused_until = -math.inf
        self._chat_next: dict[ChatId, float] = {}

    def ready_at(self, chat_id: ChatId) -> float:
        """The earliest moment a message may start to ``chat_id``."""
        return max(self._next_global, self._paused_until, self._chat_next.get(chat_id, -math.inf))

    def record(self, chat_id: ChatId, moment: float) -> None:
        """A send to ``chat_id`` starts at ``moment``."""
        self._next_global = moment + self.interval
        self._chat_next[chat_id] = moment + self.per_chat_interval
        if len(self._chat_next) > 10_000:  # forget chats whose interval is long over
            self._chat_next = {
                chat: until for chat, until in self._chat_next.items() if until > moment
            }

    def pause(self, until: float) -> None:
        """No send before ``until`` (Telegram asked us to wait)."""
        self._paused_until = max(self._paused_until, until)

    @property
    def paused_until(self) -> float:
        return self._paused_until


@dataclass
class DeliveryStats:
    """What a run did."""

    sent: int = 0
    retry_after: int = 0
    transient: int = 0
    blocked: int = 0
    dead: int = 0
    expired: int = 0
    superseded: int = 0
    recovered: int = 0
    lost_claims: int = 0
    send_times: list[float] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in (
                "sent",
                "retry_after",
                "transient",
                "blocked",
                "dead",
                "expired",
                "superseded",
                "recovered",
                "lost_claims",
            )
        }


def default_renderer(item: DueReminder, now: float) -> str:
    from bot.reminders.messages import render_reminder

    return render_reminder(item, now)


class Delivery:
    """The loop's state: store, sender, clock, limiter and statistics."""

    def __init__(
        self,
        store: ReminderStore,
        sender: Sender,
        clock: Clock,
        *,
        limiter: RateLimiter | None = None,
        render: Renderer = default_renderer,
        batch_size: int = 100,
        max_in_flight: int = 8,
        lease: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.limiter = limiter or RateLimiter()
        self.render = render
        self.batch_size = batch_size
        self.lease = lease
        self.stats = DeliveryStats()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._retries: dict[int, float] = {}  # reminder id -> when it is due again
        # Channels this process cannot reach and another one serves (see reminders.routing).
        self.skip_channels: tuple[str, ...] = tuple(getattr(sender, "skip_channels", ()))

    async def run_pass(self) -> None:
        """Send everything due now (and whatever falls due while doing so).

        Due reminders wait in ``pending`` until the limiter lets them go; more are fetched
        while fewer than half a batch wait, or while every waiting one is held back by its
        chat's limit, so one busy chat never holds up the others."""
        now = self.clock.now()
        self.stats.recovered += self.store.recover_stale(now, self.lease)
        self.stats.expired += self.store.expire(now)
        pending: list[DueReminder] = []
        tasks: set[asyncio.Task[None]] = set()
        failures: list[BaseException] = []
        fetched_at, more = -math.inf, True
        try:
            while True:
                now = self.clock.now()
                best = self._best(pending)
                starved = best is None or best[1] > now + self.limiter.interval
                if (starved or len(pending) < self.batch_size // 2) and (
                    more or now - fetched_at >= 1.0
                ):
                    limit = len(pending) + self.batch_size
                    fresh = self.store.due_batch(now, limit, self.skip_channels)
                    fetched_at, more = now, len(fresh) >= limit
                    known = {item.id for item in pending}
                    added = [item for item in fresh if item.id not in known]
                    if added:
                        pending = self._collapse(pending + added, now)
                        best = self._best(pending)
                if best is None:
                    break
                index, ready = best
                if ready > now:
                    await self.clock.sleep(ready - now)
                    continue
                item = pending.pop(index)
                if not self.store.claim(item.id, now):
                    self.stats.lost_claims += 1
                    continue
                now = await self._shared_slot(now)
                self.limiter.record(item.chat_id, now)
                self.stats.send_times.append(now)
                await self._slots.acquire()
                task = asyncio.create_task(self._send_one(item, now))
                tasks.add(task)
                task.add_done_callback(lambda done: self._finished(done, tasks, failures))
                await asyncio.sleep(0)  # let the send start now, before the clock moves on
                if failures:
                    raise failures[0]
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            if failures:
                raise failures[0]
        except Exception:
            # The pass cannot go on (say a claim met a locked database), but sends already
            # made must still be recorded: cancelling them here would send them again later.
            if tasks:
                await asyncio.gather(*list(tasks), return_exceptions=True)
            raise
        finally:
            for task in tasks:
                task.cancel()
        self.stats.expired += self.store.expire(self.clock.now())

    async def _shared_slot(self, now: float) -> float:
        """Wait for this send's slot in the budget all processes on the database share."""
        if not self.limiter.interval:
            return now
        start = self.store.reserve_send_slot(now, self.limiter.interval)
        if start > now:
            await self.clock.sleep(start - now)
            return self.clock.now()
        return now

    def _best(self, pending: list[DueReminder]) -> tuple[int, float] | None:
        """Index and start time of the waiting reminder that may go first."""
        if not pending:
            return None
        return min(
            enumerate(self.limiter.ready_at(item.chat_id) for item in pending),
            key=lambda pair: (pair[1], pair[0]),
        )

    def _finished(
        self,
        task: asyncio.Task[None],
        tasks: set[asyncio.Task[None]],
        failures: list[BaseException],
    ) -> None:
        tasks.discard(task)
        self._slots.release()
        # _send_one handles every Exception; what escapes (a crash) must stop the loop.
        if not task.cancelled() and task.exception() is not None:
            failures.append(task.exception())  # type: ignore[arg-type]

    def _collapse(self, batch: list[DueReminder], now: float) -> list[DueReminder]:
        """One message per deadline: keep the latest of its due reminders."""
        latest: dict[int, DueReminder] = {}
        for item in batch:
            kept = latest.get(item.deadline_id)
            if kept is None or (item.send_at, item.id) > (kept.send_at, kept.id):
                latest[item.deadline_id] = item
        keep = {item.id for item in latest.values()}
        dropped = [item.id for item in batch if item.id not in keep]
        self.stats.superseded += self.store.supersede(dropped, now)
        return [item for item in batch if item.id in keep]

    async def _send_one(self, item: DueReminder, started: float) -> None:
        try:
            html = self.render(item, started)
            await self.sender.send_text(item.chat_id, html)
        except RetryAfter as error:
            now = self.clock.now()
            self.stats.retry_after += 1
            self.limiter.pause(now + error.seconds)
            self.store.reschedule(item.id, now, error.seconds, f"429: {error}")
            self._retries[item.id] = now + error.seconds
            log.warning("reminder %s: flood control, retry in %.1f s", item.id, error.seconds)
        except NoRoute as error:
            self.stats.blocked += 1
            self.store.deactivate_chat(item.chat_id, self.clock.now(), f"no route: {error}")
            log.info("chat %s cannot be reached; its reminders wait inactive", item.chat_id)
        except ChatBlocked as error:
            self.stats.blocked += 1
            self.store.deactivate_chat(item.chat_id, self.clock.now(), f"403: {error}")
            log.info("chat %s blocked the bot; its reminders are inactive", item.chat_id)
        except PermanentError as error:
            self.stats.dead += 1
            self.store.mark_dead(item.id, self.clock.now(), str(error))
            log.error("reminder %s cannot be sent: %s", item.id, error)
        except Exception as error:  # TransientError and anything unexpected: retry later
            now = self.clock.now()
            self.stats.transient += 1
            delay = backoff(item.attempts + 1)
            kind = "transient" if isinstance(error, TransientError) else type(error).__name__
            self.store.reschedule(item.id, now, delay, f"{kind}: {error}")
            self._retries[item.id] = now + delay
            log.warning("reminder %s: %s (%s); retry in %.0f s", item.id, kind, error, delay)
        else:
            self._retries.pop(item.id, None)
            self.stats.sent += 1
            await self._record_sent(item)

    async def _record_sent(self, item: DueReminder) -> None:
        """Record a finished send. The message is out: a failure here must not count as a
        failed send (that would send it again at once). A locked database is waited out, in
        short tries, for half the lease (after the lease another run may take the row back);
        if it is still locked then, the row stays ``sending`` and, recovered after the lease,
        may go out once more, never more."""
        give_up = self.clock.now() + self.lease / 2
        pause = 0.05
        while True:
            try:
                with self.store.busy_timeout(RECORD_WAIT_MS):
                    self.store.mark_sent(item.id, self.clock.now())
            except sqlite3.OperationalError as error:
                if self.clock.now() >= give_up:
                    log.warning(
                        "reminder %s: sent, but not recorded (%s); it may go out once more",
                        item.id,
                        error,
                    )
                    return
                if pause == 0.05:
                    log.warning("reminder %s: sent; recording waits: %s", item.id, error)
                await self.clock.sleep(pause)
                pause = min(pause * 2, RECORD_RETRY_CAP)
            else:
                return

    def pending_retry_at(self) -> float | None:
        """When the earliest reminder this run rescheduled is due again (if still planned)."""
        for reminder_id in list(self._retries):
            row = self.store.reminder(reminder_id)
            if row is None or row["status"] != "planned":
                del self._retries[reminder_id]
            else:
                self._retries[reminder_id] = row["next_attempt_at"]
        return min(self._retries.values()) if self._retries else None


async def run_once(
    store: ReminderStore,
    sender: Sender,
    clock: Clock,
    *,
    max_wait: float = 60.0,
    limiter: RateLimiter | None = None,
    render: Renderer = default_renderer,
    batch_size: int = 100,
    max_in_flight: int = 8,
    lease: float = DEFAULT_LEASE_SECONDS,
) -> DeliveryStats:
    """Send what is due now, for a cron job (``greenbot remind --once``).

    Retries that fall due within ``max_wait`` seconds (429 waits, the first backoff steps) are
    waited for; later ones stay planned in the database for the next run."""
    delivery = Delivery(
        store,
        sender,
        clock,
        limiter=limiter,
        render=render,
        batch_size=batch_size,
        max_in_flight=max_in_flight,
        lease=lease,
    )
    deadline = clock.now() + max_wait
    while True:
        await delivery.run_pass()
        retry_at = delivery.pending_retry_at()
        if retry_at is None or retry_at > deadline:
            return delivery.stats
        await clock.sleep(max(0.0, retry_at - clock.now()))


async def run_forever(
    store: ReminderStore,
    sender: Sender,
    clock: Clock,
    stop_event: asyncio.Event,
    *,
    wake_event: asyncio.Event | None = None,
    poll_interval: float = 30.0,
    limiter: RateLimiter | None = None,
    render: Renderer = default_renderer,
    batch_size: int = 100,
    max_in_flight: int = 8,
    lease: float = DEFAULT_LEASE_SECONDS,
    on_error: Callable[[BaseException], Awaitable[None] | None] | None = None,
) -> DeliveryStats:
    """The bot's reminder loop: a pass, then sleep until the next reminder is due (at most
    ``poll_interval``), until ``stop_event`` is set. Setting ``wake_event`` (e.g. right after
    an enrolment planned a reminder for "now") starts the next pass at once.

    A pass that fails (say the database is locked for too long) is logged and retried after
    the poll interval; nothing is lost, since every reminder's state is in the database."""
    delivery = Delivery(
        store,
        sender,
        clock,
        limiter=limiter,
        render=render,
        batch_size=batch_size,
        max_in_flight=max_in_flight,
        lease=lease,
    )
    while not stop_event.is_set():
        try:
            await delivery.run_pass()
        except sqlite3.OperationalError as error:  # locked or read-only: expected weather
            log.warning("reminder pass stopped: %s; trying again later", error)
            if on_error is not None:
                result = on_error(error)
                if asyncio.iscoroutine(result):
                    await result
        except Exception as error:
            log.exception("reminder pass failed")
            if on_error is not None:
                result = on_error(error)
                if asyncio.iscoroutine(result):
                    await result
        now = clock.now()
        wake_at = store.next_wake_at(lease, delivery.skip_channels)
        delay = poll_interval if wake_at is None else min(poll_interval, wake_at - now)
        delay = max(delay, delivery.limiter.paused_until - now, 0.05)
        await _idle(clock, delay, stop_event, wake_event)
    return delivery.stats


async def _idle(
    clock: Clock, seconds: float, stop: asyncio.Event, wake: asyncio.Event | None
) -> None:
    """Sleep on the clock until ``seconds`` pass, ``stop`` is set, or ``wake`` is set."""
    if stop.is_set() or (wake is not None and wake.is_set()):
        if wake is not None:
            wake.clear()
        return
    waiters = [asyncio.ensure_future(clock.sleep(seconds)), asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
        if wake is not None:
            wake.clear()
