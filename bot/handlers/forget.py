"""/forget: delete everything stored about this chat, after a confirmation.

State diagram::

    /forget ──> [confirm] ──yes──> everything deleted (the chat is unknown again)
                    └──────no────> nothing changes

In a group (negative chat ids) the chat's data holds every member's enrolments, so only the bot's
administrators (GREENBOT_ADMINS) may delete it, at the command and again at the tap; a member
deletes their own units with /reminders.
"""

from __future__ import annotations

from typing import Any

from bot.engine import Context, ForgedButton, Outgoing, Router, Step, keyboard
from bot.identity import is_group

router = Router("forget")


class ForgetDialog:
    """A one-step confirmation; its buttons expire like any flow's."""

    name = "forget"
    command = "forget"
    menu_key = None

    def start(self, ctx: Context, args: str) -> Step:
        if not _may_forget(ctx):
            return Step([Outgoing(ctx.render("forget_group.html.j2"))], None, cancelled=True)
        buttons = keyboard(
            [ctx.button("forget.yes", "yes", word="delete"), ctx.button("forget.no", "no")]
        )
        return Step([Outgoing(ctx.render("forget_confirm.html.j2"), buttons)], {"asked": True})

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        return self.start(ctx, "")

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        if payload == "yes" and not _may_forget(ctx):
            return Step([Outgoing(ctx.render("forget_group.html.j2"))], None, cancelled=True)
        if payload == "yes":
            ctx.engine.forget(ctx.chat_id)
            ctx.forgotten = True
            return Step([Outgoing(ctx.render("forget_done.html.j2"))], None)
        if payload == "no":
            return Step(
                [Outgoing(ctx.render("forget_kept.html.j2"), ctx.main_menu())], None, cancelled=True
            )
        raise ForgedButton(payload)


def _may_forget(ctx: Context) -> bool:
    """Anyone in a private chat; in a group (Telegram's negative ids) an administrator only."""
    return not is_group(ctx.chat_id) or ctx.is_admin
