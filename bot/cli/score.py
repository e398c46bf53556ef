"""``greenbot score INPUT [--json] [--chart FILE.png] [--lang zh|en]``: the grade estimate.

INPUT is a YAML or JSON mapping of indicator answers (``ind-4: 85``), or ``-`` for stdin.
Bad input is one line naming the field and exit code 2. The real work is imported in ``run``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.common import CliError, load_mapping

EPILOG = """\
INPUT, one line per indicator (left out: unanswered, 0 points):
  ind-1: {value: 1.6, requirement: 1.0}    # plot ratio vs the industry's required value
  ind-2: {value: 52, requirement: 30}      # building density, %
  ind-3: leading                           # leading | advanced | average | lagging,
                                           #   or 领先 | 先进 | 平均 | 落后
                                           #   (also ind-5..8, 10..12)
  ind-4: 85                                # percent (also ind-9, 13, 15, 17)
  ind-14: [energy_center, green_power]     # checklist items (also ind-16, 18, 19, 21)
  ind-20: 3                                # maturity level 0-5

Checklist items:
  ind-14: energy_center microgrid green_power waste_heat metering
  ind-16: lighting water_fixtures design_star operation_star
  ind-18: ohs environment energy esg_report low_carbon_plan
  ind-19: carbon_footprint product_certification
  ind-21: green_supply_chain green_design water_leader energy_leader pollution_ab
          energy_benchmark
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="estimate the green grade from answers to the 21 indicators",
        description="Score the 21 indicators of the appendix grading table and estimate the "
        "grade (the cut-offs are unofficial estimates).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT", help="YAML or JSON file of answers, - for stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--chart", metavar="FILE", help="also write a PNG bar chart to FILE")
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of notes and report"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError
    from scoring.data import default_table
    from scoring.inputs import InputError, parse_input
    from scoring.report import score

    data = load_mapping(args.input, "indicators")
    try:
        table = default_table()
    except KnowledgeError as error:
        print(f"greenbot score: {error}", file=sys.stderr)
        return 1
    try:
        answers = parse_input(data, table.indicators)
    except InputError as error:
        raise CliError(str(error)) from None
    report = score(answers, table)
    if args.chart:
        _write_chart(report, args.chart, args.lang)
    if args.json:
        from bot.cli.common import print_json
        from scoring.present import report_json

        print_json(report_json(report, args.lang))
    else:
        from scoring.present import render_text

        sys.stdout.write(render_text(report, args.lang) + "\n")
    return 0


def _write_chart(report: Any, path: str, lang: str) -> None:
    from scoring.chart import render_png

    png = render_png(report, lang)  # type: ignore[arg-type]
    try:
        with open(path, "wb") as handle:
            handle.write(png)
    except OSError as error:
        raise CliError(f"{path}: cannot write ({error.strerror})") from error
