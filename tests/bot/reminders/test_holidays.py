"""Statutory holidays computed from the national holiday rules, checked against published years."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from bot.reminders import holidays
from bot.reminders.holidays import (
    HOLIDAYS,
    computed_rest_days,
    made_up_days,
    statutory_holidays,
)

FIRST_COVERED, LAST_COVERED = holidays._covered_range()
COVERED = range(FIRST_COVERED, LAST_COVERED + 1)
# Years whose published schedule gave the make-up day elsewhere (or not at all): 2012's 端午
# (Saturday 23 June) was made up on Friday 22 June by a swap; in 2015 中秋 fell on Sunday
# 27 September and was not made up. Every other computed make-up day is a published holiday.
MADE_UP_ELSEWHERE = {date(2012, 6, 25), date(2015, 9, 28)}


@pytest.mark.parametrize("year", COVERED)
def test_every_computed_statutory_day_is_a_published_holiday(year: int) -> None:
    for name, days in statutory_holidays(year).items():
        for day in days:
            assert chinese_calendar.is_holiday(day), f"{name} {day} is a working day in {year}"


@pytest.mark.parametrize("year", COVERED)
def test_computed_make_up_days_are_published_holidays(year: int) -> None:
    for day in made_up_days(year) - MADE_UP_ELSEWHERE:
        assert day.weekday() < 5
        assert chinese_calendar.is_holiday(day), f"made-up {day} is a working day in {year}"


@pytest.mark.parametrize("year", [2025, 2026])
def test_named_days_of_the_revised_rules_agree_with_the_calendar(year: int) -> None:
    # chinesecalendar names each statutory holiday; the 2024 revision (in force 2025) counts
    # 除夕 and 2 May, and the published years agree day by day on the names.
    names = {
        "new_year": "New Year's Day",
        "spring_festival": "Spring Festival",
        "qingming": "Tomb-sweeping Day",
        "labour_day": "Labour Day",
        "dragon_boat": "Dragon Boat Festival",
        "mid_autumn": "Mid-autumn Festival",
        "national_day": "National Day",
    }
    for name, days in statutory_holidays(year).items():
        for day in days:
            on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
            assert on_holiday and holiday_name == names[name], (day, holiday_name)


def test_rules_of_each_era() -> None:
    assert list(statutory_holidays(2027)) == list(HOLIDAYS)
    assert len(statutory_holidays(2027)["spring_festival"]) == 4
    assert statutory_holidays(2027)["labour_day"] == (date(2027, 5, 1), date(2027, 5, 2))
    assert statutory_holidays(2024)["spring_festival"] == (
        date(2024, 2, 10),
        date(2024, 2, 11),
        date(2024, 2, 12),
    )  # 除夕 (9 February) not yet a holiday
    assert statutory_holidays(2010)["spring_festival"][0] == date(2010, 2, 13)  # 除夕 2008-2013
    assert "qingming" not in statutory_holidays(2007)
    assert len(statutory_holidays(2007)["labour_day"]) == 3


def test_lunar_and_solar_term_days_of_unpublished_years() -> None:
    days = statutory_holidays(2027)
    assert days["spring_festival"] == (
        date(2027, 2, 5),  # 除夕
        date(2027, 2, 6),  # 正月初一
        date(2027, 2, 7),
        date(2027, 2, 8),
    )
    assert days["qingming"] == (date(2027, 4, 5),)
    assert statutory_holidays(2028)["qingming"] == (date(2028, 4, 4),)
    assert statutory_holidays(2028)["spring_festival"][1] == date(2028, 1, 26)


def test_weekend_holidays_are_made_up_on_the_next_working_days() -> None:
    # 2027: 国庆 1-3 Oct is Fri-Sun, so 4 and 5 Oct are made up; 劳动节 1-2 May is Sat-Sun.
    assert {date(2027, 10, 4), date(2027, 10, 5)} <= made_up_days(2027)
    assert {date(2027, 5, 3), date(2027, 5, 4)} <= made_up_days(2027)
    # 2028: 中秋 falls on 3 October, inside 国庆: one more day is owed.
    assert {date(2028, 10, 4), date(2028, 10, 5)} <= made_up_days(2028)
    assert date(2028, 1, 3) in computed_rest_days(2028)  # 元旦 on a Saturday


def test_unpublished_years_skip_the_computed_holidays(monkeypatch: pytest.MonkeyPatch) -> None:
    def unpublished(day: date) -> bool:
        raise NotImplementedError(f"no available data for year {day.year}")

    monkeypatch.setattr(chinese_calendar, "is_workday", unpublished)
    assert holidays.is_working_day(date(2027, 10, 1)) == (False, False)
    assert holidays.is_working_day(date(2027, 10, 5)) == (False, False)
    assert holidays.is_working_day(date(2027, 10, 6)) == (True, False)
    assert holidays.is_working_day(date(2027, 1, 1)) == (False, False)
    assert holidays.adjust(date(2027, 10, 1)).adjusted == date(2027, 10, 6)
