"""The python-telegram-bot 22 engine: long polling.

Run it with ``greenbot run --engine ptb`` (``BOT_TOKEN`` set; ``--api-base`` for a local Bot
API server). python-telegram-bot is only imported here, and only when this engine starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
    TimedOut,
)
from telegram.error import RetryAfter as PTBRetryAfter
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.engine import Engine, Keyboard
from bot.reminders.errors import (
    ChatBlocked,
    MaybeDelivered,
    PermanentError,
    RetryAfter,
    TransientError,
)
from bot.transports.common import BotCore, StartupError
from bot.transports.outbox import DEFAULT_POLICY, RetryPolicy

log = logging.getLogger(__name__)
# v22 deprecates integer periods (retry_after …) and warns on every 429 it parses; the value is
# read either way in _seconds.
warnings.filterwarnings("ignore", category=PTBDeprecationWarning, message=".*retry_after.*")


@lru_cache(maxsize=4096)
def _markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """PTB's keyboard for ours; keyboards repeat and are immutable, so each is built once."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def _seconds(error: PTBRetryAfter) -> float:
    with warnings.catch_warnings():  # the int form is deprecated in v22; either is fine here
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _sent_in_full(error: TimedOut) -> bool:
    """Whether the request had gone out when it timed out (a read timeout): Telegram may have
    carried it out. Connect and pool timeouts mean it never left."""
    import httpx

    return isinstance(error.__cause__, httpx.ReadTimeout)


class PTBPort:
    """:class:`~bot.transports.outbox.TelegramPort` over a python-telegram-bot ``Bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _call(self, coroutine: Any) -> Any:
        try:
            return await coroutine
        except PTBRetryAfter as error:
            raise RetryAfter(_seconds(error)) from error
        except Forbidden as error:
            raise ChatBlocked(str(error)) from error
        except BadRequest as error:
            raise PermanentError(str(error)) from error
        except TimedOut as error:
            if _sent_in_full(error):
                raise MaybeDelivered(str(error)) from error
            raise TransientError(str(error)) from error
        except (TimeoutError, NetworkError) as error:  # also 5xx and dropped connections
            raise TransientError(str(error)) from error
        except TelegramError as error:
            raise TransientError(str(error)) from error

    async def send_message(self, chat_id: int, text: str, buttons: Keyboard) -> int:
        message = await self._call(
            self.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=_markup(buttons)
            )
        )
        return int(message.message_id)

    async def edit_message(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard
    ) -> None:
        await self._call(
            self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(buttons),
            )
        )

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        await self._call(
            self.bot.send_document(
                chat_id,
                InputFile(data, filename=filename),
                caption=caption or None,
                parse_mode=ParseMode.HTML,
            )
        )

    async def send_photo(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        await self._call(
            self.bot.send_photo(
                chat_id,
                InputFile(data, filename=filename),
                caption=caption or None,
                parse_mode=ParseMode.HTML,
            )
        )

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        await self._call(self.bot.answer_callback_query(callback_id, text=text))


def make_application(
    token: str, api_base: str, policy: RetryPolicy = DEFAULT_POLICY
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application that calls ``<api_base>/bot<token>/<method>``.

    Updates are handled concurrently (PTB's default is one at a time, so one chat's 429 wait
    or hung request held up every chat); :class:`BotCore` keeps each chat's own in order."""
    timeout = policy.request_timeout
    return (
        Application.builder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
        .concurrent_updates(256)
        .connection_pool_size(64)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .connect_timeout(timeout)
        .pool_timeout(timeout)
        .updater(None)
        .build()
    )


