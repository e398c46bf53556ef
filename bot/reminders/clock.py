"""Time for the delivery loop, injectable so tests and benchmarks never sleep for real.

A clock gives the current moment as UTC epoch seconds and sleeps. In the delivery loop only the
dispatcher sleeps (sends themselves never wait on the clock), so :class:`ManualClock`, which
simply moves time forward when asked to sleep, keeps exact virtual time.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import time
from datetime import datetime
from typing import Protocol

from bot.dates import TZ


class Clock(Protocol):
    """What the delivery loop needs from time."""

    def now(self) -> float:
        """UTC epoch seconds."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """Wall-clock time and real sleeping."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """Virtual time: starts at ``start`` and moves only when slept on or advanced."""

    def __init__(self, start: float | datetime) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self.slept: list[float] = []

    def now(self) -> float:
        return self._now

    def datetime(self) -> _dt.datetime:
        """The current moment in Asia/Shanghai."""
        return datetime.fromtimestamp(self._now, TZ)

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)

    def set(self, moment: float | _dt.datetime) -> None:
        self._now = moment.timestamp() if isinstance(moment, datetime) else float(moment)

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.slept.append(seconds)
        self._now += seconds
        await asyncio.sleep(0)


def to_datetime(epoch: float) -> datetime:
    """Epoch seconds as an Asia/Shanghai datetime."""
    return datetime.fromtimestamp(epoch, TZ)


class WakeEvent(asyncio.Event):
    """The delivery loop's wake-up, safe to set from any thread.

    Engine turns run in worker threads (so a chart drawn for one user does not stall the
    others), and an enrolment sets this event from there. :class:`asyncio.Event` may only be
    set on its own loop, so a set from elsewhere is handed to that loop."""

    def set(self) -> None:
        loop = self._loop  # type: ignore[attr-defined]  # bound by the first wait()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is not None and running is not loop and not loop.is_closed():
            loop.call_soon_threadsafe(super().set)
        else:
            super().set()
