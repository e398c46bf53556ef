"""A fake Telegram Bot API server for end-to-end bot tests, with no internet access.

Real aiogram 3 and python-telegram-bot 22 bots talk to it over HTTP exactly as they
talk to ``api.telegram.org``; the test plays the users and inspects what the bot did
through the in-process control API below (or the HTTP control API for a bot running
in a subprocess).

Usage::

    with FakeTelegram(token="123456:TEST") as tg:   # server thread runs until the block ends
        # aiogram: Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
        # PTB:     Bot(token, base_url=f"{tg.base_url}/bot")
        #          Application.builder().token(token).base_url(f"{tg.base_url}/bot").build()
        tg.send_text(chat_id=42, user_id=42, text="/start")
        [reply] = tg.wait_sent(42, count=1)            # sync test, bot in another thread
        # [reply] = await tg.await_sent(42, count=1)   # async test, bot on the same loop
        tg.tap(42, 42, reply.message_id, tg.buttons(reply)[0][1])

Behaviour that mirrors Telegram:

* ``/bot<token>/<method>`` accepts JSON, urlencoded, multipart or query parameters;
  method names are case-insensitive; a wrong token gives 401, an unknown method 404.
* ``getUpdates`` long-polls honouring ``timeout``, ``offset`` (confirmation), ``limit``
  and ``allowed_updates`` (remembered for later calls), returns as soon as an update is
  injected, and ends an older concurrent poll with 409 Conflict.
* 400 errors with Telegram's descriptions for empty text, text over 4096 UTF-16 code
  units (captions 1024) counted after HTML parsing, ``callback_data`` over 64 UTF-8
  bytes, invalid ``parse_mode=HTML`` (rules in :mod:`tests.support.tg_html`), chats no
  injected update introduced ("chat not found"; see :meth:`FakeTelegram.register_chat`),
  missing or unchanged edits and unknown/answered callback query ids.
* Markdown parse modes are not validated; such text is stored as sent.

Faults: :meth:`FakeTelegram.fail` (an error status, per method and chat),
:meth:`FakeTelegram.hang` (sit on a request, then carry it out: Telegram accepted it late),
:meth:`FakeTelegram.drop` (close the connection without an answer),
:meth:`FakeTelegram.block`, :meth:`FakeTelegram.refuse_method`.
HTTP control routes (JSON in and out):
``POST /control/send_text {chat_id, user_id, text, lang?, first_name?}``,
``POST /control/tap {chat_id, user_id, message_id, data}``,
``GET /control/sent?chat_id=``, ``GET /control/wait_sent?chat_id=&count=&timeout=``
(408 on timeout), ``GET /control/calls``, ``/control/answered_callbacks``,
``/control/commands``, ``POST /control/fail {method, status, times?, retry_after?,
chat_id?, description?}``, ``POST /control/hang {method, seconds, times?, chat_id?}``,
``POST /control/drop {method, times?, chat_id?}``,
``POST /control/block|unblock|register_chat {chat_id}``.
Bytes of documents/photos are base64 in the JSON records.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import pytest
from aiohttp import web

from .fake_telegram_state import (
    BLOCKED,
    AnsweredCallback,
    ApiError,
    BotApiState,
    Params,
    SentRecord,
    read_params,
)

__all__ = ["AnsweredCallback", "CallRecord", "FakeTelegram", "SentRecord", "fake_telegram"]

T = TypeVar("T")

# Methods aimed at a chat, refused with 403 once the user "blocked" the bot.
_CHAT_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "editmessagetext",
        "editmessagereplymarkup",
        "deletemessage",
        "sendchataction",
    }
)
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: BLOCKED,
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(frozen=True)
class CallRecord:
    """One Bot API request, whatever its outcome (status 200 or an error)."""

    method: str
    params: Params
    status: int
    description: str | None
    at: float
    body_type: str = ""  # the request's Content-Type: JSON, a form, or multipart


@dataclass
class _Fault:
    method: str  # lower-case method name, or "*" for any method
    status: int
    remaining: int
    retry_after: int | None
    chat_id: int | None
    description: str | None
    hang: float = 0.0  # seconds to sit on the request first (then answer as usual)
    drop: bool = False  # close the connection without an answer


class FakeTelegram:
    """Fake Bot API server on 127.0.0.1 (random port) in a daemon thread with its own loop.

    Every public method is thread-safe: call it from sync tests, async tests or other
    threads. Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    ``token`` is the only token accepted (others get 401); its numeric prefix becomes the
    bot's user id. ``strict_html=False`` accepts a stray ``&`` in HTML text as the real
    server does (by default it is rejected, see :mod:`tests.support.tg_html`).
    ``max_poll_timeout`` caps the ``timeout`` of getUpdates (Telegram: 50 s).
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "greenbot_test_bot",
        bot_first_name: str = "GreenBot",
        host: str = "127.0.0.1",
        port: int = 0,
        strict_html: bool = True,
        max_poll_timeout: float = 50.0,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(prefix) if prefix.isdigit() else 1,  # Telegram: id = token prefix
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._host, self._port = host, port
        self._max_poll_timeout = max_poll_timeout
        self._state = BotApiState(self.bot_user, strict_html=strict_html)
        # One re-entrant lock guards all state; the condition lets sync waiters sleep on it.
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._async_waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._calls: list[CallRecord] = []
        self._faults: list[_Fault] = []
        self._blocked: set[int] = set()
        self._refused: dict[str, int] = {}
        self._poll_generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._update_event: asyncio.Event | None = None  # replaced on every pulse
        self._closing = False
        self._base_url: str | None = None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeTelegram:
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(ready, errors), name="fake-telegram", daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram server did not start within 10s")
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    @property
    def base_url(self) -> str:
        """Server root ``http://127.0.0.1:PORT``; the API is ``<base_url>/bot<token>/<method>``."""
        if self._base_url is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/bot{self.token}"

    def _serve(self, ready: threading.Event, errors: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:
            errors.append(exc)
            ready.set()
            loop.close()
            return
        self._loop = loop
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _startup(self) -> None:
        self._update_event = asyncio.Event()
        # Telegram accepts 50 MB uploads; aiohttp's default body limit is only 1 MiB.
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/control/{action}", self._handle_control)
        # handler_cancellation: a long poll abandoned by a stopping bot must not linger
        # and later answer 409 to (or steal updates from) its successor.
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=0.5,
            handler_cancellation=True,
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def _shutdown(self) -> None:
        self._closing = True
        self._pulse()  # release long polls now rather than after their timeout
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ injection
    def register_chat(self, chat_id: int, first_name: str = "Test") -> dict[str, Any]:
        """Make a chat known without an update (e.g. users restored from a database)."""
        with self._lock:
            return copy.deepcopy(self._state.register_chat(chat_id, first_name))

    def inject_update(self, payload: dict[str, Any]) -> int:
        """Queue a raw update body such as ``{"message": {...}}``; returns its update_id."""
        with self._lock:
            update_id = self._state.add_update(payload)
        self._wake_pollers()
        return update_id

    def send_text(
        self, chat_id: int, user_id: int, text: str, lang: str = "zh", first_name: str = "Test"
    ) -> int:
        """Inject a user's text message (a leading /command gets a bot_command entity)."""
        with self._lock:
            message = self._state.user_message(chat_id, user_id, text, lang, first_name)
            return self.inject_update({"message": message})

    def tap(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        lang: str = "zh",
        first_name: str = "Test",
        strict: bool = True,
    ) -> str:
        """Inject a callback query on a stored message; returns the callback_query_id.

        With ``strict`` the data must belong to one of the message's inline buttons, so a
        test cannot press a button the bot never showed (ValueError otherwise).
        """
        with self._lock:
            query = self._state.callback_query(
                chat_id, user_id, message_id, data, lang, first_name, strict
            )
            self.inject_update({"callback_query": query})
            return str(query["id"])

    # ------------------------------------------------------------------ inspection
    def sent(self, chat_id: int | None = None) -> list[SentRecord]:
        """Successful sendMessage/editMessage*/sendDocument/sendPhoto/deleteMessage, in order."""
        with self._lock:
            return [r for r in self._state.sent if chat_id is None or r.chat_id == chat_id]

    @property
    def calls(self) -> list[CallRecord]:
        """Every Bot API request (getUpdates included) with decoded params and status."""
        with self._lock:
            return list(self._calls)

    @property
    def answered_callbacks(self) -> list[AnsweredCallback]:
        with self._lock:
            return list(self._state.answered)

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """``{(scope_key, language_code): [{"command", "description"}, ...]}``.

        scope_key is ``"default"``, ``"all_private_chats"``, ``"chat:<id>"``, ...;
        language_code is ``""`` when none was given.
        """
        with self._lock:
            return copy.deepcopy(self._state.commands)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message as currently stored (after edits); None if unknown or deleted."""
        with self._lock:
            return copy.deepcopy(self._state.messages.get((chat_id, message_id)))

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot through ``offset``."""
        with self._lock:
            return len(self._state.updates)

    @staticmethod
    def buttons(record: SentRecord) -> list[tuple[str, str]]:
        """``(label, data)`` per button, row by row: callback_data (else url) for inline
        keyboards; for reply keyboards the label twice, as pressing one sends its label."""
        markup = record.reply_markup or {}
        result = [
            (b["text"], b.get("callback_data") or b.get("url") or "")
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]
        for row in markup.get("keyboard", []):
            labels = [b if isinstance(b, str) else b["text"] for b in row]
            result += [(label, label) for label in labels]
        return result

    # ------------------------------------------------------------------ waiting
    def wait_for(self, predicate: Callable[[FakeTelegram], T | None], timeout: float = 10.0) -> T:
        """Block until ``predicate(self)`` is truthy and return that value.

        Raises AssertionError listing what the bot sent on timeout. Not for use inside a
        coroutine (it would freeze a bot sharing the loop): use :meth:`await_for` there.
        """
        if _in_event_loop():
            raise RuntimeError("wait_for would block the event loop; use await tg.await_for()")
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (result := predicate(self)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(timeout))
                self._cond.wait(remaining)
            return result

    def wait_sent(
        self, chat_id: int | None = None, count: int = 1, timeout: float = 10.0
    ) -> list[SentRecord]:
        """Block until at least ``count`` records exist (for that chat); return them all."""
        return self.wait_for(lambda tg: _enough(tg.sent(chat_id), count), timeout)

    async def await_for(
        self, predicate: Callable[[FakeTelegram], T | None], timeout: float = 10.0
    ) -> T:
        """Async :meth:`wait_for`: awaits an asyncio.Event the server sets on every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = asyncio.Event()
            with self._lock:
                if result := predicate(self):
                    return result
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(timeout))
                self._async_waiters.append((loop, event))
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass
            finally:
                with self._lock:
                    if (loop, event) in self._async_waiters:
                        self._async_waiters.remove((loop, event))

    async def await_sent(
        self, chat_id: int | None = None, count: int = 1, timeout: float = 10.0
    ) -> list[SentRecord]:
        return await self.await_for(lambda tg: _enough(tg.sent(chat_id), count), timeout)

    def _timeout_report(self, timeout: float) -> str:
        with self._lock:
            sent = self._state.sent
            lines = [f"timed out after {timeout}s; the bot sent {len(sent)} record(s):"]
            lines += [
                f"  {r.method} chat={r.chat_id} msg={r.message_id} text={_short(r.text)}"
                f" buttons={self.buttons(r)}"
                for r in sent
            ]
            failed = [c for c in self._calls if c.status != 200][-10:]
            if failed:
                lines.append("failed API calls (last 10):")
                lines += [f"  {c.method} -> {c.status} {c.description}" for c in failed]
            return "\n".join(lines)

    def _notify(self) -> None:
        """Wake sync and async waiters after any change."""
        with self._cond:
            self._cond.notify_all()
            waiters, self._async_waiters = self._async_waiters, []
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that test's loop is already closed
                loop.call_soon_threadsafe(event.set)

    # ------------------------------------------------------------------ faults
    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any method) fail with ``status``,
        optionally only calls for ``chat_id``. 429 always carries ``parameters.retry_after``
        (default 1 second), as Telegram's does."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(
                _Fault(method.lower(), status, times, retry_after, chat_id, description)
            )

    def hang(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Hold the next ``times`` calls of ``method`` for ``seconds`` before carrying them out
        as usual: the client may give up, yet the message arrives (Telegram accepted it)."""
        with self._lock:
            self._faults.append(_Fault(method.lower(), 200, times, None, chat_id, None, seconds))

    def drop(self, method: str, *, times: int = 1, chat_id: int | None = None) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without answering
        (and without carrying them out)."""
        with self._lock:
            self._faults.append(_Fault(method.lower(), 0, times, None, chat_id, None, drop=True))

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every call aimed at this chat gets 403 until unblocked."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def refuse_method(self, method: str, status: int = 404) -> None:
        """Act like an older server without ``method``: it answers ``status`` from now on."""
        with self._lock:
            self._refused[method.lower()] = status

    # ------------------------------------------------------------------ HTTP: Bot API
    async def _handle_api(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        name, handler = self._state.methods.get(raw_method.lower(), (raw_method, None))
        params: Params = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            params, files = await read_params(request)
            with self._lock:
                if handler is None or name.lower() in self._refused:
                    status = self._refused.get(name.lower(), 404)
                    raise ApiError(status, _DEFAULT_DESCRIPTIONS.get(status, "Not Found"))
                fault = self._apply_faults(name, params)
            if fault is not None and fault.drop:
                self._log_call(name, params, 0, "connection dropped", request.content_type)
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)  # never reaches the client
            if fault is not None and fault.hang and name != "getUpdates":
                # Like Telegram, carry the request out even if the client gave up waiting.
                late = asyncio.ensure_future(
                    self._carry_out_late(fault.hang, handler, params, files)
                )
                result = await asyncio.shield(late)
            elif fault is not None and fault.hang:
                await asyncio.sleep(fault.hang)
                result = await self._get_updates(params)
            elif name == "getUpdates":
                result = await self._get_updates(params)
            else:
                with self._lock:
                    result = handler(params, files)
        except ApiError as err:
            self._log_call(name, params, err.status, err.description, request.content_type)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": err.status,
                "description": err.description,
            }
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return web.json_response(body, status=err.status)
        self._log_call(name, params, 200, None, request.content_type)
        return web.json_response({"ok": True, "result": result})

    async def _carry_out_late(
        self, seconds: float, handler: Callable[[Params, Any], Any], params: Params, files: Any
    ) -> Any:
        await asyncio.sleep(seconds)
        with self._lock:
            result = handler(params, files)
        self._notify()
        return result

    def _log_call(
        self, name: str, params: Params, status: int, description: str | None, body_type: str
    ) -> None:
        with self._lock:
            self._calls.append(
                CallRecord(name, params, status, description, time.time(), body_type)
            )
        self._notify()

    def _apply_faults(self, name: str, params: Params) -> _Fault | None:
        """Raise the error a matching fault injects; return it when it hangs or drops."""
        chat_id = params.get("chat_id")
        if name.lower() in _CHAT_METHODS and chat_id in self._blocked:
            raise ApiError(403, BLOCKED)
        for fault in self._faults:
            if fault.method in ("*", name.lower()) and fault.chat_id in (None, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                if fault.hang or fault.drop:
                    return fault
                description = fault.description or (
                    f"Too Many Requests: retry after {fault.retry_after}"
                    if fault.status == 429
                    else _DEFAULT_DESCRIPTIONS.get(fault.status, f"Error {fault.status}")
                )
                raise ApiError(fault.status, description, fault.retry_after)
        return None

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        limit = min(max(_as_number(params.get("limit"), 100), 1), 100)
        timeout = min(max(_as_number(params.get("timeout"), 0), 0), self._max_poll_timeout)
        with self._lock:
            self._state.begin_poll(params)
            self._poll_generation += 1
            generation = self._poll_generation
        self._pulse()  # an older concurrent poll wakes up and sees it was superseded
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
                batch = self._state.deliverable(int(limit))
                event = self._update_event
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0 or event is None:
                return batch
            # Everything here runs on the server loop, so an injection that lands after
            # the check above pulses the very event we now wait on: no lost wake-ups.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _pulse(self) -> None:
        """Wake every waiting long poll; must run on the server loop."""
        if self._update_event is not None:
            self._update_event.set()
            self._update_event = asyncio.Event()

    def _wake_pollers(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._pulse)
        self._notify()

    # ------------------------------------------------------------------ HTTP: control
    async def _handle_control(self, request: web.Request) -> web.Response:
        """JSON control API, so a bot in another process can be driven like in-process."""
        action = request.match_info["action"]
        body: dict[str, Any] = dict(request.query)
        try:
            if request.can_read_body:
                body.update(await request.json())
            chat = int(body["chat_id"]) if body.get("chat_id") not in (None, "") else None
            actions: dict[str, Callable[[], Any]] = {
                "send_text": lambda: {
                    "update_id": self.send_text(
                        int(body["chat_id"]),
                        int(body["user_id"]),
                        body["text"],
                        body.get("lang", "zh"),
                        body.get("first_name", "Test"),
                    )
                },
                "tap": lambda: {
                    "callback_query_id": self.tap(
                        int(body["chat_id"]),
                        int(body["user_id"]),
                        int(body["message_id"]),
                        body["data"],
                        strict=bool(body.get("strict", True)),
                    )
                },
                "sent": lambda: [_record_json(r) for r in self.sent(chat)],
                "wait_sent": lambda: self._control_wait_sent(chat, body),
                "calls": lambda: [asdict(c) for c in self.calls],
                "answered_callbacks": lambda: [asdict(a) for a in self.answered_callbacks],
                "commands": lambda: [
                    {"scope": scope, "language_code": lang, "commands": cmds}
                    for (scope, lang), cmds in self.commands.items()
                ],
                "fail": lambda: self.fail(
                    body["method"],
                    int(body["status"]),
                    times=int(body.get("times", 1)),
                    retry_after=body.get("retry_after"),
                    chat_id=chat,
                    description=body.get("description"),
                ),
                "hang": lambda: self.hang(
                    body["method"],
                    float(body["seconds"]),
                    times=int(body.get("times", 1)),
                    chat_id=chat,
                ),
                "drop": lambda: self.drop(
                    body["method"], times=int(body.get("times", 1)), chat_id=chat
                ),
                "block": lambda: self.block(int(body["chat_id"])),
                "unblock": lambda: self.unblock(int(body["chat_id"])),
                "register_chat": lambda: self.register_chat(int(body["chat_id"])),
            }
            if action not in actions:
                return web.json_response({"error": f"unknown action {action!r}"}, status=404)
            result = actions[action]()
            if isinstance(result, Awaitable):
                result = await result
            return web.json_response({"ok": True} if result is None else result)
        except AssertionError as err:  # wait_sent timed out
            return web.json_response({"error": str(err)}, status=408)
        except (KeyError, ValueError, TypeError) as err:
            return web.json_response({"error": f"{type(err).__name__}: {err}"}, status=400)

    async def _control_wait_sent(self, chat: int | None, body: dict[str, Any]) -> Any:
        count, timeout = int(body.get("count", 1)), float(body.get("timeout", 10))
        return [_record_json(r) for r in await self.await_sent(chat, count, timeout)]


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _as_number(value: Any, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def _enough(records: list[SentRecord], count: int) -> list[SentRecord] | None:
    return records if len(records) >= count else None


def _short(text: str | None, limit: int = 120) -> str:
    return repr(text if text is None or len(text) <= limit else text[:limit] + "...")


def _record_json(record: SentRecord) -> dict[str, Any]:
    data = asdict(record)
    for key in ("document", "photo"):
        if data[key] is not None:
            data[key] = base64.b64encode(data[key]).decode("ascii")
    return data


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A started :class:`FakeTelegram` with the default token; import it into a conftest."""
    with FakeTelegram() as server:
        yield server
