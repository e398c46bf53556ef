"""The web chat: one aiohttp application serving the page and a small JSON API over the engine.

Routes:

* ``GET /`` — the page (Chinese unless the session chose English), ``/static/*`` its script and
  style sheet; nothing else is ever loaded, from here or elsewhere;
* ``GET /api/session`` — the visitor's session (created when the cookie names none the server
  issued) and its CSRF token; ``fresh`` when it was just made;
* ``POST /api/turn`` — ``{"text": …}`` or ``{"button": …}`` with the ``X-CSRF-Token`` header:
  one engine turn, its messages as trees of safe elements (:mod:`.markup`), buttons, and files
  as links (``/api/files/<token>``) that only this session can fetch, a document only once.

Every response carries the security headers; errors are JSON ``{"error", "message"}`` with a
message in the session's language (403 for a missing session or CSRF token, 413 for an oversized
body, 429 with ``Retry-After`` for a flood).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.engine import MAX_TEXT_IN, Engine, Incoming, Outgoing, Reply, Router, Services
from bot.identity import ChatId
from bot.render import LANGS, Lang, label
from bot.transports.turns import TurnRunner
from bot.transports.web.calendar import add_calendar_routes
from bot.transports.web.limits import FileShelf, RateLimit
from bot.transports.web.markup import plain, shared_nodes
from bot.transports.web.page import render_page
from bot.transports.web.pruning import keep_pruning
from bot.transports.web.sessions import Session, SessionStore

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
COOKIE = "greenbot_session"
COOKIE_MAX_AGE = 180 * 24 * 3600
CSRF_HEADER = "X-CSRF-Token"
MAX_BODY = 32 * 1024  # bytes: a message of MAX_TEXT_IN characters with room to spare

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CONTENT_TYPES = {".png": "image/png", ".pdf": "application/pdf", ".ics": "text/calendar"}


@dataclass(frozen=True)
class WebConfig:
    # Behind a TLS proxy: trust its X-Forwarded-Proto / X-Forwarded-For (the cookie is then
    # Secure when the proxy says https, and rate limits count the visitor's address).
    behind_proxy: bool = False
    secure_cookie: bool = False  # always mark the cookie Secure (the site is https only)
    max_body: int = MAX_BODY
    session_rate: float = 2.0  # turns a second per session, on average
    session_burst: float = 10.0
    address_rate: float = 20.0  # requests a second per address (0: no limit)
    address_burst: float = 100.0
    # Sessions idle longer than their cookie lives are pruned at start and then this often.
    session_lifetime: float = COOKIE_MAX_AGE
    prune_every: float = 6 * 3600.0


ENGINE = web.AppKey("engine", Engine)
RUNNER = web.AppKey("runner", TurnRunner)
SESSIONS = web.AppKey("sessions", SessionStore)
FILES = web.AppKey("files", FileShelf)
CONFIG = web.AppKey("config", WebConfig)
LIMITS = web.AppKey("limits", dict[str, RateLimit])
FORGOTTEN = web.AppKey("forgotten", set[ChatId])
SESSION = web.RequestKey("session", Session)


class ApiError(Exception):
    def __init__(self, status: int, code: str, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.retry_after = status, code, retry_after


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "zh"


# -- middlewares ---------------------------------------------------------------------------------


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def _errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return _error_response(request, error)
    except web.HTTPRequestEntityTooLarge:
        return _error_response(request, ApiError(413, "too_large"))


def _error_response(request: web.Request, error: ApiError) -> web.Response:
    session = request.get(SESSION)
    lang = _lang(session.lang if session is not None else None)
    body = {"error": error.code, "message": label(f"web.error.{error.code}", lang)}
    response = web.json_response(body, status=error.status, dumps=_dumps)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(max(1, round(error.retry_after + 0.5)))
    return response


def _address(request: web.Request) -> str:
    if request.app[CONFIG].behind_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()  # the hop the proxy itself saw
    return request.remote or "?"


def _limit(request: web.Request, name: str, key: Any) -> None:
    wait = request.app[LIMITS][name].allow(key)
    if wait:
        raise ApiError(429, "rate", wait)


def _is_https(request: web.Request) -> bool:
    config = request.app[CONFIG]
    if config.secure_cookie or request.secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto", "")
    return config.behind_proxy and proto.split(",")[0].strip().lower() == "https"


# -- sessions ------------------------------------------------------------------------------------


def _session(request: web.Request) -> Session | None:
    session = request.app[SESSIONS].get(request.cookies.get(COOKIE))
    if session is not None:
        request[SESSION] = session
    return session


def _set_cookie(request: web.Request, response: web.StreamResponse, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=_is_https(request),
    )


def _clear_cookie(request: web.Request, response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/", secure=_is_https(request), samesite="Lax")


def _check_csrf(request: web.Request, session: Session) -> None:
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        host = re.sub(r"^https?://", "", origin)
        if host != request.host:
            raise ApiError(403, "csrf")
    token = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(token.encode(), session.csrf.encode()):
        raise ApiError(403, "csrf")


# -- handlers ------------------------------------------------------------------------------------


async def page(request: web.Request) -> web.Response:
    session = _session(request)
    lang = _lang(session.lang if session else request.query.get("lang"))
    response = web.Response(text=render_page(lang), content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return response


async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ("app.js", "app.css"):
        raise web.HTTPNotFound()
    response = web.FileResponse(STATIC / name)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


async def session_info(request: web.Request) -> web.Response:
    session = _session(request)
    fresh = session is None
    session_id = None
    if session is None:
        _limit(request, "address", _address(request))
        lang = _lang(request.query.get("lang"))
        session_id, session = request.app[SESSIONS].create(lang)
        request[SESSION] = session
    response = web.json_response({"csrf": session.csrf, "fresh": fresh, "lang": session.lang})
    if session_id is not None:
        _set_cookie(request, response, session_id)
    return response


async def turn(request: web.Request) -> web.Response:
    app = request.app
    _limit(request, "address", _address(request))
    session = _session(request)
    if session is None:
        raise ApiError(403, "session")
    _check_csrf(request, session)
    _limit(request, "session", session.key)
    if request.content_length is not None and request.content_length > app[CONFIG].max_body:
        raise ApiError(413, "too_large")
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "bad_request") from error
    text, button = _turn_fields(body)
    incoming = Incoming(session.chat_id, 0, text=text, button=button, lang_code=session.lang)
    engine, forgotten = app[ENGINE], app[FORGOTTEN]

    # Only a command or a button changes the chat's settings (/lang, its buttons): the language
    # is read again after those alone.
    may_switch = button is not None or (text or "").lstrip().startswith("/")

    def work() -> tuple[Reply, str | None, bool]:
        reply = engine.handle(incoming)
        if incoming.chat_id in forgotten:
            forgotten.discard(incoming.chat_id)
            return reply, None, True
        return reply, engine.chats.load(incoming.chat_id).lang if may_switch else None, False

    runner = app[RUNNER]
    reply, chat_lang, gone = await runner.run(incoming.chat_id, work, light=runner.light(incoming))
    if gone:
        app[SESSIONS].delete(session)
        app[FILES].drop_owner(session.key)
    elif chat_lang in LANGS and chat_lang != session.lang:
        session = app[SESSIONS].set_lang(session, chat_lang)
    payload = {
        "messages": [_message(app, session, message) for message in reply.messages],
        "notice": reply.notice,
        "lang": session.lang,
        "forgotten": gone,
    }
    response = web.json_response(payload, dumps=_dumps)
    if gone:
        _clear_cookie(request, response)
    return response


def _turn_fields(body: Any) -> tuple[str | None, str | None]:
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request")
    text, button = body.get("text"), body.get("button")
    if (text is None) == (button is None):
        raise ApiError(400, "bad_request")
    if not isinstance(text if text is not None else button, str):
        raise ApiError(400, "bad_request")
    if text is not None and len(text) > MAX_TEXT_IN:
        raise ApiError(413, "too_large")
    if button is not None and len(button) > 256:
        button = button[:256]  # the engine calls it forged, as it is
    return text, button


def _message(app: web.Application, session: Session, message: Outgoing) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "nodes": shared_nodes(message.text) if message.text else [],
        "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in message.buttons],
        "edit": message.edit,
    }
    attachment = message.attachment
    if attachment is not None:
        suffix = Path(attachment.filename).suffix.lower()
        kind = attachment.kind
        token = app[FILES].put(
            session.key,
            attachment.filename,
            CONTENT_TYPES.get(suffix, "application/octet-stream"),
            attachment.data,
            once=kind != "photo",
        )
        caption = shared_nodes(attachment.caption)
        shown["file"] = {
            "kind": kind,
            "url": f"/api/files/{token}",
            "name": attachment.filename,
            "caption": caption,
            "alt": plain(caption) or attachment.filename,
        }
    return shown


async def file(request: web.Request) -> web.Response:
    session = _session(request)
    if session is None:
        raise ApiError(403, "session")
    stored = request.app[FILES].take(session.key, request.match_info["token"])
    if stored is None:
        raise ApiError(410, "gone")
    disposition = "inline" if stored.content_type.startswith("image/") else "attachment"
    response = web.Response(body=stored.data, content_type=stored.content_type)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(stored.filename)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_SECRET_PATH = re.compile(r"^(/api/files/|/cal/).*")  # the rest of the path is a secret token


class AccessLogger(AbstractAccessLogger):
    """Method, path, status and time: never a cookie, a query string or a file's token."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = _SECRET_PATH.sub(r"\1…", request.path)
        self.logger.info("%s %s %s %.1f ms", request.method, path, response.status, time * 1000)


