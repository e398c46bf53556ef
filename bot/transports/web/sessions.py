"""Web sessions: a random id in a cookie, known to the server, tied to one chat.

The cookie holds 256 random bits; the database keeps only their SHA-256, so neither a copy of
the database nor a log line can be turned into a session. An id the server did not issue (or
has since deleted) is never taken up: the visitor gets a new one (no session fixation). Each
session has its own chat id (``web:<random>``, unrelated to the cookie, since chat ids appear
in logs and rows) and its own CSRF token, sent back by the page in a header.

The store opens its own connection to the database file: it is used on the event loop, while
engine turns use theirs in worker threads.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from bot.identity import ChatId, as_chat_id, new_web

SEEN_EVERY = 3600.0  # seconds: how often a session's "last seen" is written
KNOWN_MAX = 50_000  # sessions kept in memory (a few hundred bytes each)


@dataclass(frozen=True)
class Session:
    key: str  # the SHA-256 of the cookie's id, hex
    chat_id: ChatId
    csrf: str
    lang: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)  # autocommit
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.execute(
            "create table if not exists web_sessions (key text primary key, chat_id text not "
            "null unique, csrf text not null, lang text not null, created real, seen real)"
        )
        self.conn.execute("create index if not exists web_sessions_seen on web_sessions (seen)")
        self._seen: dict[str, float] = {}
        # Sessions looked up lately, by key: one process serves a database's web sessions and
        # every change goes through here, so a request costs no query.
        self._known: OrderedDict[str, Session] = OrderedDict()

    def create(self, lang: str = "zh") -> tuple[str, Session]:
        """A new session: ``(the id for the cookie, the session)``."""
        session_id = secrets.token_urlsafe(32)
        session = Session(_digest(session_id), new_web(), secrets.token_urlsafe(32), lang)
        now = time.time()
        self.conn.execute(
            "insert into web_sessions values (?, ?, ?, ?, ?, ?)",
            (session.key, session.chat_id, session.csrf, session.lang, now, now),
        )
        self._seen[session.key] = now
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        key = _digest(session_id)
        session = self._known.get(key)
        if session is None:
            row = self.conn.execute(
                "select chat_id, csrf, lang from web_sessions where key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            session = self._remember(Session(key, as_chat_id(row[0]), row[1], row[2]))
        else:
            self._known.move_to_end(key)
        now = time.time()
        if now - self._seen.get(key, 0.0) > SEEN_EVERY:
            self._seen[key] = now
            self.conn.execute("update web_sessions set seen = ? where key = ?", (now, key))
        return session

    def _remember(self, session: Session) -> Session:
        self._known[session.key] = session
        self._known.move_to_end(session.key)
        while len(self._known) > KNOWN_MAX:
            self._known.popitem(last=False)
        return session

    def set_lang(self, session: Session, lang: str) -> Session:
        if lang == session.lang:
            return session
        self.conn.execute("update web_sessions set lang = ? where key = ?", (lang, session.key))
        changed = replace(session, lang=lang)
        if session.key in self._known:
            self._known[session.key] = changed
        return changed

    def delete(self, session: Session) -> None:
        self.conn.execute("delete from web_sessions where key = ?", (session.key,))
        self._seen.pop(session.key, None)
        self._known.pop(session.key, None)

    def prune(self, idle_since: float) -> list[ChatId]:
        """Delete the sessions last seen before ``idle_since`` (their cookies have expired:
        nobody can present them again); their chat ids, whose data the caller decides on."""
        rows = self.conn.execute(
            "delete from web_sessions where coalesce(seen, created, 0) < ? returning key, chat_id",
            (idle_since,),
        ).fetchall()
        for key, _ in rows:
            self._seen.pop(key, None)
            self._known.pop(key, None)
        return [as_chat_id(chat_id) for _, chat_id in rows]

    def close(self) -> None:
        self.conn.close()
