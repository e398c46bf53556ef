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


def _strict_loader() -> Any:
    """YAML as input files want it: dates stay text (a bad one is reported with its field,
    not as a parse error) and only true/false are booleans (``yes``/``on`` stay text, so a
    typo is refused rather than guessed)."""
    from bot.yamlfast import safe_loader

    base = safe_loader()

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        pass

    def as_text(loader: Any, node: Any) -> Any:
        return loader.construct_scalar(node)

    def as_bool(loader: Any, node: Any) -> Any:
        text = loader.construct_scalar(node)
        return {"true": True, "false": False}.get(text.lower(), text)

    StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", as_text)
    StrictLoader.add_constructor("tag:yaml.org,2002:bool", as_bool)
    return StrictLoader


class _Duplicate(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _duplicate_in_yaml(text: str) -> str | None:
    """The dotted path of the first key given twice in a mapping, or None: YAML itself lets
    the last one silently win."""
    import yaml

    from bot.yamlfast import safe_loader

    try:
        root = yaml.compose(text, Loader=safe_loader())
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


def load_mapping(source: str, what: str = "fields") -> dict[str, Any]:
    """Parse a YAML or JSON mapping from a file or ``-``; every problem is a :class:`CliError`
    naming the file and, where there is one, the field or line."""
    import yaml

    text = read_text(source)
    name = "stdin" if source == "-" else source
    if not text.strip():
        raise CliError(f"{name}: empty input")
    duplicate = _duplicate_in_yaml(text)
    if duplicate:
        raise CliError(duplicate)
    try:
        if text.lstrip().startswith(("{", "[")):
            data = json.loads(text, object_pairs_hook=_json_pairs)
        else:
            data = yaml.load(text, Loader=_strict_loader())
    except _Duplicate as error:
        raise CliError(f"{error.path}: given more than once") from None
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
        raise CliError(f"{name}: expected a mapping of {what}, got {type(data).__name__}")
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
