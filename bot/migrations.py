"""In-place upgrades of a database written by an earlier release.

Chat ids were Telegram integers; they are now channel-aware strings (:mod:`bot.identity`).
:func:`migrate_chat_ids` rewrites every table holding a chat id, in one transaction: a
database is either fully migrated or left as it was (a crash or a lock in the middle rolls
back), and running it again finds nothing to do.
"""

from __future__ import annotations

import logging
import re
import sqlite3

import sqlite_utils

from bot import identity

log = logging.getLogger(__name__)

# Every table with a chat id, whichever module creates it.
CHAT_ID_TABLES = (
    "chats",
    "activity",
    "units",
    "deadlines",
    "reminders",
    "blocked_chats",
    "report_inputs",
)
# ``greenbot chat`` used the chat id 1 in the bot's own database; no Telegram chat the bot can
# talk to has it, so those rows move to the console's channel.
OLD_CONSOLE_CHAT = 1

_COLUMN_TYPE = re.compile(r"""((?:\[chat_id\]|"chat_id"|`chat_id`|\bchat_id)\s+)INTEGER\b""", re.I)
_TABLE_NAME = re.compile(
    r"""^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\[[^\]]+\]|"[^"]+"|\w+)""", re.I
)


def _needs_migration(conn: sqlite3.Connection, table: str) -> bool:
    for row in conn.execute(f'PRAGMA table_info("{table}")'):
        if row[1] == "chat_id":
            return str(row[2]).upper() != "TEXT"
    return False


def _pending(conn: sqlite3.Connection) -> list[str]:
    return [table for table in CHAT_ID_TABLES if _needs_migration(conn, table)]


def _converted() -> str:
    console = identity.make(identity.CONSOLE, OLD_CONSOLE_CHAT)
    return (
        "CASE WHEN typeof(chat_id) = 'integer' THEN "
        f"(CASE WHEN chat_id = {OLD_CONSOLE_CHAT} THEN '{console}' "
        f"ELSE '{identity.TELEGRAM}:' || chat_id END) "
        "ELSE chat_id END"
    )


def _rebuild(conn: sqlite3.Connection, table: str) -> int:
    """Copy ``table`` into one whose chat id column is TEXT, converting the ids; keeps every
    other column, constraint and index as it was."""
    create = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()[0]
    indexes = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]
    temporary = f"{table}__chat_ids"
    new_create, found = _COLUMN_TYPE.subn(r"\1TEXT", create, count=1)
    new_create = _TABLE_NAME.sub(f'CREATE TABLE "{temporary}"', new_create, count=1)
    if not found:
        raise RuntimeError(f"cannot find the chat id column of {table}")
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{name}"' for name in columns)
    values = ", ".join(_converted() if name == "chat_id" else f'"{name}"' for name in columns)
    before = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    conn.execute(f'DROP TABLE IF EXISTS "{temporary}"')
    conn.execute(new_create)
    conn.execute(f'INSERT INTO "{temporary}" ({names}) SELECT {values} FROM "{table}"')
    after = conn.execute(f'SELECT COUNT(*) FROM "{temporary}"').fetchone()[0]
    if after != before:
        raise RuntimeError(f"{table}: {before} rows before, {after} after")
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(f'ALTER TABLE "{temporary}" RENAME TO "{table}"')
    for statement in indexes:
        conn.execute(statement)
    return int(before)


def migrate_chat_ids(db: sqlite_utils.Database | sqlite3.Connection) -> dict[str, int]:
    """Make every chat id channel-aware (``123`` → ``telegram:123``); returns the rows moved
    per table (empty when there was nothing to do)."""
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    if not _pending(conn):
        return {}
    if conn.in_transaction:
        conn.commit()
    # IMMEDIATE: the write lock first, so two processes starting together migrate once.
    conn.execute("BEGIN IMMEDIATE")
    try:
        moved = {table: _rebuild(conn, table) for table in _pending(conn)}
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    if moved:
        log.info(
            "chat ids made channel-aware: %s",
            ", ".join(f"{table} {count}" for table, count in moved.items()),
        )
    return moved