def install_handlers(application: Application[Any, Any, Any, Any, Any, Any], core: BotCore) -> None:
    """Every message and every button tap goes to the engine."""

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any message: text goes to the engine; other content gets a polite reply."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        user = update.effective_user
        await core.on_message(
            chat.id,
            user.id if user else chat.id,
            message.text or message.caption,
            user.language_code if user else None,
        )

    async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tapped button; always answered, even when the data is forged."""
        query = update.callback_query
        if query is None:
            return
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

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed: %s", context.error, exc_info=context.error)  # a bug: show it

    application.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, on_message))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_error_handler(on_error)


async def set_commands(bot: Bot, core: BotCore) -> None:
    """Publish the command menu (see :meth:`BotCore.publish_commands`)."""

    async def publish(commands: list[tuple[str, str]], lang_code: str | None) -> None:
        await bot.set_my_commands(
            [BotCommand(name, text) for name, text in commands], language_code=lang_code
        )

    await core.publish_commands(publish, (TimeoutError, TelegramError))


class Poller:
    """Long-polls ``getUpdates`` into the application's queue.

    PTB's own updater logs each failed poll with a traceback and backs off up to 30 s; here a
    failure is expected weather: one WARNING line, then a back-off that starts small, doubles
    and stops at the policy's ``backoff_cap``, and resets once the server answers again."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        polling_timeout: int,
        policy: RetryPolicy = DEFAULT_POLICY,
    ) -> None:
        self.application = application
        self.policy = policy
        self.polling_timeout = polling_timeout
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        bot = self.application.bot
        backoff = self.policy.delays()
        while not stop.is_set():
            try:
                updates = await bot.get_updates(
                    offset=self.offset,
                    timeout=timedelta(seconds=self.polling_timeout),
                    allowed_updates=["message", "callback_query"],
                )
            except PTBRetryAfter as error:
                wait = self.policy.flood_wait(_seconds(error))
                log.warning("getUpdates: flood control, waiting %.1f s", wait)
                await _pause(stop, wait)
                continue
            except InvalidToken:
                log.error("getUpdates: the bot token was refused (401); polling stops")
                raise
            except (TelegramError, OSError) as error:
                delay = next(backoff)
                log.warning("getUpdates: %s; retrying in %.1f s", _describe(error), delay)
                await _pause(stop, delay)
                continue
            backoff = self.policy.delays()  # the server answers again: start small
            for update in updates:
                await self.application.update_queue.put(update)
            if updates:
                self.offset = updates[-1].update_id + 1

    async def confirm(self) -> None:
        """Tell the server which updates were taken, so a restart does not get them again."""
        if self.offset is None:
            return
        try:
            await self.application.bot.get_updates(offset=self.offset, timeout=0)
        except (TelegramError, OSError) as error:
            log.warning("getUpdates (confirming): %s", _describe(error))


def _describe(error: BaseException) -> str:
    cause = error.__cause__
    return f"{type(error).__name__}: {error}" + (
        f" ({type(cause).__name__})" if cause is not None and str(cause) not in str(error) else ""
    )


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


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
    application = make_application(token, api_base, policy)
    try:
        await application.initialize()  # calls getMe
    except InvalidToken as error:
        raise StartupError("the bot token was refused by Telegram (401 Unauthorized)") from error
    except (TelegramError, OSError) as error:
        raise StartupError(f"cannot reach the Bot API at {api_base}: {error}") from error
    core = BotCore(engine, PTBPort(application.bot), policy=policy)
    install_handlers(application, core)
    await set_commands(application.bot, core)
    try:  # getUpdates is refused while a webhook is set
        await application.bot.delete_webhook()
    except (TimeoutError, TelegramError) as error:
        log.warning("deleteWebhook: %s; polling anyway", error)
    await application.start()
    stop = stop or asyncio.Event()
    poller = Poller(application, polling_timeout, policy)
    polling = asyncio.create_task(poller.run(stop))
    log.info("serving as @%s (python-telegram-bot)", application.bot.username)
    tasks = core.start(background)
    try:
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if polling.done() and isinstance(polling.exception(), InvalidToken):
            raise StartupError("the bot token was refused by Telegram (401 Unauthorized)")
        if polling.done():
            polling.result()
    finally:
        stop.set()
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await core.stop(tasks)
        await poller.confirm()
        await application.stop()
        await application.shutdown()


def open_port(
    token: str, api_base: str, policy: RetryPolicy = DEFAULT_POLICY
) -> tuple[PTBPort, Callable[[], Awaitable[None]]]:
    """A port for sending alone (``greenbot remind --once``), and how to close it. No getMe
    first: a server that does not answer leaves the reminders planned, as a failed send does."""
    timeout = policy.request_timeout
    requests = [
        HTTPXRequest(
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )
        for _ in range(2)
    ]
    bot = Bot(
        token,
        base_url=f"{api_base}/bot",
        base_file_url=f"{api_base}/file/bot",
        request=requests[0],
        get_updates_request=requests[1],
    )

    async def close() -> None:
        await asyncio.gather(*(request.shutdown() for request in requests))

    return PTBPort(bot), close
