"""/stats: usage counts for administrators; for anyone else exactly an unknown command."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Engine
from tests.support.conversation import kinds, say

ADMIN = 42
START = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)


@pytest.fixture
def admin_engine() -> Engine:
    """An engine whose one administrator is user 42."""
    return build_engine(":memory:", frozenset({ADMIN}))


def figures(text: str) -> dict[str, int]:
    """``name：count`` lines of the stats reply (Chinese or English colon)."""
    return {name: int(count) for name, count in re.findall(r"^(.+?)[：:] ?(\d+)$", text, re.M)}


def test_unknown_command_and_admin_only_stats(engine: Engine) -> None:
    unknown = say(engine, "/nope").messages[0].text
    assert say(engine, "/stats").messages[0].text == unknown
    admin = say(engine, "/stats", chat=999)
    assert "聊天总数" in admin.messages[0].text


def test_stats_counts_chats_and_activity_of_the_week(admin_engine: Engine) -> None:
    say(admin_engine, "/start", chat=1)
    say(admin_engine, "/start", chat=2)
    say(admin_engine, "老赖能申报吗", chat=2)
    say(admin_engine, "今天天气怎么样", chat=3)
    say(admin_engine, "/article 11", chat=3)
    reply = say(admin_engine, "/stats", chat=ADMIN)
    text = reply.messages[0].text
    assert text.startswith("<b>近7天统计</b>")
    counts = figures(text)
    assert counts["活跃聊天"] == 4  # chats 1, 2, 3 and the administrator's own
    activity = {k: v for k, v in counts.items() if k not in ("聊天总数", "活跃聊天")}
    assert activity == {
        "article": 1,
        "command:article": 1,
        "command:start": 2,
        "command:stats": 1,
        "question:in": 1,
        "question:out": 1,
    }
    assert "聊天总数" in counts
    assert reply.messages[0].buttons == ()


def test_stats_in_english(admin_engine: Engine) -> None:
    say(admin_engine, "/prescreen", chat=1)
    text = say(admin_engine, "/stats", chat=ADMIN, lang="en").messages[0].text
    assert text.startswith("<b>Last 7 days</b>")
    counts = figures(text)
    assert counts["Active chats"] == 2
    assert counts["flow:prescreen:start"] == 1 and counts["command:prescreen"] == 1


def test_only_the_last_seven_days_count(admin_engine: Engine) -> None:
    with time_machine.travel(START, tick=False):
        say(admin_engine, "第十一条", chat=1)
        say(admin_engine, "第十二条", chat=2)
    with time_machine.travel(START + timedelta(days=6, hours=23), tick=False):
        say(admin_engine, "第十三条", chat=2)
        week = figures(say(admin_engine, "/stats", chat=ADMIN).messages[0].text)
    with time_machine.travel(START + timedelta(days=8), tick=False):
        later = figures(say(admin_engine, "/stats", chat=ADMIN).messages[0].text)
    assert (week["活跃聊天"], week["question:in"], week["command:stats"]) == (3, 3, 1)
    # a week on, chat 1's question is out of the window; chat 2's second one is still in
    assert (later["活跃聊天"], later["question:in"], later["command:stats"]) == (2, 1, 2)


@pytest.mark.parametrize("user", [1, 41, 43, 999, -ADMIN])
@pytest.mark.parametrize("code", ["zh", "en"])
def test_for_anyone_else_stats_is_exactly_an_unknown_command(
    admin_engine: Engine, user: int, code: str
) -> None:
    unknown = say(admin_engine, "/nosuchcommand", chat=user, lang=code)
    for typed in ("/stats", "/STATS", "/stats@greenbot_bot", "/stats 7"):
        assert say(admin_engine, typed, chat=user, lang=code) == unknown, typed
    assert kinds(admin_engine, user) == []  # not even logged, as for a typo
    assert admin_engine.chats.load(user).flow is None


def test_the_administrator_is_a_user_not_a_chat(admin_engine: Engine) -> None:
    group = -100123
    assert "活跃聊天" in say(admin_engine, "/stats", chat=group, user=ADMIN).messages[0].text
    member = say(admin_engine, "/stats", chat=group, user=7)
    assert member == say(admin_engine, "/nosuchcommand", chat=group, user=7)


def test_stats_is_never_listed(admin_engine: Engine) -> None:
    for user in (ADMIN, 1):
        assert "/stats" not in say(admin_engine, "/help", chat=user).messages[0].text
    assert "stats" not in {command.name for command in admin_engine.public_commands()}


def test_stats_leaves_a_flow_in_progress_alone(admin_engine: Engine) -> None:
    say(admin_engine, "/score", chat=ADMIN)
    say(admin_engine, "/stats", chat=ADMIN)
    assert admin_engine.chats.load(ADMIN).flow == "score"


def test_the_total_of_chats_is_never_below_the_active_chats(admin_engine: Engine) -> None:
    say(admin_engine, "/start", chat=1)
    say(admin_engine, "老赖能申报吗", chat=2)
    say(admin_engine, "第十五条", chat=3)
    counts = figures(say(admin_engine, "/stats", chat=ADMIN).messages[0].text)
    assert counts["活跃聊天"] == 4
    assert counts["聊天总数"] >= counts["活跃聊天"]
