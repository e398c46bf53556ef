"""The reminder loop of a process keeps its SQLite work apart from the engine's turns."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_engine
from bot.reminders.routing import own_store


def test_the_loop_has_a_connection_of_its_own_on_a_database_file(tmp_path: Path) -> None:
    engine = build_engine(str(tmp_path / "bot.sqlite3"))
    store = own_store(engine.services)
    try:
        assert store is not engine.services.reminders
        assert store.db.conn is not engine.services.db.conn
        engine.services.reminders.enrol(
            7, "甲厂", None, "rename", engine.services.now().date(), engine.services.now()
        )
        assert store.list_units("telegram:7")  # the same file, seen through its own connection
    finally:
        store.close()


def test_an_in_memory_database_shares_the_only_connection() -> None:
    engine = build_engine(":memory:")
    assert own_store(engine.services) is engine.services.reminders
