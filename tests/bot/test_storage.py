"""The conversation store: chat state and activity, one chat never seeing another's."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlite_utils

from bot.storage import ChatState, ChatStore, open_database


@pytest.fixture
def store() -> ChatStore:
    return ChatStore(open_database(":memory:"))


def test_an_unknown_chat_starts_empty(store: ChatStore) -> None:
    assert store.load(1) == ChatState(1)


def test_state_round_trips_per_chat(store: ChatStore) -> None:
    store.save(ChatState(1, "en", "score", {"answers": {"ind-1": 1.5}, "中文": "是"}, "ab12"))
    store.save(ChatState(2, None, None, {"ignored": True}))
    assert store.load(1) == ChatState(
        1, "en", "score", {"answers": {"ind-1": 1.5}, "中文": "是"}, "ab12"
    )
    # Outside a flow there is no flow state to keep.
    assert store.load(2) == ChatState(2)


def test_a_damaged_state_restarts_the_flow_instead_of_failing(store: ChatStore) -> None:
    store.save(ChatState(1, "zh", "prescreen", {"step": 3}, "ab12"))
    store.db.execute("update chats set state = '{not json' where chat_id = 'telegram:1'")
    chat = store.load(1)
    assert (chat.flow, chat.state, chat.lang) == (None, {}, "zh")


def test_blocked_is_kept(store: ChatStore) -> None:
    store.set_blocked(5)
    assert store.is_blocked(5) and not store.is_blocked(6)
    store.set_blocked(5, False)
    assert not store.is_blocked(5)


def test_forget_removes_one_chat_only(store: ChatStore) -> None:
    for chat_id in (1, 2):
        store.save(ChatState(chat_id, "zh"))
        store.log(chat_id, "question:in")
    store.forget(1)
    assert store.load(1) == ChatState(1)
    assert store.load(2).lang == "zh"
    assert [row["chat_id"] for row in store.db["activity"].rows] == ["telegram:2"]


def test_stats_count_chats_and_recent_activity(store: ChatStore) -> None:
    since = time.time() - 1
    store.save(ChatState(1))
    store.log(1, "question:in")
    store.log(1, "question:out")
    store.log(2, "question:in")
    # Chat 2 only asked a question: it has no state row, but it is a chat all the same.
    assert store.stats(since) == {
        "chats": 2,
        "active": 2,
        "kinds": {"question:in": 2, "question:out": 1},
    }
    assert store.stats(time.time() + 60)["active"] == 0


def test_a_file_database_uses_wal(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "bot.sqlite3"))
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    ChatStore(db).save(ChatState(9, "en"))
    again = ChatStore(sqlite_utils.Database(tmp_path / "bot.sqlite3"))
    assert again.load(9).lang == "en"


def test_a_flow_put_aside_round_trips_and_older_files_gain_its_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite_utils.Database(path)  # the chats table as it was before flows could pause
    old["chats"].create(
        {
            "chat_id": int,
            "lang": str,
            "flow": str,
            "state": str,
            "nonce": str,
            "blocked": int,
            "created": float,
            "updated": float,
        },
        pk="chat_id",
    )
    old["chats"].insert({"chat_id": 5, "flow": "score", "state": "{}", "blocked": 0})
    old.conn.close()
    store = ChatStore(open_database(str(path)))
    assert store.load(5) == ChatState(5, None, "score", {}, None)
    aside = {"flow": "prescreen", "state": {"answers": {"unit_type": "factory"}}}
    store.save(ChatState(5, None, "score", {"at": 2}, "ab12", paused=aside))
    assert store.load(5).paused == aside
    store.db.execute("update chats set paused = 'not json' where chat_id = 'telegram:5'")
    assert store.load(5).paused is None  # a damaged value is dropped, the flow in progress kept
    assert store.load(5).flow == "score"


def test_the_activity_log_never_waits_for_a_locked_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import sqlite3

    path = str(tmp_path / "bot.sqlite3")
    store = ChatStore(open_database(path))
    store.log(1, "question:in")
    holder = sqlite3.connect(path)
    holder.execute("begin immediate")  # another process writing for a long while
    started = time.monotonic()
    store.log(1, "question:in")
    store.log(2, "command:help")
    assert time.monotonic() - started < 1.0  # the default busy timeout would wait 5 s each
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "locked" in warnings[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    holder.commit()
    store.log(3, "command:start")  # the delayed rows go in with the next one
    kinds = [row[0] for row in store.db.execute("select kind from activity order by id")]
    assert kinds == ["question:in", "question:in", "command:help", "command:start"]
