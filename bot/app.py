"""Assembly: the one place that puts routers and dialogs together into an :class:`Engine`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.dialogs.asides import measures_answer
from bot.dialogs.forget import ForgetDialog
from bot.dialogs.prescreen import PrescreenDialog
from bot.dialogs.remind import RemindDialog
from bot.dialogs.report import ReportDialog
from bot.dialogs.score import ScoreDialog
from bot.engine import Dialog, Engine, Router, Services
from bot.handlers import admin, article, ask, cancel, lang, reminders, report, start
from bot.reminders.store import ReminderStore
from bot.storage import open_database

if TYPE_CHECKING:
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
        from bot.reminders.clock import SystemClock
        from bot.reminders.delivery import run_forever
        from bot.transports.common import PortSender

        extras = engine.services.extras
        await run_forever(
            extras["reminders"],
            PortSender(port),
            SystemClock(),
            asyncio.Event(),
            wake_event=extras["reminders_wake"],
        )

    return [deliver]


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
