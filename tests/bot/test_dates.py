"""Dates as people type them: full dates, and a month and day without a year (11月10日)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from bot.dates import TZ, DateInputError, parse_date, read_date

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "prefer", "expected"),
    [
        ("11月10日", "past", date(2026, 11, 10)),  # already this year
        ("11月10日", "future", date(2027, 11, 10)),  # gone this year: next year's
        ("12月1日", "past", date(2025, 12, 1)),  # not yet this year: last year's
        ("12月1日", "future", date(2026, 12, 1)),
        ("11月24日", "past", TODAY),  # today is both
        ("11月24日", "future", TODAY),
        ("11/10", "past", date(2026, 11, 10)),
        ("3-1", "future", date(2027, 3, 1)),
        ("１１月１０号", "past", date(2026, 11, 10)),  # full-width digits, 号
        ("2月29日", "past", date(2024, 2, 29)),  # the nearest leap year
        ("2月29日", "future", date(2028, 2, 29)),
    ],
)
def test_a_date_without_a_year_takes_the_nearest_sensible_year(
    text: str, prefer: str, expected: date
) -> None:
    reading = read_date(text, TODAY, prefer)  # type: ignore[arg-type]
    assert reading == type(reading)(expected, True)
    assert parse_date(text, TODAY, prefer) == expected  # type: ignore[arg-type]


def test_a_full_date_is_not_assumed() -> None:
    assert read_date("2025年11月10日", TODAY).year_assumed is False
    assert read_date("2025-11-10", TODAY, "future").day == date(2025, 11, 10)


@pytest.mark.parametrize(("text", "reason"), [("2月30日", "day"), ("13月1日", "month")])
def test_a_day_that_never_exists_is_refused(text: str, reason: str) -> None:
    with pytest.raises(DateInputError) as caught:
        read_date(text, TODAY)
    assert caught.value.reason == reason


def test_without_today_the_day_in_beijing_is_used() -> None:
    from datetime import datetime

    with time_machine.travel(datetime(2026, 11, 10, 0, 30, tzinfo=TZ), tick=False):
        assert parse_date("11月10日") == date(2026, 11, 10)
        assert parse_date("11月11日") == date(2025, 11, 11)
