"""When to remind: 30, 7 and 1 days before each deadline and on the day, at 09:00 Asia/Shanghai.

Only reminders still ahead are planned. A deadline already closer than 30 days (its 30-day
reminder time has gone) gets a reminder at once; a planned one that would follow within the hour
is then left out, so nobody is told the same thing twice in a row. A deadline has passed once its
day is over in Beijing (00:00 of the next day); nothing is planned or sent after that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.dates import TZ

if TYPE_CHECKING:
    from bot.reminders.rules import Deadline

OFFSETS: tuple[int, ...] = (30, 7, 1, 0)
SEND_TIME = time(9, 0)
# A planned reminder this close after an immediate one is dropped.
IMMEDIATE_GAP = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Planned:
    """One reminder ``offset_days`` before the deadline (``None``: at once), at ``send_at``."""

    offset_days: int | None
    send_at: datetime

    @property
    def immediate(self) -> bool:
        return self.offset_days is None


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be time-zone aware")
    return now.astimezone(TZ)


def reminder_time(due: date, offset_days: int) -> datetime:
    """09:00 Asia/Shanghai, ``offset_days`` before ``due``."""
    return datetime.combine(due - timedelta(days=offset_days), SEND_TIME, tzinfo=TZ)


def expires_at(due: date) -> datetime:
    """The moment a deadline has passed: 00:00 Asia/Shanghai of the day after ``due``."""
    return datetime.combine(due + timedelta(days=1), time(0, 0), tzinfo=TZ)


def has_passed(due: date, now: datetime) -> bool:
    """Whether the day ``due`` is over in Beijing at ``now``."""
    return _aware(now) >= expires_at(due)


def plan(due: date, now: datetime, offsets: tuple[int, ...] = OFFSETS) -> list[Planned]:
    """The reminders for a deadline on ``due``, seen from ``now``, in time order."""
    now = _aware(now)
    if has_passed(due, now):
        return []
    ahead = [
        Planned(offset, reminder_time(due, offset))
        for offset in sorted(set(offsets), reverse=True)
        if reminder_time(due, offset) > now
    ]
    earliest = reminder_time(due, max(offsets)) if offsets else None
    if earliest is None or earliest > now:
        return ahead
    immediate = Planned(None, now)
    return [immediate, *(item for item in ahead if item.send_at - now >= IMMEDIATE_GAP)]


def plan_all(
    deadlines: Iterable[Deadline], now: datetime, offsets: tuple[int, ...] = OFFSETS
) -> list[tuple[Deadline, list[Planned]]]:
    """Each deadline with its reminders (for the confirm step of an enrolment)."""
    return [(item, plan(item.due, now, offsets)) for item in deadlines]
