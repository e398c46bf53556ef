"""Sending a :class:`~bot.engine.Reply` through Telegram, whichever framework does the HTTP.

Each engine implements :class:`TelegramPort` with its own library and maps that library's
errors to :mod:`bot.reminders.errors`; the policy lives here once:

* messages longer than Telegram allows are split at paragraphs, the keyboard on the last part;
* 429 waits ``retry_after`` and tries again; 5xx and network errors back off (capped) and try
  again for at least :attr:`RetryPolicy.give_up_after` seconds, then one line is logged;
* a send that went out but got no answer in time (:class:`MaybeDelivered`) is not sent again:
  Telegram may have accepted it, and it has no idempotency key, so a second try could show the
  user the same message twice; edits and callback answers, which are harmless to repeat, are;
* 403 (the user blocked the bot) is logged, the chat is marked blocked, and nothing more is
  sent to it until the user writes again.

All of it waits inside one chat's turn (see :class:`bot.transports.common.BotCore`), so one
chat's trouble never delays another chat.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.engine import Keyboard, Outgoing, Reply
from bot.reminders.errors import (
    ChatBlocked,
    MaybeDelivered,
    PermanentError,
    RetryAfter,
    TransientError,
)
from bot.telegram_text import split_message

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How long a reply keeps trying; tests shrink these to keep their wall time small."""

    backoff_start: float = 0.5  # seconds; doubles per attempt ...
    backoff_cap: float = 5.0  # ... up to this, so a recovered server is noticed quickly
    give_up_after: float = 90.0  # a burst of 5xx shorter than this never loses a reply
    retry_after_cap: float = 300.0  # never park a chat longer than this on one 429
    request_timeout: float = 20.0  # seconds a Bot API call may take before it is abandoned

    def delays(self) -> Iterator[float]:
        """The back-off between tries: ``backoff_start``, doubling, never over ``backoff_cap``
        (a fresh iterator starts small again)."""
        delay = self.backoff_start
        while True:
            yield delay
            delay = min(delay * 2, self.backoff_cap)

    def flood_wait(self, seconds: float) -> float:
        """How long to honour a 429's ``retry_after``."""
        return min(seconds, self.retry_after_cap)


DEFAULT_POLICY = RetryPolicy()
Clock = Callable[[], float]


class TelegramPort(Protocol):
    """The few Bot API calls the engine's replies need."""

    async def send_message(self, chat_id: int, text: str, buttons: Keyboard) -> int: ...

    async def edit_message(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard
    ) -> None: ...

    async def send_document(
        self, chat_id: int, filename: str, data: bytes, caption: str
    ) -> None: ...

    async def send_photo(self, chat_id: int, filename: str, data: bytes, caption: str) -> None: ...

    async def answer_callback(self, callback_id: str, text: str | None) -> None: ...


Sleep = Callable[[float], Awaitable[None]]


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    sleep: Sleep = asyncio.sleep,
    policy: RetryPolicy = DEFAULT_POLICY,
    clock: Clock = time.monotonic,
    repeatable: bool = True,
) -> T:
    """Run ``call``, waiting out 429s and backing off (capped) on transient failures.

    :class:`ChatBlocked` and :class:`PermanentError` are raised at once. A transient failure
    is retried until ``policy.give_up_after`` seconds have passed, then raised. When
    ``repeatable`` is false (a send, which Telegram cannot deduplicate) a
    :class:`MaybeDelivered` is raised at once instead of being retried.
    """
    deadline = clock() + policy.give_up_after
    backoff = policy.delays()
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except RetryAfter as error:
            wait = policy.flood_wait(error.seconds)
            log.warning("%s: flood control, waiting %.1f s (attempt %d)", what, wait, attempt)
            await sleep(wait)
        except MaybeDelivered:
            if not repeatable:
                raise
            if clock() >= deadline:
                raise
            await sleep(next(backoff))
        except TransientError as error:
            if clock() >= deadline:
                raise
            delay = next(backoff)
            log.warning("%s: %s; retrying in %.1f s (attempt %d)", what, error, delay, attempt)
            await sleep(delay)


