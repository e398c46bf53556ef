"""The private calendar subscription: offered in a web chat, served at /cal/<token>.ics,
revocable, never guessable, never logged."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot import identity
from bot.app import build_engine
from bot.engine import Engine, Incoming
from bot.reminders.clock import ManualClock
from bot.reminders.feeds import CalendarFeeds
from bot.transports.turns import TurnRunner
from bot.transports.web.calendar import RedactingAccessLogger, add_calendar_routes, redact
from tests.bot.reminders.conftest import at
from tests.support.conversation import checked, labels

NOW = at("2026-03-05 10:00")
WEB = identity.make("web", "visitor-1")
OTHER = identity.make("web", "visitor-2")
BASE = "https://bot.example.cn/greenbot"


@pytest.fixture
def engine() -> Engine:
    engine = build_engine(":memory:", clock=ManualClock(NOW))
    engine.services.public_url = BASE
    return engine


@pytest.fixture
async def client(engine: Engine) -> AsyncIterator[TestClient]:
    app = web.Application()
    add_calendar_routes(app, engine.services, TurnRunner(engine))
    async with TestClient(TestServer(app)) as client:
        yield client


def say(engine: Engine, text: str, chat: str = WEB, lang: str = "zh") -> str:
    return " ".join(
        m.text
        for m in checked(engine.handle(Incoming(chat, 0, text=text, lang_code=lang))).messages
    )


def tap(engine: Engine, data: str, chat: str = WEB) -> object:
    return checked(engine.handle(Incoming(chat, 0, button=data, lang_code="zh", message_id=1)))


def links(text: str) -> tuple[str, str]:
    https = re.search(r'href="(https://[^"]+/cal/[^"]+\.ics)"', text)
    webcal = re.search(r'href="(webcal://[^"]+/cal/[^"]+\.ics)"', text)
    assert https and webcal, text
    return https.group(1), webcal.group(1)


def enrol(engine: Engine, name: str = "北京<b>甲</b>厂", chat: str = WEB) -> int:
    store = engine.services.reminders
    return int(store.enrol(chat, name, None, "rename", date(2026, 3, 1), NOW))


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


async def test_the_list_offers_a_link_that_serves_the_current_calendar(
    engine: Engine, client: TestClient
) -> None:
    unit = enrol(engine)
    page = engine.handle(Incoming(WEB, 0, text="/reminders", lang_code="zh"))
    made = tap(engine, labels(page)["📅 日历订阅 1"])
    text = made.messages[0].text  # type: ignore[attr-defined]
    https, webcal = links(text)
    assert https.startswith(BASE + "/cal/") and webcal == https.replace("https://", "webcal://")
    assert "北京&lt;b&gt;甲&lt;/b&gt;厂" in text  # the unit name is escaped
    assert len(token_of(https)) >= 22  # 128 bits or more
    response = await client.get(https.removeprefix(BASE))
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(await response.read())
    [event] = [c for c in calendar.walk("VEVENT")]
    assert event.decoded("dtstart") == date(2026, 3, 31)
    assert "北京<b>甲</b>厂" in str(event["summary"])
    # the same link again, not a second one
    again = tap(engine, "r:page:0")
    assert links(again.messages[0].text)[0] == https  # type: ignore[attr-defined]
    assert CalendarFeeds(engine.services.reminders).token(WEB, unit)


async def test_a_revoked_an_unknown_and_a_forged_token_get_the_same_404(
    engine: Engine, client: TestClient
) -> None:
    enrol(engine)
    page = engine.handle(Incoming(WEB, 0, text="/reminders", lang_code="zh"))
    made = tap(engine, labels(page)["📅 日历订阅 1"])
    https, _ = links(made.messages[0].text)  # type: ignore[attr-defined]
    path = https.removeprefix(BASE)
    assert (await client.get(path)).status == 200
    revoked = tap(engine, labels(made)["🚫 撤销订阅 1"])  # type: ignore[arg-type]
    assert "已撤销" in revoked.messages[0].text  # type: ignore[attr-defined]
    bodies = set()
    for attempt in (path, "/cal/" + "A" * 32 + ".ics", "/cal/x.ics", "/cal/%3Cscript%3E.ics"):
        response = await client.get(attempt)
        assert response.status == 404
        bodies.add(await response.text())
    assert len(bodies) == 1  # nothing tells a revoked token from one never issued
    fresh = tap(engine, "r:fs:1")
    new_https, _ = links(fresh.messages[0].text)  # type: ignore[attr-defined]
    assert new_https != https and (await client.get(new_https.removeprefix(BASE))).status == 200


async def test_another_chat_cannot_make_or_revoke_a_link(
    engine: Engine, client: TestClient
) -> None:
    unit = enrol(engine)
    feeds = CalendarFeeds(engine.services.reminders)
    token = feeds.issue(WEB, unit, NOW)
    reply = tap(engine, f"r:fx:{unit}", chat=OTHER)
    assert "已撤销" not in reply.messages[0].text  # type: ignore[attr-defined]
    assert feeds.token(WEB, unit) == token
    assert feeds.issue(OTHER, unit, NOW) is None


async def test_forget_and_delete_end_the_subscription(engine: Engine, client: TestClient) -> None:
    feeds = CalendarFeeds(engine.services.reminders)
    first = feeds.issue(WEB, enrol(engine), NOW)
    second = feeds.issue(WEB, enrol(engine, "乙厂"), NOW)
    assert first and second
    engine.services.reminders.delete_unit(WEB, 1)
    assert (await client.get(f"/cal/{first}.ics")).status == 404
    assert (await client.get(f"/cal/{second}.ics")).status == 200
    engine.forget(WEB)
    assert (await client.get(f"/cal/{second}.ics")).status == 404
    rows = engine.services.db.execute("select count(*) from calendar_feeds").fetchone()[0]
    assert rows == 0


def test_enrolment_on_the_web_offers_the_link_and_telegram_does_not(engine: Engine) -> None:
    from tests.bot.dialogs.test_remind_dialog import enrol as enrol_by_dialog

    done = enrol_by_dialog(engine, chat=WEB)  # type: ignore[arg-type]
    assert "webcal://bot.example.cn/greenbot/cal/" in " ".join(m.text for m in done.messages)
    assert "/email" in " ".join(m.text for m in done.messages)  # mail is offered too
    done = enrol_by_dialog(engine, chat=5)
    assert "/cal/" not in " ".join(m.text for m in done.messages)


def test_without_a_public_address_the_chat_says_so(engine: Engine) -> None:
    engine.services.public_url = None
    enrol(engine)
    reply = tap(engine, "r:fs:1")
    assert "GREENBOT_PUBLIC_URL" in reply.messages[0].text  # type: ignore[attr-defined]


def test_the_access_log_has_no_token(caplog: pytest.LogCaptureFixture) -> None:
    from aiohttp.test_utils import make_mocked_request
    from aiohttp.web_log import AccessLogger

    token = "abcDEF_123-xyz0123456789abcdef"
    request = make_mocked_request("GET", f"/cal/{token}.ics?x=1")
    access = RedactingAccessLogger(logging.getLogger("test.access"), AccessLogger.LOG_FORMAT)
    with caplog.at_level(logging.INFO, logger="test.access"):
        access.log(request, web.Response(status=404), 0.01)
    assert "/cal/redacted.ics" in caplog.text and token not in caplog.text
    assert redact(f"GET /cal/{token}.ics HTTP/1.1") == "GET /cal/redacted.ics HTTP/1.1"


def test_a_web_chat_with_a_confirmed_address_is_told_its_reminders_are_sent(
    engine: Engine,
) -> None:
    from bot.reminders.mail import EmailTargets

    engine.services.delivers_reminders = False  # as the web page sets it
    enrol(engine)
    unconfirmed = say(engine, "/reminders")
    assert "不会主动推送" in unconfirmed and "/email" in unconfirmed
    assert "控制台" not in unconfirmed and "Telegram" not in unconfirmed  # said as to a web user
    targets = EmailTargets(engine.services.reminders)
    assert targets.confirm(WEB, targets.request(WEB, "ops@example.cn", NOW), NOW) == "confirmed"
    assert "不会主动推送" not in say(engine, "/reminders")
