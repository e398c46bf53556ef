"""A database written by the release with integer chat ids, migrated in place on first start.

The fixture ``data/release_db/v_int_ids.sqlite3`` was made by ``data/release_db/make.py`` run
with that release's code (see its docstring for what it holds)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot import identity, migrations
from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Incoming
from bot.identity import ChatId
from bot.migrations import CHAT_ID_TABLES, migrate_chat_ids
from bot.reminders.clock import ManualClock
from bot.reminders.delivery import run_once
from bot.reminders.errors import NoRoute
from bot.report.store import ReportInputStore

FIXTURE = Path(__file__).parent / "data" / "release_db" / "v_int_ids.sqlite3"
PRIVATE, GROUP, CONSOLE, BLOCKED = 5550001, -1007770001, 1, 5550003


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "greenbot.sqlite3"
    shutil.copy(FIXTURE, path)
    return path


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in CHAT_ID_TABLES
        }
    finally:
        conn.close()


def _schema(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {
            name: str(decl)
            for table in CHAT_ID_TABLES
            for _, name, decl, *_ in conn.execute(f"PRAGMA table_info({table})")
            if name == "chat_id"
        } | {
            f"index {name}": table
            for name, table in conn.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
            if table in CHAT_ID_TABLES
        }
    finally:
        conn.close()


def _expected(value: Any) -> str:
    if value == CONSOLE:
        return "console:1"
    return f"telegram:{value}"


def test_the_fixture_is_a_database_with_integer_ids(old_db: Path) -> None:
    rows = _rows(old_db)
    assert all(rows[table] for table in CHAT_ID_TABLES), "every table holds rows"
    assert {decl for key, decl in _schema(old_db).items() if " " not in key} == {"INTEGER"}


def test_every_row_survives_with_a_channel_aware_id(old_db: Path) -> None:
    before = _rows(old_db)
    indexes = {key for key in _schema(old_db) if key.startswith("index ")}
    build_engine(str(old_db)).services.db.close()
    after = _rows(old_db)
    for table in CHAT_ID_TABLES:
        conn = sqlite3.connect(old_db)
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        conn.close()
        at = columns.index("chat_id")
        assert len(after[table]) == len(before[table]), table
        for old, new in zip(before[table], after[table], strict=True):
            assert new[at] == _expected(old[at]), table
            assert new[:at] + new[at + 1 :] == old[:at] + old[at + 1 :], table
    schema = _schema(old_db)
    assert {decl for key, decl in schema.items() if " " not in key} == {"TEXT"}
    assert {key for key in schema if key.startswith("index ")} == indexes


def test_the_migration_runs_once(old_db: Path) -> None:
    build_engine(str(old_db)).services.db.close()
    migrated = _rows(old_db)
    conn = sqlite3.connect(old_db)
    assert migrate_chat_ids(conn) == {}
    conn.close()
    build_engine(str(old_db)).services.db.close()
    assert _rows(old_db) == migrated


def test_an_interrupted_migration_leaves_the_old_database_as_it_was(
    old_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, schema = _rows(old_db), _schema(old_db)
    rebuild = migrations._rebuild
    done: list[str] = []

    def crash_on_the_third(conn: sqlite3.Connection, table: str) -> int:
        if len(done) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        done.append(table)
        return rebuild(conn, table)

    monkeypatch.setattr(migrations, "_rebuild", crash_on_the_third)
    with pytest.raises(sqlite3.OperationalError):
        build_engine(str(old_db))
    assert _rows(old_db) == before and _schema(old_db) == schema
    monkeypatch.setattr(migrations, "_rebuild", rebuild)
    build_engine(str(old_db)).services.db.close()
    assert len(_rows(old_db)["reminders"]) == len(before["reminders"])


def test_the_chats_carry_on_after_the_migration(old_db: Path) -> None:
    engine = build_engine(str(old_db))
    private = identity.telegram(PRIVATE)
    chat = engine.chats.load(private)
    assert (chat.lang, chat.flow) == ("en", "prescreen")  # the flow in progress is kept
    assert ReportInputStore(engine.services.db).load(private).unit == "甲厂"
    store = engine.services.extras["reminders"]
    assert [unit.name for unit in store.list_units(private)] == ["甲厂"]
    [group_unit] = store.list_units(identity.telegram(GROUP))
    assert group_unit.enrolled_by == 42
    assert [unit.name for unit in store.list_units("console:1")] == ["丙厂"]
    assert store.is_blocked(identity.telegram(BLOCKED))
    reply = engine.handle(Incoming(private, PRIVATE, text="/reminders", lang_code="en"))
    assert "甲厂" in reply.messages[0].text
    engine.forget(private)
    assert store.list_units(private) == [] and engine.chats.load(private).flow is None


class TelegramOnly:
    """Sends to Telegram chats; nothing reaches the console."""

    def __init__(self) -> None:
        self.sent: list[ChatId] = []

    async def send_text(self, chat_id: ChatId, html: str) -> None:
        if not identity.is_telegram(chat_id):
            raise NoRoute("console")
        self.sent.append(chat_id)

    async def send_document(self, chat_id: ChatId, filename: str, data: bytes, cap: str) -> None:
        raise AssertionError("not used")


async def test_a_pending_reminder_goes_out_once_and_a_sent_one_never_again(old_db: Path) -> None:
    engine = build_engine(str(old_db))
    store = engine.services.extras["reminders"]
    sender = TelegramOnly()
    # 03-30 12:00: the private chat's 03-30 reminder is due; its 03-24 one was sent before.
    clock = ManualClock(datetime(2026, 3, 30, 12, 0, tzinfo=TZ))
    await run_once(store, sender, clock, max_wait=0)
    assert sender.sent == [identity.telegram(PRIVATE)]
    assert store.reminder(3)["status"] == "sent" and store.reminder(2)["status"] == "sent"
    engine.services.db.close()

    restarted = build_engine(str(old_db))
    store = restarted.services.extras["reminders"]
    await run_once(store, sender, clock, max_wait=0)
    assert sender.sent == [identity.telegram(PRIVATE)]  # nothing twice after a restart
    clock.set(datetime(2026, 3, 31, 12, 0, tzinfo=TZ))
    await run_once(store, sender, clock, max_wait=0)
    assert sender.sent == [identity.telegram(PRIVATE)] * 2
    assert store.status_counts()["sent"] == 4  # two before the migration, two after
