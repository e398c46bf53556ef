"""Tests for the fake Telegram Bot API server, over raw HTTP and with the real libraries."""

from __future__ import annotations

import asyncio
import json
import struct
import threading
import time
import urllib.request
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.tg_html import EntityParseError, parse_html

pytestmark = pytest.mark.timeout(20)

TOKEN = "123456:TEST-token"
CHAT = 4242
USER = 4242
KEYBOARD = {
    "inline_keyboard": [
        [{"text": "是", "callback_data": "yes"}, {"text": "否", "callback_data": "no"}]
    ]
}


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * 3 for _ in range(2)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    tg: FakeTelegram,
    method: str,
    *,
    form: bool = False,
    token: str = TOKEN,
    **params: Any,
) -> tuple[int, dict[str, Any]]:
    url = f"{tg.base_url}/bot{token}/{method}"
    if form:  # the way both libraries send: every complex value JSON-encoded in a form
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        async with http.post(url, data=data) as resp:
            return resp.status, await resp.json()
    async with http.post(url, json=params) as resp:
        return resp.status, await resp.json()


# ---------------------------------------------------------------------- raw HTTP
async def test_get_me_auth_and_unknown_method(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, tg, "GETme")
    assert (status, body["ok"], body["result"]["id"], body["result"]["is_bot"]) == (
        200,
        True,
        123456,
        True,
    )
    status, body = await call(http, tg, "getMe", token="999:nope")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await call(http, tg, "sendTelepathy")
    assert (status, body["error_code"], body["description"]) == (404, 404, "Not Found")
    async with http.get(f"{tg.api_url}/getMe") as resp:  # GET + query string works too
        assert resp.status == 200


