"""Dates as people type them, and periods counted the way the law counts them.

民法典 第二百零一条–第二百零三条: the day an event happens is not counted; a period in days
ends after that many further days; a period in years ends on the corresponding day, or on the
last day of that month when there is no such day (29 February).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．：　", "0123456789/-.: ")
_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Month and day without a year: 11月10日, 11/10, 11-10 (month first, as dates are written here).
_NO_YEAR = (
    re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
)
Prefer = Literal["past", "future"]


class DateInputError(ValueError):
    """A date that cannot be read, or that cannot exist.

    The message is for the command line; ``reason`` (``unreadable``, ``year``, ``month``,
    ``day``) and ``values`` (the numbers a message shows) let a chat say it in any language.
    """

    def __init__(self, message: str, reason: str = "unreadable", **values: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


def today() -> date:
    """Today in Asia/Shanghai, the only time zone the measures live in."""
    return datetime.now(TZ).date()


_today_in_beijing = today  # ``today`` is also a parameter name below


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date as read, and whether its year was taken rather than typed (``11月10日``)."""

    day: date
    year_assumed: bool = False


def parse_date(text: str, today: date | None = None, prefer: Prefer = "past") -> date:
    """Read 2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日 or 20250601 (also full-width digits),
    or a month and day without a year (see :func:`read_date`).

    Raises :class:`DateInputError` with a reason a person understands.
    """
    return read_date(text, today, prefer).day


def read_date(text: str, today: date | None = None, prefer: Prefer = "past") -> DateReading:
    """Like :func:`parse_date`, saying whether the year was taken.

    Without a year the nearest sensible one is taken: for something that has already happened
    (``prefer="past"``) the most recent such day up to ``today``, for a day set in a notice
    (``prefer="future"``) the next one from ``today`` on. 2月29日 takes the nearest leap year.
    """
    cleaned = text.strip().translate(_FULL_WIDTH)
    for pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return DateReading(_checked(year, month, day))
    for pattern in _NO_YEAR:
        match = pattern.match(cleaned)
        if match:
            month, day = (int(part) for part in match.groups())
            return DateReading(_nearest(month, day, today or _today_in_beijing(), prefer), True)
    raise DateInputError(
        f"cannot read {text.strip()[:40]!r} as a date; use a form like 2025-06-01, "
        "2025/6/1, 2025年6月1日 or 20250601"
    )


def _nearest(month: int, day: int, today: date, prefer: Prefer) -> date:
    """The ``month``/``day`` nearest to ``today`` on the side ``prefer`` says."""
    _checked(2000 if (month, day) == (2, 29) else today.year, month, day)  # 2月30日 never exists
    step = -1 if prefer == "past" else 1
    year = today.year
    for _ in range(9):  # a 29 February is at most eight years away
        if calendar.isleap(year) or (month, day) != (2, 29):
            candidate = date(year, month, day)
            if (candidate <= today) if prefer == "past" else (candidate >= today):
                return candidate
        year += step
    raise AssertionError("unreachable: some year within eight has the day")


def _checked(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2200:
        raise DateInputError(f"year {year} is out of range", "year", year=year)
    if not 1 <= month <= 12:
        raise DateInputError(f"month {month} does not exist", "month", month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateInputError(
            f"{year}-{month:02d} has no day {day} (it has {last} days)",
            "day",
            year=year,
            month=month,
            day=day,
            last=last,
        )
    return date(year, month, day)


def add_days(start: date, days: int) -> date:
    """Last day of a period of ``days`` days starting the day after ``start``."""
    return start + timedelta(days=days)


def add_years(start: date, years: int) -> date:
    """Last day of a period of ``years`` years: the corresponding day, else the month's end."""
    year = start.year + years
    last = calendar.monthrange(year, start.month)[1]
    return date(year, start.month, min(start.day, last))


def day_after(day: date) -> date:
    """The first day after a period has run out."""
    return day + timedelta(days=1)
