"""Web sessions idle longer than their cookie lives are pruned, and what nothing reaches with
them; a live calendar subscription and a confirmed e-mail address keep working."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_engine
from bot.engine import Engine, Incoming
from bot.identity import ChatId
from bot.reminders.feeds import CalendarFeeds
from bot.reminders.mail import EmailTargets
from bot.transports.web.app import (
    COOKIE,
    COOKIE_MAX_AGE,
    ENGINE,
    FORGOTTEN,
    RUNNER,
    SESSIONS,
    WebConfig,
    make_app,
)
from bot.transports.web.pruning import prune_sessions
from bot.transports.web.sessions import SessionStore

DAY = 24 * 3600.0


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    db = str(tmp_path / "web.sqlite3")
    app = make_app(build_engine(db), db, WebConfig(session_rate=0, address_rate=0))
    async with TestClient(TestServer(app)) as client:
        yield client


async def _session(client: TestClient) -> tuple[str, ChatId]:
    response = await client.get("/api/session")
    cookie = response.cookies[COOKIE].value
    session = client.app[SESSIONS].get(cookie)
    assert session is not None
    client.session.cookie_jar.clear()  # each visitor its own cookie
    return cookie, session.chat_id


def _idle_for(client: TestClient, cookie: str, seconds: float) -> None:
    sessions = client.app[SESSIONS]
    key = sessions.get(cookie).key  # type: ignore[union-attr]
    past = time.time() - seconds
    sessions.conn.execute(
        "update web_sessions set created = ?, seen = ? where key = ?", (past, past, key)
    )


def _has_chat_rows(engine: Engine, chat_id: ChatId) -> bool:
    db = engine.services.db
    return any(
        db.execute(f"select count(*) from {table} where chat_id = ?", [chat_id]).fetchone()[0]
        for table in ("chats", "activity", "units")
    )


async def test_idle_sessions_go_and_what_users_still_reach_keeps_working(
    client: TestClient,
) -> None:
    app = client.app
    engine = app[ENGINE]
    store = engine.services.reminders
    talked, subscribed, mailed, recent = [await _session(client) for _ in range(4)]
    for _, chat_id in (talked, subscribed, mailed, recent):
        engine.handle(Incoming(chat_id, 0, text="第十一条", lang_code="zh"))
    now = time.time()
    unit = store.enrol(subscribed[1], "北京甲厂", None, "rename", date(2026, 3, 1), now)
    token = CalendarFeeds(store).issue(subscribed[1], unit, now)
    store.enrol(mailed[1], "北京乙厂", None, "rename", date(2026, 3, 1), now)
    targets = EmailTargets(store)
    code = targets.request(mailed[1], "ops@example.cn", now)
    assert targets.confirm(mailed[1], code, now) == "confirmed"
    assert all(_has_chat_rows(engine, chat_id) for _, chat_id in (talked, recent))
    for cookie, _ in (talked, subscribed, mailed):
        _idle_for(client, cookie, COOKIE_MAX_AGE + DAY)
    _idle_for(client, recent[0], COOKIE_MAX_AGE - DAY)

    pruned = await prune_sessions(
        engine, app[RUNNER], app[SESSIONS], COOKIE_MAX_AGE, forgotten=app[FORGOTTEN]
    )

    assert pruned == (3, 1)
    sessions = app[SESSIONS]
    assert [sessions.get(c) is None for c, _ in (talked, subscribed, mailed, recent)] == [
        True,
        True,
        True,
        False,
    ]
    assert not _has_chat_rows(engine, talked[1])  # nothing reached it: forgotten
    assert talked[1] not in app[FORGOTTEN]
    response = await client.get(f"/cal/{token}.ics")  # the subscription still served
    assert response.status == 200 and b"BEGIN:VCALENDAR" in await response.read()
    assert targets.confirmed_address(mailed[1]) == "ops@example.cn"
    assert store.list_units(mailed[1])[0].name == "北京乙厂"  # its reminders still go out
    assert _has_chat_rows(engine, recent[1])
    # an expired cookie presented anyway gets a new session, not the old chat
    client.session.cookie_jar.update_cookies({COOKIE: talked[0]})
    fresh = await (await client.get("/api/session")).json()
    assert fresh["fresh"] is True


async def test_sessions_idle_before_a_start_are_pruned_at_start(tmp_path: Path) -> None:
    db = str(tmp_path / "web.sqlite3")
    old = SessionStore(db)
    cookie, _ = old.create()
    past = time.time() - COOKIE_MAX_AGE - DAY
    old.conn.execute("update web_sessions set created = ?, seen = ?", (past, past))
    kept, _ = old.create()
    old.close()
    app = make_app(build_engine(db), db, WebConfig())
    async with TestClient(TestServer(app)):
        for _ in range(100):
            rows = sqlite3.connect(db).execute("select count(*) from web_sessions").fetchone()
            if rows[0] == 1:
                break
            await asyncio.sleep(0.02)
        assert app[SESSIONS].get(cookie) is None
        assert app[SESSIONS].get(kept) is not None
