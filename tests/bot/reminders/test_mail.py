"""E-mail reminders against a real SMTP server (aiosmtpd) on 127.0.0.1: a code first, then the
same guarantees as Telegram (once across restarts, retried, caught up), every field escaped."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from bot import identity
from bot.app import build_engine
from bot.engine import Engine, Incoming
from bot.reminders.clock import ManualClock
from bot.reminders.delivery import run_once
from bot.reminders.mail import (
    AddressError,
    EmailTargets,
    MailConfigError,
    SmtpConfig,
    validate_address,
)
from bot.reminders.routing import reminder_sender
from bot.reminders.store import ReminderStore

from .conftest import at

NOW = at("2026-03-05 10:00")
WEB = identity.make("web", "visitor-1")
UNIT = "北京<b>甲</b>厂 & Co"


class Inbox:
    """An SMTP server's handler: keeps what it accepts; can refuse recipients or defer data."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.defer = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.defer:
            self.defer -= 1
            return "451 4.3.0 try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


class Server:
    """A local SMTP server that can be stopped and started again on its port."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(inbox: Inbox) -> Iterator[Server]:
    server = Server(inbox)
    yield server
    server.stop()


def url_of(smtp: Server) -> str:
    return f"smtp://127.0.0.1:{smtp.port}?from=bot@greenbot.example.cn&starttls=no&timeout=5"


def make_engine(path: Path, smtp_url: str, clock: ManualClock) -> Engine:
    engine = build_engine(str(path), clock=clock)
    engine.services.smtp_url = smtp_url
    return engine


def say(engine: Engine, text: str, lang: str = "zh") -> str:
    reply = engine.handle(Incoming(WEB, 0, text=text, lang_code=lang))
    return "\n".join(message.text for message in reply.messages)


def code_in(mail: EmailMessage) -> str:
    found = re.search(r"\b(\d{6})\b", mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert found, mail
    return found.group(1)


def confirm(engine: Engine, inbox: Inbox, address: str = "ops@example.cn") -> None:
    assert "确认码已发送到 o***@example.cn" in say(engine, f"/email {address}")
    code = code_in(inbox.messages[-1])
    assert inbox.messages[-1]["To"] == address
    assert "已确认" in say(engine, f"/email {code}")


def confirmed_and_enrolled(
    tmp_path: Path, smtp: Server, inbox: Inbox, clock: ManualClock
) -> ReminderStore:
    """A web chat with a confirmed address and one unit enrolled, its first reminder due."""
    engine = make_engine(tmp_path / "bot.sqlite3", url_of(smtp), clock)
    confirm(engine, inbox)
    store: ReminderStore = engine.services.reminders
    store.enrol(WEB, UNIT, None, "rename", date(2026, 3, 1), NOW)
    return store


async def test_nothing_is_mailed_before_the_code_then_once_across_restarts(
    tmp_path: Path, smtp: Server, inbox: Inbox
) -> None:
    clock = ManualClock(NOW)
    engine = make_engine(tmp_path / "bot.sqlite3", url_of(smtp), clock)
    store = engine.services.reminders
    store.enrol(WEB, UNIT, None, "rename", date(2026, 3, 1), NOW)  # first reminder due now
    sender = reminder_sender(store, None, url_of(smtp))
    stats = await run_once(store, sender, clock, max_wait=0)
    assert stats.sent == 0 and inbox.messages == []  # no confirmed address: nothing goes out

    assert "不像一个邮箱地址" in say(engine, "/email not-an-address")
    assert "不像一个邮箱地址" in say(engine, "/email a@b.cn, c@d.cn")
    assert "确认码已发送" in say(engine, "/email ops@example.cn")
    code = code_in(inbox.messages[0])
    wrong = "000000" if code != "000000" else "111111"
    assert "确认码不对" in say(engine, f"/email {wrong}")
    assert "已确认" in say(engine, f"/email {code}")
    assert "o***@example.cn" in say(engine, "/email")

    stats = await run_once(store, sender, clock, max_wait=0)
    assert stats.sent == 1  # the reminder that waited goes out now
    mail = inbox.messages[-1]
    assert mail["To"] == "ops@example.cn" and "北京<b>甲</b>厂 & Co" in mail["Subject"]
    html_part = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text_part = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "北京&lt;b&gt;甲&lt;/b&gt;厂 &amp; Co" in html_part and "<b>甲</b>" not in html_part
    assert "北京<b>甲</b>厂 & Co" in text_part
    engine.services.db.close()

    restarted = make_engine(tmp_path / "bot.sqlite3", url_of(smtp), clock)
    store = restarted.services.reminders
    sender = reminder_sender(store, None, url_of(smtp))
    assert (await run_once(store, sender, clock, max_wait=0)).sent == 0
    assert len(inbox.messages) == 2  # the code and one reminder, nothing twice
    clock.set(at("2026-03-24 10:00"))  # the 7-day reminder, after a restart
    assert (await run_once(store, sender, clock, max_wait=0)).sent == 1
    assert (await run_once(store, sender, clock, max_wait=0)).sent == 0
    assert len(inbox.messages) == 3


async def test_a_deferring_server_is_retried_until_it_accepts(
    tmp_path: Path, smtp: Server, inbox: Inbox
) -> None:
    clock = ManualClock(NOW)
    store = confirmed_and_enrolled(tmp_path, smtp, inbox, clock)
    inbox.defer = 2
    stats = await run_once(store, reminder_sender(store, None, url_of(smtp)), clock)
    assert (stats.transient, stats.sent) == (2, 1)
    assert len(inbox.messages) == 2  # the code, then the reminder once


async def test_a_server_down_is_caught_up_after_it_returns(
    tmp_path: Path, smtp: Server, inbox: Inbox
) -> None:
    clock = ManualClock(NOW)
    store = confirmed_and_enrolled(tmp_path, smtp, inbox, clock)
    smtp.stop()
    sender = reminder_sender(store, None, url_of(smtp))
    stats = await run_once(store, sender, clock, max_wait=0)
    assert (stats.transient, stats.sent) == (1, 0)
    assert store.status_counts()["planned"] >= 1
    smtp.start()
    clock.set(at("2026-03-06 10:00"))
    stats = await run_once(store, sender, clock, max_wait=0)
    assert stats.sent == 1 and len(inbox.messages) == 2


def test_a_refused_address_and_an_unreachable_server_are_polite_replies(
    tmp_path: Path, smtp: Server, inbox: Inbox
) -> None:
    clock = ManualClock(NOW)
    engine = make_engine(tmp_path / "bot.sqlite3", url_of(smtp), clock)
    inbox.refuse.add("nobody@example.cn")
    assert "拒收" in say(engine, "/email nobody@example.cn")
    smtp.stop()
    assert "暂时无法发送邮件" in say(engine, "/email ops@example.cn")
    assert "Mail cannot be sent right now" in say(engine, "/email ops@example.cn", lang="en")
    smtp.start()
    assert "一小时后再试" in say(engine, "/email ops@example.cn")  # three code mails an hour
    engine.services.smtp_url = None
    assert "GREENBOT_SMTP_URL" in say(engine, "/email ops@example.cn")
    assert "Telegram" in engine.handle(Incoming(5, 5, text="/email a@b.cn")).messages[0].text


def test_the_code_must_be_right_in_time_and_in_few_tries(tmp_path: Path) -> None:
    engine = build_engine(str(tmp_path / "bot.sqlite3"))
    targets = EmailTargets(engine.services.reminders)
    code = targets.request(WEB, "ops@example.cn", NOW)
    assert targets.confirm(WEB, code, NOW.timestamp() + 31 * 60) == "expired"
    code = targets.request(WEB, "ops@example.cn", NOW)
    wrong = "000000" if code != "000000" else "111111"
    assert [targets.confirm(WEB, wrong, NOW) for _ in range(5)][-1] == "too_many"
    assert targets.confirm(WEB, code, NOW) == "too_many"
    assert targets.confirmed_address(WEB) is None
    engine.forget(WEB)
    assert targets.status(WEB) is None


async def test_the_password_is_never_logged(
    tmp_path: Path, smtp: Server, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    # The server offers no AUTH: the login fails, and the failure is logged without secrets.
    url = f"smtp://ops:s3cr3t-pw@127.0.0.1:{smtp.port}?from=bot@greenbot.example.cn&starttls=no"
    clock = ManualClock(NOW)
    engine = make_engine(tmp_path / "bot.sqlite3", url, clock)
    with caplog.at_level(logging.DEBUG):
        assert "暂时无法发送邮件" in say(engine, "/email ops@example.cn")
        config = SmtpConfig.from_url(url)
        assert "s3cr3t" not in repr(config)
    assert "s3cr3t" not in caplog.text and inbox.messages == []


def test_smtp_urls_and_addresses() -> None:
    config = SmtpConfig.from_url("smtps://me%40corp.cn:p%3Aw@mail.corp.cn?from=bot@corp.cn")
    assert (config.host, config.port, config.tls, config.user, config.password) == (
        "mail.corp.cn",
        465,
        True,
        "me@corp.cn",
        "p:w",
    )
    assert SmtpConfig.from_url("smtp://relay:25").sender == "greenbot@localhost.localdomain"
    for bad in ("http://x", "smtp://", "smtp://h?starttls=maybe", "smtp://h:99999"):
        with pytest.raises(MailConfigError):
            SmtpConfig.from_url(bad)
    assert validate_address("  ops@example.cn ") == "ops@example.cn"
    for bad in ("", "a@b", "<a@b.cn>", "a b@c.cn", "a@b.cn\r\nBcc: x@y.cn", "x" * 300 + "@a.cn"):
        with pytest.raises(AddressError):
            validate_address(bad)


async def test_a_web_server_alone_mails_web_chats_and_leaves_telegram_to_the_bot(
    tmp_path: Path, smtp: Server, inbox: Inbox
) -> None:
    import asyncio
    import time
    from datetime import datetime, timedelta

    from bot.dates import TZ
    from bot.reminders.routing import deliver_reminders

    now = datetime.now(TZ)
    engine = make_engine(tmp_path / "bot.sqlite3", url_of(smtp), ManualClock(now))
    confirm(engine, inbox)
    store = engine.services.reminders
    day = (now - timedelta(days=4)).date()  # a rename 4 days ago: a reminder is due at once
    store.enrol(WEB, UNIT, None, "rename", day, now)
    store.enrol(5, UNIT, None, "rename", day, now)
    stop = asyncio.Event()
    loop = asyncio.create_task(deliver_reminders(engine.services, stop))  # no Telegram here
    deadline = time.monotonic() + 10
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(loop, 10)
    assert len(inbox.messages) == 2 and inbox.messages[1]["To"] == "ops@example.cn"
    statuses = {
        row[0]
        for row in engine.services.db.execute(
            "SELECT status FROM reminders WHERE chat_id = 'telegram:5'"
        )
    }
    assert statuses == {"planned"}  # the bot's process sends those
