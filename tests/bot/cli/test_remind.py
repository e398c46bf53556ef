"""``greenbot remind --once`` on a database that is not one, is damaged, or must stay
untouched: one line on stderr, exit code 2, no traceback; a dry run writes nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.reminders.clock import SystemClock
from bot.reminders.store import ReminderStore
from tests.bot.cli.test_run import one_line_error
from tests.bot.transports.conftest import TOKEN
from tests.conftest import Run

MODES = [("--dry-run",), ()]


def enrolled(path: Path) -> Path:
    store = ReminderStore(path)
    store.enrol(5, "北京甲厂", None, "review_notice", date(2099, 1, 1), SystemClock().now())
    store.close()
    return path


@pytest.mark.parametrize("mode", MODES)
def test_a_file_that_is_not_a_database(greenbot: Run, tmp_path: Path, mode: tuple[str]) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database\n" * 200)
    done = greenbot("remind", "--once", *mode, "--db", str(path), env={"BOT_TOKEN": TOKEN})
    assert "not a database" in one_line_error(done)


@pytest.mark.parametrize("mode", MODES)
def test_a_damaged_database(greenbot: Run, tmp_path: Path, mode: tuple[str]) -> None:
    path = enrolled(tmp_path / "greenbot.sqlite3")
    with sqlite3.connect(path) as conn:  # fold the WAL in: every table lives in the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page after the first is garbage
    path.write_bytes(bytes(data))
    done = greenbot("remind", "--once", *mode, "--db", str(path), env={"BOT_TOKEN": TOKEN})
    assert "malformed" in one_line_error(done) or "not a database" in done.stderr


def test_a_database_without_reminders(greenbot: Run, tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("create table t (x)")
    assert "no reminders" in one_line_error(
        greenbot("remind", "--once", "--dry-run", "--db", str(path))
    )


def test_a_dry_run_writes_nothing(greenbot: Run, tmp_path: Path) -> None:
    """No write access needed: the file is opened read-only, so even the journal mode
    (which opening for writing switches to WAL) stays as it was."""
    path = enrolled(tmp_path / "greenbot.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    before = path.read_bytes()
    done = greenbot("remind", "--once", "--dry-run", "--json", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_without_once_the_error_says_what_to_do(greenbot: Run, tmp_path: Path) -> None:
    assert "--once" in one_line_error(greenbot("remind"))
    assert "--once is\nrequired" in greenbot("remind", "--help", env={"COLUMNS": "80"}).stdout


@pytest.mark.parametrize(
    ("engine", "body"), [("aiogram", "application/json"), ("ptb", "application/x-www-form")]
)
def test_once_sends_with_the_configured_engine(
    greenbot: Run, tmp_path: Path, engine: str, body: str
) -> None:
    """``GREENBOT_ENGINE`` chooses the framework for ``--once`` as for ``greenbot run``."""
    from datetime import datetime, timedelta

    from bot.dates import TZ
    from tests.support.fake_telegram import FakeTelegram

    path = tmp_path / "bot.sqlite3"
    store = ReminderStore(path)
    now = SystemClock().now()
    store.enrol(5, "北京甲厂", None, "rename", datetime.now(TZ).date() - timedelta(days=3), now)
    store.close()
    with FakeTelegram(token=TOKEN) as tg:
        tg.register_chat(5)
        env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": tg.base_url, "GREENBOT_ENGINE": engine}
        done = greenbot("remind", "--once", "--db", str(path), env=env)
        assert done.returncode == 0, done.stderr
        [call] = [c for c in tg.calls if c.method == "sendMessage"]
        assert call.body_type.startswith(body)


def test_an_unknown_engine_is_one_line(greenbot: Run, tmp_path: Path) -> None:
    path = enrolled(tmp_path / "bot.sqlite3")
    done = greenbot("remind", "--once", "--db", str(path), env={"GREENBOT_ENGINE": "telethon"})
    assert "GREENBOT_ENGINE" in one_line_error(done)
