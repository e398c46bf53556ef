"""What every subcommand shares: the usage error, reading YAML/JSON input, printing JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

EXIT_USAGE = 2
MAX_INPUT_BYTES = 1_000_000


class CliError(Exception):
    """Unusable input: printed as one line on stderr, exit code 2."""


def read_text(source: str) -> str:
    """The text of a file, or of stdin for ``-``; a clear error when it cannot be read."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            path = Path(source)
            if not path.is_file():
                raise CliError(f"{source}: no such file")
            raw = path.read_bytes()[: MAX_INPUT_BYTES + 1]
    except OSError as error:
        raise CliError(f"{source}: cannot read ({error.strerror})") from error
    if len(raw) > MAX_INPUT_BYTES:
        raise CliError(f"{source}: larger than {MAX_INPUT_BYTES} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CliError(f"{source}: not UTF-8 text (byte {error.start})") from error


def load_mapping(source: str) -> dict[str, Any]:
    """Parse a YAML or JSON document (a mapping) from a file or ``-``."""
    import yaml

    text = read_text(source)
    name = "stdin" if source == "-" else source
    if not text.strip():
        raise CliError(f"{name}: empty input")
    try:
        if text.lstrip().startswith(("{", "[")):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except json.JSONDecodeError as error:
        raise CliError(f"{name}: invalid JSON at line {error.lineno}: {error.msg}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CliError(f"{name}: invalid YAML{where}: {problem}") from error
    except ValueError as error:  # e.g. a YAML date that cannot exist: 2026-02-30
        raise CliError(f"{name}: invalid value: {error}") from error
    if data is None:
        raise CliError(f"{name}: empty input")
    if not isinstance(data, dict):
        raise CliError(f"{name}: expected a mapping of fields, got {type(data).__name__}")
    return data


def describe_validation_error(error: ValidationError) -> str:
    """One line naming the first bad field (dotted), what is wrong, and how many more."""
    problems = error.errors(include_url=False)
    first = problems[0]
    field = ".".join(str(part) for part in first["loc"]) or "input"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{field}: {message}{more}"


def print_json(payload: Any) -> None:
    """One JSON object on one line, Chinese kept readable."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
