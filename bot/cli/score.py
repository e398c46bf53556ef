"""``greenbot score INPUT [--json] [--chart FILE.png] [--lang zh|en]``: the grade estimate.

INPUT is a YAML or JSON mapping of indicator answers (``ind-4: 85``), or ``-`` for stdin.
Bad input is one line naming the field and exit code 2. The real work is imported in ``run``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli.common import CliError, read_text

EPILOG = """\
INPUT, one line per indicator (left out: unanswered, 0 points):
  ind-1: {value: 1.6, requirement: 1.0}    # plot ratio vs the industry's required value
  ind-2: {value: 52, requirement: 30}      # building density, %
  ind-3: leading                           # leading | advanced | average | lagging
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

    data = load_input(args.input)
    try:
        table = default_table()
    except KnowledgeError as error:
        print(f"greenbot score: {error}", file=sys.stderr)
        return 1
    try:
        answers = parse_input(data, table.indicators)
    except InputError as error:
        raise CliError(_one_line(str(error))) from None
    report = score(answers, table)
    if args.chart:
        _write_chart(report, args.chart, args.lang)
    if args.json:
        from bot.cli.common import print_json

        print_json(report.to_json(args.lang))
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Reading INPUT. Like bot.cli.common.load_mapping, but a key given twice is an error rather
# than silently the last one wins: "ind-4: given more than once".


class _Duplicate(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _duplicate_in_yaml(text: str) -> str | None:
    """The dotted path of the first key given twice in a mapping, or None."""
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return None  # the real parse reports it
    visited: set[int] = set()  # aliases share nodes: visit each once, never exponentially
    stack: list[tuple[Any, str]] = [(root, "")] if root is not None else []
    while stack:  # iterative: deeply nested input must not exhaust the Python stack
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            children: list[tuple[Any, str]] = []
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    children.append((value, path))
                    continue
                name = str(key.value)
                where = f"{path}.{name}" if path else name
                line = key.start_mark.line + 1
                if name in seen:
                    return f"{where}: given more than once (lines {seen[name]} and {line})"
                seen[name] = line
                children.append((value, where))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(
                (value, f"{path}[{index}]")
                for index, value in reversed(list(enumerate(node.value)))
            )
    return None


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Duplicate(key)
        result[key] = value
    return result


def load_input(source: str) -> dict[str, Any]:
    """The INPUT mapping from a file or ``-``; every problem is a one-line :class:`CliError`."""
    import yaml

    text = read_text(source)
    name = "stdin" if source == "-" else source
    if not text.strip():
        raise CliError(f"{name}: empty input")
    duplicate = _duplicate_in_yaml(text)
    if duplicate:
        raise CliError(_one_line(duplicate))
    try:
        if text.lstrip().startswith(("{", "[")):
            data = json.loads(text, object_pairs_hook=_json_pairs)
        else:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except _Duplicate as error:
        raise CliError(_one_line(f"{error.path}: given more than once")) from None
    except json.JSONDecodeError as error:
        raise CliError(f"{name}: invalid JSON at line {error.lineno}: {error.msg}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CliError(_one_line(f"{name}: invalid YAML{where}: {problem}")) from error
    except (ValueError, RecursionError) as error:  # e.g. a date that cannot exist: 2026-02-30
        raise CliError(_one_line(f"{name}: invalid value: {error}")) from error
    if data is None:
        raise CliError(f"{name}: empty input")
    if not isinstance(data, dict):
        raise CliError(f"{name}: expected a mapping of indicators, got {type(data).__name__}")
    return data
