"""/email: deadline reminders by e-mail, for chats nothing is pushed to (the web page).

``/email name@example.cn`` mails a 6-digit code; ``/email 123456`` confirms it, and only then
are reminders mailed (those whose time passed meanwhile catch up at once); ``/email off``
stops them; ``/email`` alone says where reminders go.
"""

from __future__ import annotations

import html
import logging
import re

from bot import identity
from bot.engine import Context, Messages, Outgoing, Router
from bot.reminders.errors import PermanentError, TransientError
from bot.reminders.mail import (
    AddressError,
    EmailTargets,
    MailConfigError,
    SmtpConfig,
    SmtpMailer,
    TooManyCodes,
    mask,
    message,
    smtp_config,
    validate_address,
)
from bot.reminders.store import ReminderStore

log = logging.getLogger(__name__)

router = Router("email")
OFF_WORDS = {"off", "stop", "delete", "关闭", "停止", "取消", "删除"}


def _say(ctx: Context, key: str, **values: str) -> Messages:
    return [Outgoing(html.escape(ctx.label(key, **values), quote=False))]


def _config(ctx: Context) -> SmtpConfig | None:
    try:
        return smtp_config(ctx.services.smtp_url)
    except MailConfigError as error:
        log.error("e-mail reminders off: %s", error)
        return None


@router.command("email", describe="command.email")
def email(ctx: Context, args: str) -> Messages:
    if identity.is_telegram(ctx.chat_id):
        return _say(ctx, "email.telegram")
    store: ReminderStore = ctx.services.reminders
    targets = EmailTargets(store)
    given = args.strip()
    if not given:
        status = targets.status(ctx.chat_id)
        if status is None:
            line = ctx.label("email.status.none")
        else:
            key = "email.status.confirmed" if status[1] else "email.status.pending"
            line = ctx.label(key, address=mask(status[0]))
        return [Outgoing(html.escape(f"{line}\n\n{ctx.label('email.usage')}", quote=False))]
    if given.lower() in OFF_WORDS:
        targets.remove(ctx.chat_id)
        ctx.log("email:off")
        return _say(ctx, "email.removed")
    if re.fullmatch(r"\d{6}", given):
        return _confirm(ctx, store, targets, given)
    return _request(ctx, targets, given)


def _confirm(ctx: Context, store: ReminderStore, targets: EmailTargets, code: str) -> Messages:
    outcome = targets.confirm(ctx.chat_id, code, ctx.services.clock.now())
    if outcome != "confirmed":
        key = {"none": "no_pending", "wrong": "wrong_code"}.get(outcome, outcome)
        return _say(ctx, f"email.error.{key}")
    ctx.log("email:confirmed")
    # Reminders that found no way to the chat wait inactive: they go out now.
    if store.reactivate_chat(ctx.chat_id, ctx.services.clock.now()):
        ctx.services.reminders_wake.set()
    address = targets.confirmed_address(ctx.chat_id) or ""
    return _say(ctx, "email.confirmed", address=mask(address))


def _request(ctx: Context, targets: EmailTargets, given: str) -> Messages:
    try:
        address = validate_address(given)
    except AddressError:
        return _say(ctx, "email.error.address")
    config = _config(ctx)
    if config is None:
        return _say(ctx, "email.error.unconfigured")
    try:
        code = targets.request(ctx.chat_id, address, ctx.services.clock.now())
    except TooManyCodes:
        return _say(ctx, "email.error.limit")
    mail = message(
        config,
        address,
        ctx.label("email.confirm_subject", code=code),
        ctx.label("email.code_body", code=code),
    )
    try:
        SmtpMailer(config).send_now(mail)
    except PermanentError:
        return _say(ctx, "email.error.refused")
    except TransientError as error:
        log.warning("confirmation mail not sent: %s", error)
        return _say(ctx, "email.error.unreachable")
    ctx.log("email:code")
    return _say(ctx, "email.code_sent", address=mask(address))
