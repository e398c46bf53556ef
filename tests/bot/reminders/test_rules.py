"""Deadline rules: counting as the law counts, articles, holiday adjustment, date checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.dates import DateInputError
from bot.reminders import rules
from bot.reminders.messages import calendar_note, event_date_problem
from bot.reminders.rules import (
    KINDS,
    Event,
    EventDateError,
    Kind,
    UnknownEventError,
    check_event_date,
    deadlines_for,
    parse_event_date,
)

ARTICLES = Path(__file__).resolve().parents[3] / "knowledge" / "articles.yaml"


def only(event: str, day: date) -> rules.Deadline:
    [item] = deadlines_for(event, day)
    return item


# ---------------------------------------------------------------- the table, event by event


def test_rename_is_30_days_art_14() -> None:
    item = only("rename", date(2026, 3, 10))
    assert (item.kind, item.due, item.ref) == (Kind.APPLY_NAME_CHANGE, date(2026, 4, 9), "art-14")
    assert "申请名称变更" in item.text and "30日内" in item.text


def test_major_change_is_30_days_art_14() -> None:
    item = only("major_change", date(2026, 3, 10))
    assert (item.kind, item.due, item.ref) == (Kind.APPLY_REVIEW, date(2026, 4, 9), "art-14")
    assert "申请复核" in item.text and "重组" in item.text


def test_design_example_30_days_after_january_31() -> None:
    # DESIGN.md: "30日内" after 2026-01-31 ends 2026-03-02.
    assert only("rename", date(2026, 1, 31)).due == date(2026, 3, 2)


def test_30_days_across_a_leap_february() -> None:
    assert only("rename", date(2028, 1, 31)).due == date(2028, 3, 1)
    assert only("major_change", date(2026, 12, 15)).due == date(2027, 1, 14)


def test_below_grade_3_clock_of_art_16() -> None:
    items = deadlines_for(Event.BELOW_GRADE_3, date(2025, 6, 30))
    assert [(i.kind, i.due, i.ref) for i in items] == [
        (Kind.GREEN_DIAGNOSIS, date(2026, 6, 30), "art-16"),
        (Kind.RETROFIT, date(2027, 6, 30), "art-16"),
        (Kind.REGRADE, date(2028, 6, 30), "art-16"),
    ]
    assert "一年内进行绿色诊断" in items[0].text
    assert "两年内完成绿色化改造提升" in items[1].text
    assert "撤销相关称号" in items[2].text


def test_design_example_one_year_after_february_29() -> None:
    # DESIGN.md: one year after 2028-02-29 ends 2029-02-28.
    items = deadlines_for("below_grade_3", date(2028, 2, 29))
    assert [i.due for i in items] == [date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28)]


def test_years_from_a_month_end_keep_the_corresponding_day() -> None:
    items = deadlines_for("below_grade_3", date(2027, 2, 28))
    assert [i.due for i in items] == [date(2028, 2, 28), date(2029, 2, 28), date(2030, 2, 28)]
    items = deadlines_for("below_grade_3", date(2025, 8, 31))
    assert [i.due for i in items] == [date(2026, 8, 31), date(2027, 8, 31), date(2028, 8, 31)]


def test_reapply_the_day_after_two_years_art_15() -> None:
    item = only("revoked_failed_review", date(2025, 4, 15))
    assert (item.kind, item.due, item.ref) == (Kind.REAPPLY_FROM, date(2027, 4, 16), "art-15")
    assert item.sense == "from"
    assert only("revoked_failed_review", date(2028, 2, 29)).due == date(2030, 3, 1)
    assert only("revoked_failed_review", date(2024, 12, 31)).due == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("event", "day", "first"),
    [
        ("revoked_failed_review", date(2024, 2, 29), date(2026, 3, 1)),  # a Sunday
        ("exclusion_event", date(2023, 9, 30), date(2026, 10, 1)),  # 国庆 2026
        ("revoked_failed_review", date(2025, 9, 30), date(2027, 10, 1)),  # 国庆 2027, computed
    ],
)
def test_a_first_permitted_day_is_never_moved(event: str, day: date, first: date) -> None:
    # 民法典 第二百零三条 extends the last day of a period to act, not a first day one may act.
    item = only(event, day)
    assert item.sense == "from" and item.due == first
    assert item.holiday_adjusted is None and item.to_json()["holiday_adjusted"] is None
    assert item.closed is True


def test_a_first_permitted_working_day_is_not_marked_closed() -> None:
    item = only("revoked_failed_review", date(2025, 4, 15))  # 2027-04-16, a Friday
    assert item.closed is False and item.holiday_adjusted is None


def test_eligible_again_the_day_after_three_years_art_11() -> None:
    item = only("exclusion_event", date(2024, 2, 29))
    assert (item.kind, item.due, item.ref) == (
        Kind.ELIGIBLE_AGAIN_FROM,
        date(2027, 3, 1),
        "art-11",
    )
    assert item.text.startswith("近三年")
    assert only("exclusion_event", date(2023, 7, 1)).due == date(2026, 7, 2)


def test_notice_events_are_due_on_the_day_given() -> None:
    review = only("review_notice", date(2026, 6, 30))
    assert (review.kind, review.due, review.ref) == (Kind.REVIEW_DUE, date(2026, 6, 30), "art-13")
    report = only("report_notice", date(2026, 6, 30))
    assert (report.kind, report.due, report.ref) == (Kind.REPORT_DUE, date(2026, 6, 30), "art-12")


def test_every_event_has_rules_and_kinds_are_sorted_by_date() -> None:
    for event in Event:
        items = deadlines_for(event, date(2025, 5, 20))
        assert items
        assert [i.due for i in items] == sorted(i.due for i in items)


def test_unknown_event_is_refused_with_the_list() -> None:
    with pytest.raises(UnknownEventError, match="rename"):
        deadlines_for("renamed", date(2026, 1, 1))
    assert rules.to_event(" Rename ") is Event.RENAME


# ---------------------------------------------------------------- texts are verbatim


@pytest.mark.skipif(not ARTICLES.is_file(), reason="knowledge/articles.yaml not present")
@pytest.mark.parametrize("kind", list(Kind))
def test_each_text_is_verbatim_from_its_article(kind: Kind) -> None:
    data = yaml.safe_load(ARTICLES.read_text(encoding="utf-8"))
    articles = {item["id"]: item["text"] for item in data["articles"]}
    info = KINDS[kind]
    assert info.text in articles[info.ref]


def test_json_shape_is_exactly_the_contract() -> None:
    item = only("review_notice", date(2026, 10, 1))
    assert item.to_json() == {
        "kind": "review_due",
        "due": "2026-10-01",
        "holiday_adjusted": "2026-10-08",
        "ref": "art-13",
        "text": rules.ART_13,
    }


# ---------------------------------------------------------------- holiday adjustment


@pytest.mark.parametrize(
    ("day", "adjusted"),
    [
        (date(2026, 10, 1), date(2026, 10, 8)),  # National Day week 2026: 10-01..10-07
        (date(2026, 10, 4), date(2026, 10, 8)),  # a Sunday inside it
        (date(2026, 10, 8), None),  # first working day after it
        (date(2026, 10, 10), None),  # Saturday made a working day (调休)
        (date(2026, 2, 14), None),  # Saturday made a working day before Spring Festival
        (date(2026, 2, 15), date(2026, 2, 24)),  # Spring Festival 2026: 02-15..02-23
        (date(2026, 2, 28), None),  # Saturday made a working day after it
        (date(2026, 3, 7), date(2026, 3, 9)),  # an ordinary Saturday
        (date(2026, 3, 9), None),  # an ordinary Monday
        (date(2025, 10, 1), date(2025, 10, 9)),  # National Day week 2025: 10-01..10-08
        (date(2025, 10, 11), None),  # Saturday made a working day in 2025
        (date(2025, 5, 31), date(2025, 6, 3)),  # Dragon Boat 2025: 05-31..06-02
        (date(2026, 12, 31), None),
    ],
)
def test_holiday_adjustment_follows_the_official_calendar(day: date, adjusted: date | None) -> None:
    item = only("review_notice", day)
    assert item.holiday_adjusted == adjusted
    assert item.official_calendar is True
    assert calendar_note(item) is None


def test_thirty_days_ending_in_national_day_week() -> None:
    item = only("rename", date(2026, 9, 1))
    assert item.due == date(2026, 10, 1)
    assert item.holiday_adjusted == date(2026, 10, 8)


def test_uncovered_year_falls_back_to_computed_holidays_and_says_so() -> None:
    # 元旦 2028 is a Saturday: made up on Monday 3 January, so the period runs to the 4th.
    saturday = only("report_notice", date(2028, 1, 1))
    assert saturday.holiday_adjusted == date(2028, 1, 4)
    assert saturday.official_calendar is False
    assert saturday.uncovered_year == 2028
    assert "2028" in calendar_note(saturday, "en")
    assert "not out yet" in calendar_note(saturday, "en")
    assert "2028" in calendar_note(saturday, "zh") and "调休" in calendar_note(saturday, "zh")
    assert "放假办法" in calendar_note(saturday, "zh")
    # 2028-10-02 is a Monday inside 国庆 (1-3 Oct, 中秋 on the 3rd): made up on 4 and 5 Oct.
    monday = only("report_notice", date(2028, 10, 2))
    assert monday.holiday_adjusted == date(2028, 10, 6)
    assert monday.official_calendar is False


@pytest.mark.parametrize(
    ("event", "day", "due", "adjusted"),
    [
        ("rename", date(2027, 9, 1), date(2027, 10, 1), date(2027, 10, 6)),  # 国庆 2027
        ("rename", date(2026, 12, 2), date(2027, 1, 1), date(2027, 1, 4)),  # 元旦 2027
        ("major_change", date(2027, 1, 6), date(2027, 2, 5), date(2027, 2, 11)),  # 除夕 2027
        ("rename", date(2027, 3, 6), date(2027, 4, 5), date(2027, 4, 6)),  # 清明 2027
        ("rename", date(2027, 5, 10), date(2027, 6, 9), date(2027, 6, 10)),  # 端午 2027
        ("rename", date(2027, 8, 16), date(2027, 9, 15), date(2027, 9, 16)),  # 中秋 2027
    ],
)
def test_unpublished_years_move_past_the_statutory_holidays(
    event: str, day: date, due: date, adjusted: date
) -> None:
    item = only(event, day)
    assert (item.due, item.holiday_adjusted) == (due, adjusted)
    assert item.official_calendar is False and calendar_note(item) is not None


def test_adjustment_running_into_an_uncovered_year(monkeypatch: pytest.MonkeyPatch) -> None:
    import chinese_calendar

    from bot.reminders import holidays

    def calendar(day: date) -> bool:
        if day.year > 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return day != date(2026, 12, 31)  # pretend New Year's Eve were a holiday

    monkeypatch.setattr(chinese_calendar, "is_workday", calendar)
    result = holidays.adjust(date(2026, 12, 31))
    assert result.adjusted == date(2027, 1, 4)  # 元旦 on Friday, then the weekend
    assert (result.official_calendar, result.uncovered_year) == (False, 2027)


def test_calendar_failure_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import chinese_calendar

    def unpublished(day: date) -> bool:
        raise NotImplementedError(f"no available data for year {day.year}")

    monkeypatch.setattr(chinese_calendar, "is_workday", unpublished)
    item = only("review_notice", date(2026, 10, 3))  # a Saturday, 国庆 (made up on the 5th)
    assert item.holiday_adjusted == date(2026, 10, 6)
    assert item.official_calendar is False


# ---------------------------------------------------------------- event dates


def test_past_events_cannot_be_in_the_future() -> None:
    today = date(2026, 3, 5)
    for event in rules.PAST_EVENTS:
        check_event_date(event, today, today)  # today itself is fine
        with pytest.raises(EventDateError) as caught:
            check_event_date(event, date(2026, 3, 6), today)
        assert "2026-03-06" in str(caught.value)
        assert "2026-03-06" in event_date_problem(caught.value, "zh")
        assert "2026-03-05" in event_date_problem(caught.value, "en")


def test_notice_days_may_be_ahead() -> None:
    for event in rules.NOTICE_EVENTS:
        check_event_date(event, date(2027, 1, 1), date(2026, 3, 5))


def test_event_date_error_is_a_date_input_error() -> None:
    with pytest.raises(DateInputError):
        check_event_date("rename", date(2030, 1, 1), date(2026, 1, 1))


@pytest.mark.parametrize(
    "text", ["2026-03-01", "2026/3/1", "2026年3月1日", "20260301", "２０２６－０３－０１"]
)
def test_parse_event_date_reads_common_forms(text: str) -> None:
    assert parse_event_date("rename", text, date(2026, 3, 5)) == date(2026, 3, 1)


def test_parse_event_date_refuses_impossible_and_future() -> None:
    with pytest.raises(DateInputError, match="no day 30"):
        parse_event_date("rename", "2026-02-30", date(2026, 3, 5))
    with pytest.raises(EventDateError):
        parse_event_date("rename", "2026-04-01", date(2026, 3, 5))
    assert parse_event_date("review_notice", "2026-04-01", date(2026, 3, 5)) == date(2026, 4, 1)
