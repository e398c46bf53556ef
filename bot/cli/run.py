"""``greenbot run``: serve on Telegram with aiogram (default) or python-telegram-bot.

Settings come from options, else the environment (``BOT_TOKEN``, ``TELEGRAM_API_BASE``,
``GREENBOT_ADMINS``, ``GREENBOT_DB``, ``GREENBOT_ENGINE``), also read from a ``.env`` file in
the working folder (see :mod:`bot.config`); everything is built by :mod:`bot.bootstrap`.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from bot.cli.common import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="serve on Telegram (needs BOT_TOKEN)",
        description="Serve on Telegram with long polling (or a webhook with --webhook). "
        "Due deadline reminders are sent by the same process.",
    )
    parser.add_argument(
        "--engine",
        choices=("aiogram", "ptb"),
        help="Telegram framework (default $GREENBOT_ENGINE or aiogram)",
    )
    parser.add_argument("--token", help="bot token (default $BOT_TOKEN)")
    parser.add_argument(
        "--api-base",
        help="Bot API server root, e.g. http://127.0.0.1:8081 "
        "(default $TELEGRAM_API_BASE or https://api.telegram.org)",
    )
    parser.add_argument("--db", help="SQLite file (default $GREENBOT_DB or ./greenbot.sqlite3)")
    parser.add_argument(
        "--webhook",
        metavar="URL",
        help="aiogram only: serve a webhook at this https:// URL (TLS ended by "
        "a proxy in front; --listen is the local address)",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default="127.0.0.1:8080",
        help="with --webhook: where to listen (default 127.0.0.1:8080)",
    )
    parser.add_argument(
        "--no-reminders",
        action="store_true",
        help="do not run the reminder delivery loop in this process",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    parser.set_defaults(func=run)


def _listen(value: str) -> tuple[str, int]:
    match = re.fullmatch(r"\[?([^\]]+?)\]?:(\d{1,5})", value)
    if not match or not 0 < int(match.group(2)) < 65536:
        raise CliError(f"--listen {value!r}: expected HOST:PORT, e.g. 0.0.0.0:8080")
    return match.group(1), int(match.group(2))


def run(args: argparse.Namespace) -> int:
    import gc
    import logging
    import sqlite3

    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings(
            db_path=args.db, token=args.token, api_base=args.api_base, engine=args.engine
        )
        token = settings.require_token()
    except ConfigError as error:
        raise CliError(str(error)) from error
    if args.webhook and settings.engine != "aiogram":
        raise CliError("--webhook is available with the aiogram engine only")
    if args.webhook and not re.match(r"^https://[^/\s]+", args.webhook):
        raise CliError(f"--webhook {args.webhook!r}: Telegram delivers only to https:// URLs")
    webhook = (args.webhook, *_listen(args.listen)) if args.webhook else None

    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and a Bot API URL carries the token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    from bot.app import build_engine
    from bot.bootstrap import import_transport, serve, warm_up
    from bot.storage import writable_now
    from bot.transports.common import StartupError, hide_token

    hide_token(token)  # whatever else logs it (PTB at DEBUG, exception texts): never shown

    try:
        engine = build_engine(settings.db_path, settings.admins)
    except sqlite3.Error as error:
        raise CliError(f"{settings.db_path}: {error}") from error
    if writable_now(engine.services.db):
        warm_up(engine)
    else:  # the warm-up writes (then forgets) a chat; answers can do without it
        logging.getLogger(__name__).warning(
            "%s is locked by another process: warm-up skipped, serving anyway", settings.db_path
        )
    # The engine's framework is imported now, not after the freeze below: its modules and
    # schemas (most of the process's memory) must be frozen with the rest.
    import_transport(settings)
    # Everything loaded so far (knowledge base, Q&A index, the framework and its schemas)
    # lives as long as the process: take it out of the garbage collector's sight, so the
    # collections that the per-update churn triggers do not rescan it each time.
    gc.collect()
    gc.freeze()
    try:
        serve(engine, settings, webhook=webhook, reminders=not args.no_reminders)
    except StartupError as error:
        raise CliError(str(error)) from error
    return 0
