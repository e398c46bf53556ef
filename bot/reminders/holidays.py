"""Working days in the official China calendar, for the last day of a period.

民法典 第二百零三条: a period whose last day is a statutory holiday ends on the first working day
after it. "Holiday" here means the State Council's yearly schedule: statutory holidays plus
weekends, minus the weekend days declared working days (调休). The ``chinese_calendar`` package
(PyPI ``chinesecalendar``) carries that schedule; the State Council publishes each year's schedule
late in the year before, so the package covers a year only once it is out.

For a year it does not cover, the statutory holidays are computed from
《全国年节及纪念日放假办法》 (:func:`statutory_holidays`) and a holiday falling on a Saturday or
Sunday is made up on the next working day(s) (its 第六条). Only the swapped working days cannot
be known before they are published, so such a result is still flagged as not official.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

# A period never runs through more than a fortnight of holidays; this only guards the loop.
_MAX_SCAN_DAYS = 40

# The holidays in the order the rules list them (also the order of ``statutory_holidays``).
HOLIDAYS: tuple[str, ...] = (
    "new_year",
    "spring_festival",
    "qingming",
    "labour_day",
    "dragon_boat",
    "mid_autumn",
    "national_day",
)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Where a last day lands once holidays are skipped.

    ``adjusted`` is ``None`` when ``day`` is itself a working day. ``official_calendar`` is
    ``False`` when any day looked at lies in a year the official schedule does not cover (then
    the computed statutory holidays and weekends were skipped, swapped working days unknown);
    ``uncovered_year`` names the first such year.
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


# -- the statutory holidays, computed ------------------------------------------------------------


def _lunar_day(year: int, month: int, day: int) -> date:
    """The Gregorian date of a day of the lunar calendar (``month`` is never a leap month)."""
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    """The day of the Qingming solar term (the sun at 15° longitude, Beijing time)."""
    from lunar_python import Solar

    # 1 April always lies in the lunar year whose solar-term table holds this year's Qingming.
    term = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    return date(term.getYear(), term.getMonth(), term.getDay())


@cache
def statutory_holidays(year: int) -> dict[str, tuple[date, ...]]:
    """The statutory holidays of ``year`` per 《全国年节及纪念日放假办法》, by holiday.

    As revised in 2024 (in force 2025-01-01): 元旦 1 day; 春节 4 days (除夕, 正月初一–初三);
    清明 1 day (the solar term); 劳动节 2 days (1–2 May); 端午 1 day (五月初五); 中秋 1 day
    (八月十五); 国庆 3 days (1–3 Oct). Earlier years follow the text then in force: 2014–2024
    春节 初一–初三 and 劳动节 1 day; 2008–2013 春节 除夕–初二 and 劳动节 1 day; before 2008 (the
    1999 text) 春节 初一–初三, 劳动节 1–3 May, and no 清明, 端午 or 中秋.
    """
    first = _lunar_day(year, 1, 1)
    eve = first - timedelta(days=1)  # 除夕: the last day of the twelfth month, 29th or 30th
    spring = [first + timedelta(days=n) for n in range(3)]
    if year >= 2025 or 2008 <= year <= 2013:
        spring = [eve, *spring] if year >= 2025 else [eve, *spring[:2]]
    if year >= 2025:
        labour: list[date] = [date(year, 5, 1), date(year, 5, 2)]
    elif year >= 2008:
        labour = [date(year, 5, 1)]
    else:
        labour = [date(year, 5, 1), date(year, 5, 2), date(year, 5, 3)]
    days: dict[str, tuple[date, ...]] = {
        "new_year": (date(year, 1, 1),),
        "spring_festival": tuple(spring),
        "labour_day": tuple(labour),
        "national_day": (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)),
    }
    if year >= 2008:
        days["qingming"] = (_qingming(year),)
        days["dragon_boat"] = (_lunar_day(year, 5, 5),)
        days["mid_autumn"] = (_lunar_day(year, 8, 15),)
    return {name: days[name] for name in HOLIDAYS if name in days}


@cache
def made_up_days(year: int) -> frozenset[date]:
    """Weekdays given off because a statutory holiday of ``year`` fell on a Saturday or Sunday
    (第六条: 适逢星期六、星期日，应当在工作日补假): the next working days after that holiday.

    A day that two holidays share (中秋 on 1–3 October) is owed once more: the rules give each
    holiday its days, and the published schedules (2020) did so too."""
    holidays = statutory_holidays(year)
    statutory = {day for days in holidays.values() for day in days}
    made_up: set[date] = set()
    taken: set[date] = set()
    for days in holidays.values():
        owed = sum(1 for day in days if day.weekday() >= 5 or day in taken)
        taken.update(days)
        current = max(days)
        while owed:
            current += timedelta(days=1)
            if current.weekday() < 5 and current not in statutory and current not in made_up:
                made_up.add(current)
                owed -= 1
    return frozenset(made_up)


@cache
def computed_rest_days(year: int) -> frozenset[date]:
    """Every weekday off in ``year`` that the rules alone fix: statutory holidays and made-up
    days (swapped working days, 调休, are published yearly and not included)."""
    statutory = {day for days in statutory_holidays(year).values() for day in days}
    return frozenset(statutory | made_up_days(year))


def is_working_day(day: date) -> tuple[bool, bool]:
    """``(working, official)``: is ``day`` a working day, and did the official schedule say so."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # year not published yet (or before the package's range)
        return day.weekday() < 5 and day not in computed_rest_days(day.year), False


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
