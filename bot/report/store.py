"""Each chat's latest pre-screen and quick-score answers, so the report buttons work also after
the flow has ended (or the bot restarted). Its own table, ``report_inputs``, created here; all
SQL of the report lives in this module. ``forget`` is called by /forget.

Stored as the answers, not the results: a report is worked out again from them when asked, so it
follows the rules and texts of the running version. Answers that no longer parse are dropped.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.identity import ChatId, as_chat_id
from bot.migrations import migrate_chat_ids

TABLE = "report_inputs"


def ensure_schema(db: sqlite_utils.Database) -> None:
    migrate_chat_ids(db)  # a database of an earlier release: before anything reads it
    with db.conn:
        db.conn.execute(
            f"create table if not exists {TABLE} ("
            " chat_id text primary key,"
            " prescreen text,"  # Profile.model_dump(mode='json', exclude_unset=True)
            " score text,"  # ScoreInput.to_mapping()
            " unit text,"  # the unit name last printed on a report
            " updated real not null)"
        )


@dataclass(frozen=True)
class SavedInputs:
    prescreen: dict[str, Any] | None = None
    score: dict[str, Any] | None = None
    unit: str | None = None

    @property
    def empty(self) -> bool:
        return self.prescreen is None and self.score is None


def _mapping(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:  # a damaged row must not break the button: treat it as absent
        return None
    return value if isinstance(value, dict) else None


class ReportInputStore:
    """Read and write a chat's saved answers."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        ensure_schema(db)

    def _set(self, chat_id: ChatId | int, column: str, value: str | None) -> None:
        chat_id = as_chat_id(chat_id)
        assert column in ("prescreen", "score", "unit")
        with self.db.conn:
            self.db.conn.execute(
                f"insert into {TABLE} (chat_id, {column}, updated) values (?, ?, ?)"
                f" on conflict(chat_id) do update set {column} = excluded.{column},"
                " updated = excluded.updated",
                (chat_id, value, time.time()),
            )

    def save_prescreen(self, chat_id: ChatId | int, profile: dict[str, Any]) -> None:
        self._set(chat_id, "prescreen", json.dumps(profile, ensure_ascii=False))

    def save_score(self, chat_id: ChatId | int, answers: dict[str, Any]) -> None:
        self._set(chat_id, "score", json.dumps(answers, ensure_ascii=False))

    def save_unit(self, chat_id: ChatId | int, unit: str) -> None:
        self._set(chat_id, "unit", unit)

    def load(self, chat_id: ChatId | int) -> SavedInputs:
        chat_id = as_chat_id(chat_id)
        row = self.db.conn.execute(
            f"select prescreen, score, unit from {TABLE} where chat_id = ?", (chat_id,)
        ).fetchone()
        if row is None:
            return SavedInputs()
        prescreen, score, unit = row
        return SavedInputs(_mapping(prescreen), _mapping(score), unit or None)

    def forget(self, chat_id: ChatId | int) -> None:
        chat_id = as_chat_id(chat_id)
        with self.db.conn:
            self.db.conn.execute(f"delete from {TABLE} where chat_id = ?", (chat_id,))
