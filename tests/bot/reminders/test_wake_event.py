"""The delivery loop's wake-up is set from engine turns, which run in worker threads."""

from __future__ import annotations

import asyncio
import threading

from bot.reminders.clock import WakeEvent


async def test_a_set_from_another_thread_wakes_the_waiting_loop() -> None:
    event = WakeEvent()
    waiter = asyncio.create_task(event.wait())
    await asyncio.sleep(0)  # the waiter binds the event to this loop
    setter = threading.Thread(target=event.set)
    setter.start()
    setter.join()
    assert await asyncio.wait_for(waiter, 2) is True


async def test_a_set_on_the_loop_itself_is_immediate() -> None:
    event = WakeEvent()
    waiter = asyncio.create_task(event.wait())
    await asyncio.sleep(0)
    event.set()
    assert event.is_set()
    assert await asyncio.wait_for(waiter, 2) is True


def test_a_set_before_any_loop_is_kept() -> None:
    event = WakeEvent()
    event.set()
    assert event.is_set()
