"""The python-telegram-bot 22 engine: long polling.

Run it with ``greenbot run --engine ptb`` (``BOT_TOKEN`` set; ``--api-base`` for a local Bot
API server). python-telegram-bot is only imported here, and only when this engine starts.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
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
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.error import RetryAfter as PTBRetryAfter
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBDeprecationWarning

from bot.engine import Engine, Keyboard
from bot.reminders.errors import ChatBlocked, PermanentError, RetryAfter, TransientError
from bot.transports.common import BotCore, StartupError

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
        except (TimeoutError, NetworkError) as error:  # also TimedOut and 5xx
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


def make_application(token: str, api_base: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application that calls ``<api_base>/bot<token>/<method>``."""
    return (
        Application.builder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
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
        log.error("update failed: %s", context.error, exc_info=context.error)

    application.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, on_message))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_error_handler(on_error)


async def set_commands(bot: Bot, core: BotCore) -> None:
    """Publish the command menu in Chinese (also the default) and English; never fatal."""
    lists = core.command_lists()
    for lang_code in (None, "zh", "en"):
        commands = [BotCommand(name, text) for name, text in lists[lang_code or "zh"]]
        try:
            await bot.set_my_commands(commands, language_code=lang_code)
        except (TimeoutError, TelegramError) as error:
            log.warning("setMyCommands (%s) refused: %s; serving anyway", lang_code, error)
            return


async def run_polling(
    engine: Engine,
    token: str,
    api_base: str,
    *,
    stop: asyncio.Event | None = None,
    polling_timeout: int = 10,
    background: list[Any] | None = None,
) -> None:
    """Serve with long polling until ``stop`` is set (or the process is interrupted)."""
    application = make_application(token, api_base)
    try:
        await application.initialize()  # calls getMe
    except InvalidToken as error:
        raise StartupError("the bot token was refused by Telegram (401 Unauthorized)") from error
    except (TelegramError, OSError) as error:
        raise StartupError(f"cannot reach the Bot API at {api_base}: {error}") from error
    core = BotCore(engine, PTBPort(application.bot))
    install_handlers(application, core)
    await set_commands(application.bot, core)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0.0,
        timeout=timedelta(seconds=polling_timeout),
        allowed_updates=["message", "callback_query"],
    )
    log.info("serving as @%s (python-telegram-bot)", application.bot.username)
    tasks = [asyncio.create_task(job(core.outbox.port)) for job in background or []]
    try:
        await (stop.wait() if stop is not None else asyncio.Event().wait())
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
