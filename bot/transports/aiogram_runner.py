"""The aiogram 3 engine (the default): long polling, or a webhook.

Run it with ``greenbot run`` (``BOT_TOKEN`` set; ``--api-base http://127.0.0.1:8081`` for a
local Bot API server; ``--webhook URL --listen HOST:PORT`` for webhook mode). aiogram is only
imported here, and only when this engine starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.backoff import BackoffConfig

from bot.engine import Engine, Keyboard
from bot.reminders.errors import (
    ChatBlocked,
    MaybeDelivered,
    PermanentError,
    RetryAfter,
    TransientError,
)
from bot.transports.aiogram_session import JsonSession
from bot.transports.common import BotCore, StartupError
from bot.transports.outbox import DEFAULT_POLICY, RetryPolicy

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def _markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """aiogram's keyboard for ours; keyboards repeat (menus, article buttons) and are immutable,
    so each is built once."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
            for row in buttons
        ]
    )


class PollingLogFilter(logging.Filter):
    """aiogram logs a failed ``getUpdates`` as an ERROR plus a WARNING about its back-off; a
    failed poll is expected weather: one WARNING line naming the method and the outcome."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Failed to fetch updates - %s: %s":
            record.msg = "getUpdates: %s: %s; retrying with a capped back-off"
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return not str(record.msg).startswith("Sleep for %f seconds and try again")


def _quiet_polling_errors() -> None:
    logger = logging.getLogger("aiogram.dispatcher")
    if not any(isinstance(f, PollingLogFilter) for f in logger.filters):
        logger.addFilter(PollingLogFilter())


class AiogramPort:
    """:class:`~bot.transports.outbox.TelegramPort` over an aiogram ``Bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _call(self, coroutine: Any) -> Any:
        try:
            return await coroutine
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after) from error
        except TelegramForbiddenError as error:
            raise ChatBlocked(str(error)) from error
        except TelegramNetworkError as error:
            if isinstance(error.__cause__, TimeoutError):  # sent, no answer: may have arrived
                raise MaybeDelivered(str(error)) from error
            raise TransientError(str(error)) from error
        except (TimeoutError, TelegramServerError) as error:
            raise TransientError(str(error)) from error
        except TelegramBadRequest as error:
            raise PermanentError(str(error)) from error
        except TelegramAPIError as error:
            raise TransientError(str(error)) from error

    async def send_message(self, chat_id: int, text: str, buttons: Keyboard) -> int:
        message = await self._call(
            self.bot.send_message(chat_id, text, reply_markup=_markup(buttons))
        )
        return int(message.message_id)

    async def edit_message(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard
    ) -> None:
        await self._call(
            self.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(buttons)
            )
        )

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        await self._call(
            self.bot.send_document(
                chat_id, BufferedInputFile(data, filename), caption=caption or None
            )
        )

    async def send_photo(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        await self._call(
            self.bot.send_photo(chat_id, BufferedInputFile(data, filename), caption=caption or None)
        )

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        await self._call(self.bot.answer_callback_query(callback_id, text=text))


def make_bot(token: str, api_base: str, policy: RetryPolicy = DEFAULT_POLICY) -> Bot:
    """A Bot that calls ``<api_base>/bot<token>/<method>`` with JSON bodies (see
    :mod:`bot.transports.aiogram_session`) and HTML parse mode."""
    session = JsonSession(api_base)
    session.timeout = policy.request_timeout
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def make_dispatcher(core: BotCore) -> Dispatcher:
    """A dispatcher whose single router hands every message and button tap to the engine."""
    router = Router(name="greenbot")

    @router.message()
    async def on_message(message: Message) -> None:
        """Any message: text goes to the engine; other content gets a polite reply."""
        user = message.from_user
        await core.on_message(
            message.chat.id,
            user.id if user else message.chat.id,
            message.text or message.caption,
            user.language_code if user else None,
        )

    @router.callback_query()
    async def on_callback(query: CallbackQuery) -> None:
        """A tapped button; always answered, even when the data is forged."""
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        message_id = message.message_id if message is not None else None
        await core.on_callback(
            chat_id,
            query.from_user.id,
            message_id,
            query.data,
            query.id,
            query.from_user.language_code,
        )

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def check_bot(bot: Bot, api_base: str) -> None:
    """getMe once before serving, so a bad token or an unreachable server is one clear line."""
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError as error:
        await bot.session.close()
        raise StartupError("the bot token was refused by Telegram (401 Unauthorized)") from error
    except (TimeoutError, TelegramAPIError, OSError) as error:
        await bot.session.close()
        raise StartupError(f"cannot reach the Bot API at {api_base}: {error}") from error
    log.info("serving as @%s (aiogram)", me.username)


async def set_commands(bot: Bot, core: BotCore) -> None:
    """Publish the command menu (see :meth:`BotCore.publish_commands`)."""

    async def publish(commands: list[tuple[str, str]], lang_code: str | None) -> None:
        await bot.set_my_commands(
            [BotCommand(command=name, description=text) for name, text in commands],
            language_code=lang_code,
        )

    await core.publish_commands(publish, (TimeoutError, TelegramAPIError))


async def run_polling(
    engine: Engine,
    token: str,
    api_base: str,
    *,
    stop: asyncio.Event | None = None,
    polling_timeout: int = 10,
    background: list[Any] | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> None:
    """Serve with long polling until ``stop`` is set (or the process is interrupted)."""
    _quiet_polling_errors()
    bot = make_bot(token, api_base, policy)
    await check_bot(bot, api_base)
    core = BotCore(engine, AiogramPort(bot), policy=policy)
    dispatcher = make_dispatcher(core)
    await set_commands(bot, core)
    tasks = core.start(background)
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            polling_timeout=polling_timeout,
            handle_signals=stop is None,
            close_bot_session=False,  # closed below, after replies in flight
            allowed_updates=["message", "callback_query"],
            backoff_config=BackoffConfig(
                min_delay=policy.backoff_start, max_delay=policy.backoff_cap, factor=2.0, jitter=0.1
            ),
        )
    )
    try:
        if stop is None:
            await polling
        else:
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({polling, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not polling.done():
                await dispatcher.stop_polling()
                await polling
    finally:
        await core.stop(tasks)
        await bot.session.close()


async def run_webhook(
    engine: Engine,
    token: str,
    api_base: str,
    url: str,
    host: str,
    port: int,
    background: list[Any] | None = None,
) -> None:
    """Serve a webhook at ``url`` (Telegram must reach it over HTTPS; TLS is usually ended
    by a proxy in front), listening on ``host:port`` for the path of ``url``."""
    from urllib.parse import urlparse

    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
    from aiohttp import web

    bot = make_bot(token, api_base)
    await check_bot(bot, api_base)
    core = BotCore(engine, AiogramPort(bot))
    dispatcher = make_dispatcher(core)
    await set_commands(bot, core)
    try:
        await bot.set_webhook(url, allowed_updates=["message", "callback_query"])
    except (TimeoutError, TelegramAPIError, OSError) as error:
        await bot.session.close()
        raise StartupError(f"setWebhook {url} was refused: {error}") from error
    app = web.Application()
    handler = SimpleRequestHandler(dispatcher=dispatcher, bot=bot)
    handler.register(app, path=urlparse(url).path or "/")
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    tasks = core.start(background)
    log.info("webhook %s listening on %s:%d", url, host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()  # no more updates come in
        await core.stop(tasks)
        await bot.session.close()


def open_port(
    token: str, api_base: str, policy: RetryPolicy = DEFAULT_POLICY
) -> tuple[AiogramPort, Callable[[], Awaitable[None]]]:
    """A port for sending alone (``greenbot remind --once``), and how to close it."""
    bot = make_bot(token, api_base, policy)
    return AiogramPort(bot), bot.session.close
