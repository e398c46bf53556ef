"""/remind (the 期限提醒 menu button): enrol a unit for deadline reminders.

State diagram::

    /remind [name] (or the 期限提醒 menu button)
        │
        v
     [name] ──valid──> [code] ──valid or 跳过──> [event] ──button──> [date] ──valid──> [preview]
      ^  │               ^  │                                        ^  │
      └──┘ invalid:      └──┘ invalid: the reason                    └──┘ refused, with the reason:
           the reason                                                     impossible; a past event
                                                                          after today; a notice
                                                                          day already over

    [preview] ──确认──> enrolled: summary, one .ics button per deadline (the flow ends)
              ──修改──> [edit] ──name / code / date──> that question, then [preview]
                               ──event──> [event], then [date], then [preview]
                               ──返回确认──> [preview]
    取消 at any step, or /cancel ──> nothing saved (the flow ends)

The state is plain JSON (``step`` plus the answers so far), kept in SQLite by the engine, so a
restarted bot carries on at the same step. After an edit the dialog asks only what is missing:
changing the event also asks for the date again, since what a date may be depends on the event.

On 确认 the unit goes to the :class:`~bot.reminders.store.ReminderStore` in
``services.extras["reminders"]``; when a reminder is due at once (a deadline closer than 30
days) ``services.extras["reminders_wake"]`` is set so the delivery loop sends it now. "Now" is
``services.extras["clock"]`` when present (a :class:`~bot.reminders.clock.Clock`; tests set
a :class:`~bot.reminders.clock.ManualClock`), else the system time.
"""

from __future__ import annotations

import html
import time
from datetime import date, datetime, timedelta
from typing import Any

from bot import credit_code
from bot.dates import TZ, DateInputError
from bot.engine import Button, Context, ForgedButton, Outgoing, Step, keyboard
from bot.reminders import rules
from bot.reminders.messages import render_preview
from bot.reminders.rules import Event, EventDateError
from bot.reminders.schedule import plan_all
from bot.reminders.store import EnrolmentError, ReminderStore, validate_unit_name

EVENTS: tuple[Event, ...] = tuple(Event)
# Typed instead of tapping 跳过 at the credit-code step.
SKIP_WORDS = frozenset({"跳过", "无", "没有", "不填", "略过", "skip", "none", "no", "-", "—"})
# Quick picks at the date step (past events only: a notice's day is read off the notice).
QUICK_DAYS = {"today": 0, "yesterday": 1}
_FIELDS = ("name", "code", "event", "date")


def now_of(ctx: Context) -> datetime:
    """The current moment in Asia/Shanghai, from the injected clock if there is one."""
    clock = ctx.services.extras.get("clock")
    moment = clock.now() if clock is not None else time.time()
    return datetime.fromtimestamp(moment, TZ)


def date_error_message(error: DateInputError, text: str, lang: str) -> str:
    """Why a typed date was refused, in the user's language.

    :class:`~bot.reminders.rules.EventDateError` has its own translation; the other
    :class:`~bot.dates.DateInputError` carries its reason, told here with this flow's labels."""
    from bot.render import label

    if isinstance(error, EventDateError):
        return error.message(lang)
    if error.reason == "unreadable":
        return label("remind.chat.date.unreadable", lang, text=text.strip()[:40])  # type: ignore[arg-type]
    return label(f"remind.chat.date.{error.reason}", lang, **error.values)  # type: ignore[arg-type]


def delivers_reminders(ctx: Context) -> bool:
    """False where nothing is sent from (the offline console): reminders are only stored
    there, and sent by ``greenbot run`` or ``greenbot remind --once`` through Telegram."""
    if ctx.services.extras.get("delivers_reminders", True) is not False:
        return True
    from bot.reminders.mail import EmailTargets  # a web chat with a confirmed address: by mail

    store = ctx.services.extras.get("reminders")
    return store is not None and EmailTargets(store).confirmed_address(ctx.chat_id) is not None


def due_now(next_at: datetime | None, now: datetime, delivers: bool) -> bool:
    """Whether a reminder is shown as due now rather than at its time: a time already past
    is never a "next" reminder, and without delivery one planned for this moment waits too."""
    return next_at is not None and (next_at < now or (not delivers and next_at <= now))


def _store(ctx: Context) -> ReminderStore:
    store: ReminderStore = ctx.services.extras["reminders"]
    return store


