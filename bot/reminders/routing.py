"""One sender for the delivery loop over every channel a process can reach: Telegram chats
through the bot's port, the other channels (the web page) by e-mail to a confirmed address.

A process without a Telegram token (``greenbot serve`` alone) leaves Telegram's reminders to the
bot, and one without mail (no ``GREENBOT_SMTP_URL``) leaves the web's to a process that has it:
:attr:`RoutingSender.skip_channels` keeps the loop from taking them.
"""

from __future__ import annotations

from bot import identity
from bot.identity import ChatId
from bot.reminders.delivery import Sender
from bot.reminders.errors import NoRoute
from bot.reminders.mail import MailSender, SmtpMailer, smtp_config
from bot.reminders.store import ReminderStore


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
