"""Settings from the environment (and a ``.env`` file): token, API base, admins, database."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "greenbot.sqlite3"
DEFAULT_API_BASE = "https://api.telegram.org"
# Telegram tokens look like 123456789:AAE..., the secret part 30+ URL-safe characters.
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,100}$")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    db_path: str = DEFAULT_DB
    token: str | None = None
    api_base: str = DEFAULT_API_BASE
    admins: frozenset[int] = field(default_factory=frozenset)

    def require_token(self) -> str:
        """The bot token, checked for shape: one line of error instead of a failed request."""
        if not self.token:
            raise ConfigError("no bot token: set BOT_TOKEN (or pass --token)")
        if not TOKEN_PATTERN.match(self.token):
            raise ConfigError("BOT_TOKEN is malformed: expected digits, ':' and the secret")
        return self.token


def parse_admins(text: str | None) -> frozenset[int]:
    """``GREENBOT_ADMINS=123,456`` → {123, 456}."""
    if not text or not text.strip():
        return frozenset()
    ids: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise ConfigError(f"GREENBOT_ADMINS: {part!r} is not a Telegram user id")
        ids.add(int(part))
    return frozenset(ids)


def load_settings(
    *,
    db_path: str | None = None,
    token: str | None = None,
    api_base: str | None = None,
    env_file: str | Path | None = ".env",
) -> Settings:
    """Command-line values first, then the environment, then ``.env``, then defaults."""
    if env_file is not None and Path(env_file).is_file():
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)
    base = (api_base or os.environ.get("TELEGRAM_API_BASE") or DEFAULT_API_BASE).rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base):
        raise ConfigError(f"API base {base!r} is not an http(s) URL")
    return Settings(
        db_path=db_path or os.environ.get("GREENBOT_DB") or DEFAULT_DB,
        token=(token or os.environ.get("BOT_TOKEN") or "").strip() or None,
        api_base=base,
        admins=parse_admins(os.environ.get("GREENBOT_ADMINS")),
    )
