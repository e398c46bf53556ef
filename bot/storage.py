"""The conversation store: one SQLite file (sqlite-utils) for chat state and activity.

Every row is keyed by chat id, so nothing one chat does is visible to another, and ``forget``
removes a chat completely.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from bot.identity import ChatId, as_chat_id
from bot.migrations import migrate_chat_ids

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# The activity log is statistics: an answer never waits longer than this for it.
ACTIVITY_WAIT_MS = 50
ACTIVITY_BACKLOG = 10_000  # rows kept in memory while the database is locked


def open_database(path: str) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` (``:memory:`` for tests)."""
    # Transports run engine turns in worker threads, one at a time (bot.transports.turns).
    conn = sqlite3.connect(path, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    if path != ":memory:":
        # WAL: readers never block the writer; NORMAL sync is durable across a process crash.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    migrate_chat_ids(db)  # a database of an earlier release: before anything reads it
    ensure_schema(db)
    return db


def open_readonly(path: str) -> sqlite_utils.Database:
    """The existing database at ``path``, opened so that nothing can be written to it."""
    from pathlib import Path

    uri = Path(path).resolve().as_uri() + "?mode=ro"
    db = sqlite_utils.Database(sqlite3.connect(uri, uri=True))
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def writable_now(db: sqlite_utils.Database) -> bool:
    """Whether the database can be written without waiting for another process's lock."""
    try:
        with busy_timeout(db.conn, 0):
            db.conn.execute("BEGIN IMMEDIATE")
            db.conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return False
    return True


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "chats" not in db.table_names():
        db.table("chats").create(
            {
                "chat_id": str,
                "lang": str,
                "flow": str,
                "state": str,
                "nonce": str,
                "paused": str,
                "blocked": int,
                "created": float,
                "updated": float,
            },
            pk="chat_id",
            not_null={"blocked"},
            defaults={"blocked": 0},
        )
    elif "paused" not in db.table("chats").columns_dict:  # a database from before flows could pause
        db.table("chats").add_column("paused", str)
    if "activity" not in db.table_names():
        db.table("activity").create({"id": int, "chat_id": str, "kind": str, "at": float}, pk="id")
        db.table("activity").create_index(["chat_id"])
        db.table("activity").create_index(["kind", "at"])


@contextlib.contextmanager
def busy_timeout(conn: sqlite3.Connection, milliseconds: int) -> Iterator[None]:
    """Wait at most ``milliseconds`` for another process's lock within the block."""
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout={min(int(milliseconds), previous)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout={previous}")


@dataclass
class ChatState:
    """What the bot remembers about one chat."""

    chat_id: ChatId
    lang: str | None = None  # set by /lang; else the Telegram language code decides
    flow: str | None = None  # the guided flow in progress, if any
    state: dict[str, Any] = field(default_factory=dict)
    nonce: str | None = None  # ties buttons to the step that sent them
    blocked: bool = False
    # A flow put aside when another was started: {"flow": name, "state": {...}}, or None.
    paused: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.chat_id = as_chat_id(self.chat_id)


class ChatStore:
    """Read and write :class:`ChatState` rows and the activity log."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._backlog: deque[tuple[ChatId, str, float]] = deque(maxlen=ACTIVITY_BACKLOG)

    def load(self, chat_id: ChatId | int) -> ChatState:
        chat_id = as_chat_id(chat_id)
        # Once per message: a plain statement (sqlite-utils' query() wraps it in a savepoint).
        row = self.db.conn.execute(
            "select lang, flow, state, nonce, blocked, paused from chats where chat_id = ?",
            (chat_id,),
        ).fetchone()
        if row is None:
            return ChatState(chat_id)
        lang, flow, saved, nonce, blocked, saved_paused = row
        try:
            state = json.loads(saved) if saved else {}
        except ValueError:  # a damaged row must not wedge the chat: start the flow afresh
            state, flow = {}, None
        try:
            paused = json.loads(saved_paused) if saved_paused else None
        except ValueError:
            paused = None
        if not (isinstance(paused, dict) and isinstance(paused.get("state"), dict)):
            paused = None
        return ChatState(chat_id, lang, flow, state, nonce, bool(blocked), paused)

    def save(self, chat: ChatState) -> None:
        now = time.time()
        self.db.table("chats").upsert(
            {
                "chat_id": chat.chat_id,
                "lang": chat.lang,
                "flow": chat.flow,
                "state": json.dumps(chat.state, ensure_ascii=False) if chat.flow else None,
                "nonce": chat.nonce,
                "paused": json.dumps(chat.paused, ensure_ascii=False) if chat.paused else None,
                "blocked": int(chat.blocked),
                "updated": now,
            },
            pk="chat_id",
        )
        self.db.execute(
            "update chats set created = coalesce(created, ?) where chat_id = ?", [now, chat.chat_id]
        )

    def set_blocked(self, chat_id: ChatId | int, blocked: bool = True) -> None:
        chat = self.load(chat_id)
        chat.blocked = blocked
        self.save(chat)

    def is_blocked(self, chat_id: ChatId | int) -> bool:
        return self.load(chat_id).blocked

    def blocked_chats(self) -> set[ChatId]:
        """The chats that blocked the bot (replies to them are not even tried)."""
        rows = self.db.execute("select chat_id from chats where blocked = 1")
        return {as_chat_id(row[0]) for row in rows}

    def log(self, chat_id: ChatId | int, kind: str) -> None:
        """Count an event. Never makes an answer wait: while another process holds the
        database, rows wait in memory (one WARNING line) and are written with the next one."""
        self._backlog.append((as_chat_id(chat_id), kind, time.time()))
        was_behind = len(self._backlog) > 1
        try:
            with busy_timeout(self.db.conn, ACTIVITY_WAIT_MS), self.db.conn:
                # Once per message: a plain statement, without insert()'s schema work.
                self.db.conn.executemany(
                    "insert into activity (chat_id, kind, at) values (?, ?, ?)", self._backlog
                )
        except sqlite3.OperationalError as error:
            if not was_behind:
                log.warning("activity log: %s; kept in memory until it can be written", error)
            return
        if was_behind:
            log.warning("activity log: %d delayed rows written", len(self._backlog))
        self._backlog.clear()

    def forget(self, chat_id: ChatId | int) -> None:
        chat_id = as_chat_id(chat_id)
        with self.db.conn:
            self.db.execute("delete from chats where chat_id = ?", [chat_id])
            self.db.execute("delete from activity where chat_id = ?", [chat_id])

    def stats(self, since: float) -> dict[str, Any]:
        """Counts for administrators: chats, recent activity by kind."""
        # A chat that only ever asked questions has activity but no state row: count both.
        chats = self.db.execute(
            "select count(*) from (select chat_id from chats union select chat_id from activity)"
        ).fetchone()[0]
        active = self.db.execute(
            "select count(distinct chat_id) from activity where at >= ?", [since]
        ).fetchone()[0]
        kinds = dict(
            self.db.execute(
                "select kind, count(*) from activity where at >= ? group by kind order by kind",
                [since],
            ).fetchall()
        )
        return {"chats": chats, "active": active, "kinds": kinds}
