"""``greenbot remind --once [--db PATH] [--dry-run] [--json]``: send due reminders once (cron).

The bot process runs the same loop continuously; this command is for deployments that prefer a
cron job, or for catching up by hand. ``--dry-run`` only lists what is due (nothing is claimed or
sent) and opens the database read-only. Sending goes through every channel configured, as the
running loop's does (:func:`make_sender`): the Telegram Bot API with the configured framework
(``GREENBOT_ENGINE``, as ``greenbot run``) when a token is set, e-mail through
``GREENBOT_SMTP_URL`` to web chats' confirmed addresses when it is set. A
database that is not one, is damaged, read-only or locked is one line on stderr and exit code
2; nothing is lost (what was not sent stays planned).
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.identity import ChatId
    from bot.reminders.routing import RoutingSender
    from bot.reminders.store import ReminderStore


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "remind",
        help="send the deadline reminders that are due (for cron; needs --once)",
        description="Send the deadline reminders that are due, once, and record them. "
        "--once is required: the running bot (greenbot run) sends reminders by itself.",
    )
    parser.add_argument(
        "--once", action="store_true", help="one pass, then exit (required: the only mode)"
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the SQLite database (default: $GREENBOT_DB or greenbot.sqlite3)",
    )
    parser.add_argument("--dry-run", action="store_true", help="list what is due, send nothing")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, default=1000, help="at most this many in --dry-run")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="output language")
    parser.set_defaults(func=run)


def make_sender(settings: Settings, store: ReminderStore) -> ClosingSender:
    """The sender for ``--once``: every channel configured, routed as the running loop routes
    (:func:`bot.reminders.routing.reminder_sender`). Telegram chats through the configured
    framework (``GREENBOT_ENGINE``, the same port and error mapping as the running bot) when a
    bot token is set; web chats by e-mail to their confirmed address when ``GREENBOT_SMTP_URL``
    is. A channel not configured is left to a process that has it (its reminders stay
    planned); with neither, nothing could be sent: one line."""
    from bot.bootstrap import open_port
    from bot.cli.common import CliError
    from bot.config import ConfigError
    from bot.reminders.mail import MailConfigError, smtp_config
    from bot.reminders.routing import reminder_sender
    from bot.transports.common import PortSender

    try:
        mail = smtp_config() is not None
    except MailConfigError as error:
        raise CliError(f"GREENBOT_SMTP_URL: {error}") from None
    if not settings.token and not mail:
        raise CliError(
            "nothing to send reminders with: set BOT_TOKEN (Telegram) or GREENBOT_SMTP_URL (e-mail)"
        )
    telegram = None
    close: Callable[[], Awaitable[None]] = _nothing_to_close
    if settings.token:
        try:
            port, close = open_port(settings)
        except ConfigError as error:
            raise CliError(str(error)) from None
        telegram = PortSender(port)
    return ClosingSender(reminder_sender(store, telegram), close)


async def _nothing_to_close() -> None:
    return None


class ClosingSender:
    """A sender that is closed after the pass (the HTTP client of its framework)."""

    def __init__(self, sender: RoutingSender, close: Callable[[], Awaitable[None]]) -> None:
        self.sender = sender
        self.close = close
        self.skip_channels = sender.skip_channels  # the channels this pass leaves to others

    async def send_text(self, chat_id: ChatId, html: str) -> None:
        await self.sender.send_text(chat_id, html)

    async def send_document(
        self, chat_id: ChatId, filename: str, data: bytes, caption: str
    ) -> None:
        await self.sender.send_document(chat_id, filename, data, caption)


async def _send_once(store: Any, sender: Any, clock: Any) -> Any:
    from bot.reminders.delivery import run_once

    try:
        return await run_once(store, sender, clock)
    finally:
        await sender.close()


def open_store(path: str, *, readonly: bool) -> Any:
    """The reminder store at ``path``; read-only (no write access needed, nothing changed)
    for a dry run."""
    from bot.cli.common import CliError
    from bot.reminders.store import ReminderStore

    if not readonly:
        return ReminderStore(path)
    from bot.storage import open_readonly

    db = open_readonly(path)
    if not {"units", "deadlines", "reminders"} <= set(db.table_names()):
        db.close()
        raise CliError(f"{path}: no reminders in this database (not a greenbot database?)")
    return ReminderStore(db, readonly=True)


def run(args: argparse.Namespace) -> int:
    import sqlite3

    from bot.cli.common import CliError

    try:
        return _run(args)
    except sqlite3.Error as error:  # not a database, damaged, read-only, locked
        raise CliError(f"{args.db or 'the database'}: {error}") from None


def _run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import sys
    from pathlib import Path

    from bot.cli.common import CliError, print_json
    from bot.config import ConfigError, load_settings
    from bot.reminders.clock import SystemClock

    if not args.once:
        raise CliError("use --once (the bot process itself runs the reminder loop)")
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    try:
        settings = load_settings(db_path=args.db)
    except ConfigError as error:
        raise CliError(str(error)) from None
    path = settings.db_path
    if not Path(path).is_file():
        raise CliError(f"{path}: no such database")
    args.db = path
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    clock = SystemClock()
    store = open_store(path, readonly=args.dry_run)
    try:
        sender = None if args.dry_run else make_sender(settings, store)
    except BaseException:
        store.close()
        raise
    try:
        if args.dry_run:
            now = clock.now()
            due = store.due_batch(now, args.limit)
            if args.json:
                print_json(
                    {
                        "due": [
                            {
                                "id": item.id,
                                "chat_id": item.chat_id,
                                "unit": item.name,
                                "kind": item.kind.value,
                                "due": item.due.isoformat(),
                                "offset_days": item.offset_days,
                                "attempts": item.attempts,
                            }
                            for item in due
                        ]
                    }
                )
            else:
                from bot.reminders.messages import render_due_text

                sys.stdout.write(render_due_text(due, now, args.lang) + "\n")
            return 0
        stats = asyncio.run(_send_once(store, sender, clock))
        if args.json:
            print_json(stats.as_dict())
        else:
            from bot.render import render

            sys.stdout.write(render("reminders_sent.txt.j2", args.lang, s=stats.as_dict()) + "\n")
        return 0
    finally:
        store.close()
