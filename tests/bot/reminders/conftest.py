"""Fixtures for the reminder tests: an in-memory store, a virtual clock, a fake sender."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlite_utils import Database

from bot.dates import TZ
from bot.identity import ChatId, telegram_number
from bot.reminders.clock import ManualClock
from bot.reminders.errors import ChatBlocked
from bot.reminders.store import ReminderStore


def at(text: str) -> datetime:
    """``"2026-03-05 10:00"`` as a Beijing-time datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@dataclass
class Sent:
    at: float
    chat_id: int
    html: str


class FakeSender:
    """Records what it sends at the clock's time; raises queued errors first.

    ``fail(error, chat_id=None)`` queues an error for the next send (to that chat, or to any
    chat); ``block(chat_id)`` makes every send to the chat raise :class:`ChatBlocked`.
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self.documents: list[tuple[int, str, bytes, str]] = []
        self.attempts: list[tuple[float, int]] = []
        self._faults: deque[tuple[int | None, BaseException]] = deque()
        self.blocked: set[int] = set()

    def fail(self, *errors: BaseException, chat_id: int | None = None) -> None:
        for error in errors:
            self._faults.append((chat_id, error))

    def block(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    def _fault_for(self, chat_id: int) -> BaseException | None:
        for index, (target, error) in enumerate(self._faults):
            if target is None or target == chat_id:
                del self._faults[index]
                return error
        return None

    async def send_text(self, chat_id: ChatId | int, html: str) -> None:
        chat_id = telegram_number(chat_id)  # the Telegram edge: records the Bot API's ids
        self.attempts.append((self.clock.now(), chat_id))
        if chat_id in self.blocked:
            raise ChatBlocked("Forbidden: bot was blocked by the user")
        error = self._fault_for(chat_id)
        if error is not None:
            raise error
        self.sent.append(Sent(self.clock.now(), chat_id, html))

    async def send_document(
        self, chat_id: ChatId | int, filename: str, data: bytes, caption: str
    ) -> None:
        chat_id = telegram_number(chat_id)
        self.documents.append((chat_id, filename, data, caption))

    def to(self, chat_id: int) -> list[Sent]:
        return [item for item in self.sent if item.chat_id == chat_id]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at("2026-03-05 10:00"))


@pytest.fixture
def store() -> Iterator[ReminderStore]:
    store = ReminderStore(Database(memory=True))
    yield store
    store.close()


@pytest.fixture
def sender(clock: ManualClock) -> FakeSender:
    return FakeSender(clock)