async def test_long_polling_offsets_and_limit(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    ids = [tg.send_text(CHAT, USER, f"m{i}") for i in range(3)]
    started = time.monotonic()
    _, body = await call(http, tg, "getUpdates", timeout=5, limit=2)
    assert time.monotonic() - started < 1  # queued updates come back without waiting
    assert [u["update_id"] for u in body["result"]] == ids[:2]
    assert body["result"][0]["message"]["text"] == "m0"
    _, body = await call(http, tg, "getUpdates", offset=ids[1] + 1, form=True)
    assert [u["update_id"] for u in body["result"]] == ids[2:]
    assert tg.pending_updates() == 1  # confirmed only up to offset
    _, body = await call(http, tg, "getUpdates", offset=ids[2] + 1, timeout=0)
    assert body["result"] == [] and tg.pending_updates() == 0


async def test_long_poll_times_out_and_wakes_on_injection(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    started = time.monotonic()
    _, body = await call(http, tg, "getUpdates", timeout=0.3)
    assert body["result"] == [] and 0.25 < time.monotonic() - started < 2

    poll = asyncio.create_task(call(http, tg, "getUpdates", timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    # Inject from another thread, as a sync test would.
    threading.Thread(target=tg.send_text, args=(CHAT, USER, "/start 你好")).start()
    _, body = await poll
    assert time.monotonic() - started < 1
    message = body["result"][0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["language_code"] == "zh"
    assert message["chat"] == {"id": CHAT, "type": "private", "first_name": "Test"}


async def test_allowed_updates_filter_and_conflict(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    _, sent = await call(http, tg, "sendMessage", chat_id=CHAT, text="x")
    assert sent["description"] == "Bad Request: chat not found"
    tg.register_chat(CHAT)
    _, sent = await call(http, tg, "sendMessage", chat_id=CHAT, text="q", reply_markup=KEYBOARD)
    tg.send_text(CHAT, USER, "hello")
    tap_id = tg.tap(CHAT, USER, sent["result"]["message_id"], "yes")
    _, body = await call(http, tg, "getUpdates", allowed_updates=["callback_query"], form=True)
    assert [u["callback_query"]["id"] for u in body["result"]] == [tap_id]
    assert body["result"][0]["callback_query"]["message"]["reply_markup"] == KEYBOARD

    first = asyncio.create_task(call(http, tg, "getUpdates", offset=10**9, timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(call(http, tg, "getUpdates", timeout=0.2))
    status, body = await first
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")
    assert (await second)[0] == 200


async def test_text_length_counts_utf16_after_html(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    tg.register_chat(CHAT)
    ok = await call(http, tg, "sendMessage", chat_id=CHAT, text="😀" * 2048)
    assert ok[0] == 200
    status, body = await call(http, tg, "sendMessage", chat_id=CHAT, text="😀" * 2048 + "a")
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, _ = await call(
        http, tg, "sendMessage", chat_id=CHAT, parse_mode="HTML", text="<b>" + "a" * 4096 + "</b>"
    )
    assert status == 200  # tags do not count
    for empty in ("", "   ", "<b></b>"):
        status, body = await call(
            http, tg, "sendMessage", chat_id=CHAT, text=empty, parse_mode="HTML"
        )
        assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_callback_data_limit_is_64_utf8_bytes(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    tg.register_chat(CHAT)

    def markup(data: str) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}

    assert (
        await call(
            http,
            tg,
            "sendMessage",
            chat_id=CHAT,
            text="x",
            reply_markup=markup("a" * 64),
            form=True,
        )
    )[0] == 200
    for too_long in ("a" * 65, "绿" * 22):  # 22 CJK chars = 66 bytes
        status, body = await call(
            http,
            tg,
            "sendMessage",
            chat_id=CHAT,
            text="x",
            reply_markup=markup(too_long),
            form=True,
        )
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    status, body = await call(
        http,
        tg,
        "sendMessage",
        chat_id=CHAT,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "plain"}]]},
    )
    assert status == 400 and "Text buttons are unallowed" in body["description"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("绿 & 色", 'Character "&" at byte offset 4 must be escaped as "&amp;"'),
        ("&nbsp;", 'Character "&" at byte offset 0 must be escaped as "&amp;"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_rejected(
    tg: FakeTelegram, http: aiohttp.ClientSession, text: str, error: str
) -> None:
    tg.register_chat(CHAT)
    status, body = await call(http, tg, "sendMessage", chat_id=CHAT, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith(f"Bad Request: can't parse entities: {error}")
    # Without parse_mode the same text is fine.
    assert (await call(http, tg, "sendMessage", chat_id=CHAT, text=text))[0] == 200


def test_html_parser_entities() -> None:
    parsed = parse_html(
        '<b>粗</b> &lt;&amp;&gt;&quot;&#36; <a href="https://x.cn/?a=1&amp;b=2">'
        'l</a> <tg-spoiler>s</tg-spoiler> <span class="tg-spoiler">t</span> '
        '<pre><code class="language-py">p</code></pre> <blockquote>q</blockquote>'
        ' 😀<i>i</i> <u>u</u><s>s</s><code>c</code><tg-emoji emoji-id="5">e'
        "</tg-emoji>"
    )
    assert parsed.text.startswith('粗 <&>"$ l s t p q 😀i')
    types = [(e["type"], e["offset"]) for e in parsed.entities]
    assert ("bold", 0) in types and ("italic", 20) in types  # emoji = 2 UTF-16 units
    link = next(e for e in parsed.entities if e["type"] == "text_link")
    assert link["url"] == "https://x.cn/?a=1&b=2"
    assert {"type": "pre", "offset": 14, "length": 1, "language": "py"} in parsed.entities
    assert parse_html("Q&A", strict_ampersand=False).text == "Q&A"
    with pytest.raises(EntityParseError):
        parse_html("<b>unclosed")


async def test_edit_rules(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.register_chat(CHAT)
    _, body = await call(http, tg, "sendMessage", chat_id=CHAT, text="v1", reply_markup=KEYBOARD)
    msg_id = body["result"]["message_id"]
    status, body = await call(http, tg, "editMessageText", chat_id=CHAT, message_id=999, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")
    status, body = await call(
        http,
        tg,
        "editMessageText",
        chat_id=CHAT,
        message_id=msg_id,
        text="v1",
        reply_markup=KEYBOARD,
    )
    assert status == 400 and body["description"].startswith("Bad Request: message is not modified")
    # Same text but dropping the keyboard is a real change.
    status, body = await call(
        http, tg, "editMessageText", chat_id=CHAT, message_id=msg_id, text="v1", form=True
    )
    assert status == 200 and "reply_markup" not in body["result"] and body["result"]["edit_date"]
    status, body = await call(
        http,
        tg,
        "editMessageText",
        chat_id=CHAT,
        message_id=msg_id,
        text="<b>v2</b>",
        parse_mode="HTML",
    )
    assert body["result"]["text"] == "v2"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    user_msg_update = tg.send_text(CHAT, USER, "mine")
    assert user_msg_update
    status, body = await call(http, tg, "deleteMessage", chat_id=CHAT, message_id=msg_id)
    assert (status, body["result"]) == (200, True)
    status, body = await call(http, tg, "deleteMessage", chat_id=CHAT, message_id=msg_id)
    assert body["description"] == "Bad Request: message to delete not found"
    assert [(r.method, r.message_id) for r in tg.sent(CHAT)] == [
        ("sendMessage", 1),
        ("editMessageText", 1),
        ("editMessageText", 1),
        ("deleteMessage", 1),
    ]
    assert tg.sent(CHAT)[2].text == "<b>v2</b>" and tg.sent(CHAT)[2].parse_mode == "HTML"


async def test_answer_callback_once(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.register_chat(CHAT)
    _, body = await call(http, tg, "sendMessage", chat_id=CHAT, text="q", reply_markup=KEYBOARD)
    query = tg.tap(CHAT, USER, body["result"]["message_id"], "no")
    with pytest.raises(ValueError, match="no button"):
        tg.tap(CHAT, USER, body["result"]["message_id"], "maybe")
    status, _ = await call(http, tg, "answerCallbackQuery", callback_query_id=query, text="ok")
    assert status == 200
    status, body = await call(http, tg, "answerCallbackQuery", callback_query_id=query)
    assert (status, body["description"]) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    [answer] = tg.answered_callbacks
    assert (answer.data, answer.text, answer.message_id) == ("no", "ok", 1)


async def test_fault_injection(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.register_chat(CHAT)
    tg.register_chat(7)
    tg.fail("sendMessage", 429, retry_after=3, times=2)
    for _ in range(2):
        status, body = await call(http, tg, "sendMessage", chat_id=CHAT, text="x")
        assert (status, body) == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            },
        )
    assert (await call(http, tg, "sendMessage", chat_id=CHAT, text="x"))[0] == 200

    tg.fail("sendmessage", 502, chat_id=7)
    assert (await call(http, tg, "sendMessage", chat_id=CHAT, text="x"))[0] == 200
    status, body = await call(http, tg, "sendMessage", chat_id=7, text="x")
    assert (status, body["description"]) == (502, "Bad Gateway")
    tg.fail("*", 500)
    assert (await call(http, tg, "getMe"))[0] == 500

    tg.block(7)
    for _ in range(2):
        status, body = await call(http, tg, "sendMessage", chat_id=7, text="x")
        assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    tg.refuse_method("setMyCommands")
    status, _ = await call(
        http, tg, "setMyCommands", commands=[{"command": "a", "description": "b"}]
    )
    assert status == 404
    assert [c.status for c in tg.calls if c.method == "sendMessage"] == [
        429,
        429,
        200,
        200,
        502,
        403,
        403,
    ]
    assert len(tg.sent()) == 2


async def test_commands_per_scope_and_language(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    cmds = [{"command": "start", "description": "开始"}]
    assert (await call(http, tg, "setMyCommands", commands=cmds, language_code="zh", form=True))[
        0
    ] == 200
    assert (
        await call(
            http,
            tg,
            "setMyCommands",
            commands=[{"command": "help", "description": "Help"}],
            scope={"type": "all_private_chats"},
        )
    )[0] == 200
    status, body = await call(
        http, tg, "setMyCommands", commands=[{"command": "Bad-Name", "description": "x"}]
    )
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")
    assert tg.commands == {
        ("default", "zh"): cmds,
        ("all_private_chats", ""): [{"command": "help", "description": "Help"}],
    }
    _, body = await call(http, tg, "getMyCommands", language_code="zh")
    assert body["result"] == cmds


async def test_waiting_helpers(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.register_chat(CHAT)
    with pytest.raises(RuntimeError, match="await_for"):
        tg.wait_sent(CHAT)  # would freeze this loop
    later = asyncio.create_task(asyncio.sleep(0.1))
    later.add_done_callback(
        lambda _: asyncio.ensure_future(
            call(http, tg, "sendMessage", chat_id=CHAT, text="late", reply_markup=KEYBOARD)
        )
    )
    [record] = await tg.await_sent(CHAT, 1, timeout=3)
    assert record.text == "late" and tg.buttons(record) == [("是", "yes"), ("否", "no")]
    with pytest.raises(AssertionError, match=r"(?s)sent 1 record.*'late'"):
        await tg.await_sent(CHAT, 2, timeout=0.2)


def test_sync_wait_and_http_control(tg: FakeTelegram) -> None:
    """A sync test, with the "bot" in a subprocess-like thread using the control API."""

    def post(path: str, payload: dict[str, Any]) -> Any:
        req = urllib.request.Request(
            f"{tg.base_url}{path}",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    update_id = post("/control/send_text", {"chat_id": CHAT, "user_id": USER, "text": "hi"})[
        "update_id"
    ]
    assert tg.pending_updates() == 1 and update_id > 0

    def bot() -> None:
        time.sleep(0.1)
        post(f"/bot{TOKEN}/sendMessage", {"chat_id": CHAT, "text": "hello"})

    threading.Thread(target=bot).start()
    [record] = tg.wait_sent(CHAT, count=1, timeout=3)
    assert record.text == "hello"
    with urllib.request.urlopen(f"{tg.base_url}/control/sent?chat_id={CHAT}", timeout=5) as r:
        assert [s["text"] for s in json.loads(r.read())] == ["hello"]
    with pytest.raises(AssertionError, match=r"timed out after 0\.1s"):
        tg.wait_sent(CHAT, count=2, timeout=0.1)


# ---------------------------------------------------------------------- aiogram
async def test_aiogram_bot_against_fake(tg: FakeTelegram) -> None:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
    from aiogram.types import (
        BotCommand,
        BotCommandScopeAllPrivateChats,
        BufferedInputFile,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        Message,
    )

    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(TOKEN, session=session)
    try:
        me = await bot.get_me()
        assert (me.id, me.username) == (123456, "greenbot_test_bot")
        tg.send_text(CHAT, USER, "/start")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None and updates[0].message.text == "/start"

        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="是", callback_data="yes")]]
        )
        msg = await bot.send_message(
            CHAT, "<b>问</b> &amp; 答", parse_mode="HTML", reply_markup=markup
        )
        assert (msg.text, msg.message_id) == ("问 & 答", 2)
        assert msg.entities is not None and msg.entities[0].type == "bold"
        assert msg.reply_markup is not None
        assert msg.reply_markup.inline_keyboard[0][0].callback_data == "yes"
        edited = await bot.edit_message_text("改", chat_id=CHAT, message_id=msg.message_id)
        assert isinstance(edited, Message) and edited.text == "改" and edited.reply_markup is None
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text("改", chat_id=CHAT, message_id=msg.message_id)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(CHAT, "<b>oops", parse_mode="HTML")

        shown = await bot.send_message(CHAT, "tap", reply_markup=markup)
        query_id = tg.tap(CHAT, USER, shown.message_id, "yes")
        updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
        assert updates[0].callback_query is not None
        assert updates[0].callback_query.id == query_id
        assert await bot.answer_callback_query(query_id, text="好") is True

        doc = await bot.send_document(
            CHAT,
            BufferedInputFile(b"%PDF-1.4 fake", "报告.pdf"),
            caption="<i>r</i>",
            parse_mode="HTML",
        )
        assert doc.document is not None and doc.document.file_name == "报告.pdf"
        assert doc.document.mime_type == "application/pdf" and doc.caption == "r"
        photo = await bot.send_photo(CHAT, BufferedInputFile(tiny_png(), "chart.png"))
        assert photo.photo is not None and (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
        assert await bot.set_my_commands(
            [BotCommand(command="start", description="开始")],
            scope=BotCommandScopeAllPrivateChats(),
            language_code="zh",
        )
        assert tg.commands[("all_private_chats", "zh")][0]["command"] == "start"

        records = tg.sent(CHAT)
        assert records[-2].document == b"%PDF-1.4 fake" and records[-2].filename == "报告.pdf"
        assert records[-1].photo == tiny_png()
        assert records[0].reply_markup == {
            "inline_keyboard": [[{"text": "是", "callback_data": "yes"}]]
        }

        tg.fail("sendMessage", 429, retry_after=7)
        with pytest.raises(TelegramRetryAfter) as retry:
            await bot.send_message(CHAT, "x")
        assert retry.value.retry_after == 7
        tg.block(CHAT)
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "x")
    finally:
        await bot.session.close()


async def test_aiogram_dispatcher_polling(tg: FakeTelegram) -> None:
    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.filters import CommandStart
    from aiogram.types import CallbackQuery, Message
    from aiogram.utils.keyboard import InlineKeyboardBuilder

    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        kb = InlineKeyboardBuilder().button(text="继续", callback_data="go").as_markup()
        await message.answer("<b>欢迎</b>", parse_mode="HTML", reply_markup=kb)

    @dp.callback_query(F.data == "go")
    async def go(query: CallbackQuery) -> None:
        await query.answer("收到")
        assert isinstance(query.message, Message)
        await query.message.edit_text("已继续")

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        tg.send_text(CHAT, USER, "/start")
        [welcome] = await tg.await_sent(CHAT, 1, timeout=5)
        assert welcome.text == "<b>欢迎</b>" and tg.buttons(welcome) == [("继续", "go")]
        tg.tap(CHAT, USER, welcome.message_id or 0, "go")
        records = await tg.await_sent(CHAT, 2, timeout=5)
        assert (records[1].method, records[1].text) == ("editMessageText", "已继续")
        await tg.await_for(lambda t: t.answered_callbacks, timeout=5)
        assert tg.answered_callbacks[0].text == "收到"
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


# ---------------------------------------------------------------------- python-telegram-bot
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_bot_against_fake(tg: FakeTelegram) -> None:
    from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest, Forbidden, RetryAfter

    async with Bot(TOKEN, base_url=f"{tg.base_url}/bot") as bot:
        assert bot.username == "greenbot_test_bot"  # get_me ran during initialize()
        tg.send_text(CHAT, USER, "/help", lang="en")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None and updates[0].message.text == "/help"
        assert updates[0].message.from_user is not None
        assert updates[0].message.from_user.language_code == "en"

        markup = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
        msg = await bot.send_message(CHAT, "<i>hi</i>", parse_mode="HTML", reply_markup=markup)
        assert msg.text == "hi" and msg.reply_markup == markup
        edited = await bot.edit_message_text(
            "bye", chat_id=CHAT, message_id=msg.message_id, reply_markup=markup
        )
        assert not isinstance(edited, bool) and edited.text == "bye"
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(
                CHAT,
                "x",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("b", callback_data="d" * 65)]]
                ),
            )

        query_id = tg.tap(CHAT, USER, msg.message_id, "ok")
        updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
        assert updates[0].callback_query is not None and updates[0].callback_query.data == "ok"
        assert await bot.answer_callback_query(query_id, text="done") is True
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)

        doc = await bot.send_document(CHAT, b"a,b\n1,2\n", filename="data.csv", caption="c")
        assert doc.document is not None and doc.document.file_name == "data.csv"
        assert doc.document.mime_type == "text/csv" and doc.document.file_size == 8
        photo = await bot.send_photo(CHAT, tiny_png(), filename="p.png")
        assert photo.photo and photo.photo[-1].width == 3
        again = await bot.send_document(CHAT, doc.document.file_id)  # resend by file_id
        assert again.document is not None and again.document.file_name == "data.csv"
        assert await bot.set_my_commands([BotCommand("start", "开始")], language_code="zh")
        assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start"]

        records = tg.sent(CHAT)
        assert records[-2].photo == tiny_png() and records[-3].document == b"a,b\n1,2\n"
        assert records[0].reply_markup == {
            "inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]
        }

        tg.fail("sendMessage", 429, retry_after=5)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(CHAT, "x")
        assert retry.value.message == "Flood control exceeded. Retry in 5 seconds"
        tg.fail("sendMessage", 403, chat_id=CHAT)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "x")


async def test_ptb_application_polling(tg: FakeTelegram) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "<b>欢迎</b>",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("继续", callback_data="go")]]),
        )

    async def go(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("收到")
        await update.callback_query.edit_message_text("已继续")

    app = Application.builder().token(TOKEN).base_url(f"{tg.base_url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(go, pattern="^go$"))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            tg.send_text(CHAT, USER, "/start")
            [welcome] = await tg.await_sent(CHAT, 1, timeout=5)
            assert welcome.parse_mode == "HTML" and tg.buttons(welcome) == [("继续", "go")]
            tg.tap(CHAT, USER, welcome.message_id or 0, "go")
            records = await tg.await_sent(CHAT, 2, timeout=5)
            assert (records[1].method, records[1].text) == ("editMessageText", "已继续")
            assert tg.answered_callbacks[0].text == "收到"
        finally:
            await app.updater.stop()
            await app.stop()
    assert tg.pending_updates() == 0  # PTB confirmed everything on shutdown
