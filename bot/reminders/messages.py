"""Reminder texts: the data each template needs, and the rendering calls.

Templates (``bot/templates/<lang>/``):

* ``reminder.html.j2`` — the reminder message sent to a chat.
* ``deadlines.html.j2`` — the computed deadlines and reminder schedule shown before "confirm".
* ``reminders_list.html.j2`` — ``/reminders``: the chat's units and deadlines.
* ``deadlines.txt.j2`` / ``reminders_due.txt.j2`` — CLI output.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.credit_code import CreditCodeError
from bot.dates import TZ
from bot.refs import ref_label
from bot.reminders import holidays
from bot.reminders.rules import Deadline, Event, EventDateError
from bot.reminders.schedule import Planned
from bot.reminders.store import DueReminder, EnrolmentError, UnitView
from bot.render import Lang, label, normalize_lang, render

# -- domain findings in words: the rules give codes and values, these give the sentences ------


def credit_code_problem(error: CreditCodeError, lang: str = "zh") -> str:
    """Why a code is not a unified social credit code (``remind.code.*``)."""
    language: Lang = normalize_lang(lang)
    values: dict[str, object] = {}
    if error.reason == "length":
        values = {"length": error.length}
    elif error.reason == "character":
        values = {"position": error.position, "char": error.char}
    elif error.reason in ("check", "org_check"):
        values = {"char": error.char, "expected": error.expected}
    text = label(f"remind.code.{error.reason}", language, **values)
    if error.reason == "character" and error.suggestion:
        text += label("remind.code.suggestion", language, suggestion=error.suggestion)
    return text


def event_date_problem(error: EventDateError, lang: str = "zh") -> str:
    """Why a day cannot be the date of this event (it has not happened yet)."""
    language: Lang = normalize_lang(lang)
    return label(
        "remind.error.future_event",
        language,
        event=label(f"remind.event.{error.event.value}", language),
        date=error.day.isoformat(),
        today=error.today.isoformat(),
    )


def explain(error: CreditCodeError | EventDateError | EnrolmentError, lang: str = "zh") -> str:
    """A refused enrolment, credit code or event date, in the user's language."""
    if isinstance(error, CreditCodeError):
        return credit_code_problem(error, lang)
    if isinstance(error, EventDateError):
        return event_date_problem(error, lang)
    return error.message(lang)


def calendar_note(deadline: Deadline, lang: str = "zh") -> str | None:
    """A sentence saying the official holiday schedule was not used, or ``None``."""
    if deadline.official_calendar:
        return None
    year = deadline.uncovered_year or deadline.due.year
    key = (
        "remind.note.calendar_not_out"
        if year > holidays.last_covered_year()
        else "remind.note.calendar_not_covered"
    )
    return label(key, normalize_lang(lang), year=year)


def when_label(offset_days: int | None, lang: Lang = "zh") -> str:
    """How far ahead of the deadline a reminder goes out."""
    if offset_days is None:
        return label("remind.when.now", lang)
    if offset_days == 0:
        return label("remind.when.on_day", lang)
    if offset_days == 1:
        return label("remind.when.day_before", lang)
    return label("remind.when.before", lang, days=offset_days)


def deadline_view(item: Deadline, lang: Lang = "zh", today: date | None = None) -> dict[str, Any]:
    """What a template shows of one deadline."""
    return {
        "kind": item.kind.value,
        "kind_label": label(f"remind.kind.{item.kind.value}", lang),
        "sense": item.sense,
        "sense_label": label(f"remind.sense.{item.sense}", lang),
        "due": item.due.isoformat(),
        "holiday_adjusted": item.holiday_adjusted.isoformat() if item.holiday_adjusted else None,
        "adjusted_text": label("remind.adjusted", lang, date=item.holiday_adjusted.isoformat())
        if item.holiday_adjusted
        else None,
        "closed_text": label("remind.closed", lang) if item.closed else None,
        "ref": item.ref,
        "article": ref_label(item.ref, lang, short=True),
        "text": item.text,
        "note": calendar_note(item, lang),
        "days_left": (item.due - today).days if today is not None else None,
    }


