"""/remind (the 期限提醒 menu button): enrol a unit for deadline reminders.

The flow is declared in :data:`STEPS`, each step once: its question, its answers, when it is
skipped; its state diagram, generated from the declaration, is ``remind.md`` beside this module.
After an edit the flow asks only what is missing (each step skips itself once answered):
changing the event also asks for the date again, since what a date may be depends on the event.

The state (:class:`RemindState`: ``step`` plus the answers so far) is kept as JSON in SQLite by
the engine, so a restarted bot carries on at the same step.

On 确认 the unit goes to the :class:`~bot.reminders.store.ReminderStore` in
``services.reminders``; when a reminder is due at once (a deadline closer than 30 days)
``services.reminders_wake`` is set so the delivery loop sends it now. "Now" is
``services.clock`` (a :class:`~bot.reminders.clock.Clock`; tests set a
:class:`~bot.reminders.clock.ManualClock`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import model_validator

from bot import credit_code
from bot.dates import DateInputError
from bot.dialogs.flow import (
    Ask,
    Choice,
    Done,
    FlowState,
    Reask,
    ResumableFlow,
    Typed,
    answered,
    cancel_choice,
    only_by_goto,
)
from bot.engine import Button, Context, Outgoing, keyboard
from bot.reminders import rules
from bot.reminders.messages import explain, render_preview
from bot.reminders.routing import sent_to
from bot.reminders.rules import Event, EventDateError
from bot.reminders.schedule import plan_all
from bot.reminders.store import EnrolmentError, ReminderStore, validate_unit_name
from bot.render import Lang, label

EVENTS: tuple[Event, ...] = tuple(Event)
# Typed instead of tapping 跳过 at the credit-code step.
SKIP_WORDS = frozenset({"跳过", "无", "没有", "不填", "略过", "skip", "none", "no", "-", "—"})
# Quick picks at the date step (past events only: a notice's day is read off the notice).
QUICK_DAYS = {"today": 0, "yesterday": 1}


def date_error_message(error: DateInputError, text: str, lang: str) -> str:
    """Why a typed date was refused, in the user's language.

    :class:`~bot.reminders.rules.EventDateError` has its own translation; the other
    :class:`~bot.dates.DateInputError` carries its reason, told here with this flow's labels."""

    if isinstance(error, EventDateError):
        return explain(error, lang)
    if error.reason == "unreadable":
        return label("remind.chat.date.unreadable", lang, text=text.strip()[:40])  # type: ignore[arg-type]
    return label(f"remind.chat.date.{error.reason}", lang, **error.values)  # type: ignore[arg-type]


def delivers_reminders(ctx: Context) -> bool:
    """False where nothing is sent to this chat (the offline console, a web chat without a
    confirmed address): reminders are only stored there."""
    return sent_to(ctx.chat_id, ctx.services.reminders, ctx.services.delivers_reminders)


def due_now(next_at: datetime | None, now: datetime, delivers: bool) -> bool:
    """Whether a reminder is shown as due now rather than at its time: a time already past
    is never a "next" reminder, and without delivery one planned for this moment waits too."""
    return next_at is not None and (next_at < now or (not delivers and next_at <= now))


def _store(ctx: Context) -> ReminderStore:
    return ctx.services.reminders


class RemindState(FlowState):
    """The answers so far; ``code_done`` tells a skipped credit code from one not asked yet."""

    name: str | None = None
    code: str | None = None
    code_done: bool = False
    event: Event | None = None
    date: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> RemindState:
        """Each step has the answers it shows (a damaged state is refused, then restarted)."""
        needs = {"code": 1, "event": 1, "date": 2, "preview": 4, "edit": 4}.get(self.step, 0)
        have = [self.name, self.event if self.code_done else None, self.event, self.date]
        if not all(value is not None for value in have[:needs]):
            raise ValueError(f"step {self.step} without its answers")
        return self

    def the_event(self) -> Event:
        if self.event is None:
            raise ValueError("no event yet")
        return self.event


# -- taking answers ---------------------------------------------------------------------------


def _name(ctx: Context, state: RemindState, text: str) -> str | Reask:
    try:
        return validate_unit_name(text)
    except EnrolmentError as error:
        return Reask(explain(error, ctx.lang))


def _code(ctx: Context, state: RemindState, text: str) -> str | Reask | None:
    if text.strip().lower() in SKIP_WORDS:
        return None
    try:
        return credit_code.validate(text)
    except credit_code.CreditCodeError as error:
        return Reask(explain(error, ctx.lang))


def _typed_event(ctx: Context, state: RemindState, text: str) -> Event | Reask:
    typed = text.strip().lower()
    for number, event in enumerate(EVENTS, start=1):
        names = {str(number), event.value, ctx.label(f"remind.event.{event.value}").lower()}
        if typed in names:
            return event
    return Reask(ctx.label("remind.chat.not_event", count=len(EVENTS)))


