"""One sender for the delivery loop over every channel a process can reach: Telegram chats
through the bot's port, the other channels (the web page) by e-mail to a confirmed address.

A process without a Telegram token (``greenbot serve`` alone) leaves Telegram's reminders to the
bot, and one without mail (no ``GREENBOT_SMTP_URL``) leaves the web's to a process that has it:
:attr:`RoutingSender.skip_channels` keeps the loop from taking them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot import identity
from bot.identity import ChatId
from bot.reminders.delivery import Sender
from bot.reminders.errors import NoRoute
from bot.reminders.mail import MailSender, SmtpMailer, smtp_config
from bot.reminders.store import ReminderStore

if TYPE_CHECKING:
    from bot.engine import Services

log = logging.getLogger(__name__)


def sent_to(chat_id: ChatId, store: ReminderStore, delivers: bool) -> bool:
    """Whether reminders of ``chat_id`` are sent from here: everywhere a process delivers
    (``delivers``), and by mail wherever a chat has a confirmed address."""
    from bot.reminders.mail import EmailTargets

    return delivers or EmailTargets(store).confirmed_address(chat_id) is not None


class RoutingSender:
    """Sends each reminder the way its chat's channel allows."""

    def __init__(self, telegram: Sender | None = None, mail: Sender | None = None) -> None:
        self.telegram = telegram
        self.mail = mail
        self.skip_channels: tuple[str, ...] = (
            *(() if telegram is not None else (identity.TELEGRAM,)),
            *(() if mail is not None else (identity.WEB,)),
        )

    def _route(self, chat_id: ChatId) -> Sender:
        if identity.is_telegram(chat_id):
            if self.telegram is None:
                raise NoRoute("no Telegram connection in this process")
            return self.telegram
        if self.mail is None:
            raise NoRoute("e-mail reminders are not configured")
        return self.mail

    async def send_text(self, chat_id: ChatId, html: str) -> None:
        await self._route(chat_id).send_text(chat_id, html)

    async def send_document(
        self, chat_id: ChatId, filename: str, data: bytes, caption: str
    ) -> None:
        await self._route(chat_id).send_document(chat_id, filename, data, caption)


def reminder_sender(
    store: ReminderStore, telegram: Sender | None = None, smtp_url: str | None = None
) -> RoutingSender:
    """The loop's sender: ``telegram`` for Telegram chats, e-mail for the others when
    ``smtp_url`` (or ``GREENBOT_SMTP_URL``) is set."""
    config = smtp_config(smtp_url)
    mail = MailSender(store, SmtpMailer(config)) if config is not None else None
    return RoutingSender(telegram, mail)


async def deliver_reminders(
    services: Services,
    stop: asyncio.Event,
    telegram: Sender | None = None,
    *,
    store: ReminderStore | None = None,
) -> None:
    """The reminder loop of a process, until ``stop`` is set: Telegram chats through
    ``telegram`` (``None``: left to the bot's process), web chats by e-mail when
    :attr:`Services.smtp_url` (or ``GREENBOT_SMTP_URL``) is set (else left to a process that
    has it). ``store``: the loop's own (:func:`own_store`, opened before serving starts);
    closed when the loop ends."""
    from bot.reminders.clock import SystemClock
    from bot.reminders.delivery import run_forever
    from bot.reminders.mail import MailConfigError

    store = store or own_store(services)
    try:
        try:
            sender = reminder_sender(store, telegram, services.smtp_url)
        except MailConfigError as error:
            log.error("e-mail reminders off: %s", error)
            sender = RoutingSender(telegram)
        await run_forever(store, sender, SystemClock(), stop, wake_event=services.reminders_wake)
    finally:
        if store is not services.reminders:
            store.close()


def own_store(services: Services) -> ReminderStore:
    """The reminder store on a connection of the loop's own. Engine turns run in worker
    threads on the services' connection; sharing it, a transaction of the loop and one of a
    turn could interleave, and a rollback on one side would take back the other's writes.
    It asks the services' connection for the file, so call it before turns run. (An in-memory
    database, in tests, has no second connection: the shared store then.)"""
    row = services.db.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    return ReminderStore(path) if path else services.reminders
