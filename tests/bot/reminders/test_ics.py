"""Deadlines as .ics files."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from bot.reminders.ics import calendar_ics, deadline_ics, ics_filename
from bot.reminders.rules import deadlines_for

from .conftest import at


def test_one_deadline_is_an_all_day_event_with_alarms() -> None:
    [item] = deadlines_for("rename", date(2026, 9, 1))  # due 2026-10-01, runs to 10-08
    filename, data = deadline_ics(
        item, unit_id=42, unit_name="北京甲厂", now=at("2026-09-02 10:00")
    )
    assert filename == "apply_name_change-2026-10-01.ics"
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 10, 1)
    assert event.decoded("dtend") == date(2026, 10, 2)
    assert str(event["uid"]) == "unit-42-apply_name_change@greenbot"
    assert "北京甲厂" in str(event["summary"]) and "申请名称变更" in str(event["summary"])
    description = str(event["description"])
    assert "2026-10-08" in description and "第十四条" in description
    triggers = [alarm.decoded("trigger") for alarm in event.walk("VALARM")]
    # 09:00 seven days before, and 09:00 on the day.
    assert triggers == [-timedelta(days=6, hours=15), timedelta(hours=9)]
    assert str(calendar["x-wr-timezone"]) == "Asia/Shanghai"


def test_uid_is_stable_per_unit_and_kind() -> None:
    [item] = deadlines_for("rename", date(2026, 9, 1))
    _, first = deadline_ics(item, unit_id=7, now=at("2026-09-02 10:00"))
    _, again = deadline_ics(item, unit_id=7, now=at("2026-09-03 11:00"))
    uid = [str(e["uid"]) for e in Calendar.from_ical(first).walk("VEVENT")]
    assert uid == [str(e["uid"]) for e in Calendar.from_ical(again).walk("VEVENT")]


def test_several_deadlines_and_the_uncovered_year_note() -> None:
    items = deadlines_for("below_grade_3", date(2026, 1, 10))
    data = calendar_ics(items, uid_seed="cli", lang="en")
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [i.due for i in items]
    assert len({str(e["uid"]) for e in events}) == 3
    assert "not out yet" in str(events[-1]["description"])
    assert ics_filename(items[0]) == "green_diagnosis-2027-01-10.ics"
