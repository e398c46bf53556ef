"""``greenbot remind --once [--db PATH] [--dry-run] [--json]``: send due reminders once (cron).

The bot process runs the same loop continuously; this command is for deployments that prefer a
cron job, or for catching up by hand. ``--dry-run`` only lists what is due (nothing is claimed or
sent). Sending goes through the Telegram Bot API via :func:`make_sender`.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "remind",
        help="send the deadline reminders that are due (for cron)",
        description="Send the deadline reminders that are due, once, and record them.",
    )
    parser.add_argument(
        "--once", action="store_true", help="one pass, then exit (the only mode; required)"
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


def make_sender(settings: Any) -> Any:
    """The Telegram sender for ``--once``: aiogram's HTTP client behind the same port and
    error mapping as the running bot. The caller closes it with ``await sender.close()``."""
    from bot.cli.common import CliError
    from bot.config import ConfigError

    try:
        token = settings.require_token()
    except ConfigError as error:
        raise CliError(str(error)) from None
    from bot.transports.aiogram_runner import AiogramPort, make_bot
    from bot.transports.common import PortSender

    bot = make_bot(token, settings.api_base)
    sender = PortSender(AiogramPort(bot))
    sender.close = bot.session.close  # type: ignore[attr-defined]
    return sender


async def _send_once(store: Any, sender: Any, clock: Any) -> Any:
    from bot.reminders.delivery import run_once

    try:
        return await run_once(store, sender, clock)
    finally:
        await sender.close()


def run(args: argparse.Namespace) -> int:
    import asyncio
    import sys
    from pathlib import Path

    from bot.cli.common import CliError, print_json
    from bot.config import ConfigError, load_settings
    from bot.reminders.clock import SystemClock
    from bot.reminders.store import ReminderStore

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
    sender = None if args.dry_run else make_sender(settings)
    clock = SystemClock()
    store = ReminderStore(path)
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
