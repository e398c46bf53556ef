"""Calendar subscription links in the chat, for channels nothing is pushed to (the web page):
offered after an enrolment and in the /reminders list, each with a revoke button."""

from __future__ import annotations

import html

from bot import identity
from bot.engine import Button, Context
from bot.reminders.feeds import CalendarFeeds, feed_links, public_url
from bot.reminders.mail import EmailTargets
from bot.reminders.store import ReminderStore, UnitView


def offers_feeds(ctx: Context) -> bool:
    """Telegram pushes reminders itself and the console has no server: neither gets links."""
    return identity.channel_of(ctx.chat_id) not in (identity.TELEGRAM, identity.CONSOLE)


def _feeds(ctx: Context) -> CalendarFeeds:
    store: ReminderStore = ctx.services.reminders
    return CalendarFeeds(store)


def base_url(ctx: Context) -> str | None:
    return public_url(ctx.services.public_url)


def _unavailable(ctx: Context) -> str:
    return html.escape(ctx.label("feed.unavailable"), quote=False)


def feed_text(ctx: Context, unit: UnitView, token: str) -> str:
    """The links of a live token; empty when the server's address is not configured."""
    base = base_url(ctx)
    if base is None:
        return ""
    url, webcal = feed_links(base, token)
    return ctx.render("reminders_feed.html.j2", unit=unit.name, url=url, webcal=webcal)


def issue_text(ctx: Context, unit: UnitView) -> str:
    """A live link for ``unit`` (made if needed), as text; the reason when there can be none."""
    if base_url(ctx) is None:
        return _unavailable(ctx)
    token = _feeds(ctx).issue(ctx.chat_id, unit.id, ctx.services.clock.now())
    ctx.log("reminders:feed")
    text = feed_text(ctx, unit, token) if token else ""
    if EmailTargets(_feeds(ctx).store).confirmed_address(ctx.chat_id) is None:
        text += "\n" + html.escape(ctx.label("feed.email_hint"), quote=False)
    return text


def issue(ctx: Context, unit: UnitView) -> str:
    """Make ``unit``'s link if it has none; returns only the reason when there can be none
    (the list shows the link itself)."""
    if base_url(ctx) is None:
        return _unavailable(ctx)
    _feeds(ctx).issue(ctx.chat_id, unit.id, ctx.services.clock.now())
    ctx.log("reminders:feed")
    return ""


def page_parts(ctx: Context, units: list[UnitView], start: int) -> tuple[list[str], list[Button]]:
    """For a page of the list: the links of units that have one, and a make or revoke button
    per unit."""
    notes: list[str] = []
    buttons: list[Button] = []
    if not offers_feeds(ctx):
        return notes, buttons
    feeds = _feeds(ctx)
    for number, unit in enumerate(units, start=start + 1):
        token = feeds.token(ctx.chat_id, unit.id)
        if token:
            notes.append(feed_text(ctx, unit, token))
            notes = [note for note in notes if note]
            buttons.append(Button(ctx.label("feed.button.revoke_n", n=number), f"r:fx:{unit.id}"))
        else:
            buttons.append(Button(ctx.label("feed.button.make_n", n=number), f"r:fs:{unit.id}"))
    return notes, buttons


def revoke(ctx: Context, unit: UnitView) -> str:
    _feeds(ctx).revoke(ctx.chat_id, unit.id, ctx.services.clock.now())
    ctx.log("reminders:feed_revoke")
    return ctx.render("reminders_feed_revoked.html.j2", unit=unit.name)
