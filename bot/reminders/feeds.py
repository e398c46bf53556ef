"""Private iCalendar subscriptions: one secret URL per enrolled unit, polled by calendar apps.

Whoever has the URL reads the unit's deadlines, so the token in it is the only key: 128 random
bits and more (``secrets.token_urlsafe``), shown only in the chat that enrolled the unit, and
revocable there (a revoked or unknown token is simply not found; nothing tells them apart).
The calendar is made afresh on every request, so it always shows the current dates.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime

from bot.identity import ChatId, as_chat_id
from bot.reminders.store import ReminderStore, epoch

TOKEN_BYTES = 24  # 192 bits; 32 URL-safe characters
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")
PUBLIC_URL_ENV = "GREENBOT_PUBLIC_URL"


class CalendarFeeds:
    """The ``calendar_feeds`` table of a :class:`ReminderStore`."""

    def __init__(self, store: ReminderStore) -> None:
        self.store = store
        self.db = store.db

    def token(self, chat_id: ChatId | int, unit_id: int) -> str | None:
        """The unit's live token, if it has one (and the unit is the chat's)."""
        row = self.db.execute(
            "SELECT token FROM calendar_feeds WHERE chat_id = ? AND unit_id = ? "
            "AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
            [as_chat_id(chat_id), unit_id],
        ).fetchone()
        return str(row[0]) if row else None

    def issue(self, chat_id: ChatId | int, unit_id: int, now: float | datetime) -> str | None:
        """The unit's live token, made if it has none; ``None`` if the chat has no such unit."""
        chat_id = as_chat_id(chat_id)
        with self.db.atomic():
            if self.store.get_unit(chat_id, unit_id) is None:
                return None
            existing = self.token(chat_id, unit_id)
            if existing:
                return existing
            token = secrets.token_urlsafe(TOKEN_BYTES)
            self.db.execute(
                "INSERT INTO calendar_feeds (token, chat_id, unit_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                [token, chat_id, unit_id, epoch(now)],
            )
        return token

    def revoke(self, chat_id: ChatId | int, unit_id: int, now: float | datetime) -> bool:
        """Revoke the unit's live token; ``False`` when there was none."""
        with self.db.atomic():
            return (
                self.db.execute(
                    "UPDATE calendar_feeds SET revoked_at = ? WHERE chat_id = ? AND unit_id = ? "
                    "AND revoked_at IS NULL",
                    [epoch(now), as_chat_id(chat_id), unit_id],
                ).rowcount
                > 0
            )

    def calendar(self, token: str, now: datetime | None = None) -> bytes | None:
        """The current ``.ics`` of the unit behind ``token``; ``None`` for a token that is
        unknown, revoked, malformed or whose unit is gone."""
        from bot.reminders.ics import calendar_ics

        if not _TOKEN.fullmatch(token):
            return None
        row = self.db.execute(
            "SELECT chat_id, unit_id FROM calendar_feeds WHERE token = ? AND revoked_at IS NULL",
            [token],
        ).fetchone()
        if row is None:
            return None
        unit = self.store.get_unit(row[0], row[1])
        if unit is None:
            return None
        return calendar_ics(
            [view.deadline for view in unit.deadlines],
            uid_seed=f"unit-{unit.id}",
            unit_name=unit.name,
            lang="en" if unit.lang == "en" else "zh",
            now=now,
        )


def public_url(configured: str | None = None) -> str | None:
    """The base URL the server is reached at (``GREENBOT_PUBLIC_URL``), without a final ``/``;
    ``None`` if unset or not an http(s) URL."""
    value = (configured or os.environ.get(PUBLIC_URL_ENV) or "").strip().rstrip("/")
    return value if re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value) else None


def feed_links(base: str, token: str) -> tuple[str, str]:
    """``(https URL, webcal URL)`` of a subscription."""
    url = f"{base}/cal/{token}.ics"
    return url, re.sub(r"^https?://", "webcal://", url)
