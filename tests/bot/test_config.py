"""Settings: options over the environment over ``.env`` over defaults, one line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE, DEFAULT_DB, ConfigError, load_settings


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GREENBOT_DB", "BOT_TOKEN", "TELEGRAM_API_BASE", "GREENBOT_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GREENBOT_ENGINE", raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.db_path == DEFAULT_DB and settings.api_base == DEFAULT_API_BASE
    assert settings.token is None and settings.admins == frozenset()
    assert settings.engine == "aiogram"


def test_options_over_environment_over_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "GREENBOT_DB=from-file.sqlite3\nGREENBOT_ADMINS=1, 2\nGREENBOT_ENGINE=ptb\nOTHER=x\n"
    )
    monkeypatch.setenv("GREENBOT_DB", "from-env.sqlite3")
    monkeypatch.setenv("TELEGRAM_API_BASE", "http://127.0.0.1:8081/")
    settings = load_settings()
    assert settings.db_path == "from-env.sqlite3"
    assert settings.admins == frozenset({1, 2}) and settings.engine == "ptb"
    assert settings.api_base == "http://127.0.0.1:8081"
    chosen = load_settings(db_path="given.sqlite3", engine="aiogram")
    assert chosen.db_path == "given.sqlite3" and chosen.engine == "aiogram"


def test_only_the_documented_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PATH", "elsewhere.sqlite3")  # named like the field, not a setting
    monkeypatch.setenv("TOKEN", "1:x")
    settings = load_settings()
    assert settings.db_path == DEFAULT_DB and settings.token is None


def test_empty_values_are_no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GREENBOT_DB", "BOT_TOKEN", "TELEGRAM_API_BASE", "GREENBOT_ENGINE"):
        monkeypatch.setenv(name, "")
    settings = load_settings()
    assert settings.db_path == DEFAULT_DB and settings.token is None
    assert settings.api_base == DEFAULT_API_BASE and settings.engine == "aiogram"


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("GREENBOT_ADMINS", "1,x", "GREENBOT_ADMINS: 'x' is not a Telegram user id"),
        ("TELEGRAM_API_BASE", "ftp://host", "API base 'ftp://host' is not an http(s) URL"),
        ("GREENBOT_ENGINE", "telethon", "GREENBOT_ENGINE: 'telethon' is not one of aiogram, ptb"),
    ],
)
def test_a_bad_value_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, said: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert str(raised.value) == said


def test_the_token_is_checked_for_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="BOT_TOKEN"):
        load_settings().require_token()
    monkeypatch.setenv("BOT_TOKEN", " not-a-token ")
    with pytest.raises(ConfigError, match="malformed"):
        load_settings().require_token()


def test_the_build_cache_is_read_from_dotenv_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.cache import cache_folder

    monkeypatch.delenv("GREENBOT_CACHE", raising=False)
    (tmp_path / ".env").write_text("GREENBOT_CACHE=off\nGREENBOT_ADMINS=not-an-id\n")
    assert cache_folder() is None  # another setting's bad value is no concern of the cache
    monkeypatch.setenv("GREENBOT_CACHE", str(tmp_path / "c"))
    assert cache_folder() == tmp_path / "c"
