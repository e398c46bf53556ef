"""/reminders: this chat's enrolled units and deadlines, with delete and calendar buttons.

Buttons are stateless router actions (they keep working after a restart or another flow):

* ``r:page:<n>`` — page ``n`` of the list (five units a page);
* ``r:del:<unit_id>`` — ask before deleting a unit; ``r:rm:<unit_id>`` — delete it;
* ``r:ics:<deadline_id>`` — the deadline as an ``.ics`` calendar file (a document).

Every id is checked against the chat through the store: another chat's unit or deadline is a
forged button, and one that no longer exists (deleted a moment ago) is said to be gone.

In a group (Telegram gives groups negative chat ids) any member can tap the list's buttons, so
deleting a unit is left to the member who enrolled it; the others are told so. Group
administrators get no exception: the engine does not ask Telegram who they are. Units enrolled
before the enrolling user was recorded can be deleted by any member, as before.
/forget removes all of the chat's units, deadlines and reminders (the forget hook below).
"""

from __future__ import annotations

import dataclasses
import html
import re

from bot import identity
from bot.engine import (
    Attachment,
    Button,
    Context,
    ForgedButton,
    Messages,
    Outgoing,
    Router,
    Services,
    keyboard,
)
from bot.handlers import reminder_feeds
from bot.identity import ChatId
from bot.reminders.messages import render_units
from bot.reminders.routing import sent_to
from bot.reminders.store import ReminderStore, UnitView

router = Router("reminders")
PAGE_SIZE = 5
BUTTON_NAME_MAX = 16  # characters of a unit name shown on its delete button
_ID = re.compile(r"\d{1,12}")


def _store(ctx: Context) -> ReminderStore:
    return ctx.services.reminders


def _id(text: str) -> int:
    if not _ID.fullmatch(text):
        raise ForgedButton(text)
    return int(text)


def _short(name: str) -> str:
    return name if len(name) <= BUTTON_NAME_MAX else name[: BUTTON_NAME_MAX - 1] + "…"


def _gone(ctx: Context) -> Messages:
    return [Outgoing(ctx.render("reminders_gone.html.j2"))]


