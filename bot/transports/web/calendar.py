"""``GET /cal/<token>.ics``: a unit's private iCalendar subscription, for calendar apps to poll.

The token is the only key (see :mod:`bot.reminders.feeds`): an unknown, revoked or malformed
one gets the same bare 404, and the token never reaches a log line (:class:`RedactingAccessLogger`
takes it out of the access log).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.web_log import AccessLogger

from bot.reminders.feeds import CalendarFeeds
from bot.transports.turns import TurnRunner, never_draws

if TYPE_CHECKING:
    from bot.engine import Services

ROUTE = "/cal/{token}.ics"
CALENDAR_KEY = "calendar-feeds"  # polls keep their order among themselves, not with chats
_SECRET_PATH = re.compile(r"/cal/[^\s/?#]+")


def redact(text: str) -> str:
    """``text`` with every calendar token replaced by ``redacted``."""
    return _SECRET_PATH.sub("/cal/redacted.ics", text)


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access log without calendar tokens (pass as ``access_log_class``)."""

    def log(self, request: Any, response: Any, time: float) -> None:
        if request is not None and request.path.startswith("/cal/"):
            request = request.clone(rel_url=redact(request.rel_url.path))
        super().log(request, response, time)


def add_calendar_routes(app: web.Application, services: Services, runner: TurnRunner) -> None:
    """Serve the subscriptions of the services' reminder store, read in turns of ``runner``
    (the store is on the engine's connection, which the event loop never uses)."""
    feeds = CalendarFeeds(services.reminders)

    async def feed(request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        data = await runner.run(CALENDAR_KEY, lambda: feeds.calendar(token), light=never_draws)
        if data is None:
            raise web.HTTPNotFound(text="not found")
        return web.Response(
            body=data,
            content_type="text/calendar",
            charset="utf-8",
            headers={
                # Private: no shared cache may keep it; apps poll it again for current dates.
                "Cache-Control": "private, no-cache",
                "Content-Disposition": 'inline; filename="greenbot.ics"',
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    app.router.add_get(ROUTE, feed)
