"""The features: every router and dialog, put together over the services of
:mod:`bot.bootstrap` into an :class:`Engine`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.bootstrap import build_services
from bot.dialogs.asides import measures_answer
from bot.dialogs.forget import ForgetDialog
from bot.dialogs.prescreen import PrescreenDialog
from bot.dialogs.remind import RemindDialog
from bot.dialogs.report import ReportDialog
from bot.dialogs.score import ScoreDialog
from bot.engine import Dialog, Engine, Router
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

if TYPE_CHECKING:
    from bot.reminders.clock import Clock


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


def build_engine(
    db_path: str,
    admins: frozenset[int] = frozenset(),
    *,
    clock: Clock | None = None,
    delivers_reminders: bool = True,
) -> Engine:
    """An engine over the SQLite file at ``db_path`` (``:memory:`` in tests), its services
    built by :func:`bot.bootstrap.build_services`."""
    services = build_services(db_path, admins, clock=clock, delivers_reminders=delivers_reminders)
    return Engine(services, routers(), dialogs(), flow_question=measures_answer)
