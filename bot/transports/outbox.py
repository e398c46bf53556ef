"""Sending a :class:`~bot.engine.Reply` through Telegram, whichever framework does the HTTP.

Each engine implements :class:`TelegramPort` with its own library and maps that library's
errors to :mod:`bot.reminders.errors`; the policy lives here once:

* messages longer than Telegram allows are split at paragraphs, the keyboard on the last part;
* 429 waits ``retry_after`` and tries again; 5xx and network errors back off and try again;
* 403 (the user blocked the bot) is logged, the chat is marked blocked, and nothing more is
  sent to it until the user writes again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bot.engine import Keyboard, Outgoing, Reply
from bot.reminders.errors import ChatBlocked, PermanentError, RetryAfter, TransientError
from bot.telegram_text import split_message

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 6
BACKOFF_START = 0.5  # seconds; doubles per attempt
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 300.0  # never park a chat longer than this on one message


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
    call: Callable[[], Awaitable[T]], *, what: str, sleep: Sleep = asyncio.sleep
) -> T:
    """Run ``call``, waiting out 429s and backing off on transient failures.

    :class:`ChatBlocked` and :class:`PermanentError` are raised at once; a transient failure
    that outlasts :data:`MAX_ATTEMPTS` is raised as :class:`TransientError`.
    """
    delay = BACKOFF_START
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as error:
            wait = min(error.seconds, RETRY_AFTER_CAP)
            log.warning("%s: flood control, waiting %.1f s (attempt %d)", what, wait, attempt)
            await sleep(wait)
        except TransientError as error:
            if attempt == MAX_ATTEMPTS:
                raise
            log.warning("%s: %s; retrying in %.1f s (attempt %d)", what, error, delay, attempt)
            await sleep(delay)
            delay = min(delay * 2, BACKOFF_CAP)
    raise TransientError(f"{what}: still failing after {MAX_ATTEMPTS} attempts")


class Outbox:
    """Delivers replies through a port, remembering chats that blocked the bot."""

    def __init__(
        self, port: TelegramPort, *, on_blocked: Callable[[int], None], sleep: Sleep = asyncio.sleep
    ) -> None:
        self.port = port
        self.on_blocked = on_blocked
        self.sleep = sleep

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
                await with_retries(
                    lambda: self.port.answer_callback(callback_id, reply.notice),
                    what="answerCallbackQuery",
                    sleep=self.sleep,
                )
            except (PermanentError, TransientError) as error:
                log.warning("could not answer callback %s: %s", callback_id, error)
            except ChatBlocked:
                pass
        try:
            for message in reply.messages:
                await self._send(chat_id, message, message_id)
        except ChatBlocked:
            log.info("chat %s blocked the bot; no more messages to it", chat_id)
            self.on_blocked(chat_id)
        except (PermanentError, TransientError) as error:
            log.error("could not send to chat %s: %s", chat_id, error)

    async def _send(self, chat_id: int, message: Outgoing, message_id: int | None) -> None:
        if message.attachment is not None:
            attachment = message.attachment
            send = self.port.send_photo if attachment.kind == "photo" else self.port.send_document
            await with_retries(
                lambda: send(chat_id, attachment.filename, attachment.data, attachment.caption),
                what=f"send {attachment.kind}",
                sleep=self.sleep,
            )
        if not message.text:
            return
        parts = split_message(message.text)
        for index, part in enumerate(parts):
            buttons = message.buttons if index == len(parts) - 1 else ()
            editable = index == 0 and message.edit and message_id is not None
            if editable and await self._edit(chat_id, message_id or 0, part, buttons):
                continue
            await with_retries(
                lambda p=part, b=buttons: self.port.send_message(chat_id, p, b),
                what="sendMessage",
                sleep=self.sleep,
            )

    async def _edit(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> bool:
        """Edit in place; False when Telegram cannot (too old, gone) so a new message is sent."""
        try:
            await with_retries(
                lambda: self.port.edit_message(chat_id, message_id, text, buttons),
                what="editMessageText",
                sleep=self.sleep,
            )
        except PermanentError as error:
            return "not modified" in str(error)
        return True