def _date(ctx: Context, state: RemindState, text: str) -> str | Reask:
    from bot.dates import parse_date

    # 11月10日 (no year): the most recent such day for an event, the next for a notice
    notice = state.the_event() in rules.NOTICE_EVENTS
    try:
        day = parse_date(text, ctx.services.now().date(), "future" if notice else "past")
    except DateInputError as error:
        return Reask(date_error_message(error, text, ctx.lang))
    return _day(ctx, state, day)


def _day(ctx: Context, state: RemindState, day: date) -> str | Reask:
    event = state.the_event()
    today = ctx.services.now().date()
    try:
        rules.check_event_date(event, day, today)
    except EventDateError as error:
        return Reask(explain(error, ctx.lang))
    if event in rules.NOTICE_EVENTS and day < today:
        reason = ctx.label(
            "remind.chat.date.notice_past",
            event=ctx.label(f"remind.event.{event.value}"),
            date=day.isoformat(),
            today=today.isoformat(),
        )
        return Reask(reason)
    return day.isoformat()


def _quick_day(days_ago: int) -> Callable[[Context, RemindState], RemindState | Reask]:
    """今天 / 昨天 at the date step."""

    def take(ctx: Context, state: RemindState) -> RemindState | Reask:
        day = _day(ctx, state, ctx.services.now().date() - timedelta(days=days_ago))
        return day if isinstance(day, Reask) else state.model_copy(update={"date": day})

    return take


def _is_past_event(state: RemindState) -> bool:
    return state.event is not None and state.the_event() not in rules.NOTICE_EVENTS


# -- what each step shows ---------------------------------------------------------------------


def _events(ctx: Context) -> list[dict[str, str]]:
    return [
        {"value": event.value, "label": ctx.label(f"remind.event.{event.value}")}
        for event in EVENTS
    ]


def _event_caption(number: int, event: Event) -> Callable[[Lang], str]:
    return lambda lang: f"{number}. {label(f'remind.event.{event.value}', lang)}"


def _date_values(ctx: Context, state: RemindState) -> dict[str, Any]:
    event = state.the_event()
    notice = event in rules.NOTICE_EVENTS
    return {
        "event_label": ctx.label(f"remind.event.{event.value}"),
        "prompt": ctx.label(f"remind.date_prompt.{event.value}"),
        "quick": not notice,
        "notice": notice,
    }


def _preview(ctx: Context, state: RemindState, error: str | None) -> str:
    plans = _plans(ctx, state)
    text = render_preview(
        state.name or "",
        state.code,
        state.the_event(),
        date.fromisoformat(state.date or ""),
        plans,
        ctx.lang,
    )
    if not any(planned for _, planned in plans):
        text += "\n\n" + html.escape(ctx.label("remind.chat.none_planned"), quote=False)
    if error:
        text = f"⚠️ {html.escape(error, quote=False)}\n\n{text}"
    return text


def _use_buttons(ctx: Context, state: RemindState, text: str) -> Reask:
    return Reask(ctx.label("remind.chat.use_buttons"))


CANCEL = cancel_choice("remind.button.cancel")

# The flow, each step once, in the order asked; after an answer the first step not skipped.
STEPS: tuple[Ask[RemindState], ...] = (
    Ask(
        "name",
        "remind_ask_name.html.j2",
        values=lambda ctx, state: {"delivers": delivers_reminders(ctx)},
        buttons=[[CANCEL]],
        typed=Typed(_name, into="name"),
        skip=answered("name"),
    ),
    Ask(
        "code",
        "remind_ask_code.html.j2",
        values=lambda ctx, state: {"unit": state.name},
        buttons=[
            [
                Choice("skip", "remind.button.skip_code", sets={"code": None, "code_done": True}),
                CANCEL,
            ]
        ],
        typed=Typed(_code, into="code", sets={"code_done": True}),
        skip=lambda state: state.code_done,
    ),
    Ask(
        "event",
        "remind_ask_event.html.j2",
        values=lambda ctx, state: {"unit": state.name, "code": state.code, "events": _events(ctx)},
        buttons=[
            *(
                [
                    Choice(
                        f"event:{event.value}",
                        _event_caption(number, event),
                        sets={"event": event, "date": None},
                    )
                ]
                for number, event in enumerate(EVENTS, start=1)
            ),
            [CANCEL],
        ],
        typed=Typed(_typed_event, into="event", sets={"date": None}),
        skip=answered("event"),
    ),
    Ask(
        "date",
        "remind_ask_date.html.j2",
        values=_date_values,
        buttons=[
            [
                Choice("day:today", "remind.button.today", then=_quick_day(0), when=_is_past_event),
                Choice(
                    "day:yesterday",
                    "remind.chat.button.yesterday",
                    then=_quick_day(1),
                    when=_is_past_event,
                ),
            ],
            [CANCEL],
        ],
        typed=Typed(_date, into="date"),
        skip=answered("date"),
    ),
    Ask(
        "preview",
        _preview,
        buttons=[
            [
                Choice(
                    "confirm", "remind.button.confirm", end=lambda ctx, state: _confirm(ctx, state)
                )
            ],
            [Choice("edit", "remind.chat.button.edit", goto="edit"), CANCEL],
        ],
        typed=Typed(_use_buttons),
    ),
    Ask(
        "edit",
        "remind_edit.html.j2",
        buttons=[
            [
                Choice("field:name", "remind.chat.field.name", sets={"name": None}, goto="name"),
                Choice(
                    "field:code", "remind.chat.field.code", sets={"code_done": False}, goto="code"
                ),
            ],
            [
                Choice(
                    "field:event",
                    "remind.chat.field.event",
                    sets={"event": None, "date": None},
                    goto="event",
                ),
                Choice("field:date", "remind.chat.field.date", sets={"date": None}, goto="date"),
            ],
            [Choice("back", "remind.chat.button.back", goto="preview"), CANCEL],
        ],
        skip=only_by_goto,
    ),
)


