"""``greenbot chat``: the offline console conversation (no token, no network)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.common import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="talk to the bot offline in this terminal",
        description="An offline console conversation through the same engine as Telegram. "
        "State is kept in a SQLite file (GREENBOT_DB, default ./greenbot.sqlite3).",
    )
    parser.add_argument("--db", help="SQLite file (default: $GREENBOT_DB or ./greenbot.sqlite3)")
    parser.add_argument("--lang", choices=("zh", "en"), help="reply language (default zh)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sqlite3

    from bot.app import build_engine
    from bot.config import ConfigError, load_settings
    from bot.transports import console

    try:
        settings = load_settings(db_path=args.db)
        engine = build_engine(settings.db_path, settings.admins)
    except (ConfigError, sqlite3.Error) as error:
        raise CliError(str(error)) from error
    return console.run(
        engine, sys.stdin, sys.stdout, interactive=sys.stdin.isatty(), lang_code=args.lang
    )
