"""Engine turns that hold up no one, for every transport that serves many users at once.

:meth:`Engine.handle` is synchronous. Called in the event loop, a turn that draws a chart
(0.1–0.5 s) would stall every other user of the process. Here turns that may draw run in worker
threads, one at a time through the engine (it shares one SQLite connection and was written for
one caller), while the loop goes on receiving and sending; the others, most of them and each
well under a millisecond, are answered on the loop itself (see :class:`TurnRunner`). Heavy
work inside a turn (charts, PDFs, through :func:`bot.offload.heavy`) is done by a worker
process, and the engine is free for other turns while it waits: drawing in another thread would
not do, matplotlib holds the GIL. Turns of one chat keep their order (a lock per chat); other
chats are not held up.

The engine's SQLite connection is used by one thread at a time, inside a turn: a statement
from another thread landing in a turn's transaction would share its fate, and its savepoints
would end the turn's ("no such savepoint"). So whatever else touches the engine's stores from
the event loop goes through :meth:`TurnRunner.run` too (the blocked-chat bookkeeping of the
Telegram transports, the web's calendar feeds), and the reminder loop has a connection of its
own (:func:`bot.reminders.routing.deliver_reminders`). A turn gives the engine up while a
worker process draws only when it is outside a transaction.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from bot import offload
from bot.engine import Engine, Incoming, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

# One core is left to the process answering users; the workers run at a lower priority, so a
# burst of charts slows the charts, not everyone's answers.
WORKER_PROCESSES = max(1, min(2, (os.cpu_count() or 1) - 1))
WORKER_NICENESS = 10
TURN_THREADS = 16  # turns waiting for a chart each hold one; the others go on meanwhile
# .lock: the engine lock held by this thread's turn, if any; .conn: the engine's connection;
# .inline: the turn runs on the event loop
_local = threading.local()
_pool: ProcessPoolExecutor | None = None
_pool_guard = threading.Lock()


def _processes() -> ProcessPoolExecutor:
    global _pool
    with _pool_guard:
        if _pool is None:
            # spawn, not fork: forking a process that runs threads can copy a held lock.
            _pool = ProcessPoolExecutor(
                max_workers=WORKER_PROCESSES,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                # the server's pid, from here: a worker that starts after its server died
                # would otherwise take init for its parent and wait for it forever
                initargs=(os.getpid(),),
            )
        return _pool


def _warm(server: int) -> None:
    """A chart drawn ahead in each worker process: the first one imports matplotlib and loads
    the font (about two seconds), which no user should wait for."""
    _leave_with_parent(server)
    from scoring.chart import render_png
    from scoring.inputs import ScoreInput
    from scoring.report import score

    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    render_png(score(ScoreInput()), "zh")


def _leave_with_parent(server: int, every: float = 1.0) -> None:
    """End this worker process when ``server``, the process that started it, is gone. A
    worker holds both ends of its task pipe, so it never reads an end of file: a server killed
    without shutting its pool down (SIGKILL, a crash) would otherwise leave its workers
    waiting forever."""

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run_heavy(call: Callable[[], Any]) -> Any:
    """The runner :func:`bot.offload.heavy` uses: in a worker process, with the engine lock
    given up while it waits, so that other chats' turns run meanwhile."""
    lock: EngineLock | None = getattr(_local, "lock", None)
    if lock is None:  # not inside a turn (a warm-up, a command line): in place
        return call()
    if getattr(_local, "inline", None):
        # A turn thought light drew after all: waiting here would stall the event loop too.
        log.warning("heavy work in a turn on the event loop: drawn in place, everyone waits")
        return call()
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is not None and conn.in_transaction:
        # Another turn would write into this one's open transaction: keep the engine.
        log.warning("heavy work inside a transaction: drawn in place, other chats wait")
        return call()
    global _pool
    try:
        future = _processes().submit(call)
    except (BrokenProcessPool, RuntimeError):
        with _pool_guard:
            _pool = None
        return call()
    lock.release()
    try:
        return future.result()
    except BrokenProcessPool:
        log.warning("the chart worker process died; drawing in this process instead")
        with _pool_guard:
            _pool = None
        return call()
    finally:
        lock.acquire()


