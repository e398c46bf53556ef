"""What both Telegram engines share: events in, replies out, blocked chats, command lists."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from typing import Any

from bot import identity
from bot.engine import Engine, Incoming, Reply
from bot.identity import ChatId
from bot.reminders.errors import NoRoute
from bot.render import LANGS, label
from bot.transports.outbox import DEFAULT_POLICY, Outbox, RetryPolicy, Sleep, TelegramPort
from bot.transports.turns import TurnRunner, never_draws, shutdown_processes, warm_processes

log = logging.getLogger(__name__)
Job = Callable[[TelegramPort], Coroutine[Any, Any, Any]]  # a background job, given the port


class PortSender:
    """The reminder loop's :class:`~bot.reminders.delivery.Sender` over a Telegram port, whose
    errors are already those the loop understands. Chats of other channels are out of its
    reach (:class:`NoRoute`)."""

    def __init__(self, port: TelegramPort) -> None:
        self.port = port

    @staticmethod
    def _number(chat_id: ChatId) -> int:
        if not identity.is_telegram(chat_id):
            raise NoRoute(f"{identity.channel_of(chat_id)} chats cannot get Telegram messages")
        return identity.telegram_number(chat_id)

    async def send_text(self, chat_id: ChatId, html: str) -> None:
        await self.port.send_message(self._number(chat_id), html, ())

    async def send_document(
        self, chat_id: ChatId, filename: str, data: bytes, caption: str
    ) -> None:
        await self.port.send_document(self._number(chat_id), filename, data, caption)


class BotCore:
    """The framework-free half of a Telegram engine."""

    def __init__(
        self,
        engine: Engine,
        port: TelegramPort,
        *,
        sleep: Sleep = asyncio.sleep,
        policy: RetryPolicy = DEFAULT_POLICY,
    ) -> None:
        self.engine = engine
        self.turns = TurnRunner(engine)  # a chart drawn for one chat stalls no one else
        self.outbox = Outbox(port, on_blocked=self._blocked, sleep=sleep, policy=policy)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._idle = asyncio.Event()  # set while no event is being handled
        self._idle.set()
        self._warming: asyncio.Future[None] | None = None
        # Read before serving starts, when no turn can be running.
        self.blocked: set[ChatId] = engine.chats.blocked_chats()

    async def _blocked(self, number: int) -> None:
        """The outbox met a 403 for the Telegram chat ``number``. Written as a turn of its
        own: the engine's connection is never used from the event loop (see
        :mod:`bot.transports.turns`)."""
        chat_id = identity.telegram(number)
        self.blocked.add(chat_id)

        def record() -> None:
            self.engine.chats.set_blocked(chat_id, True)
            self.engine.services.reminders.deactivate_chat(chat_id, time.time())

        await self.turns.run(chat_id, record, light=never_draws)

    def _seen(self, chat_id: ChatId, flagged: bool) -> None:
        """In the turn of a message from ``chat_id`` (``flagged``: it was known to have
        blocked the bot). A user who writes again has unblocked the bot: replies and reminders
        resume. The block may also have been seen by the reminder loop only (a 403 on a
        reminder)."""
        services = self.engine.services
        if flagged:
            self.engine.chats.set_blocked(chat_id, False)
        elif not services.reminders.is_blocked(chat_id):
            return
        if services.reminders.reactivate_chat(chat_id, time.time()):
            services.reminders_wake.set()  # reminders whose time has come go out now

    async def _turn(self, incoming: Incoming) -> Reply:
        """The engine's turn for ``incoming``, the chat's unblocking first, in one turn."""
        chat_id = incoming.chat_id
        flagged = chat_id in self.blocked
        self.blocked.discard(chat_id)

        def work() -> Reply:
            self._seen(chat_id, flagged)
            return self.engine.handle(incoming)

        return await self.turns.run(chat_id, work, light=self.turns.light(incoming))

    @contextlib.asynccontextmanager
    async def _in_turn(self, chat_id: int) -> AsyncIterator[None]:
        """One event at a time per chat, in arrival order, so a user's replies never overtake
        each other (aiogram handles updates concurrently); other chats are not held up."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        self._idle.clear()
        try:
            async with lock:
                yield
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id], self._locks[chat_id]
                if not self._waiting:
                    self._idle.set()

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait (up to ``timeout``) for the events being handled to finish, so stopping does
        not close the connection under a reply in flight (a retry would show it twice)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    def start(self, jobs: Iterable[Job] | None) -> list[asyncio.Task[Any]]:
        """Run the background jobs (the reminder delivery loop) over this core's port, and
        start the chart worker processes, so that the first chart does not wait the seconds
        their warm-up takes (in a thread: serving does not wait for them either)."""
        loop = asyncio.get_running_loop()
        self._warming = loop.run_in_executor(None, warm_processes)
        return [asyncio.create_task(job(self.outbox.port)) for job in jobs or ()]

    async def stop(self, tasks: Iterable[asyncio.Task[Any]]) -> None:
        """The end of serving, for either framework: the replies in flight first, then the
        background jobs (the framework's connection is closed after this)."""
        await self.drain()
        tasks = list(tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._warming is not None:
            await asyncio.gather(self._warming, return_exceptions=True)
        # the chart workers end with serving, as the web server's do
        await asyncio.get_running_loop().run_in_executor(None, shutdown_processes)

    async def publish_commands(
        self,
        publish: Callable[[list[tuple[str, str]], str | None], Awaitable[object]],
        refused: tuple[type[BaseException], ...],
    ) -> None:
        """Publish the command menu in Chinese (also the default, ``None``) and English through
        the framework's ``publish(commands, lang_code)``; never fatal: ``refused`` errors end it
        with one warning."""
        lists = self.command_lists()
        for lang_code in (None, "zh", "en"):
            try:
                await publish(lists[lang_code or "zh"], lang_code)
            except refused as error:
                log.warning("setMyCommands (%s) refused: %s; serving anyway", lang_code, error)
                return

    async def on_message(
        self, chat_id: int, user_id: int, text: str | None, lang_code: str | None
    ) -> None:
        async with self._in_turn(chat_id):
            reply = await self._turn(
                Incoming(identity.telegram(chat_id), user_id, text=text, lang_code=lang_code)
            )
            await self.outbox.deliver(chat_id, reply)

    async def on_callback(
        self,
        chat_id: int,
        user_id: int,
        message_id: int | None,
        data: str | None,
        callback_id: str,
        lang_code: str | None,
    ) -> None:
        async with self._in_turn(chat_id):
            reply = await self._turn(
                Incoming(
                    identity.telegram(chat_id),
                    user_id,
                    button=data or "",
                    lang_code=lang_code,
                    message_id=message_id,
                )
            )
            await self.outbox.deliver(
                chat_id, reply, message_id=message_id, callback_id=callback_id
            )

    def command_lists(self) -> dict[str, list[tuple[str, str]]]:
        """``{lang: [(command, description)]}`` for setMyCommands in each language."""
        return {
            lang: [
                (c.name, label(c.description_key, lang)[:256])
                for c in self.engine.public_commands()
                if c.description_key
            ]
            for lang in LANGS
        }


class TokenFilter(logging.Filter):
    """Takes the bot token out of every log record: Bot API URLs carry it (``/bot<token>/``),
    and libraries log those URLs at DEBUG or inside exception texts."""

    MASK = "<token>"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, self.MASK), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, self.MASK)
        if record.stack_info and self.token in record.stack_info:
            record.stack_info = record.stack_info.replace(self.token, self.MASK)
        return True


def hide_token(token: str, logger: logging.Logger | None = None) -> None:
    """Put a :class:`TokenFilter` on every handler of ``logger`` (the root by default), where
    records from every library pass whatever their level."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, TokenFilter) and f.token == token for f in handler.filters):
            handler.addFilter(TokenFilter(token))


class StartupError(RuntimeError):
    """The engine cannot start (token refused, server unreachable): one line for the user."""
