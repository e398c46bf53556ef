"""The ``greenbot`` command line: one small module per subcommand.

Each subcommand module only builds its argparse parser at import time and imports its real work
inside its ``run`` function, so ``greenbot ask`` never pays for aiogram or matplotlib.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.cli.common import EXIT_USAGE, CliError

# Order is the order of ``greenbot --help``.
SUBCOMMANDS: tuple[str, ...] = (
    "chat",
    "ask",
    "article",
    "prescreen",
    "score",
    "report",
    "deadlines",
    "remind",
    "run",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="greenbot",
        description="Assistant for 北京市绿色制造单位培育管理暂行办法 "
        "(Beijing green manufacturing units).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"bot.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``greenbot`` console script; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except CliError as error:
        message = " ".join(str(error).split())  # one line, whatever the cause held
        print(f"greenbot {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
