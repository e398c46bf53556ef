"""Assembly: the one place that puts routers and dialogs together into an :class:`Engine`."""

from __future__ import annotations

from typing import Any

from bot.engine import Dialog, Engine, Router, Services
from bot.handlers import admin, article, ask, cancel, forget, lang, start
from bot.storage import open_database


def routers() -> list[Router]:
    """Every feature's router; the Q&A text handler last, as the catch-all."""
    return [start.router, article.router, lang.router, cancel.router, forget.router,
            admin.router, ask.router]


def dialogs() -> list[Dialog]:
    """Every guided flow, in main-menu order."""
    return [forget.ForgetDialog()]


def reminder_jobs(engine: Engine) -> list[Any]:
    """Background jobs a Telegram engine runs beside polling (each takes the TelegramPort)."""
    return []


def build_engine(db_path: str, admins: frozenset[int] = frozenset()) -> Engine:
    """An engine over the SQLite file at ``db_path`` (``:memory:`` in tests)."""
    services = Services(db=open_database(db_path), admins=admins)
    return Engine(services, routers(), dialogs())
