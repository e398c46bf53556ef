"""``greenbot ask``: answer questions from the command line, as text or JSON (Lines)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.common import CliError, print_json


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="answer a question about the measures",
        description="Answer a question about the measures, quoting the article. Without a "
        "QUESTION, or with QUESTION '-', read one question per line from stdin.",
    )
    parser.add_argument(
        "question", nargs="?", metavar="QUESTION", help="the question; '-' or none: stdin"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (JSON Lines for stdin)")
    parser.add_argument(
        "--lang", choices=("zh", "en"), help="answer language (default: that of the question)"
    )
    parser.set_defaults(func=run)


def _lang(question: str, chosen: str | None) -> Any:
    from bot.textnorm import has_cjk

    if chosen:
        return chosen
    return "zh" if has_cjk(question) or not question.strip() else "en"


def _payload(question: str, lang: Any) -> tuple[dict[str, Any], str | None]:
    from bot.answer import answer_text
    from bot.qa import QuestionError, check_question, default_index

    try:
        check_question(question)
        problem = None
    except QuestionError as error:
        problem = str(error)
    result = default_index().ask(question, lang)
    payload = {
        "question": result.question,
        "in_scope": result.in_scope,
        "hits": [{"ref": h.ref, "title": h.title, "score": h.score} for h in result.hits],
        "confidence": result.confidence,
        "answer": answer_text(result, lang),
    }
    return payload, problem


def run(args: argparse.Namespace) -> int:
    if args.question is not None and args.question.strip() != "-":
        lang = _lang(args.question, args.lang)
        payload, problem = _payload(args.question, lang)
        if problem:
            raise CliError(problem)
        if args.json:
            print_json(payload)
        else:
            print(payload["answer"])
        return 0
    if sys.stdin.isatty():
        raise CliError("give a QUESTION, or pipe questions on stdin, one per line")
    first = True
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        question = line.rstrip("\r\n")
        lang = _lang(question, args.lang)
        payload, problem = _payload(question, lang)
        if problem:
            print(f"greenbot ask: line {number}: {problem}", file=sys.stderr)
        if args.json:
            print_json(payload)
        else:
            print(("" if first else "\n") + payload["answer"])
        first = False
        sys.stdout.flush()
    return 0
