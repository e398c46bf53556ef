"""``greenbot prescreen PROFILE [--json] [--lang zh|en]``: can this unit apply?

PROFILE is a YAML or JSON file (``-`` for stdin) with the fields of :class:`bot.prescreen.Profile`.
``--json`` prints ``{"verdict", "reasons": [{"ref", "code", "text"}], "missing",
"earliest_reapply"}`` on one line; without it the same result is printed for a person.
Bad input (unknown field, wrong type, grade outside 1-4, share outside 0-100, a date that cannot
exist) is one line on stderr naming the field, exit code 2.
"""

from __future__ import annotations

import argparse
import json
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
    from bot.cli.common import describe_validation_error, print_json

    data = load_profile(args.profile)
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


def _loader() -> Any:
    """YAML as a profile wants it: dates stay text (so a bad one is reported with its field
    name, not as a parse error) and only true/false are booleans (``yes``/``on`` are rejected)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class ProfileLoader(base):  # type: ignore[misc, valid-type]
        pass

    def as_text(loader: Any, node: Any) -> Any:
        return loader.construct_scalar(node)

    def as_bool(loader: Any, node: Any) -> Any:
        text = loader.construct_scalar(node)
        return {"true": True, "false": False}.get(text.lower(), text)

    ProfileLoader.add_constructor("tag:yaml.org,2002:timestamp", as_text)
    ProfileLoader.add_constructor("tag:yaml.org,2002:bool", as_bool)
    return ProfileLoader


def load_profile(source: str) -> dict[str, Any]:
    """The profile mapping from a YAML or JSON file, or stdin for ``-``."""
    import yaml

    from bot.cli.common import read_text

    text = read_text(source)
    name = "stdin" if source == "-" else source
    if not text.strip():
        raise CliError(f"{name}: empty input")
    try:
        if text.lstrip().startswith(("{", "[")):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_loader())
    except json.JSONDecodeError as error:
        raise CliError(f"{name}: invalid JSON at line {error.lineno}: {error.msg}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CliError(f"{name}: invalid YAML{where}: {problem}") from error
    except (ValueError, RecursionError) as error:
        raise CliError(f"{name}: invalid value: {error}") from error
    if data is None:
        raise CliError(f"{name}: empty input")
    if not isinstance(data, dict):
        raise CliError(f"{name}: expected a mapping of fields, got {type(data).__name__}")
    return data
