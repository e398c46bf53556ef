"""Reminder texts: templates render valid Telegram HTML in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.refs import cn_numeral, ref_label
from bot.reminders.messages import (
    render_deadlines_text,
    render_preview,
    render_reminder,
    render_units,
)
from bot.reminders.rules import Event, deadlines_for
from bot.reminders.schedule import plan_all
from bot.reminders.store import ReminderStore
from tests.support.tg_html import parse_html

from .conftest import at

NOW = at("2026-03-05 10:00")


def test_article_numbers() -> None:
    assert [cn_numeral(n) for n in (1, 10, 11, 14, 20, 21)] == [
        "一",
        "十",
        "十一",
        "十四",
        "二十",
        "二十一",
    ]
    assert ref_label("art-16", short=True) == "第十六条"
    assert ref_label("art-13.2", "en", short=True) == "Art. 13"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_preview_lists_deadlines_and_schedule(lang: str) -> None:
    deadlines = deadlines_for("rename", date(2026, 3, 1))
    text = render_preview(
        "北京<甲>厂",
        "91350100M000100Y43",
        Event.RENAME,
        date(2026, 3, 1),
        plan_all(deadlines, NOW),
        lang,  # type: ignore[arg-type]
    )
    parsed = parse_html(text)
    assert "北京<甲>厂" in parsed.text
    assert "2026-03-31" in parsed.text and "2026-03-24 09:00" in parsed.text
    assert ("立即" if lang == "zh" else "now") in parsed.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_list_and_reminder_are_valid_html(store: ReminderStore, lang: str) -> None:
    store.enrol(1, "A&B <厂>", None, "below_grade_3", date(2026, 1, 10), NOW, lang=lang)
    parsed = parse_html(render_units(store.list_units(1), lang))  # type: ignore[arg-type]
    assert "A&B <厂>" in parsed.text and "2029-01-10" in parsed.text
    assert parse_html(render_units([], lang)).text  # type: ignore[arg-type]
    store.enrol(1, "乙厂", None, "review_notice", date(2026, 10, 1), NOW, lang=lang)
    due = store.due_batch(at("2026-09-24 09:00").timestamp())
    [item] = [r for r in due if r.name == "乙厂" and r.offset_days == 7]
    parsed = parse_html(render_reminder(item, at("2026-09-24 09:00").timestamp()))
    assert "2026-10-08" in parsed.text  # National Day: runs to the 8th


def test_cli_text_in_both_languages() -> None:
    items = deadlines_for("review_notice", date(2028, 1, 1))
    zh = render_deadlines_text(Event.REVIEW_NOTICE, date(2028, 1, 1), items, "zh")
    en = render_deadlines_text(Event.REVIEW_NOTICE, date(2028, 1, 1), items, "en")
    assert "2028-01-04" in zh and "尚未发布" in zh
    assert "2028-01-04" in en and "not out yet" in en


def test_a_first_permitted_day_on_a_rest_day_is_not_said_to_move() -> None:
    items = deadlines_for("revoked_failed_review", date(2024, 2, 29))  # 2026-03-01, a Sunday
    zh = render_deadlines_text(Event.REVOKED_FAILED_REVIEW, date(2024, 2, 29), items, "zh")
    en = render_deadlines_text(Event.REVOKED_FAILED_REVIEW, date(2024, 2, 29), items, "en")
    assert "2026-03-01" in zh and "顺延至" not in zh and "2026-03-02" not in zh
    assert "不办公" in zh and "不顺延" in zh
    assert "runs to" not in en and "closed" in en and "not moved" in en
