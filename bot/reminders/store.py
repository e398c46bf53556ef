"""Enrolled units, their deadlines and every planned reminder, as rows in SQLite (sqlite-utils).

Tables
------
``units``          one enrolment by one chat: name, optional credit code, event, date, language.
                   Several chats may enrol the same unit; each gets its own rows and sees,
                   and deletes, only those.
``deadlines``      the deadlines computed for a unit (``rules.deadlines_for``).
``reminders``      one row per planned message. Times are UTC epoch seconds (REAL).
``blocked_chats``  chats that blocked the bot (403), or that nothing can reach (a web chat
                   without a confirmed e-mail address); their reminders are ``inactive``.
``calendar_feeds`` secret iCalendar subscription tokens, one per unit (:mod:`.feeds`).
``email_targets``  a chat's e-mail address for reminders, with its confirmation (:mod:`.mail`).

Reminder life cycle (``status``)
--------------------------------
``planned`` → ``sending`` (claimed, ``claimed_at`` set, committed *before* the send) → ``sent``
(committed right after). A failed send goes back to ``planned`` with a later
``next_attempt_at`` (429, 5xx, network), or to ``dead`` (a request Telegram will never accept).
``expired``: its deadline day was over before it could go out. ``superseded``: a later reminder
for the same deadline was due at the same time and went out instead. ``inactive``: the chat
blocked the bot.

No reminder is sent twice across restarts: a row is only sent by whoever moved it from
``planned`` to ``sending``, and a sent row is never planned again. A process that dies between
the send and its record leaves the row in ``sending``; :meth:`ReminderStore.recover_stale` puts it
back to ``planned`` once its claim is older than the lease, so that one message may be sent once
more (never lost, never repeated beyond that).
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.dates import TZ
from bot.identity import ChatId, as_chat_id
from bot.migrations import migrate_chat_ids
from bot.reminders import rules, schedule
from bot.reminders.rules import Deadline, Event, Kind

MAX_NAME_LENGTH = 100
MAX_UNITS_PER_CHAT = 50
# A claim older than this is taken to belong to a process that died mid-send.
DEFAULT_LEASE_SECONDS = 120.0

PLANNED = "planned"
SENDING = "sending"
SENT = "sent"
EXPIRED = "expired"
SUPERSEDED = "superseded"
INACTIVE = "inactive"
DEAD = "dead"
STATUSES = (PLANNED, SENDING, SENT, EXPIRED, SUPERSEDED, INACTIVE, DEAD)

# One row: when the next message may start, for every process sending with this bot's token
# (the bot and any number of ``remind --once``): Telegram's 30 messages/s belong to the token.
_BUDGET_SCHEMA = """
CREATE TABLE IF NOT EXISTS send_budget (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_at REAL NOT NULL
)"""

# Added after the first release: created whenever missing.
_LATER_SCHEMA = """
CREATE TABLE IF NOT EXISTS calendar_feeds (
    token TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE INDEX IF NOT EXISTS calendar_feeds_unit ON calendar_feeds (unit_id);
CREATE TABLE IF NOT EXISTS email_targets (
    chat_id TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    code_hash TEXT,
    code_expires_at REAL,
    tries INTEGER NOT NULL DEFAULT 0,
    codes_sent INTEGER NOT NULL DEFAULT 0,
    codes_since REAL,
    confirmed_at REAL,
    created_at REAL NOT NULL
);
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    chat_id TEXT NOT NULL,
    name TEXT NOT NULL,
    credit_code TEXT,
    event TEXT NOT NULL,
    date TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    created_at REAL NOT NULL,
    enrolled_by INTEGER
);
CREATE INDEX IF NOT EXISTS units_chat ON units (chat_id);
CREATE TABLE IF NOT EXISTS deadlines (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    holiday_adjusted TEXT,
    ref TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deadlines_unit ON deadlines (unit_id);
CREATE INDEX IF NOT EXISTS deadlines_chat ON deadlines (chat_id);
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    deadline_id INTEGER NOT NULL REFERENCES deadlines (id),
    unit_id INTEGER NOT NULL,
    chat_id TEXT NOT NULL,
    offset_days INTEGER,
    send_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    claimed_at REAL,
    finished_at REAL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (next_attempt_at)
    WHERE status = 'planned';
CREATE INDEX IF NOT EXISTS reminders_sending ON reminders (claimed_at)
    WHERE status = 'sending';
CREATE INDEX IF NOT EXISTS reminders_deadline ON reminders (deadline_id);
CREATE INDEX IF NOT EXISTS reminders_chat ON reminders (chat_id);
CREATE TABLE IF NOT EXISTS blocked_chats (
    chat_id TEXT PRIMARY KEY,
    blocked_at REAL NOT NULL,
    reason TEXT
);
"""

_DUE_SQL = """
SELECT r.id, r.deadline_id, r.unit_id, r.chat_id, r.offset_days, r.send_at, r.expires_at,
       r.attempts, r.next_attempt_at, d.kind, d.due, u.name, u.credit_code, u.lang,
       u.event, u.date
FROM reminders AS r
JOIN deadlines AS d ON d.id = r.deadline_id
JOIN units AS u ON u.id = r.unit_id
WHERE r.status = 'planned' AND r.next_attempt_at <= :now AND r.expires_at > :now {skip}
ORDER BY r.next_attempt_at, r.id
LIMIT :limit
"""


def _skip_clause(column: str, channels: Iterable[str]) -> tuple[str, dict[str, str]]:
    """SQL leaving out the chats of ``channels`` (ids start with ``<channel>:``)."""
    params = {f"skip{index}": f"{channel}:" for index, channel in enumerate(channels)}
    clause = "".join(f" AND substr({column}, 1, length(:{name})) != :{name}" for name in params)
    return clause, params


class EnrolmentError(ValueError):
    """An enrolment the store refuses; ``key`` names the reason (labels in remind.yaml)."""

    def __init__(self, key: str, english: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(english)

    def message(self, lang: str = "zh") -> str:
        from bot.render import label

        return label(f"remind.error.{self.key}", lang, **self.values)  # type: ignore[arg-type]


def validate_unit_name(text: str) -> str:
    """A unit name, tidied: 1–100 characters, no control characters, inner spaces collapsed."""
    cleaned = " ".join(
        "".join(
            " " if unicodedata.category(char).startswith("C") else char for char in text
        ).split()
    )
    if not cleaned:
        raise EnrolmentError("name_empty", "the unit name is empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise EnrolmentError(
            "name_long",
            f"the unit name has {len(cleaned)} characters; at most {MAX_NAME_LENGTH} are allowed",
            length=len(cleaned),
            limit=MAX_NAME_LENGTH,
        )
    return cleaned


def epoch(moment: float | int | datetime) -> float:
    """UTC epoch seconds from epoch seconds or an aware datetime."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("datetimes must be time-zone aware")
        return moment.timestamp()
    return float(moment)


def _local(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, TZ)


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """A stored deadline as a chat sees it."""

    id: int
    unit_id: int
    kind: Kind
    due: date
    ref: str
    next_reminder_at: datetime | None
    reminders_left: int

    @property
    def deadline(self) -> Deadline:
        """The deadline with holiday adjustment and sentence (recomputed: the calendar may have
        been updated since enrolment)."""
        return rules.deadline(self.kind, self.due)


@dataclass(frozen=True, slots=True)
class UnitView:
    """An enrolled unit of one chat, with its deadlines in date order."""

    id: int
    chat_id: ChatId
    name: str
    credit_code: str | None
    event: Event
    date: date
    lang: str
    created_at: datetime
    deadlines: list[DeadlineView] = field(default_factory=list)
    enrolled_by: int | None = None  # the user who enrolled it (None: enrolled before this)


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder that is due, with what its message needs."""

    id: int
    deadline_id: int
    unit_id: int
    chat_id: ChatId
    offset_days: int | None
    send_at: float
    expires_at: float
    attempts: int
    next_attempt_at: float
    kind: Kind
    due: date
    name: str
    credit_code: str | None
    lang: str
    event: Event
    event_date: date

    @property
    def deadline(self) -> Deadline:
        return rules.deadline(self.kind, self.due)


def _due_reminder(row: dict[str, Any]) -> DueReminder:
    return DueReminder(
        id=row["id"],
        deadline_id=row["deadline_id"],
        unit_id=row["unit_id"],
        chat_id=row["chat_id"],
        offset_days=row["offset_days"],
        send_at=row["send_at"],
        expires_at=row["expires_at"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        kind=Kind(row["kind"]),
        due=date.fromisoformat(row["due"]),
        name=row["name"],
        credit_code=row["credit_code"],
        lang=row["lang"],
        event=Event(row["event"]),
        event_date=date.fromisoformat(row["date"]),
    )


class ReminderStore:
    """The reminder tables in one SQLite database (a file path, or a sqlite-utils Database,
    e.g. ``Database(memory=True)`` in tests)."""

    def __init__(self, db: Database | str | Path, *, readonly: bool = False) -> None:
        self.readonly = readonly
        if isinstance(db, Database):
            self.db = db
        else:
            self.db = Database(str(db))
            self.db.execute("PRAGMA busy_timeout = 5000")
            if str(db) != ":memory:":
                self.db.enable_wal()
        self._ensure_schema()

    def close(self) -> None:
        self.db.close()

    def busy_timeout(self, milliseconds: int) -> contextlib.AbstractContextManager[None]:
        """Within the block, wait at most ``milliseconds`` for another process's lock."""
        from bot.storage import busy_timeout

        return busy_timeout(self.db.conn, milliseconds)

    def _ensure_schema(self) -> None:
        """Create the tables and indexes if missing (idempotent; the database may be shared
        with the conversation store, so no global ``user_version`` is claimed)."""
        if self.readonly:
            return
        migrate_chat_ids(self.db)  # a database of an earlier release: before anything reads it
        if {"units", "deadlines", "reminders", "blocked_chats"} <= set(self.db.table_names()):
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(units)")}
            if "enrolled_by" not in columns:  # a database from before groups were guarded
                self.db.execute("ALTER TABLE units ADD COLUMN enrolled_by INTEGER")
            if "send_budget" not in self.db.table_names():
                self.db.execute(_BUDGET_SCHEMA)
            if not {"calendar_feeds", "email_targets"} <= set(self.db.table_names()):
                with self.db.atomic():
                    for statement in _LATER_SCHEMA.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
            return
        with self.db.atomic():
            for statement in (_SCHEMA + _LATER_SCHEMA).split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(_BUDGET_SCHEMA)

    def reserve_send_slot(self, now: float, interval: float) -> float:
        """Take the next free send slot shared by every process on this database; returns
        when it starts (``now`` or later). Slots are ``interval`` apart, whichever process
        takes them, so together the processes stay under the token's limit."""
        row = self.db.execute(
            "INSERT INTO send_budget (id, next_at) VALUES (1, :now + :interval) "
            "ON CONFLICT (id) DO UPDATE SET next_at = max(next_at, :now) + :interval "
            "RETURNING next_at",
            {"now": now, "interval": interval},
        ).fetchone()
        self.db.conn.commit()
        return float(row[0]) - interval

    # ------------------------------------------------------------------ enrolment

    def enrol(
        self,
        chat_id: ChatId | int,
        name: str,
        credit_code: str | None,
        event: Event | str,
        day: date,
        now: float | datetime,
        *,
        lang: str = "zh",
        offsets: tuple[int, ...] = schedule.OFFSETS,
        enrolled_by: int | None = None,
    ) -> int:
        """Enrol a unit for ``chat_id`` (by the user ``enrolled_by``); returns its id.

        Validates the name (:class:`EnrolmentError`), the credit code
        (:class:`bot.credit_code.CreditCodeError`) and the date
        (:class:`bot.reminders.rules.EventDateError`), computes the deadlines and plans the
        reminders still ahead. Enrolling the same name, event and date again in the same chat
        returns the existing id (a double tap on "confirm" enrols once). Enrolling also lifts a
        block recorded for the chat: it is clearly talking to the bot again.
        """
        chat_id = as_chat_id(chat_id)
        from bot import credit_code as credit

        moment = epoch(now)
        local_now = _local(moment)
        name = validate_unit_name(name)
        code = credit.validate(credit_code) if credit_code and credit_code.strip() else None
        kind = rules.to_event(event)
        rules.check_event_date(kind, day, local_now.date())
        lang = "en" if lang == "en" else "zh"
        deadlines = rules.deadlines_for(kind, day)

        with self.db.atomic():
            existing = self.db.execute(
                "SELECT id FROM units WHERE chat_id = ? AND name = ? AND event = ? AND date = ?",
                [chat_id, name, kind.value, day.isoformat()],
            ).fetchone()
            if existing:
                return int(existing[0])
            count = self.db.execute(
                "SELECT COUNT(*) FROM units WHERE chat_id = ?", [chat_id]
            ).fetchone()[0]
            if count >= MAX_UNITS_PER_CHAT:
                raise EnrolmentError(
                    "too_many",
                    f"this chat already follows {count} units; delete one first",
                    limit=MAX_UNITS_PER_CHAT,
                )
            self._unblock(chat_id, moment)
            unit_id = (
                self.db.table("units")
                .insert(
                    {
                        "chat_id": chat_id,
                        "name": name,
                        "credit_code": code,
                        "event": kind.value,
                        "date": day.isoformat(),
                        "lang": lang,
                        "created_at": moment,
                        "enrolled_by": enrolled_by,
                    }
                )
                .last_pk
            )
            for item in deadlines:
                expiry = schedule.expires_at(item.due).timestamp()
                deadline_id = (
                    self.db.table("deadlines")
                    .insert(
                        {
                            "unit_id": unit_id,
                            "chat_id": chat_id,
                            "kind": item.kind.value,
                            "due": item.due.isoformat(),
                            "holiday_adjusted": item.holiday_adjusted.isoformat()
                            if item.holiday_adjusted
                            else None,
                            "ref": item.ref,
                            "expires_at": expiry,
                        }
                    )
                    .last_pk
                )
                rows = [
                    {
                        "deadline_id": deadline_id,
                        "unit_id": unit_id,
                        "chat_id": chat_id,
                        "offset_days": planned.offset_days,
                        "send_at": planned.send_at.timestamp(),
                        "expires_at": expiry,
                        "status": PLANNED,
                        "attempts": 0,
                        "next_attempt_at": planned.send_at.timestamp(),
                    }
                    for planned in schedule.plan(item.due, local_now, offsets)
                ]
                if rows:
                    self.db.table("reminders").insert_all(rows)
        return int(unit_id)  # type: ignore[arg-type]

    def list_units(self, chat_id: ChatId | int) -> list[UnitView]:
        """The chat's units (oldest first), each with its deadlines and next reminder."""
        chat_id = as_chat_id(chat_id)
        units = list(self.db.query("SELECT * FROM units WHERE chat_id = ? ORDER BY id", [chat_id]))
        if not units:
            return []
        deadlines: dict[int, list[DeadlineView]] = {}
        upcoming = {
            row["deadline_id"]: row
            for row in self.db.query(
                "SELECT deadline_id, MIN(send_at) AS next_at, COUNT(*) AS left FROM reminders "
                "WHERE chat_id = ? AND status IN ('planned', 'sending') GROUP BY deadline_id",
                [chat_id],
            )
        }
        for row in self.db.query(
            "SELECT * FROM deadlines WHERE chat_id = ? ORDER BY due, id", [chat_id]
        ):
            info = upcoming.get(row["id"])
            deadlines.setdefault(row["unit_id"], []).append(
                DeadlineView(
                    id=row["id"],
                    unit_id=row["unit_id"],
                    kind=Kind(row["kind"]),
                    due=date.fromisoformat(row["due"]),
                    ref=row["ref"],
                    next_reminder_at=_local(info["next_at"]) if info else None,
                    reminders_left=info["left"] if info else 0,
                )
            )
        return [
            UnitView(
                id=row["id"],
                chat_id=row["chat_id"],
                name=row["name"],
                credit_code=row["credit_code"],
                event=Event(row["event"]),
                date=date.fromisoformat(row["date"]),
                lang=row["lang"],
                created_at=_local(row["created_at"]),
                deadlines=deadlines.get(row["id"], []),
                enrolled_by=row.get("enrolled_by"),
            )
            for row in units
        ]

    def get_unit(self, chat_id: ChatId | int, unit_id: int) -> UnitView | None:
        """One of the chat's units, or ``None`` (also for another chat's unit)."""
        chat_id = as_chat_id(chat_id)
        return next((unit for unit in self.list_units(chat_id) if unit.id == unit_id), None)

    def get_deadline(
        self, chat_id: ChatId | int, deadline_id: int
    ) -> tuple[UnitView, DeadlineView] | None:
        """One of the chat's deadlines with its unit (for the ``.ics`` download), or ``None``."""
        chat_id = as_chat_id(chat_id)
        row = self.db.execute(
            "SELECT unit_id FROM deadlines WHERE id = ? AND chat_id = ?", [deadline_id, chat_id]
        ).fetchone()
        if row is None:
            return None
        unit = self.get_unit(chat_id, row[0])
        if unit is None:
            return None
        found = next((item for item in unit.deadlines if item.id == deadline_id), None)
        return (unit, found) if found else None

    def delete_unit(self, chat_id: ChatId | int, unit_id: int) -> bool:
        """Delete one of the chat's units with its deadlines and reminders; ``False`` if the
        chat has no such unit (another chat's unit is never touched)."""
        chat_id = as_chat_id(chat_id)
        with self.db.atomic():
            owned = self.db.execute(
                "SELECT 1 FROM units WHERE id = ? AND chat_id = ?", [unit_id, chat_id]
            ).fetchone()
            if not owned:
                return False
            self._delete_unit_rows(unit_id)
        return True

    def _delete_unit_rows(self, unit_id: int) -> None:
        self.db.execute("DELETE FROM reminders WHERE unit_id = ?", [unit_id])
        self.db.execute("DELETE FROM deadlines WHERE unit_id = ?", [unit_id])
        self.db.execute("DELETE FROM calendar_feeds WHERE unit_id = ?", [unit_id])
        self.db.execute("DELETE FROM units WHERE id = ?", [unit_id])

    def delete_deadline(self, chat_id: ChatId | int, deadline_id: int) -> bool:
        """Stop one deadline of the chat's (its reminders go too); the unit stays, or goes when
        it was its last deadline."""
        chat_id = as_chat_id(chat_id)
        with self.db.atomic():
            row = self.db.execute(
                "SELECT unit_id FROM deadlines WHERE id = ? AND chat_id = ?",
                [deadline_id, chat_id],
            ).fetchone()
            if not row:
                return False
            self.db.execute("DELETE FROM reminders WHERE deadline_id = ?", [deadline_id])
            self.db.execute("DELETE FROM deadlines WHERE id = ?", [deadline_id])
            left = self.db.execute(
                "SELECT COUNT(*) FROM deadlines WHERE unit_id = ?", [row[0]]
            ).fetchone()[0]
            if not left:
                self._delete_unit_rows(row[0])
        return True

    def forget_chat(self, chat_id: ChatId | int) -> int:
        """Remove everything stored for the chat; returns how many units went."""
        chat_id = as_chat_id(chat_id)
        with self.db.atomic():
            count = self.db.execute(
                "SELECT COUNT(*) FROM units WHERE chat_id = ?", [chat_id]
            ).fetchone()[0]
            self.db.execute("DELETE FROM reminders WHERE chat_id = ?", [chat_id])
            self.db.execute("DELETE FROM deadlines WHERE chat_id = ?", [chat_id])
            self.db.execute("DELETE FROM units WHERE chat_id = ?", [chat_id])
            self.db.execute("DELETE FROM blocked_chats WHERE chat_id = ?", [chat_id])
            self.db.execute("DELETE FROM calendar_feeds WHERE chat_id = ?", [chat_id])
            self.db.execute("DELETE FROM email_targets WHERE chat_id = ?", [chat_id])
        return int(count)

    # ------------------------------------------------------------------ delivery

    def due_batch(
        self, now: float | datetime, limit: int = 100, skip_channels: Iterable[str] = ()
    ) -> list[DueReminder]:
        """Planned reminders due at ``now`` whose deadline has not passed, oldest first;
        none of chats on ``skip_channels`` (another process delivers those).

        A read: nothing is claimed (see :meth:`claim`)."""
        moment = epoch(now)
        skip, params = _skip_clause("r.chat_id", skip_channels)
        rows = self.db.query(
            _DUE_SQL.format(skip=skip), {"now": moment, "limit": int(limit), **params}
        )
        return [_due_reminder(row) for row in rows]

    def expire(self, now: float | datetime) -> int:
        """Mark due reminders whose deadline day is over ``expired``; returns how many."""
        moment = epoch(now)
        return self.db.execute(
            "UPDATE reminders SET status = 'expired', finished_at = :now "
            "WHERE status = 'planned' AND next_attempt_at <= :now AND expires_at <= :now",
            {"now": moment},
        ).rowcount

    def claim(self, reminder_id: int, now: float | datetime) -> bool:
        """Take a due reminder for sending (``planned`` → ``sending``), committed before the
        send. ``False`` when it is no longer due, was deleted, or someone else took it."""
        moment = epoch(now)
        cursor = self.db.execute(
            "UPDATE reminders SET status = 'sending', claimed_at = :now, "
            "attempts = attempts + 1 "
            "WHERE id = :id AND status = 'planned' AND next_attempt_at <= :now "
            "AND expires_at > :now",
            {"id": reminder_id, "now": moment},
        )
        return cursor.rowcount == 1

    mark_sending = claim

    def mark_sent(self, reminder_id: int, now: float | datetime) -> bool:
        """Record a finished send (``sending`` → ``sent``)."""
        return self._finish(reminder_id, SENT, epoch(now), None)

    def mark_dead(self, reminder_id: int, now: float | datetime, error: str) -> bool:
        """Give up on a reminder Telegram will never accept."""
        return self._finish(reminder_id, DEAD, epoch(now), error)

    def _finish(self, reminder_id: int, status: str, moment: float, error: str | None) -> bool:
        cursor = self.db.execute(
            "UPDATE reminders SET status = ?, finished_at = ?, last_error = ? "
            "WHERE id = ? AND status = 'sending'",
            [status, moment, error, reminder_id],
        )
        return cursor.rowcount == 1

    def reschedule(self, reminder_id: int, now: float | datetime, delay: float, error: str) -> bool:
        """Put a claimed reminder back to ``planned``, due again ``delay`` seconds from now."""
        moment = epoch(now)
        cursor = self.db.execute(
            "UPDATE reminders SET status = 'planned', next_attempt_at = ?, last_error = ?, "
            "claimed_at = NULL WHERE id = ? AND status = 'sending'",
            [moment + max(0.0, delay), error[:500], reminder_id],
        )
        return cursor.rowcount == 1

    def supersede(self, reminder_ids: Iterable[int], now: float | datetime) -> int:
        """Mark planned reminders ``superseded`` (a later one for the same deadline goes out)."""
        ids = list(reminder_ids)
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        return self.db.execute(
            f"UPDATE reminders SET status = 'superseded', finished_at = ? "
            f"WHERE status = 'planned' AND id IN ({marks})",
            [epoch(now), *ids],
        ).rowcount

    def deactivate_chat(
        self, chat_id: ChatId | int, now: float | datetime, reason: str = "blocked"
    ) -> int:
        """The chat blocked the bot: record it and make its reminders ``inactive``."""
        chat_id = as_chat_id(chat_id)
        moment = epoch(now)
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO blocked_chats (chat_id, blocked_at, reason) "
                "VALUES (?, ?, ?)",
                [chat_id, moment, reason[:200]],
            )
            return self.db.execute(
                "UPDATE reminders SET status = 'inactive', finished_at = ? "
                "WHERE chat_id = ? AND status IN ('planned', 'sending')",
                [moment, chat_id],
            ).rowcount

    def reactivate_chat(self, chat_id: ChatId | int, now: float | datetime) -> int:
        """The chat talks to the bot again: its inactive reminders are planned again (those
        whose time has come go out at once, unless their deadline has passed)."""
        chat_id = as_chat_id(chat_id)
        with self.db.atomic():
            return self._unblock(chat_id, epoch(now))

    def _unblock(self, chat_id: ChatId, moment: float) -> int:
        self.db.execute("DELETE FROM blocked_chats WHERE chat_id = ?", [chat_id])
        return self.db.execute(
            "UPDATE reminders SET status = 'planned', finished_at = NULL, claimed_at = NULL, "
            "next_attempt_at = MAX(send_at, ?) WHERE chat_id = ? AND status = 'inactive' "
            "AND expires_at > ?",
            [moment, chat_id, moment],
        ).rowcount

    def is_blocked(self, chat_id: ChatId | int) -> bool:
        chat_id = as_chat_id(chat_id)
        return (
            self.db.execute("SELECT 1 FROM blocked_chats WHERE chat_id = ?", [chat_id]).fetchone()
            is not None
        )

    def recover_stale(self, now: float | datetime, lease: float = DEFAULT_LEASE_SECONDS) -> int:
        """Reminders left in ``sending`` by a process that died (claim older than ``lease``)
        go back to ``planned``, due at once. Returns how many."""
        moment = epoch(now)
        return self.db.execute(
            "UPDATE reminders SET status = 'planned', next_attempt_at = :now, claimed_at = NULL, "
            "last_error = 'interrupted while sending' "
            "WHERE status = 'sending' AND claimed_at <= :cutoff",
            {"now": moment, "cutoff": moment - lease},
        ).rowcount

    def next_wake_at(
        self, lease: float = DEFAULT_LEASE_SECONDS, skip_channels: Iterable[str] = ()
    ) -> float | None:
        """When something next needs the loop: the earliest planned reminder (not counting
        chats on ``skip_channels``), or the moment the oldest claim goes stale."""
        skip, params = _skip_clause("chat_id", skip_channels)
        planned = self.db.execute(
            f"SELECT MIN(next_attempt_at) FROM reminders WHERE status = 'planned' {skip}", params
        ).fetchone()[0]
        claimed = self.db.execute(
            "SELECT MIN(claimed_at) FROM reminders WHERE status = 'sending'"
        ).fetchone()[0]
        times = [planned] if planned is not None else []
        if claimed is not None:
            times.append(claimed + lease)
        return min(times) if times else None

    def status_counts(self) -> dict[str, int]:
        """How many reminders are in each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for status, count in self.db.execute(
            "SELECT status, COUNT(*) FROM reminders GROUP BY status"
        ).fetchall():
            counts[status] = count
        return counts

    def reminder(self, reminder_id: int) -> dict[str, Any] | None:
        """The raw row of one reminder (for tests and diagnostics)."""
        rows = list(self.db.query("SELECT * FROM reminders WHERE id = ?", [reminder_id]))
        return rows[0] if rows else None
