"""The web application under aiohttp's test client, and a user that talks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from bot.app import build_engine
from bot.transports.web.app import COOKIE, CSRF_HEADER, WebConfig, make_app


def text_of(nodes: list[Any]) -> str:
    return "".join(n if isinstance(n, str) else text_of(n["c"]) for n in nodes)


def tags_of(nodes: list[Any]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, dict):
            found |= {node["t"]} | tags_of(node["c"])
    return found


class WebUser:
    """One browser: its own cookie jar, the CSRF token it was given, the last reply."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.csrf = ""
        self.last: dict[str, Any] = {}

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def get(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.http.get(self.url(path), **kwargs)

    async def start(self) -> dict[str, Any]:
        response = await self.get("/api/session")
        assert response.status == 200
        data: dict[str, Any] = await response.json()
        self.csrf = data["csrf"]
        return data

    async def post(self, payload: Any, **headers: str) -> ClientResponse:
        headers = {CSRF_HEADER: self.csrf, **headers}
        return await self.http.post(self.url("/api/turn"), json=payload, headers=headers)

    def plant(self, value: str) -> None:
        """Set the session cookie as a client may, whatever the server said."""
        self.http.cookie_jar.clear()
        self.http.cookie_jar.update_cookies({COOKIE: value}, self.server.make_url("/"))

    def cookie(self) -> str | None:
        found = [c.value for c in self.http.cookie_jar if c.key == COOKIE]
        return found[0] if found else None

    async def turn(self, **payload: str) -> dict[str, Any]:
        response = await self.post(payload)
        assert response.status == 200, await response.text()
        self.last = await response.json()
        return self.last

    async def say(self, text: str) -> dict[str, Any]:
        return await self.turn(text=text)

    async def tap(self, part: str) -> dict[str, Any]:
        """Tap the one button of the last reply whose label contains ``part``."""
        [data] = [b["data"] for b in self.buttons() if part in b["label"]]
        return await self.turn(button=data)

    async def skip_through(self, limit: int = 40) -> None:
        """Tap "跳过" while the last reply offers it: every step of /score to its result."""
        for _ in range(limit):
            skip = [b for b in self.buttons() if "跳过" in b["label"]]
            if not skip:
                return
            await self.turn(button=skip[0]["data"])

    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.last["messages"] for row in m["buttons"] for b in row]

    def text(self) -> str:
        return "\n".join(text_of(m["nodes"]) for m in self.last["messages"])


@pytest.fixture
def web_config() -> WebConfig:
    # Loose limits: the tests of limits set their own.
    return WebConfig(session_rate=100, session_burst=100, address_rate=0)


@pytest.fixture
async def server(tmp_path: Path, web_config: WebConfig) -> AsyncIterator[TestServer]:
    db = str(tmp_path / "web.sqlite3")
    app = make_app(build_engine(db), db, web_config)
    async with TestServer(app) as test_server:
        yield test_server


@pytest.fixture
async def users(server: TestServer) -> AsyncIterator[Callable[..., Awaitable[WebUser]]]:
    """Make browsers, each with its session started; closed at the end."""
    made: list[WebUser] = []

    async def make(start: bool = True) -> WebUser:
        user = WebUser(server)
        made.append(user)
        if start:
            await user.start()
        return user

    yield make
    for user in made:
        await user.http.close()
