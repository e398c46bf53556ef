"""Settings, in one place: command-line values first, then the environment, then a ``.env``
file, then the defaults.

=====================  ============================================================
``GREENBOT_DB``        the SQLite file (default ``greenbot.sqlite3``)
``BOT_TOKEN``          the Telegram bot token
``TELEGRAM_API_BASE``  the Bot API server root (default ``https://api.telegram.org``)
``GREENBOT_ADMINS``    administrators' Telegram user ids, ``123,456``
``GREENBOT_ENGINE``    the Telegram framework, ``aiogram`` (default) or ``ptb``
``GREENBOT_CACHE``     the build cache folder, ``off`` for none (read by :mod:`bot.cache`)
=====================  ============================================================

A value that cannot be used is a :class:`ConfigError` whose message is one line naming it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DB = "greenbot.sqlite3"
DEFAULT_API_BASE = "https://api.telegram.org"
# Telegram tokens look like 123456789:AAE..., the secret part 30+ URL-safe characters.
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,100}$")

TelegramEngine = Literal["aiogram", "ptb"]
ENGINES: tuple[TelegramEngine, ...] = ("aiogram", "ptb")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", env_file=".env", populate_by_name=False
    )

    db_path: str = Field(DEFAULT_DB, validation_alias="GREENBOT_DB")
    token: str | None = Field(None, validation_alias="BOT_TOKEN")
    api_base: str = Field(DEFAULT_API_BASE, validation_alias="TELEGRAM_API_BASE")
    admins: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias="GREENBOT_ADMINS"
    )
    engine: TelegramEngine = Field("aiogram", validation_alias="GREENBOT_ENGINE")

    @field_validator("db_path", mode="before")
    @classmethod
    def _db_path(cls, value: object) -> object:
        return value if value else DEFAULT_DB  # an empty GREENBOT_DB is no setting

    @field_validator("token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("api_base", mode="before")
    @classmethod
    def _api_base(cls, value: object) -> str:
        base = (str(value) if value else DEFAULT_API_BASE).rstrip("/")
        if not re.match(r"^https?://[^/\s]+", base):
            raise ValueError(f"API base {base!r} is not an http(s) URL")
        return base

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        return parse_admins(value) if value is None or isinstance(value, str) else value

    @field_validator("engine", mode="before")
    @classmethod
    def _engine(cls, value: object) -> object:
        if value in (None, ""):
            return "aiogram"
        if value not in ENGINES:
            raise ValueError(f"GREENBOT_ENGINE: {value!r} is not one of {', '.join(ENGINES)}")
        return value

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


def _one_line(error: ValidationError) -> str:
    """The first problem, in the words its validator chose (without pydantic's framing)."""
    first = error.errors()[0]
    cause = (first.get("ctx") or {}).get("error")
    if cause is not None:
        return str(cause)
    field = ".".join(str(part) for part in first.get("loc", ())) or "setting"
    return f"{field}: {first.get('msg', 'invalid value')}"


def load_settings(
    *,
    db_path: str | None = None,
    token: str | None = None,
    api_base: str | None = None,
    engine: str | None = None,
    env_file: str | Path | None = ".env",
) -> Settings:
    """Command-line values first, then the environment, then ``.env``, then defaults."""
    given = {
        "GREENBOT_DB": db_path,
        "BOT_TOKEN": token,
        "TELEGRAM_API_BASE": api_base,
        "GREENBOT_ENGINE": engine,
    }
    # Given by the names of the environment, so that a variable named like a field
    # (``DB_PATH``) is never read by mistake.
    overrides: dict[str, Any] = {key: value for key, value in given.items() if value}
    overrides["_env_file"] = env_file
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None
