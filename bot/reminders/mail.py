"""E-mail reminders: an address per chat, confirmed by a code before anything is sent to it,
and a :class:`~bot.reminders.delivery.Sender` that mails reminders over SMTP.

The delivery loop treats a mail like a Telegram message (claimed before, recorded after, retried
on failure, never sent twice across restarts); this module only maps SMTP's answers to the
loop's errors: 4xx, refused connections and timeouts are :class:`TransientError`; a recipient the
server refuses for good (5xx) is :class:`PermanentError`.

Configured by ``GREENBOT_SMTP_URL``::

    smtp://user:password@host:587?from=bot@example.cn      STARTTLS when the server offers it
    smtp://host:25?starttls=no                              plain (a relay on the same host)
    smtps://user:password@host:465?from=bot@example.cn     TLS from the start

The password never appears in a log line or an error message.
"""

from __future__ import annotations

import asyncio
import hashlib
import html as html_lib
import os
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from bot.identity import ChatId, as_chat_id
from bot.reminders.errors import NoRoute, PermanentError, TransientError
from bot.reminders.store import ReminderStore, epoch

SMTP_URL_ENV = "GREENBOT_SMTP_URL"
CODE_DIGITS = 6
CODE_LIFETIME = 30 * 60.0  # seconds a confirmation code stays good
CODE_TRIES = 5  # wrong codes before a new one must be asked for
CODES_PER_HOUR = 3  # code mails per chat: the bot must not become a way to flood an inbox
MAX_ADDRESS = 254
_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


class MailConfigError(ValueError):
    """``GREENBOT_SMTP_URL`` cannot be used (the message never holds the password)."""


class AddressError(ValueError):
    """Not an e-mail address the bot will write to."""


class TooManyCodes(ValueError):
    """The chat asked for more code mails than :data:`CODES_PER_HOUR`."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False  # TLS from the start (smtps)
    starttls: str = "auto"  # "auto": when offered; "yes": required; "no": never
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailConfigError(f"{SMTP_URL_ENV}: expected smtp://… or smtps://…")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        starttls = query.get("starttls", "auto").lower()
        if starttls not in ("auto", "yes", "no"):
            raise MailConfigError(f"{SMTP_URL_ENV}: starttls must be auto, yes or no")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
            timeout = float(query.get("timeout", "20"))
        except ValueError:
            raise MailConfigError(f"{SMTP_URL_ENV}: bad port or timeout") from None
        user = unquote(parts.username) if parts.username else None
        sender = query.get("from") or (user if user and "@" in user else "")
        if sender:
            try:
                validate_address(sender)
            except AddressError:
                raise MailConfigError(f"{SMTP_URL_ENV}: the from address is not valid") from None
        else:  # the server's own domain, or a name any relay accepts for a host without one
            fallback = f"greenbot@{parts.hostname}"
            sender = fallback if _ADDRESS.fullmatch(fallback) else "greenbot@localhost.localdomain"
        return cls(
            host=parts.hostname,
            port=port,
            sender=sender,
            user=user,
            password=unquote(parts.password) if parts.password else None,
            tls=parts.scheme == "smtps",
            starttls=starttls,
            timeout=timeout,
        )


def smtp_config(url: str | None = None) -> SmtpConfig | None:
    """The configuration from ``url`` or ``GREENBOT_SMTP_URL``; ``None`` when unset."""
    value = url if url is not None else os.environ.get(SMTP_URL_ENV, "")
    return SmtpConfig.from_url(value) if value.strip() else None


def validate_address(text: str) -> str:
    """A plain ``local@domain.tld`` address, trimmed; :class:`AddressError` otherwise (no
    display names, quotes, comments or several addresses: nothing a header could be forged
    with)."""
    address = text.strip()
    if len(address) > MAX_ADDRESS or not _ADDRESS.fullmatch(address):
        raise AddressError("not an e-mail address")
    return address


def mask(address: str) -> str:
    """``a***@example.cn``: enough to recognise one's own address, not to harvest it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


