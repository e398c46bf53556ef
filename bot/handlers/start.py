"""/start (welcome and main menu) and /help."""

from __future__ import annotations

from bot.engine import Context, Messages, Outgoing, Router
from bot.official_source import source_context

router = Router("start")


@router.command("start", describe="command.start")
def start(ctx: Context, args: str) -> Messages:
    """Welcome the user and show the main menu, leaving any flow in progress."""
    ctx.engine.leave_flow(ctx)
    return [Outgoing(ctx.render("welcome.html.j2"), ctx.main_menu())]


@router.command("help", describe="command.help")
def help_(ctx: Context, args: str) -> Messages:
    """List what the bot can do and its commands."""
    commands = [
        (c.name, ctx.label(c.description_key))
        for c in ctx.engine.public_commands()
        if c.description_key
    ]
    text = ctx.render("help.html.j2", commands=commands, **source_context(ctx.lang))
    return [Outgoing(text, ctx.main_menu())]