class RemindDialog(ResumableFlow[RemindState]):
    """Name → credit code → event → date → preview → enrolled (see :data:`STEPS`)."""

    name = "remind"
    command = "remind"
    menu_key = "rm"
    state_type = RemindState
    steps = STEPS

    def begin_with(self, args: str) -> str | None:
        # /remind 北京某某有限公司: the name given with the command
        return args if args.strip() else None

    def migrate(self, stored: dict[str, Any]) -> dict[str, Any] | None:
        # Before versions the state had the same fields, without "v".
        return stored if "v" not in stored and isinstance(stored.get("step"), str) else None


def _plans(ctx: Context, state: RemindState) -> list[Any]:
    event = state.the_event()
    day = date.fromisoformat(state.date or "")
    return plan_all(rules.deadlines_for(event, day), ctx.services.now())


# -- enrolling --------------------------------------------------------------------------------


def _confirm(ctx: Context, state: RemindState) -> Done:
    store = _store(ctx)
    now = ctx.services.now()
    event = state.the_event()
    day = date.fromisoformat(state.date or "")
    known = {unit.id for unit in store.list_units(ctx.chat_id)}
    try:
        unit_id = store.enrol(
            ctx.chat_id,
            state.name or "",
            state.code,
            event,
            day,
            now,
            lang=ctx.lang,
            enrolled_by=ctx.user_id,
        )
    except (EnrolmentError, credit_code.CreditCodeError, EventDateError) as error:
        text = ctx.render("remind_failed.html.j2", error=explain(error, ctx.lang))
        return Done([Outgoing(text, ctx.main_menu())])
    unit = store.get_unit(ctx.chat_id, unit_id)
    if unit is None:  # deleted between the two statements: nothing to show
        return Done([Outgoing(ctx.render("reminders_gone.html.j2"), ctx.main_menu())])
    immediate = any(entry.immediate for _, planned in _plans(ctx, state) for entry in planned)
    if immediate and unit_id not in known:
        ctx.services.reminders_wake.set()
    deadlines = [
        {
            "id": item.id,
            "kind_label": ctx.label(f"remind.kind.{item.kind.value}"),
            "sense_label": ctx.label(f"remind.sense.{item.deadline.sense}"),
            "due": item.due.isoformat(),
            "next_at": item.next_reminder_at.strftime("%Y-%m-%d %H:%M")
            if item.next_reminder_at
            else None,
            "due_now": due_now(item.next_reminder_at, now, delivers_reminders(ctx)),
            "left": item.reminders_left,
        }
        for item in unit.deadlines
    ]
    text = ctx.render(
        "remind_done.html.j2",
        unit=unit.name,
        code=unit.credit_code,
        event_label=ctx.label(f"remind.event.{unit.event.value}"),
        date=unit.date.isoformat(),
        deadlines=deadlines,
        again=unit_id in known,
        immediate=immediate and unit_id not in known,
        delivers=delivers_reminders(ctx),
    )
    from bot.handlers.reminder_feeds import issue_text, offers_feeds

    if offers_feeds(ctx):  # nothing is pushed here: the calendar subscription instead
        text += "\n\n" + issue_text(ctx, unit)
    rows: list[list[Button]] = [
        [Button(ctx.label("remind.button.ics", kind=item["kind_label"]), f"r:ics:{item['id']}")]
        for item in deadlines
    ]
    rows.append([Button(ctx.label("remind.chat.button.list"), "r:page:0")])
    return Done([Outgoing(text, keyboard(*rows))])
