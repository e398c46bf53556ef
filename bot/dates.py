"""Dates as people type them, and periods counted the way the law counts them.

民法典 第二百零一条–第二百零三条: the day an event happens is not counted; a period in days
ends after that many further days; a period in years ends on the corresponding day, or on the
last day of that month when there is no such day (29 February).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．：　", "0123456789/-.: ")
_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


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


def parse_date(text: str) -> date:
    """Read 2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日 or 20250601 (also full-width digits).

    Raises :class:`DateInputError` with a reason a person understands.
    """
    cleaned = text.strip().translate(_FULL_WIDTH)
    for pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return _checked(year, month, day)
    raise DateInputError(
        f"cannot read {text.strip()[:40]!r} as a date; use a form like 2025-06-01, "
        "2025/6/1, 2025年6月1日 or 20250601"
    )


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
