"""The aiogram engine's HTTP session: JSON bodies, multipart uploads, aiogram's error mapping."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator

import pytest
from aiogram.methods.base import Response
from aiogram.types import Message

from bot.engine import Button
from bot.reminders.errors import ChatBlocked, PermanentError, RetryAfter, TransientError
from bot.transports.aiogram_runner import AiogramPort, make_bot
from bot.transports.aiogram_session import RESPONSE_TYPES
from tests.bot.transports.conftest import TOKEN
from tests.support.fake_telegram import FakeTelegram

CHAT = 4242
KEYBOARD = ((Button("第十一条", "a:art-11"), Button("第十五条", "a:art-15")),)


@pytest.fixture
async def port(tg: FakeTelegram) -> AsyncIterator[AiogramPort]:
    tg.send_text(CHAT, CHAT, "你好")  # the chat exists once its user has written
    bot = make_bot(TOKEN, tg.base_url)
    yield AiogramPort(bot)
    await bot.session.close()


async def test_a_message_goes_as_one_json_body(tg: FakeTelegram, port: AiogramPort) -> None:
    text = "<b>【第十五条】</b>\n两年内不得重新申报 &amp; “引号”"
    message_id = await port.send_message(CHAT, text, KEYBOARD)
    call = next(c for c in tg.calls if c.method == "sendMessage")
    assert call.body_type == "application/json"
    assert call.params["parse_mode"] == "HTML"  # aiogram's default still applies
    sent = tg.sent(CHAT)[-1]
    assert (sent.message_id, sent.text) == (message_id, text)
    assert sent.reply_markup == {
        "inline_keyboard": [
            [
                {"text": "第十一条", "callback_data": "a:art-11"},
                {"text": "第十五条", "callback_data": "a:art-15"},
            ]
        ]
    }


async def test_an_edit_and_a_callback_answer_go_as_json(
    tg: FakeTelegram, port: AiogramPort
) -> None:
    message_id = await port.send_message(CHAT, "旧", ())
    await port.edit_message(CHAT, message_id, "新", KEYBOARD)
    assert tg.sent(CHAT)[-1].text == "新"
    edit = next(c for c in tg.calls if c.method == "editMessageText")
    assert edit.body_type == "application/json"


async def test_an_upload_still_goes_as_multipart(tg: FakeTelegram, port: AiogramPort) -> None:
    await port.send_document(CHAT, "deadlines.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "期限")
    call = next(c for c in tg.calls if c.method == "sendDocument")
    assert call.body_type == "multipart/form-data"
    assert tg.sent(CHAT)[-1].text == "期限"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, RetryAfter),
        (403, ChatBlocked),
        (500, TransientError),
        (400, PermanentError),
    ],
)
async def test_errors_are_mapped_as_aiogram_maps_them(
    tg: FakeTelegram, port: AiogramPort, status: int, error: type
) -> None:
    tg.fail("sendMessage", status, retry_after=3 if status == 429 else None)
    with pytest.raises(error) as raised:
        await port.send_message(CHAT, "你好", ())
    if status == 429:
        assert raised.value.seconds == 3


async def test_an_unreachable_server_is_a_transient_error() -> None:
    bot = make_bot(TOKEN, "http://127.0.0.1:9")  # discard port: nothing listens
    try:
        with pytest.raises(TransientError):
            await AiogramPort(bot).send_message(CHAT, "你好", ())
    finally:
        await bot.session.close()


def test_response_types_survive_garbage_collection() -> None:
    pinned = next(t for t in RESPONSE_TYPES if t is Response[Message])
    gc.collect()
    assert Response[Message] is pinned
