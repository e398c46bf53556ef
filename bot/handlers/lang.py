"""/lang zh|en: the language of the bot's replies for this chat."""

from __future__ import annotations

from bot.engine import Button, Context, ForgedButton, Messages, Outgoing, Router, keyboard
from bot.render import LANGS

router = Router("lang")


def _set(ctx: Context, code: str) -> Messages:
    ctx.chat.lang = code
    ctx.lang = code  # type: ignore[assignment]  # checked against LANGS by the callers
    ctx.engine.save(ctx)
    return [Outgoing(ctx.render("lang_set.html.j2"), ctx.main_menu())]


@router.command("lang", describe="command.lang")
def lang(ctx: Context, args: str) -> Messages:
    """Switch language, or offer the choice when none is given."""
    # "en-US", "zh_CN": the language part, as Telegram's own language codes are read.
    code = args.strip().lower().replace("_", "-").split("-", 1)[0]
    if code in LANGS:
        return _set(ctx, code)
    buttons = keyboard([Button("中文", "l:zh"), Button("English", "l:en")])
    return [Outgoing(ctx.render("lang_choose.html.j2", given=args[:20]), buttons)]


@router.action("l")
def lang_button(ctx: Context, payload: str) -> Messages:
    """A tapped language button."""
    if payload not in LANGS:
        raise ForgedButton(payload)
    return _set(ctx, payload)
