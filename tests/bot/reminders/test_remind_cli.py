"""``greenbot remind --once``: dry run, usage errors, the token check, sending once
(through a test sender; tests/bot/dialogs/test_remind_telegram.py sends through the Bot API)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.reminders.clock import SystemClock
from bot.reminders.store import ReminderStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "greenbot.sqlite3"
    store = ReminderStore(path)
    clock = SystemClock()
    from bot.reminders.clock import to_datetime

    today = to_datetime(clock.now()).date()
    store.enrol(5, "北京甲厂", None, "review_notice", today, clock.now())
    store.enrol(6, "北京乙厂", None, "review_notice", date(2099, 1, 1), clock.now())
    store.close()
    return path


def test_dry_run_lists_what_is_due(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert main(["remind", "--once", "--dry-run", "--db", str(db_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["chat_id"], d["unit"], d["kind"]) for d in data["due"]] == [
        ("telegram:5", "北京甲厂", "review_due")
    ]
    assert main(["remind", "--once", "--dry-run", "--db", str(db_path)]) == 0
    assert "北京甲厂" in capsys.readouterr().out
    store = ReminderStore(db_path)
    assert store.status_counts()["sent"] == 0  # a dry run claims nothing
    store.close()


def test_usage_errors(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    assert main(["remind", "--db", str(db_path)]) == 2
    assert "--once" in capsys.readouterr().err
    assert main(["remind", "--once", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert "no such database" in capsys.readouterr().err


def test_sending_needs_a_bot_token(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert main(["remind", "--once", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "BOT_TOKEN" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("BOT_TOKEN", "not-a-token")
    assert main(["remind", "--once", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "malformed" in err and len(err.strip().splitlines()) == 1
    store = ReminderStore(db_path)
    assert store.status_counts()["sent"] == 0
    store.close()


class ClosingSender:
    """The test sender with the ``close()`` the Telegram sender has."""

    def __init__(self) -> None:
        from .conftest import FakeSender

        self.inner = FakeSender(SystemClock())  # type: ignore[arg-type]
        self.closed = 0

    async def send_text(self, chat_id: int, html: str) -> None:
        await self.inner.send_text(chat_id, html)

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        await self.inner.send_document(chat_id, filename, data, caption)

    async def close(self) -> None:
        self.closed += 1


def test_once_sends_through_the_sender(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import remind

    sender = ClosingSender()
    monkeypatch.setattr(remind, "make_sender", lambda settings, store: sender)
    assert main(["remind", "--once", "--db", str(db_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 1
    assert [m.chat_id for m in sender.inner.sent] == [5]
    assert sender.closed == 1
    assert main(["remind", "--once", "--db", str(db_path)]) == 0
    assert "0" in capsys.readouterr().out
    assert len(sender.inner.sent) == 1 and sender.closed == 2
