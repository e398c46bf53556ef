"""A build cache for what every fresh process would otherwise rebuild the same way.

Validating the knowledge base and building the Q&A index cost about 0.15 s, and they only
change when their source files do. ``greenbot ask`` runs as a fresh process and must answer
within 0.5 s, so both are pickled once into the user's cache folder, under a name that is a
hash of every file they are built from (data and code): an edit to any of them is a new name.
Anything wrong with the cache (unreadable, stale format, no write access) means building as if
there were none; the cache is never needed for a correct answer.

The folder is ``$GREENBOT_CACHE``, else ``$XDG_CACHE_HOME/greenbot``, else
``~/.cache/greenbot``; ``GREENBOT_CACHE=off`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
_DIGEST_LENGTH = 24


def cache_setting() -> str | None:
    """``GREENBOT_CACHE`` from the environment, else ``.env``; None when unset or empty.

    Read without pydantic-settings, which alone takes about 0.25 s to import: the cache is
    what makes a fresh ``greenbot ask`` fast, so finding it must not cost half the budget.
    Same lookup as :class:`bot.config.Settings` (names case-insensitive, the environment before
    ``.env``), and a bad value of another setting is no concern of the cache.
    """
    for name, value in os.environ.items():
        if name.upper() == "GREENBOT_CACHE":
            return value or None
    dotenv = Path(".env")
    if not dotenv.is_file():
        return None
    from dotenv import dotenv_values

    for key, text in dotenv_values(dotenv).items():
        if key.upper() == "GREENBOT_CACHE":
            return text or None
    return None


def cache_folder() -> Path | None:
    """Where built objects are kept, or None when the cache is turned off."""
    chosen = cache_setting()
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "greenbot"


# ``import bot.x``, ``from bot.x import y``, ``from bot import x, y`` (and the same for
# ``scoring``) at any indentation: lazy imports inside functions are dependencies too.
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+((?:bot|scoring)(?:\.\w+)*)[ \t]+import[ \t]+\(?([\w, \t]*)"
    r"|import[ \t]+((?:bot|scoring)(?:\.\w+)*))",
    re.MULTILINE,
)


def module_sources(module: str) -> tuple[Path, ...]:
    """The source files of ``module`` and of every ``bot`` module it imports, directly or
    not: what a build made by that module depends on. Read from the sources rather than
    listed by hand, so that a new module cannot be left out of a cache key."""
    root = Path(__file__).resolve().parent.parent
    seen: dict[str, Path] = {}
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        base = root.joinpath(*name.split("."))
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if not path.is_file():
            continue  # a name imported from a package, not a module
        seen[name] = path
        if "." in name:  # importing a module runs its package's __init__ first
            pending.append(name.rsplit(".", 1)[0])
        for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
            package, names, plain = match.groups()
            if plain:
                pending.append(plain)
                continue
            pending.append(package)
            pending += [f"{package}.{n.strip()}" for n in names.split(",") if n.strip()]
    return tuple(seen[name] for name in sorted(seen))


def _digest(sources: Iterable[Path]) -> str:
    hasher = hashlib.sha256(sys.version.encode())
    for source in sources:
        hasher.update(str(source.name).encode())
        hasher.update(source.read_bytes())
    return hasher.hexdigest()[:_DIGEST_LENGTH]


def load_or_build(name: str, sources: Iterable[Path], build: Callable[[], T]) -> T:
    """The object ``build()`` makes from ``sources``: from the cache when it is there."""
    folder = cache_folder()
    if folder is None:
        return build()
    try:
        path = folder / f"{name}-{_digest(sources)}.pickle"
    except OSError:
        return build()
    try:
        with path.open("rb") as stored:
            loaded: T = pickle.load(stored)
            return loaded
    except FileNotFoundError:
        pass
    except Exception as error:  # a damaged or outdated file: rebuild and replace it
        log.debug("cache %s unusable (%s); rebuilding", path, error)
    built = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as handle:
            pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except (OSError, pickle.PicklingError) as error:
        log.debug("cannot write cache %s (%s)", path, error)
        return built
    _remove_stale(folder, name, keep=path)
    return built


def _remove_stale(folder: Path, name: str, keep: Path) -> None:
    """Earlier builds of ``name`` (from sources since changed, an upgrade): one file each
    would otherwise pile up for ever."""
    # Exactly a digest after the name: "qa" must not take "qa-index-…" for one of its own.
    for stale in folder.glob(f"{name}-{'[0-9a-f]' * _DIGEST_LENGTH}.pickle"):
        if stale != keep:
            # Another process may have removed it first, or it may not be ours to remove.
            with contextlib.suppress(OSError):
                stale.unlink()
