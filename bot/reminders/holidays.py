"""Working days in the official China calendar, for the last day of a period.

民法典 第二百零三条: a period whose last day is a statutory holiday ends on the first working day
after it. "Holiday" here means the State Council's yearly schedule: statutory holidays plus
weekends, minus the weekend days declared working days (调休). The ``chinese_calendar`` package
(PyPI ``chinesecalendar``) carries that schedule; the State Council publishes each year's schedule
late in the year before, so the package covers a year only once it is out. For a year it does not
cover we fall back to Monday–Friday and say that the official schedule was not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

# A period never runs through more than a fortnight of holidays; this only guards the loop.
_MAX_SCAN_DAYS = 40


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Where a last day lands once holidays are skipped.

    ``adjusted`` is ``None`` when ``day`` is itself a working day. ``official_calendar`` is
    ``False`` when any day looked at lies in a year the official schedule does not cover (then
    only weekends were skipped); ``uncovered_year`` names the first such year.
    """

    day: date
    adjusted: date | None
    official_calendar: bool
    uncovered_year: int | None = None


@cache
def _covered_range() -> tuple[int, int]:
    """The first and last year the installed calendar knows (e.g. 2004–2026)."""
    import chinese_calendar

    days = list(chinese_calendar.constants.holidays) + list(chinese_calendar.constants.workdays)
    return min(days).year, max(days).year


def last_covered_year() -> int:
    """The last year whose official schedule the installed calendar carries."""
    return _covered_range()[1]


def is_working_day(day: date) -> tuple[bool, bool]:
    """``(working, official)``: is ``day`` a working day, and did the official schedule say so."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # year not published yet (or before the package's range)
        return day.weekday() < 5, False


def adjust(day: date) -> Adjustment:
    """The first working day on or after ``day``; ``adjusted`` is ``None`` if ``day`` works."""
    official = True
    uncovered: int | None = None
    current = day
    for _ in range(_MAX_SCAN_DAYS):
        working, known = is_working_day(current)
        if not known:
            official = False
            uncovered = uncovered or current.year
        if working:
            return Adjustment(day, None if current == day else current, official, uncovered)
        current += timedelta(days=1)
    raise AssertionError(f"no working day within {_MAX_SCAN_DAYS} days after {day}")
