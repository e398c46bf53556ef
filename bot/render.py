"""Every user-facing message comes from ``bot/templates``.

``*.html.j2`` templates produce Telegram's HTML subset and are autoescaped, so only the markup a
template writes itself reaches Telegram; ``*.txt.j2`` templates produce plain text for the CLI.
Short labels (buttons, menu entries) live in ``templates/strings/<feature>.yaml`` as
``key: {zh: ..., en: ...}``, keys prefixed with the feature (``menu.qa``, ``score.skip``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
TEMPLATES = Path(__file__).with_name("templates")
_BLANK_RUNS = re.compile(r"\n{3,}")


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates ship with the code: no stat() of the file per message
    )
    env.globals["t"] = label
    return env


def render(name: str, lang: Lang = "zh", **context: Any) -> str:
    """Render ``templates/<lang>/<name>`` (falling back to Chinese), tidy blank lines."""
    env = _environment()
    try:
        template = env.get_template(f"{lang}/{name}")
    except Exception:  # jinja2.TemplateNotFound: English not written yet for this one
        if lang == "zh":
            raise
        template = env.get_template(f"zh/{name}")
    text = template.render(lang=lang, **context)
    return _BLANK_RUNS.sub("\n\n", text).strip()


@cache
def _strings() -> dict[str, dict[str, str]]:
    """Every label, from the build cache when it is there: parsing the YAML (and importing
    the parser) would cost a fresh ``greenbot ask`` about 30 ms of its 0.5 s."""
    from bot.cache import load_or_build

    files = sorted((TEMPLATES / "strings").glob("*.yaml"))
    return load_or_build("labels", [*files, Path(__file__)], lambda: _read_strings(files))


def _read_strings(files: list[Path]) -> dict[str, dict[str, str]]:
    from bot.yamlfast import read_yaml

    merged: dict[str, dict[str, str]] = {}
    for path in files:
        data = read_yaml(path.read_text(encoding="utf-8")) or {}
        duplicated = merged.keys() & data.keys()
        if duplicated:
            raise ValueError(f"{path.name}: labels defined twice: {sorted(duplicated)}")
        merged.update(data)
    return merged


def label(key: str, lang: Lang = "zh", **values: Any) -> str:
    """A short string (button label, menu entry) in the user's language."""
    entry = _strings()[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def normalize_lang(code: str | None) -> Lang:
    """Telegram's ``language_code`` to ours: English for ``en*``, Chinese otherwise."""
    return "en" if code and code.lower().startswith("en") else "zh"
