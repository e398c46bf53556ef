"""/cancel: leave any guided flow."""

from __future__ import annotations

from bot.engine import Context, Messages, Outgoing, Router

router = Router("cancel")


@router.command("cancel", describe="command.cancel")
def cancel(ctx: Context, args: str) -> Messages:
    """End the flow in progress, if there is one, and show the main menu."""
    left = ctx.engine.leave_flow(ctx)
    return [Outgoing(ctx.render("cancelled.html.j2", left=left), ctx.main_menu())]