# -- the addresses -------------------------------------------------------------------------------


def _code_hash(chat_id: ChatId, code: str) -> str:
    return hashlib.sha256(f"{chat_id}\0{code}".encode()).hexdigest()


class EmailTargets:
    """The ``email_targets`` table: one address per chat, pending until its code is given."""

    def __init__(self, store: ReminderStore) -> None:
        self.store = store
        self.db = store.db

    def request(self, chat_id: ChatId | int, address: str, now: float | datetime) -> str:
        """Record ``address`` for the chat, pending; returns the code to mail to it. A new
        address replaces the old one at once: nothing is mailed to a pending address, so the
        chat's reminders wait until the code is given."""
        chat_id = as_chat_id(chat_id)
        address = validate_address(address)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        moment = epoch(now)
        with self.db.atomic():
            row = self.db.execute(
                "SELECT codes_sent, codes_since FROM email_targets WHERE chat_id = ?", [chat_id]
            ).fetchone()
            sent, since = (row[0], row[1]) if row and row[1] is not None else (0, moment)
            if moment - since >= 3600:
                sent, since = 0, moment
            if sent >= CODES_PER_HOUR:
                raise TooManyCodes("too many code mails")
            self.db.execute(
                "INSERT INTO email_targets (chat_id, address, code_hash, code_expires_at, tries,"
                " confirmed_at, created_at) VALUES (?, ?, ?, ?, 0, NULL, ?) ON CONFLICT (chat_id)"
                " DO UPDATE SET address = excluded.address, code_hash = excluded.code_hash,"
                " code_expires_at = excluded.code_expires_at, tries = 0, confirmed_at = NULL",
                [chat_id, address, _code_hash(chat_id, code), moment + CODE_LIFETIME, moment],
            )
            self.db.execute(
                "UPDATE email_targets SET codes_sent = ?, codes_since = ? WHERE chat_id = ?",
                [sent + 1, since, chat_id],
            )
        return code

    def confirm(self, chat_id: ChatId | int, code: str, now: float | datetime) -> str:
        """Check a code: ``"confirmed"``, ``"wrong"``, ``"expired"``, ``"too_many"`` (ask
        for a new code) or ``"none"`` (no address waits for one)."""
        chat_id = as_chat_id(chat_id)
        moment = epoch(now)
        with self.db.atomic():
            row = self.db.execute(
                "SELECT code_hash, code_expires_at, tries FROM email_targets "
                "WHERE chat_id = ? AND confirmed_at IS NULL",
                [chat_id],
            ).fetchone()
            if row is None or row[0] is None:
                return "none"
            expected, expires_at, tries = row
            if tries >= CODE_TRIES:
                return "too_many"
            if moment > expires_at:
                return "expired"
            if not secrets.compare_digest(expected, _code_hash(chat_id, code.strip())):
                self.db.execute(
                    "UPDATE email_targets SET tries = tries + 1 WHERE chat_id = ?", [chat_id]
                )
                return "too_many" if tries + 1 >= CODE_TRIES else "wrong"
            self.db.execute(
                "UPDATE email_targets SET confirmed_at = ?, code_hash = NULL WHERE chat_id = ?",
                [moment, chat_id],
            )
        return "confirmed"

    def status(self, chat_id: ChatId | int) -> tuple[str, bool] | None:
        """``(address, confirmed)`` of the chat, or ``None``."""
        row = self.db.execute(
            "SELECT address, confirmed_at FROM email_targets WHERE chat_id = ?",
            [as_chat_id(chat_id)],
        ).fetchone()
        return (str(row[0]), row[1] is not None) if row else None

    def confirmed_address(self, chat_id: ChatId | int) -> str | None:
        found = self.status(chat_id)
        return found[0] if found and found[1] else None

    def remove(self, chat_id: ChatId | int) -> bool:
        with self.db.atomic():
            return (
                self.db.execute(
                    "DELETE FROM email_targets WHERE chat_id = ?", [as_chat_id(chat_id)]
                ).rowcount
                > 0
            )


