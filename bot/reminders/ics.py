"""Deadlines as iCalendar files (RFC 5545, written with ``icalendar``).

Each deadline is an all-day event on its due day (the unadjusted last day, which reminders aim
at), in Asia/Shanghai, with two alarms: 09:00 seven days before and 09:00 on the day. The UID is
stable per unit and deadline kind, so downloading again updates the entry instead of adding one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.dates import TZ
from bot.reminders.rules import Deadline
from bot.render import Lang, label

PRODID = "-//greenbot//Beijing green manufacturing deadlines//ZH"
UID_DOMAIN = "greenbot"
# Alarm triggers relative to the start of an all-day event (00:00 on the due day).
ALARMS = (-timedelta(days=6, hours=15), timedelta(hours=9))


def uid_for(seed: str, kind: str) -> str:
    """A stable UID: the same unit (``seed``) and kind always give the same one."""
    return f"{seed}-{kind}@{UID_DOMAIN}"


def calendar_ics(
    deadlines: Iterable[Deadline],
    *,
    uid_seed: str,
    unit_name: str | None = None,
    lang: Lang = "zh",
    now: datetime | None = None,
) -> bytes:
    """One calendar holding an event for each deadline."""
    from icalendar import Alarm, Calendar, Event

    from bot.refs import ref_label
    from bot.reminders.messages import calendar_note

    stamp = (now or datetime.now(TZ)).astimezone(TZ)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for item in deadlines:
        kind_label = label(f"remind.kind.{item.kind.value}", lang)
        summary = (
            label("remind.ics.summary", lang, kind=kind_label, name=unit_name)
            if unit_name
            else kind_label
        )
        lines = [f"{label(f'remind.sense.{item.sense}', lang)}: {item.due.isoformat()}"]
        if item.holiday_adjusted:
            lines.append(label("remind.adjusted", lang, date=item.holiday_adjusted.isoformat()))
        lines.append(f"{ref_label(item.ref, lang, short=True)} ({item.ref}): {item.text}")
        note = calendar_note(item, lang)
        if note:
            lines.append(note)
        event = Event()
        event.add("uid", uid_for(uid_seed, item.kind.value))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", "\n".join(lines))
        event.add("categories", ["greenbot", item.ref])
        event.add("transp", "TRANSPARENT")
        for trigger in ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add(
                "description",
                label("remind.ics.alarm", lang, kind=kind_label, due=item.due.isoformat()),
            )
            alarm.add("trigger", trigger)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def deadline_ics(
    deadline: Deadline,
    *,
    unit_id: int,
    unit_name: str | None = None,
    lang: Lang = "zh",
    now: datetime | None = None,
) -> tuple[str, bytes]:
    """``(filename, data)`` of an ``.ics`` for one enrolled deadline (sent as a document)."""
    data = calendar_ics(
        [deadline], uid_seed=f"unit-{unit_id}", unit_name=unit_name, lang=lang, now=now
    )
    return ics_filename(deadline), data


def ics_filename(deadline: Deadline) -> str:
    """``apply_name_change-2026-03-02.ics``: ASCII, safe in every client."""
    return f"{deadline.kind.value}-{deadline.due.isoformat()}.ics"
