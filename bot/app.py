"""Assembly: the one place that puts routers and dialogs together into an :class:`Engine`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.dialogs.asides import measures_answer
from bot.dialogs.forget import ForgetDialog
from bot.dialogs.prescreen import PrescreenDialog
from bot.dialogs.remind import RemindDialog
from bot.dialogs.report import ReportDialog
from bot.dialogs.score import ScoreDialog
from bot.engine import Dialog, Engine, Router, Services
from bot.handlers import (
    admin,
    article,
    ask,
    cancel,
    email_reminders,
    lang,
    reminders,
    report,
    start,
)
from bot.reminders.store import ReminderStore
from bot.storage import open_database

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.reminders.delivery import Sender
    from bot.transports.outbox import TelegramPort


def routers() -> list[Router]:
    """Every feature's router; the Q&A text handler last, as the catch-all."""
    return [
        start.router,
        article.router,
        lang.router,
        cancel.router,
        admin.router,
        reminders.router,
        email_reminders.router,
        report.router,
        ask.router,
    ]


def dialogs() -> list[Dialog]:
    """Every guided flow, in main-menu order."""
    return [
        PrescreenDialog(),
        ScoreDialog(),
        RemindDialog(),
        ForgetDialog(),
        ReportDialog(),
    ]


Job = Callable[["TelegramPort"], Awaitable[Any]]


def reminder_jobs(engine: Engine) -> list[Job]:
    """The reminder delivery loop, run by a Telegram engine beside polling."""

    async def deliver(port: TelegramPort) -> None:
        from bot.transports.common import PortSender

        await deliver_reminders(engine, asyncio.Event(), PortSender(port))

    return [deliver]


async def deliver_reminders(
    engine: Engine, stop: asyncio.Event, telegram: Sender | None = None
) -> None:
    """The reminder loop of a process, until ``stop`` is set: Telegram chats through
    ``telegram`` (``None``: left to the bot's process), web chats by e-mail when
    ``GREENBOT_SMTP_URL`` (or ``extras["smtp_url"]``) is set (else left to a process that has
    it)."""
    from bot.reminders.clock import SystemClock
    from bot.reminders.delivery import run_forever
    from bot.reminders.mail import MailConfigError
    from bot.reminders.routing import RoutingSender, reminder_sender

    extras = engine.services.extras
    try:
        sender = reminder_sender(extras["reminders"], telegram, extras.get("smtp_url"))
    except MailConfigError as error:
        log.error("e-mail reminders off: %s", error)
        sender = RoutingSender(telegram)
    await run_forever(
        extras["reminders"], sender, SystemClock(), stop, wake_event=extras["reminders_wake"]
    )


def warm_up(engine: Engine) -> None:
    """Build the Q&A index and compile the common templates now, so the first user to write
    after a start does not wait for them (about 0.2 s)."""
    from bot import identity
    from bot.engine import Incoming

    chat = identity.make("system", "warm-up")  # no real chat: leave nothing of it behind
    for code in ("zh", "en"):
        engine.handle(Incoming(chat, 0, text="第十一条", lang_code=code))
        engine.handle(Incoming(chat, 0, text="/start", lang_code=code))
    engine.forget(chat)


def build_engine(db_path: str, admins: frozenset[int] = frozenset()) -> Engine:
    """An engine over the SQLite file at ``db_path`` (``:memory:`` in tests).

    The reminder store shares the database: one file holds everything about a chat, and
    /forget can delete it all in one place."""
    db = open_database(db_path)
    services = Services(db=db, admins=admins)
    services.extras["reminders"] = ReminderStore(db)
    # Set after an enrolment plans a reminder for "now", so the loop sends it at once.
    services.extras["reminders_wake"] = asyncio.Event()
    return Engine(services, routers(), dialogs(), flow_question=measures_answer)
