"""Reading the knowledge files: YAML, entries validated one by one, and errors that say where.

A broken file raises :class:`KnowledgeError` naming the file, the entry and the field, e.g.
``knowledge/articles.yaml: entry 11 (art-11): items.0.text: Field required``. Shared by
:mod:`bot.knowledge` (articles) and :mod:`scoring.indicators` (the grading table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"

NonEmpty = Annotated[str, Field(min_length=1)]
M = TypeVar("M", bound=BaseModel)


class KnowledgeError(Exception):
    """A knowledge file that cannot be used; the message says where."""


def load_yaml(path: Path) -> Any:
    import yaml

    from bot.yamlfast import read_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError(f"{path}: cannot read ({error.strerror})") from error
    try:
        return read_yaml(text)
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: invalid YAML: {error}") from error


def where(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "entry"
    return f"{field}: {first['msg']}"


def entries(path: Path, raw: Any, model: type[M], key: str) -> list[M]:
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path}: {key}: expected a list of entries")
    entries: list[M] = []
    for index, entry in enumerate(raw, start=1):
        label = entry.get("id", "?") if isinstance(entry, dict) else "?"
        try:
            entries.append(model.model_validate(entry))
        except ValidationError as error:
            raise KnowledgeError(f"{path}: entry {index} ({label}): {where(error)}") from error
    return entries