def _page(ctx: Context, page: int, note: str = "") -> Outgoing:
    """One page of the list with its buttons; ``note`` (HTML) goes first."""
    units = _store(ctx).list_units(ctx.chat_id)
    pages = max(1, -(-len(units) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * PAGE_SIZE
    shown = units[start : start + PAGE_SIZE]
    text = render_units(
        shown,
        ctx.lang,
        start=start,
        total=len(units),
        now=ctx.services.now(),
        delivers=sent_to(ctx.chat_id, ctx.services.reminders, ctx.services.delivers_reminders),
        channel=identity.channel_of(ctx.chat_id),
    )
    if pages > 1:
        text += "\n\n" + html.escape(ctx.label("remind.chat.page", page=page + 1, pages=pages))
    feed_notes, feed_buttons = reminder_feeds.page_parts(ctx, shown, start)
    if feed_notes:
        text += "\n\n" + "\n\n".join(feed_notes)
    if note:
        text = f"{note}\n\n{text}"
    rows: list[list[Button]] = []
    for number, unit in enumerate(shown, start=start + 1):
        rows += [
            [
                Button(
                    ctx.label(
                        "remind.chat.button.ics_n",
                        n=number,
                        kind=ctx.label(f"remind.kind.{item.kind.value}"),
                    ),
                    f"r:ics:{item.id}",
                )
            ]
            for item in unit.deadlines
        ]
        rows.append(
            [
                Button(
                    ctx.label("remind.chat.button.delete_n", n=number, name=_short(unit.name)),
                    f"r:del:{unit.id}",
                )
            ]
        )
    rows += [[button] for button in feed_buttons]
    nav = []
    if page > 0:
        nav.append(Button(ctx.label("remind.chat.button.prev"), f"r:page:{page - 1}"))
    if page < pages - 1:
        nav.append(Button(ctx.label("remind.chat.button.next"), f"r:page:{page + 1}"))
    return Outgoing(text, keyboard(*rows, nav))


def _own_unit(ctx: Context, unit_id: int) -> UnitView | None:
    """The chat's unit; ``None`` if it no longer exists; another chat's: forged."""
    store = _store(ctx)
    unit = store.get_unit(ctx.chat_id, unit_id)
    if unit is None and store.unit_exists(unit_id):
        raise ForgedButton(str(unit_id))
    return unit


def _may_delete(ctx: Context, unit: UnitView) -> bool:
    in_group = identity.is_group(ctx.chat_id)
    return not in_group or unit.enrolled_by is None or unit.enrolled_by == ctx.user_id


def _not_yours(ctx: Context, unit: UnitView) -> Messages:
    return [Outgoing(html.escape(ctx.label("remind.chat.not_yours", name=unit.name)))]


def _page_of(ctx: Context, unit_id: int) -> int:
    ids = [unit.id for unit in _store(ctx).list_units(ctx.chat_id)]
    return ids.index(unit_id) // PAGE_SIZE if unit_id in ids else 0


@router.command("reminders", describe="command.reminders")
def list_reminders(ctx: Context, args: str) -> Messages:
    """This chat's units and deadlines, with calendar and delete buttons."""
    return [_page(ctx, 0)]


@router.action("r")
def on_button(ctx: Context, payload: str) -> Messages:
    verb, _, arg = payload.partition(":")
    if verb == "page":
        return [dataclasses.replace(_page(ctx, _id(arg)), edit=True)]
    if verb == "del":
        unit = _own_unit(ctx, _id(arg))
        if unit is None:
            return _gone(ctx)
        if not _may_delete(ctx, unit):
            return _not_yours(ctx, unit)
        text = ctx.render(
            "reminders_delete_confirm.html.j2",
            unit=unit.name,
            event_label=ctx.label(f"remind.event.{unit.event.value}"),
            date=unit.date.isoformat(),
            count=len(unit.deadlines),
        )
        buttons = keyboard(
            [
                Button(
                    ctx.label("remind.chat.button.delete_yes"),
                    f"r:rm:{unit.id}",
                    ctx.word("delete"),
                ),
                Button(
                    ctx.label("remind.chat.button.delete_no"), f"r:page:{_page_of(ctx, unit.id)}"
                ),
            ]
        )
        return [Outgoing(text, buttons, edit=True)]
    if verb == "rm":
        unit = _own_unit(ctx, _id(arg))
        if unit is None:
            return _gone(ctx)
        if not _may_delete(ctx, unit):
            return _not_yours(ctx, unit)
        page = _page_of(ctx, unit.id)
        _store(ctx).delete_unit(ctx.chat_id, unit.id)
        ctx.log("reminders:delete")
        note = ctx.render("reminders_deleted.html.j2", unit=unit.name)
        return [dataclasses.replace(_page(ctx, page, note), edit=True)]
    if verb == "ics":
        return _calendar(ctx, _id(arg))
    if verb in ("fs", "fx") and reminder_feeds.offers_feeds(ctx):
        unit = _own_unit(ctx, _id(arg))
        if unit is None:
            return _gone(ctx)
        # Making one: the page shows the new link with the others.
        make, revoke = reminder_feeds.issue, reminder_feeds.revoke
        note = (revoke if verb == "fx" else make)(ctx, unit)
        return [dataclasses.replace(_page(ctx, _page_of(ctx, unit.id), note), edit=True)]
    raise ForgedButton(payload)


def _calendar(ctx: Context, deadline_id: int) -> Messages:
    """The deadline as an ``.ics`` document."""
    from bot.reminders.ics import deadline_ics

    store = _store(ctx)
    found = store.get_deadline(ctx.chat_id, deadline_id)
    if found is None:
        if store.deadline_exists(deadline_id):
            raise ForgedButton(str(deadline_id))
        return _gone(ctx)
    unit, view = found
    deadline = view.deadline
    filename, data = deadline_ics(
        deadline, unit_id=unit.id, unit_name=unit.name, lang=ctx.lang, now=ctx.services.now()
    )
    caption = ctx.render(
        "remind_ics_caption.html.j2",
        unit=unit.name,
        kind_label=ctx.label(f"remind.kind.{deadline.kind.value}"),
        sense_label=ctx.label(f"remind.sense.{deadline.sense}"),
        due=deadline.due.isoformat(),
        adjusted=deadline.holiday_adjusted.isoformat() if deadline.holiday_adjusted else None,
    )
    ctx.log("reminders:ics")
    return [Outgoing(attachment=Attachment("document", filename, data, caption))]


@router.on_forget
def forget(services: Services, chat_id: ChatId) -> None:
    """/forget: the chat's units, deadlines, reminders and block record go."""
    services.reminders.forget_chat(chat_id)
