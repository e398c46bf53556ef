"""Reminder plans: 30, 7, 1 days before and on the day at 09:00 Beijing; only future ones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.reminders.schedule import expires_at, has_passed, plan, plan_all

from .conftest import at


def test_far_deadline_gets_all_four_at_nine_beijing() -> None:
    planned = plan(date(2026, 6, 30), at("2026-03-05 10:00"))
    assert [(p.offset_days, p.send_at) for p in planned] == [
        (30, at("2026-05-31 09:00")),
        (7, at("2026-06-23 09:00")),
        (1, at("2026-06-29 09:00")),
        (0, at("2026-06-30 09:00")),
    ]
    # 09:00 in Beijing is 01:00 UTC.
    assert planned[0].send_at.astimezone(UTC).hour == 1


def test_deadline_closer_than_30_days_gets_a_reminder_at_once() -> None:
    now = at("2026-03-05 10:00")
    planned = plan(date(2026, 3, 20), now)
    assert [(p.offset_days, p.send_at) for p in planned] == [
        (None, now),
        (7, at("2026-03-13 09:00")),
        (1, at("2026-03-19 09:00")),
        (0, at("2026-03-20 09:00")),
    ]
    assert planned[0].immediate


def test_only_reminders_still_ahead() -> None:
    now = at("2026-03-19 12:00")
    planned = plan(date(2026, 3, 20), now)
    assert [p.offset_days for p in planned] == [None, 0]


def test_boundary_of_the_30_day_reminder() -> None:
    due = date(2026, 4, 30)
    just_before = plan(due, at("2026-03-31 08:59"))
    assert [p.offset_days for p in just_before] == [30, 7, 1, 0]
    on_time = plan(due, at("2026-03-31 09:00"))
    assert [p.offset_days for p in on_time] == [None, 7, 1, 0]


def test_due_today_in_the_early_morning_is_not_told_twice() -> None:
    now = at("2026-03-20 08:30")
    planned = plan(date(2026, 3, 20), now)
    assert [(p.offset_days, p.send_at) for p in planned] == [(None, now)]


def test_due_today_after_nine_gets_one_at_once() -> None:
    now = at("2026-03-20 22:00")
    assert [(p.offset_days, p.send_at) for p in plan(date(2026, 3, 20), now)] == [(None, now)]


def test_passed_deadline_gets_nothing() -> None:
    assert plan(date(2026, 3, 19), at("2026-03-20 00:00")) == []
    assert has_passed(date(2026, 3, 19), at("2026-03-20 00:00"))
    assert not has_passed(date(2026, 3, 19), at("2026-03-19 23:59"))
    assert expires_at(date(2026, 3, 19)) == at("2026-03-20 00:00")


def test_now_in_another_time_zone_is_converted() -> None:
    # 2026-03-19 17:00 UTC is 2026-03-20 01:00 in Beijing: the deadline day has begun.
    now = datetime(2026, 3, 19, 17, 0, tzinfo=UTC)
    planned = plan(date(2026, 3, 20), now)
    assert [p.offset_days for p in planned] == [None, 0]


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        plan(date(2026, 3, 20), datetime(2026, 3, 1, 9, 0))


def test_plan_all_pairs_deadlines_with_plans() -> None:
    from bot.reminders.rules import deadlines_for

    pairs = plan_all(deadlines_for("below_grade_3", date(2026, 1, 10)), at("2026-03-05 10:00"))
    assert [len(planned) for _, planned in pairs] == [4, 4, 4]