class Outbox:
    """Delivers replies through a port, remembering chats that blocked the bot."""

    def __init__(
        self,
        port: TelegramPort,
        *,
        on_blocked: Callable[[int], Awaitable[None] | None],
        sleep: Sleep = asyncio.sleep,
        policy: RetryPolicy = DEFAULT_POLICY,
        clock: Clock = time.monotonic,
    ) -> None:
        self.port = port
        self.on_blocked = on_blocked
        self.sleep = sleep
        self.policy = policy
        self.clock = clock

    async def _retrying(
        self, call: Callable[[], Awaitable[T]], what: str, *, repeatable: bool
    ) -> T:
        return await with_retries(
            call,
            what=what,
            sleep=self.sleep,
            policy=self.policy,
            clock=self.clock,
            repeatable=repeatable,
        )

    async def deliver(
        self,
        chat_id: int,
        reply: Reply,
        *,
        message_id: int | None = None,
        callback_id: str | None = None,
    ) -> None:
        """Answer the callback (always, so the button stops spinning), then send the reply."""
        if callback_id is not None:
            try:
                await self._retrying(
                    lambda: self.port.answer_callback(callback_id, reply.notice),
                    "answerCallbackQuery",
                    repeatable=True,
                )
            except (PermanentError, TransientError) as error:
                log.warning("answerCallbackQuery %s: gave up: %s", callback_id, error)
            except ChatBlocked:
                pass
        try:
            for message in reply.messages:
                await self._send(chat_id, message, message_id)
        except ChatBlocked:
            log.info("chat %s blocked the bot; no more messages to it", chat_id)
            recorded = self.on_blocked(chat_id)
            if recorded is not None:
                await recorded
        except PermanentError as error:
            log.warning("send to chat %s: refused: %s", chat_id, error)
        except TransientError as error:
            log.warning(
                "send to chat %s: gave up after %.0f s of retries: %s",
                chat_id,
                self.policy.give_up_after,
                error,
            )

    async def _send(self, chat_id: int, message: Outgoing, message_id: int | None) -> None:
        if message.attachment is not None:
            attachment = message.attachment
            send = self.port.send_photo if attachment.kind == "photo" else self.port.send_document
            await self._send_once(
                lambda: send(chat_id, attachment.filename, attachment.data, attachment.caption),
                f"send{attachment.kind.capitalize()}",
                chat_id,
            )
        if not message.text:
            return
        parts = split_message(message.text)
        for index, part in enumerate(parts):
            buttons = message.buttons if index == len(parts) - 1 else ()
            editable = index == 0 and message.edit and message_id is not None
            if editable and await self._edit(chat_id, message_id or 0, part, buttons):
                continue
            await self._send_once(
                functools.partial(self.port.send_message, chat_id, part, buttons),
                "sendMessage",
                chat_id,
            )

    async def _send_once(
        self, call: Callable[[], Awaitable[object]], what: str, chat_id: int
    ) -> None:
        """A send that must not reach the user twice: one that got no answer in time is
        logged and left alone (it may have arrived); the rest of the reply goes on."""
        try:
            await self._retrying(call, what, repeatable=False)
        except MaybeDelivered as error:
            log.warning(
                "%s to chat %s: no answer in time (%s); it may have arrived, not sent again",
                what,
                chat_id,
                error,
            )

    async def _edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> bool:
        """Edit in place; False when Telegram cannot (too old, gone) so a new message is sent."""
        try:
            await self._retrying(
                lambda: self.port.edit_message(chat_id, message_id, text, buttons),
                "editMessageText",
                repeatable=True,
            )
        except PermanentError as error:
            return "not modified" in str(error)
        return True