def _notes(views: list[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for view in views:
        if view["note"] and view["note"] not in seen:
            seen.append(view["note"])
    return seen


def render_deadlines_text(
    event: Event,
    day: date,
    deadlines: list[Deadline],
    lang: Lang = "zh",
    year_assumed: bool = False,
) -> str:
    """``greenbot deadlines`` without ``--json``; ``year_assumed``: the date was typed without
    a year, and the output says which was taken."""
    views = [deadline_view(item, lang) for item in deadlines]
    return render(
        "deadlines.txt.j2",
        lang,
        event=event.value,
        event_label=label(f"remind.event.{event.value}", lang),
        date=day.isoformat(),
        deadlines=views,
        notes=([year_note(event, day, lang)] if year_assumed else []) + _notes(views),
    )


def year_note(event: Event, day: date, lang: Lang = "zh") -> str:
    """Which year was taken for a date typed without one (11月10日)."""
    from bot.reminders.rules import NOTICE_EVENTS

    side = "future" if event in NOTICE_EVENTS else "past"
    return label(f"remind.note.year_assumed_{side}", lang, date=day.isoformat(), year=day.year)


def render_preview(
    name: str,
    credit_code: str | None,
    event: Event,
    day: date,
    plans: list[tuple[Deadline, list[Planned]]],
    lang: Lang = "zh",
) -> str:
    """The confirm step of ``/remind``: deadlines, their articles, and the reminders planned
    (``plans`` from :func:`bot.reminders.schedule.plan_all`)."""
    views = []
    for item, planned in plans:
        view = deadline_view(item, lang)
        view["schedule"] = [
            {
                "when": when_label(entry.offset_days, lang),
                "at": entry.send_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            }
            for entry in planned
        ]
        view["none_left"] = label("remind.none_left", lang)
        views.append(view)
    return render(
        "deadlines.html.j2",
        lang,
        unit=name,
        credit_code=credit_code,
        event_label=label(f"remind.event.{event.value}", lang),
        date=day.isoformat(),
        deadlines=views,
        notes=_notes(views),
    )


def render_units(
    units: list[UnitView],
    lang: Lang = "zh",
    *,
    start: int = 0,
    total: int | None = None,
    now: datetime | None = None,
    delivers: bool = True,
    channel: str = "telegram",
) -> str:
    """``/reminders``: the chat's units, deadlines and next reminders. For one page of a longer
    list, ``start`` is how many units come before it and ``total`` how many there are.

    A reminder whose time is ``now`` or past is shown as due now, never as a past "next" time;
    without delivery (``delivers`` false: the console) the list says where reminders go."""
    shown = []
    for unit in units:
        deadlines = []
        for stored in unit.deadlines:
            view = deadline_view(stored.deadline, lang)
            view["id"] = stored.id
            view["next_at"] = (
                stored.next_reminder_at.strftime("%Y-%m-%d %H:%M")
                if stored.next_reminder_at
                else None
            )
            at = stored.next_reminder_at
            view["due_now"] = (
                now is not None and at is not None and (at < now or (not delivers and at <= now))
            )
            deadlines.append(view)
        shown.append(
            {
                "id": unit.id,
                "name": unit.name,
                "credit_code": unit.credit_code,
                "event_label": label(f"remind.event.{unit.event.value}", lang),
                "date": unit.date.isoformat(),
                "deadlines": deadlines,
            }
        )
    return render(
        "reminders_list.html.j2",
        lang,
        channel=channel,
        units=shown,
        start=start,
        total=len(shown) if total is None else total,
        delivers=delivers,
    )


def render_reminder(item: DueReminder, now: float) -> str:
    """The reminder message for a due reminder, in the language the unit was enrolled in."""
    lang = normalize_lang(item.lang)
    today = datetime.fromtimestamp(now, TZ).date()
    view = deadline_view(item.deadline, lang, today)
    return render(
        "reminder.html.j2",
        lang,
        unit=item.name,
        credit_code=item.credit_code,
        event_label=label(f"remind.event.{item.event.value}", lang),
        event_date=item.event_date.isoformat(),
        d=view,
    )


def render_due_text(items: list[DueReminder], now: float, lang: Lang = "zh") -> str:
    """``greenbot remind --once --dry-run``: what would be sent."""
    rows = [
        {
            "id": item.id,
            "chat_id": item.chat_id,
            "name": item.name,
            "kind_label": label(f"remind.kind.{item.kind.value}", lang),
            "due": item.due.isoformat(),
            "when": when_label(item.offset_days, lang),
            "planned": datetime.fromtimestamp(item.send_at, TZ).strftime("%Y-%m-%d %H:%M"),
            "attempts": item.attempts,
        }
        for item in items
    ]
    at = datetime.fromtimestamp(now, TZ).strftime("%Y-%m-%d %H:%M")
    return render("reminders_due.txt.j2", lang, rows=rows, now=at)
