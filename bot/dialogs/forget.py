"""/forget: delete everything stored about this chat, after a confirmation.

The flow is declared in :data:`STEPS` (one step); its state diagram, generated from the
declaration, is in ``forget.md`` beside this module.

In a group (negative chat ids) the chat's data holds every member's enrolments, so only the bot's
administrators (GREENBOT_ADMINS) may delete it, at the command and again at the tap; a member
deletes their own units with /reminders.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.flow import Ask, Choice, Done, Flow, FlowState
from bot.engine import Context, Outgoing
from bot.identity import is_group


class ForgetState(FlowState):
    """Nothing but the step: the confirmation is the whole flow."""


def _refused(ctx: Context) -> Done:
    return Done([Outgoing(ctx.render("forget_group.html.j2"))], cancelled=True)


def _forget(ctx: Context, state: ForgetState) -> Done:
    if not _may_forget(ctx):
        return _refused(ctx)
    ctx.engine.forget(ctx.chat_id)
    ctx.forgotten = True
    return Done([Outgoing(ctx.render("forget_done.html.j2"))])


def _keep(ctx: Context, state: ForgetState) -> Done:
    return Done([Outgoing(ctx.render("forget_kept.html.j2"), ctx.main_menu())], cancelled=True)


STEPS: tuple[Ask[ForgetState], ...] = (
    Ask(
        "confirm",
        "forget_confirm.html.j2",
        buttons=[
            [
                Choice("yes", "forget.yes", end=_forget, word="delete"),
                Choice("no", "forget.no", end=_keep),
            ]
        ],
    ),
)


class ForgetDialog(Flow[ForgetState]):
    """A one-step confirmation; its buttons expire like any flow's."""

    name = "forget"
    command = "forget"
    state_type = ForgetState
    steps = STEPS

    def begin(self, ctx: Context, args: str) -> ForgetState | Done:
        if not _may_forget(ctx):
            return _refused(ctx)
        return super().begin(ctx, args)

    def migrate(self, stored: dict[str, Any]) -> dict[str, Any] | None:
        # Before versions: {"asked": true} at the confirmation.
        return {"step": "confirm"} if stored.get("asked") else None


def _may_forget(ctx: Context) -> bool:
    """Anyone in a private chat; in a group (Telegram's negative ids) an administrator only."""
    return not is_group(ctx.chat_id) or ctx.is_admin