class RemindDialog:
    """Name → credit code → event → date → preview → enrolled (see the module docstring)."""

    name = "remind"
    command = "remind"
    menu_key = "rm"

    # -- entry points ---------------------------------------------------------------------

    def start(self, ctx: Context, args: str) -> Step:
        state: dict[str, Any] = {"step": "name"}
        if args.strip():  # /remind 北京某某有限公司: the name given with the command
            return self._take_name(ctx, state, args)
        return self._ask(ctx, state)

    def waiting(self, state: dict[str, Any]) -> bool:
        return state.get("step") in {"name", "code", "event", "date", "preview", "edit"}

    def repeat(self, ctx: Context, state: dict[str, Any]) -> Step:
        if state.get("step") == "preview":
            return self._preview(ctx, state)
        return self._ask(ctx, state)

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        step = state.get("step")
        if step == "name":
            return self._take_name(ctx, state, text)
        if step == "code":
            return self._take_code(ctx, state, text)
        if step == "event":
            return self._take_typed_event(ctx, state, text)
        if step == "date":
            return self._take_date(ctx, state, text)
        if step == "preview":
            return self._preview(ctx, state, ctx.label("remind.chat.use_buttons"))
        return self._ask(ctx, state)  # "edit": show the choice again

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        step = state.get("step")
        verb, _, arg = payload.partition(":")
        if verb == "cancel":
            return Step(
                [Outgoing(ctx.render("cancelled.html.j2", left=self.name), ctx.main_menu())],
                None,
                cancelled=True,
            )
        if step == "code" and verb == "skip":
            return self._next(ctx, {**state, "code": None, "code_done": True})
        if step == "event" and verb == "event":
            event = next((item for item in EVENTS if item.value == arg), None)
            if event is None:
                raise ForgedButton(payload)
            return self._next(ctx, {**state, "event": event.value, "date": None})
        if step == "date" and verb == "day" and arg in QUICK_DAYS:
            day = now_of(ctx).date() - timedelta(days=QUICK_DAYS[arg])
            return self._take_day(ctx, state, day)
        if step == "preview" and verb == "confirm":
            return self._confirm(ctx, state)
        if step == "preview" and verb == "edit":
            return self._ask(ctx, {**state, "step": "edit"})
        if step == "edit" and verb == "back":
            return self._preview(ctx, state)
        if step == "edit" and verb == "field" and arg in _FIELDS:
            changed = dict(state)
            if arg == "code":
                changed["code_done"] = False
            else:
                changed[arg] = None
            if arg == "event":
                changed["date"] = None
            return self._next(ctx, changed)
        raise ForgedButton(payload)

    # -- taking answers -------------------------------------------------------------------

    def _take_name(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        try:
            name = validate_unit_name(text)
        except EnrolmentError as error:
            return self._ask(ctx, {**state, "step": "name"}, error.message(ctx.lang))
        return self._next(ctx, {**state, "name": name})

    def _take_code(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        if text.strip().lower() in SKIP_WORDS:
            return self._next(ctx, {**state, "code": None, "code_done": True})
        try:
            code = credit_code.validate(text)
        except credit_code.CreditCodeError as error:
            return self._ask(ctx, state, error.message(ctx.lang))
        return self._next(ctx, {**state, "code": code, "code_done": True})

    def _take_typed_event(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        typed = text.strip().lower()
        for number, event in enumerate(EVENTS, start=1):
            names = {str(number), event.value, ctx.label(f"remind.event.{event.value}").lower()}
            if typed in names:
                return self._next(ctx, {**state, "event": event.value, "date": None})
        return self._ask(ctx, state, ctx.label("remind.chat.not_event", count=len(EVENTS)))

    def _take_date(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        from bot.dates import parse_date

        # 11月10日 (no year): the most recent such day for an event, the next for a notice
        notice = Event(state["event"]) in rules.NOTICE_EVENTS
        try:
            day = parse_date(text, now_of(ctx).date(), "future" if notice else "past")
        except DateInputError as error:
            return self._ask(ctx, state, date_error_message(error, text, ctx.lang))
        return self._take_day(ctx, state, day)

    def _take_day(self, ctx: Context, state: dict[str, Any], day: date) -> Step:
        event = Event(state["event"])
        today = now_of(ctx).date()
        try:
            rules.check_event_date(event, day, today)
        except EventDateError as error:
            return self._ask(ctx, state, error.message(ctx.lang))
        if event in rules.NOTICE_EVENTS and day < today:
            reason = ctx.label(
                "remind.chat.date.notice_past",
                event=ctx.label(f"remind.event.{event.value}"),
                date=day.isoformat(),
                today=today.isoformat(),
            )
            return self._ask(ctx, state, reason)
        return self._next(ctx, {**state, "date": day.isoformat()})

    # -- asking ---------------------------------------------------------------------------

    def _next(self, ctx: Context, state: dict[str, Any]) -> Step:
        """Ask for the first answer still missing, or show the preview."""
        if not state.get("name"):
            step = "name"
        elif not state.get("code_done"):
            step = "code"
        elif not state.get("event"):
            step = "event"
        elif not state.get("date"):
            step = "date"
        else:
            return self._preview(ctx, state)
        return self._ask(ctx, {**state, "step": step})

    def _ask(self, ctx: Context, state: dict[str, Any], error: str | None = None) -> Step:
        step = state["step"]
        cancel = ctx.button("remind.button.cancel", "cancel", word="cancel")
        if step == "name":
            text = ctx.render(
                "remind_ask_name.html.j2", error=error, delivers=delivers_reminders(ctx)
            )
            buttons = keyboard([cancel])
        elif step == "code":
            text = ctx.render("remind_ask_code.html.j2", error=error, unit=state["name"])
            buttons = keyboard([ctx.button("remind.button.skip_code", "skip", word="skip"), cancel])
        elif step == "event":
            events = [
                {"value": event.value, "label": ctx.label(f"remind.event.{event.value}")}
                for event in EVENTS
            ]
            text = ctx.render(
                "remind_ask_event.html.j2",
                error=error,
                unit=state["name"],
                code=state.get("code"),
                events=events,
            )
            rows = [
                [ctx.button(f"{n}. {item['label']}", f"event:{item['value']}", text=True)]
                for n, item in enumerate(events, start=1)
            ]
            buttons = keyboard(*rows, [cancel])
        elif step == "date":
            event = Event(state["event"])
            quick = [
                ctx.button("remind.button.today", "day:today"),
                ctx.button("remind.chat.button.yesterday", "day:yesterday"),
            ]
            if event in rules.NOTICE_EVENTS:
                quick = []
            text = ctx.render(
                "remind_ask_date.html.j2",
                error=error,
                event_label=ctx.label(f"remind.event.{event.value}"),
                prompt=ctx.label(f"remind.date_prompt.{event.value}"),
                quick=bool(quick),
                notice=event in rules.NOTICE_EVENTS,
            )
            buttons = keyboard(quick, [cancel])
        else:  # edit
            fields = [
                ctx.button(f"remind.chat.field.{field}", f"field:{field}") for field in _FIELDS
            ]
            text = ctx.render("remind_edit.html.j2")
            buttons = keyboard(
                fields[:2], fields[2:], [ctx.button("remind.chat.button.back", "back"), cancel]
            )
        return Step([Outgoing(text, buttons)], state)

    def _plans(self, ctx: Context, state: dict[str, Any]) -> list[Any]:
        event = Event(state["event"])
        day = date.fromisoformat(state["date"])
        return plan_all(rules.deadlines_for(event, day), now_of(ctx))

    def _preview(self, ctx: Context, state: dict[str, Any], error: str | None = None) -> Step:
        plans = self._plans(ctx, state)
        text = render_preview(
            state["name"],
            state.get("code"),
            Event(state["event"]),
            date.fromisoformat(state["date"]),
            plans,
            ctx.lang,
        )
        if not any(planned for _, planned in plans):
            text += "\n\n" + html.escape(ctx.label("remind.chat.none_planned"), quote=False)
        if error:
            text = f"⚠️ {html.escape(error, quote=False)}\n\n{text}"
        buttons = keyboard(
            [ctx.button("remind.button.confirm", "confirm")],
            [
                ctx.button("remind.chat.button.edit", "edit"),
                ctx.button("remind.button.cancel", "cancel", word="cancel"),
            ],
        )
        return Step([Outgoing(text, buttons)], {**state, "step": "preview"})

    # -- enrolling ------------------------------------------------------------------------

    def _confirm(self, ctx: Context, state: dict[str, Any]) -> Step:
        store = _store(ctx)
        now = now_of(ctx)
        event = Event(state["event"])
        day = date.fromisoformat(state["date"])
        known = {unit.id for unit in store.list_units(ctx.chat_id)}
        try:
            unit_id = store.enrol(
                ctx.chat_id,
                state["name"],
                state.get("code"),
                event,
                day,
                now,
                lang=ctx.lang,
                enrolled_by=ctx.user_id,
            )
        except (EnrolmentError, credit_code.CreditCodeError, EventDateError) as error:
            text = ctx.render("remind_failed.html.j2", error=error.message(ctx.lang))
            return Step([Outgoing(text, ctx.main_menu())], None)
        unit = store.get_unit(ctx.chat_id, unit_id)
        if unit is None:  # deleted between the two statements: nothing to show
            return Step([Outgoing(ctx.render("reminders_gone.html.j2"), ctx.main_menu())], None)
        immediate = any(
            entry.immediate for _, planned in self._plans(ctx, state) for entry in planned
        )
        if immediate and unit_id not in known:
            wake = ctx.services.extras.get("reminders_wake")
            if wake is not None:
                wake.set()
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
        return Step([Outgoing(text, keyboard(*rows))], None)
