"""Engine turns off the event loop: a chart drawn for one chat holds up no other chat."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time

import pytest

from bot.app import build_engine
from bot.engine import Incoming
from bot.offload import heavy
from bot.transports.turns import EngineLock, TurnRunner


async def _max_loop_gap(until: asyncio.Future[object]) -> float:
    """The longest the event loop went without running this ticker, until ``until`` is done."""
    gap, last = 0.0, time.perf_counter()
    while not until.done():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        gap, last = max(gap, now - last), now
    return gap


async def test_heavy_work_in_a_turn_holds_up_neither_the_loop_nor_other_chats() -> None:
    runner = TurnRunner(build_engine(":memory:"))
    # Warm the worker process and the Q&A index up: the timing below is that of a turn alone.
    await runner.run("warm", lambda: heavy(time.sleep, 0.01))
    await runner.handle(Incoming(3, 3, text="第十一条"))
    slow = asyncio.ensure_future(runner.run("a", lambda: heavy(time.sleep, 0.6)))
    gap = asyncio.ensure_future(_max_loop_gap(slow))
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    reply = await runner.handle(Incoming(2, 2, text="第十一条"))
    quick = time.perf_counter() - started
    assert "第十一条" in reply.messages[0].text
    assert not slow.done()
    assert quick < 0.3, f"another chat's turn waited {quick:.2f} s for a chart"
    await slow
    assert await gap < 0.2
    runner.close()


async def test_turns_of_one_chat_keep_their_order() -> None:
    runner = TurnRunner(build_engine(":memory:"))
    done: list[int] = []

    def turn(number: int, pause: float) -> None:
        heavy(time.sleep, pause)
        done.append(number)

    await asyncio.gather(
        *(runner.run("same", lambda n=n: turn(n, 0.05 * (3 - n))) for n in range(3))
    )
    assert done == [0, 1, 2]
    runner.close()


def test_outside_a_turn_heavy_work_runs_in_place() -> None:
    assert heavy(sorted, [3, 1, 2]) == [1, 2, 3]


async def test_heavy_work_inside_a_transaction_keeps_the_engine(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Given up while a transaction is open, the engine would let another chat's turn write
    into it (and commit or roll it back under this one)."""
    engine = build_engine(":memory:")
    runner = TurnRunner(engine)
    db = engine.services.db

    def turn() -> tuple[int, int]:
        outside = heavy(os.getpid)
        with db.atomic():
            return outside, heavy(os.getpid)

    outside, inside = await runner.run("a", turn)
    assert outside != os.getpid()  # a worker process, as usual
    assert inside == os.getpid()
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    runner.close()


async def test_turns_that_cannot_draw_are_answered_on_the_loop_and_charts_in_threads(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = TurnRunner(build_engine(":memory:"))
    reply = await runner.handle(Incoming(5, 5, text="第十一条"))
    assert "第十一条" in reply.messages[0].text
    assert (runner.inline_turns, runner.thread_turns) == (1, 0)
    # The quick score, every indicator skipped, to its chart: its steps may draw, in threads.
    reply = await runner.handle(Incoming(5, 5, text="/score"))
    photos = []
    for _ in range(40):
        skip = next(
            (b.data for m in reply.messages for row in m.buttons for b in row if "跳过" in b.label),
            None,
        )
        if skip is None:
            break
        reply = await runner.handle(Incoming(5, 5, button=skip, message_id=1))
        photos += [m for m in reply.messages if m.attachment and m.attachment.kind == "photo"]
    assert len(photos) == 1 and photos[0].attachment is not None
    assert photos[0].attachment.data.startswith(b"\x89PNG")
    assert runner.thread_turns >= 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    runner.close()


def test_the_loop_does_not_take_the_engine_from_a_thread_waiting_for_it() -> None:
    lock = EngineLock()
    assert lock.acquire_if_free()
    done = threading.Event()

    def turn_in_a_thread() -> None:
        with lock:
            done.wait(5)

    waiter = threading.Thread(target=turn_in_a_thread)
    waiter.start()
    deadline = time.monotonic() + 5
    while not lock._waiting and time.monotonic() < deadline:
        time.sleep(0.001)
    lock.release()
    # Whether or not the waiting thread has got it yet, it is its turn, not the loop's.
    assert not lock.acquire_if_free()
    done.set()
    waiter.join(5)
    assert lock.acquire_if_free()
    lock.release()


def test_chart_workers_end_when_the_server_is_killed() -> None:
    """A server killed without shutting its pool down (SIGKILL) leaves no worker behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    script = (
        "import sys, time\n"
        "from bot.transports.turns import _processes, warm_processes\n"
        "warm_processes()\n"
        # killed at once: a worker may start only after its server is gone
        "print(' '.join(str(pid) for pid in _processes()._processes), flush=True)\n"
        "time.sleep(120)\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert server.stdout is not None
    workers = [int(pid) for pid in server.stdout.readline().split()]
    assert workers
    os.kill(server.pid, signal.SIGKILL)
    server.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    deadline = time.monotonic() + 30  # the warm-up chart may still be drawing
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes outlived their server: {left}"
