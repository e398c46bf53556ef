"""``greenbot serve``: the web chat page, for browsers (and WeChat's) where Telegram is not."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the web chat page (open the address in a browser)",
        description="Serve the chat as a web page and a small JSON API, through the same "
        "engine as Telegram. Put it behind a TLS proxy to reach it from other machines.",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default="127.0.0.1:8080",
        help="where to listen (default 127.0.0.1:8080)",
    )
    parser.add_argument("--db", help="SQLite file (default $GREENBOT_DB or ./greenbot.sqlite3)")
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="trust X-Forwarded-Proto/-For from a proxy in front (Secure cookie over https, "
        "rate limits per visitor)",
    )
    parser.add_argument(
        "--secure-cookie",
        action="store_true",
        help="always mark the session cookie Secure (the site is reached over https only)",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import sqlite3

    from bot.app import build_engine
    from bot.bootstrap import warm_up
    from bot.cli.run import _listen
    from bot.config import ConfigError, load_settings
    from bot.reminders.feeds import public_url
    from bot.transports.web.app import WebConfig
    from bot.transports.web.server import serve

    host, port = _listen(args.listen)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings(db_path=args.db)
        engine = build_engine(settings.db_path, settings.admins)
    except (ConfigError, sqlite3.Error) as error:
        raise CliError(str(error)) from error
    if public_url() is None and host not in ("0.0.0.0", "::"):
        # No GREENBOT_PUBLIC_URL: calendar links point at the address served (a machine's own
        # calendar app can use them; behind a proxy, set the variable).
        engine.services.public_url = f"http://{host}:{port}"
    config = WebConfig(behind_proxy=args.behind_proxy, secure_cookie=args.secure_cookie)
    try:
        asyncio.run(serve(engine, settings.db_path, host, port, config, warm_up))
    except OSError as error:  # the port is taken, the address is not ours
        raise CliError(f"cannot listen on {args.listen}: {error.strerror or error}") from error
    return 0
