"""``greenbot report [--profile P] [--score S] --pdf OUT.pdf [--lang zh|en] [--unit NAME]``

The printable one-page report of a unit's pre-screen and quick score. PROFILE is what
``greenbot prescreen`` reads, SCORE what ``greenbot score`` reads; either may be left out (the
report then says that part was not done and how to do it), not both. ``--pdf -`` writes the PDF
to stdout. The report date (and the day the verdict is judged on) is the profile's ``today``,
else today in Beijing. Bad input is one line on stderr naming the field, exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.common import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the one-page PDF report of a pre-screen and a quick score",
        description="Write a printable PDF of the pre-screen (PROFILE) and the quick grade "
        "estimate (SCORE): verdict and reasons, points per indicator, chart, next steps, "
        "deadlines and the measures' official source.",
    )
    parser.add_argument("--profile", metavar="P.yaml", help="pre-screen profile (YAML or JSON)")
    parser.add_argument("--score", metavar="S.yaml", help="indicator answers (YAML or JSON)")
    parser.add_argument("--pdf", metavar="OUT.pdf", required=True, help="where to write; - stdout")
    parser.add_argument("--unit", metavar="NAME", help="the unit's name, printed as given")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot import dates, prescreen
    from bot.cli.common import describe_validation_error, load_mapping

    if not args.profile and not args.score:
        raise CliError("nothing to report: give --profile, --score or both")
    if args.profile and args.score and args.profile == args.score == "-":
        raise CliError("only one of --profile and --score can read stdin")
    profile = None
    day = dates.today()
    if args.profile:
        data = load_mapping(args.profile)
        try:
            profile = prescreen.Profile.model_validate(data)
        except ValidationError as error:
            raise CliError(f"--profile: {describe_validation_error(error)}") from error
        day = profile.today or day
        problem = prescreen.date_problem(profile, day)
        if problem:
            raise CliError(f"--profile: {problem}")
    answers = _answers(args.score) if args.score else None
    from bot.report.content import build
    from bot.report.pdf import make_pdf

    content = build(args.lang, day, profile=profile, answers=answers, unit=args.unit)
    _write(args.pdf, make_pdf(content))
    return 0


def _answers(source: str) -> Any:
    from bot.cli.common import load_mapping
    from scoring.data import default_table
    from scoring.inputs import InputError, parse_input

    data = load_mapping(source, "indicators")
    try:
        return parse_input(data, default_table().indicators)
    except InputError as error:
        raise CliError(f"--score: {error}") from None


def _write(path: str, pdf: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    try:
        with open(path, "wb") as handle:
            handle.write(pdf)
    except OSError as error:
        raise CliError(f"{path}: cannot write ({error.strerror})") from error
    print(path)
