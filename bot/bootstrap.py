"""The one place where the parts are built: settings in, typed services, senders and the chosen
Telegram transport out. Entry points (:mod:`bot.cli`) only translate options and errors.

* :func:`build_services` — the database with its stores (chats, reminders, report answers), the
  knowledge base and the Q&A index, the clock and the reminders' wake event;
* :func:`bot.app.build_engine` puts the features (routers and dialogs) on top of them;
* :func:`open_port` — a Bot API port of the configured framework (``GREENBOT_ENGINE``), for
  sending alone (``greenbot remind --once``);
* :func:`serve` — the configured framework's long polling or webhook, with the reminder
  delivery loop beside it (:func:`reminder_jobs`).

The frameworks are imported only here, and only when one is asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.engine import Engine, Incoming, Services
from bot.knowledge import default as default_knowledge
from bot.qa import default_index
from bot.reminders.clock import Clock, SystemClock, WakeEvent
from bot.reminders.store import ReminderStore
from bot.report.store import ReportInputStore
from bot.storage import ChatStore, open_database

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.transports.common import Job
    from bot.transports.outbox import TelegramPort


def build_services(
    db_path: str,
    admins: frozenset[int] = frozenset(),
    *,
    clock: Clock | None = None,
    delivers_reminders: bool = True,
) -> Services:
    """The services over the SQLite file at ``db_path`` (``:memory:`` in tests).

    Every store shares the one database: one file holds everything about a chat, and /forget
    can delete it all in one place."""
    db = open_database(db_path)
    return Services(
        db=db,
        chats=ChatStore(db),
        reminders=ReminderStore(db),
        reports=ReportInputStore(db),
        knowledge=default_knowledge(),
        qa=default_index(),
        clock=clock or SystemClock(),
        reminders_wake=WakeEvent(),
        admins=admins,
        delivers_reminders=delivers_reminders,
    )


def reminder_jobs(services: Services) -> list[Job]:
    """The reminder delivery loop, run by a Telegram transport beside polling. Its own
    connection is opened now, before any turn runs."""
    from bot.reminders.routing import deliver_reminders, own_store

    store = own_store(services)

    async def deliver(port: TelegramPort) -> None:
        from bot.transports.common import PortSender

        await deliver_reminders(services, asyncio.Event(), PortSender(port), store=store)

    return [deliver]


def warm_up(engine: Engine) -> None:
    """Compile the common templates now, so the first user to write after a start does not
    wait for them (the Q&A index is already built with the services)."""
    from bot import identity

    chat = identity.make("system", "warm-up")  # no real chat: leave nothing of it behind
    for code in ("zh", "en"):
        engine.handle(Incoming(chat, 0, text="第十一条", lang_code=code))
        engine.handle(Incoming(chat, 0, text="/start", lang_code=code))
    engine.forget(chat)


def import_transport(settings: Settings) -> Any:
    """The module of the configured framework (imported now: see :mod:`bot.cli.run`)."""
    if settings.engine == "ptb":
        from bot.transports import ptb_runner

        return ptb_runner
    from bot.transports import aiogram_runner

    return aiogram_runner


def open_port(settings: Settings) -> tuple[TelegramPort, Callable[[], Awaitable[None]]]:
    """A Bot API port of the configured framework, and how to close it; the token is checked
    (:class:`~bot.config.ConfigError`) and kept out of the logs."""
    from bot.transports.common import hide_token

    token = settings.require_token()
    hide_token(token)
    port, close = import_transport(settings).open_port(token, settings.api_base)
    return port, close


def serve(
    engine: Engine,
    settings: Settings,
    *,
    webhook: tuple[str, str, int] | None = None,
    reminders: bool = True,
) -> None:
    """Serve on Telegram until interrupted: long polling, or a webhook ``(url, host, port)``
    (aiogram only); the reminder delivery loop beside it unless ``reminders`` is False.
    Raises :class:`~bot.transports.common.StartupError` when the bot cannot start."""
    token = settings.require_token()
    transport = import_transport(settings)
    background = reminder_jobs(engine.services) if reminders else []
    if webhook is not None:
        url, host, port = webhook
        asyncio.run(
            transport.run_webhook(
                engine, token, settings.api_base, url, host, port, background=background
            )
        )
    else:
        asyncio.run(transport.run_polling(engine, token, settings.api_base, background=background))