# -- sending -------------------------------------------------------------------------------------


def message(
    config: SmtpConfig, to: str, subject: str, text: str, html_body: str | None = None
) -> EmailMessage:
    """A mail with a plain-text part and, if given, an HTML part (``html_body`` is already
    safe HTML: the bot's Telegram-subset markup with every user field escaped)."""
    mail = EmailMessage()
    mail["From"] = formataddr(("greenbot", config.sender))
    mail["To"] = to
    mail["Subject"] = " ".join(subject.split())[:150]
    mail["Message-ID"] = make_msgid(domain=config.sender.partition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text)
    if html_body is not None:
        body = html_body.replace("\n", "<br>\n")
        mail.add_alternative(
            f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body></html>',
            subtype="html",
        )
    return mail


class SmtpMailer:
    """Sends one mail per connection with :mod:`smtplib`, in a worker thread so the event loop
    (and every chat on it) never waits for the mail server."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, mail: EmailMessage) -> None:
        await asyncio.to_thread(self.send_now, mail)

    def send_now(self, mail: EmailMessage) -> None:
        """Send ``mail``; raises the delivery loop's errors."""
        config = self.config
        try:
            smtp: smtplib.SMTP
            if config.tls:
                context = ssl.create_default_context()
                smtp = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            with smtp:
                smtp.ehlo()
                if not config.tls and config.starttls != "no":
                    if smtp.has_extn("starttls"):
                        smtp.starttls(context=ssl.create_default_context())
                        smtp.ehlo()
                    elif config.starttls == "yes":
                        raise TransientError("the mail server offers no STARTTLS")
                if config.user and config.password is not None:
                    smtp.login(config.user, config.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentError(f"recipient refused ({codes[0]})") from None
            raise TransientError(f"recipient deferred ({codes[0] if codes else '?'})") from None
        except smtplib.SMTPResponseException as error:
            # A 5xx to the message itself will be the same next time; anything else may pass.
            what = f"mail server answered {error.smtp_code}"
            if 500 <= error.smtp_code < 600 and not isinstance(
                error, smtplib.SMTPAuthenticationError
            ):
                raise PermanentError(what) from None
            raise TransientError(what) from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransientError(f"mail server unreachable: {type(error).__name__}") from None


def reminder_subject(html_text: str) -> str:
    """The subject of a reminder mail: its title and unit lines, as plain text."""
    from bot.telegram_text import html_to_text

    lines = [line.strip() for line in html_to_text(html_text).splitlines() if line.strip()]
    return " · ".join(lines[:2]) or "greenbot"


class MailSender:
    """The delivery loop's sender for chats with a confirmed address; :class:`NoRoute` for a
    chat without one (its reminders wait inactive until an address is confirmed)."""

    def __init__(self, store: ReminderStore, mailer: SmtpMailer) -> None:
        self.targets = EmailTargets(store)
        self.mailer = mailer

    async def send_text(self, chat_id: ChatId, html: str) -> None:
        from bot.render import Lang, label
        from bot.telegram_text import html_to_text

        address = self.targets.confirmed_address(chat_id)
        if address is None:
            raise NoRoute("no confirmed e-mail address")
        lang: Lang = "en" if self._lang_of(html) == "en" else "zh"
        footer = label("email.footer", lang)
        text = f"{html_to_text(html)}\n\n-- \n{footer}"
        body = f"{html}\n\n<small>{html_lib.escape(footer)}</small>"
        mail = message(self.mailer.config, address, reminder_subject(html), text, body)
        await self.mailer.send(mail)

    @staticmethod
    def _lang_of(html: str) -> str:
        # Reminders are rendered in the unit's language; Chinese text has CJK in its first line.
        first = html.split("\n", 1)[0]
        return "zh" if re.search(r"[\u4e00-\u9fff]", first) else "en"

    async def send_document(
        self, chat_id: ChatId, filename: str, data: bytes, caption: str
    ) -> None:
        raise PermanentError("documents are not mailed")