def never_draws() -> bool:
    """The ``light`` test of :meth:`TurnRunner.run` for work that draws nothing (bookkeeping,
    a calendar feed): answered on the event loop whenever the engine is free."""
    return True


def in_turn() -> bool:
    """Whether the calling thread runs a turn of a :class:`TurnRunner` (and so may use the
    engine's connection)."""
    return getattr(_local, "lock", None) is not None


def warm_processes() -> None:
    """Start the worker processes now rather than at the first chart."""
    pool = _processes()
    for _ in range(WORKER_PROCESSES):
        pool.submit(int)


def shutdown_processes() -> None:
    """Stop the worker processes (when serving ends; a later chart starts them again)."""
    global _pool
    with _pool_guard:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


class EngineLock:
    """The lock a turn holds on the engine, fair to the threads: the event loop takes it only
    when no thread is waiting for it, so a stream of turns answered on the loop cannot keep a
    step of a flow (or a turn back from its chart) waiting."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._guard = threading.Lock()
        self._waiting = 0

    def acquire(self) -> None:
        with self._guard:
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._guard:
                self._waiting -= 1

    def acquire_if_free(self) -> bool:
        """Take the lock if no one holds it or waits for it; never blocks."""
        return not self._waiting and self._lock.acquire(blocking=False)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def may_draw(engine: Engine, incoming: Incoming) -> bool:
    """Whether the turn of ``incoming`` may do heavy work. Charts and PDFs are made only at the
    end of a guided flow (the quick score, the report), so a chat with no flow in progress or
    put aside cannot reach one in a single turn; its turn is answered on the event loop."""
    chat = engine.chats.load(incoming.chat_id)
    return chat.flow is not None or chat.paused is not None


class TurnRunner:
    """Runs one engine's turns: ``await runner.handle(incoming)``.

    A turn that cannot draw (:func:`may_draw`) runs at once on the event loop when the engine
    is free: handing a sub-millisecond turn to a thread cost more than the turn (the loop and
    the thread took the GIL from each other at every socket and SQLite call). The others run
    in worker threads, where waiting for a worker process holds up no one."""

    def __init__(self, engine: Engine, *, threads: int = TURN_THREADS) -> None:
        self.engine = engine
        self._threads: Executor = ThreadPoolExecutor(threads, thread_name_prefix="greenbot-turn")
        self._engine_lock = EngineLock()
        self._conn = engine.services.db.conn
        self._chat_locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}
        self.inline_turns = 0  # figures: turns answered on the loop, and in threads
        self.thread_turns = 0
        offload.set_runner(_run_heavy)

    async def handle(self, incoming: Incoming) -> Reply:
        return await self.run(
            incoming.chat_id, lambda: self.engine.handle(incoming), light=self.light(incoming)
        )

    def light(self, incoming: Incoming) -> Callable[[], bool]:
        """The ``light`` test of :meth:`run` for a turn of ``incoming``."""
        return lambda: not may_draw(self.engine, incoming)

    async def run(
        self, chat: Hashable, work: Callable[[], T], *, light: Callable[[], bool] | None = None
    ) -> T:
        """``work()`` (which uses the engine), after the chat's earlier turns and while no
        other turn uses the engine: on the event loop if the engine is free and ``light()``
        (asked with the engine held) says it does no heavy work, else in a worker thread."""
        lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                if light is not None and self._engine_lock.acquire_if_free():
                    _local.lock, _local.conn, _local.inline = self._engine_lock, self._conn, True
                    try:
                        if light():
                            self.inline_turns += 1
                            return work()
                    finally:
                        _local.lock = _local.conn = _local.inline = None
                        self._engine_lock.release()
                self.thread_turns += 1
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._threads, self._locked, work)
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat], self._chat_locks[chat]

    def _locked(self, work: Callable[[], T]) -> T:
        with self._engine_lock:
            _local.lock, _local.conn = self._engine_lock, self._conn
            try:
                return work()
            finally:
                _local.lock = _local.conn = None

    def close(self) -> None:
        self._threads.shutdown(wait=True)
