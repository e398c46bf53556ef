"""Rate limits of the web chat: a polite 429, and nothing stored lost."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.transports.web.app import ENGINE, SESSIONS, WebConfig
from tests.bot.transports.web.conftest import WebUser

Users = Callable[..., Awaitable[WebUser]]


@pytest.fixture
def web_config() -> WebConfig:
    return WebConfig(session_rate=0.5, session_burst=5, address_rate=0)


async def test_a_flood_gets_a_polite_429_and_nothing_stored_is_lost(users: Users) -> None:
    user = await users()
    await user.say("/lang en")
    await user.say("/remind")
    statuses = []
    for _ in range(12):
        response = await user.post({"text": "/help"})
        statuses.append(response.status)
        if response.status == 429:
            body = await response.json()
            assert body["error"] == "rate" and "too fast" in body["message"]
            assert int(response.headers["Retry-After"]) >= 1
    assert 429 in statuses and statuses[0] == 200
    # the language and the flow in progress are as they were
    session = user.server.app[SESSIONS].get(user.cookie())
    assert session is not None and session.lang == "en"
    assert user.server.app[ENGINE].chats.load(session.chat_id).flow == "remind"