# -- the application -----------------------------------------------------------------------------


def make_app(
    engine: Engine,
    db_path: str,
    config: WebConfig | None = None,
    runner: TurnRunner | None = None,
) -> web.Application:
    """The application over ``engine``; ``db_path`` is the engine's database file (where the
    sessions are kept too)."""
    config = config or WebConfig()
    app = web.Application(client_max_size=config.max_body, middlewares=[_errors])
    app[ENGINE] = engine
    app[RUNNER] = runner or TurnRunner(engine)
    app[SESSIONS] = SessionStore(db_path)
    app[FILES] = FileShelf()
    app[CONFIG] = config
    app[LIMITS] = {
        "session": RateLimit(config.session_rate, config.session_burst),
        "address": RateLimit(config.address_rate, config.address_burst),
    }
    forgotten: set[ChatId] = set()
    app[FORGOTTEN] = forgotten
    # /forget deleted the chat: the turn then ends the session and clears the cookie.
    hook = Router("web-sessions")

    def on_forget(services: Services, chat_id: ChatId) -> None:
        forgotten.add(chat_id)
        shared_nodes.cache_clear()  # replies may hold what the chat typed (a unit's name)

    hook.on_forget(on_forget)
    engine.routers.append(hook)
    # Nothing is pushed to a web page: the reminder flows say so rather than promise it.
    engine.services.delivers_reminders = False
    app.on_response_prepare.append(_security_headers)
    app.cleanup_ctx.append(_pruning)
    app.on_cleanup.append(_cleanup)
    app.router.add_get("/", page)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/session", session_info)
    app.router.add_post("/api/turn", turn)
    app.router.add_get("/api/files/{token}", file)
    # /cal/<token>.ics: the subscriptions of reminders
    add_calendar_routes(app, engine.services, app[RUNNER])
    return app


async def _pruning(app: web.Application) -> AsyncIterator[None]:
    """Idle sessions pruned in the background while the application serves."""
    config = app[CONFIG]
    task = asyncio.create_task(
        keep_pruning(
            app[ENGINE],
            app[RUNNER],
            app[SESSIONS],
            config.session_lifetime,
            config.prune_every,
            app[FORGOTTEN],
        )
    )
    yield
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _cleanup(app: web.Application) -> None:
    app[SESSIONS].close()
