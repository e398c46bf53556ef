"""``greenbot prescreen PROFILE [--json] [--lang zh|en]``: can this unit apply?

PROFILE is a YAML or JSON file (``-`` for stdin) with the fields of :class:`bot.prescreen.Profile`.
``--json`` prints ``{"verdict", "reasons": [{"ref", "code", "text"}], "missing",
"earliest_reapply"}`` on one line; without it the same result is printed for a person.
Bad input (unknown field, wrong type, grade outside 1-4, share outside 0-100, a date that cannot
exist) is one line on stderr naming the field, exit code 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "prescreen",
        help="pre-screen a unit: eligible, conditional, not eligible, incomplete, auto-included",
        description="Check a unit profile against Articles 7-11 and 15 of the measures.",
    )
    parser.add_argument("profile", metavar="PROFILE", help="YAML or JSON profile file, - for stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of texts")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot import dates, prescreen
    from bot.cli.common import describe_validation_error, load_mapping, print_json

    data = load_mapping(args.profile)
    try:
        profile = prescreen.Profile.model_validate(data)
    except ValidationError as error:
        raise CliError(describe_validation_error(error)) from error
    today = profile.today or dates.today()
    problem = prescreen.date_problem(profile, today)
    if problem:
        raise CliError(problem)
    result = prescreen.evaluate(profile, today)
    if args.json:
        print_json(result.to_json(args.lang))
    else:
        from bot.render import render

        context = prescreen.report_context(result, args.lang)
        print(render("prescreen_result.txt.j2", args.lang, **context))
    return 0
