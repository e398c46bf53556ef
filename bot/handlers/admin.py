"""/stats for administrators (ids from GREENBOT_ADMINS); invisible to everyone else."""

from __future__ import annotations

import time

from bot.engine import Context, Messages, Outgoing, Router

router = Router("admin")


@router.command("stats", admin=True)
def stats(ctx: Context, args: str) -> Messages:
    """Usage in the last 7 days: chats, questions, flows."""
    figures = ctx.engine.chats.stats(since=time.time() - 7 * 86400)
    return [Outgoing(ctx.render("stats.html.j2", **figures))]
