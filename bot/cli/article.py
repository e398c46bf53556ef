"""``greenbot article``: one article, item or indicator, verbatim, with its summary."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError, print_json


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "article",
        help="show an article, item or indicator verbatim",
        description="Show one article (11, art-11, 第十一条), item (11.6) or indicator (ind-14).",
    )
    parser.add_argument("ref", metavar="REF")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.answer import article_text, quote
    from bot.knowledge import default
    from bot.refs import parse_ref

    kb = default()
    ref = parse_ref(args.ref)
    if ref is None or kb.get(ref) is None:
        raise CliError(
            f"unknown reference {args.ref!r}: use an article 1-21 (11, art-11), an item "
            "(11.6) or an indicator (ind-1 … ind-21)"
        )
    if args.json:
        passage = quote(ref, args.lang, kb)
        print_json(
            {
                "ref": ref,
                "label": passage.label,
                "title": passage.title,
                "text": passage.text,
                "summary": passage.summary,
            }
        )
    else:
        print(article_text(ref, args.lang, kb=kb))
    return 0
