"""A date typed without a year (11月10日) in the chat flows: the nearest sensible year."""

from __future__ import annotations

from bot.engine import Engine
from bot.reminders.clock import ManualClock
from tests.bot.dialogs import test_prescreen_dialog as prescreen
from tests.bot.dialogs import test_remind_dialog as remind


def test_remind_takes_the_most_recent_day_for_an_event(engine: Engine) -> None:
    engine.services.clock = ManualClock(remind.NOW)  # today 2026-03-05
    remind.to_date_step(engine, "更名")
    preview = remind.text(remind.say(engine, "3月1日"))
    assert "事件：更名，2026-03-01" in preview and "截止日期：2026-03-31" in preview


def test_remind_takes_the_next_day_for_a_notice(engine: Engine) -> None:
    engine.services.clock = ManualClock(remind.NOW)
    remind.to_date_step(engine, "复核通知")
    preview = remind.text(remind.say(engine, "3月1日"))  # gone this year: next year's
    assert "截止日期：2027-03-01" in preview


def test_prescreen_revocation_date_without_a_year(engine: Engine) -> None:
    engine.dialogs["prescreen"].today = lambda: prescreen.TODAY  # type: ignore[attr-defined]
    prescreen.ask_until(engine, prescreen.REVOKED, "revocation.date")
    reply = prescreen.say(engine, "12月1日")  # not yet this year: last December
    assert "2025-12-01" in prescreen.text(reply)
    assert prescreen.asking(engine) != "revocation.date"
