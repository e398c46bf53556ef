"""Both Telegram engines, end to end, against a local fake Bot API server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.bot.transports.conftest import ENGINES, running
from tests.support.fake_telegram import FakeTelegram, SentRecord

pytestmark = [pytest.mark.timeout(90), pytest.mark.parametrize("engine_name", ENGINES)]


def buttons(record: SentRecord) -> dict[str, str]:
    return dict(FakeTelegram.buttons(record))


async def test_start_menu_question_article_cancel(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        tg.send_text(42, 42, "/start")
        [welcome] = await tg.await_sent(42, 1)
        assert "绿色制造单位助手" in (welcome.text or "")
        menu = buttons(welcome)
        assert list(menu) == ["问答", "申报预审", "快速评分", "期限提醒"]

        tg.tap(42, 42, welcome.message_id, menu["问答"])
        prompt = (await tg.await_sent(42, 2))[-1]
        assert "请直接输入您的问题" in (prompt.text or "")

        tg.send_text(42, 42, "单位名称变了要多久内报市经信局")
        answer = (await tg.await_sent(42, 3))[-1]
        assert "第十四条" in (answer.text or "") and "30日内" in (answer.text or "")
        assert answer.parse_mode == "HTML"
        related = buttons(answer)
        assert related and all(len(data.encode()) <= 64 for data in related.values())

        label, data = next(iter(related.items()))
        tg.tap(42, 42, answer.message_id, data)
        article = (await tg.await_sent(42, 4))[-1]
        assert label in (article.text or "")

        tg.send_text(42, 42, "/cancel")
        cancelled = (await tg.await_sent(42, 5))[-1]
        assert "没有进行中的流程" in (cancelled.text or "")
        await tg.await_for(lambda t: len(t.answered_callbacks) >= 2)
        assert {("default", "zh"), ("default", "en"), ("default", "")} <= set(tg.commands)
        assert any(c["command"] == "article" for c in tg.commands[("default", "en")])


async def test_restart_mid_flow_then_expired_button(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    db = tmp_path / "bot.sqlite3"
    async with running(engine_name, tg, db):
        tg.send_text(7, 7, "/forget")
        [confirm] = await tg.await_sent(7, 1)
        choice = buttons(confirm)
    # A new process on the same database: the confirmation is still pending.
    async with running(engine_name, tg, db):
        tg.tap(7, 7, confirm.message_id, choice["取消"])
        kept = (await tg.await_sent(7, 2))[-1]
        assert "数据保持不变" in (kept.text or "")
        # The flow has ended: its buttons are now expired, and say so.
        tg.tap(7, 7, confirm.message_id, choice["确认删除"])
        expired = (await tg.await_sent(7, 3))[-1]
        assert "已过期" in (expired.text or "")
        assert buttons(expired)  # the main menu comes with it
        await tg.await_for(lambda t: len(t.answered_callbacks) >= 2)
        notices = [a.text for a in tg.answered_callbacks]
        assert "这个菜单已过期" in notices


async def test_forged_button_gets_an_error_reply(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        tg.send_text(8, 8, "/start")
        [welcome] = await tg.await_sent(8, 1)
        for data in ("zz:evil", "a:art-99", "d:nonce", "m:nothing"):
            tg.tap(8, 8, welcome.message_id, data, strict=False)
        replies = await tg.await_sent(8, 5)
        assert all("无法识别" in (r.text or "") for r in replies[1:])
        await tg.await_for(lambda t: len(t.answered_callbacks) >= 4)


async def test_429_waits_and_403_stops_sending(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3") as engine:
        tg.fail("sendMessage", 429, retry_after=1, chat_id=11)
        tg.send_text(11, 11, "第十一条")
        [answer] = await tg.await_sent(11, 1, timeout=15)
        assert "不得入围" in (answer.text or "")
        assert any(c.status == 429 for c in tg.calls)

        tg.fail("sendMessage", 500, times=2, chat_id=11)
        tg.send_text(11, 11, "第十五条")
        second = (await tg.await_sent(11, 2, timeout=15))[-1]
        assert "重新申报" in (second.text or "")

        tg.register_chat(12)
        tg.block(12)
        tg.send_text(12, 12, "/start")
        await tg.await_for(lambda t: any(c.status == 403 for c in t.calls), timeout=10)
        await tg.await_for(lambda _: engine.chats.is_blocked(12) or None, timeout=10)
        # The bot is still serving others.
        tg.send_text(13, 13, "/help")
        [help_] = await tg.await_sent(13, 1)
        assert "/article" in (help_.text or "")


async def test_two_users_at_once_without_cross_talk(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        for _ in range(3):
            tg.send_text(21, 21, "第十四条")
            tg.send_text(22, 22, "第十八条")
        first = await tg.await_sent(21, 3)
        second = await tg.await_sent(22, 3)
        assert all("第十四条" in (r.text or "") and "第十八条" not in (r.text or "") for r in first)
        assert all(
            "第十八条" in (r.text or "") and "第十四条" not in (r.text or "") for r in second
        )


async def test_refused_set_my_commands_does_not_stop_the_bot(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    tg.refuse_method("setMyCommands")
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        tg.send_text(31, 31, "/start")
        [welcome] = await tg.await_sent(31, 1)
        assert welcome.text


async def test_long_message_is_split_with_keyboard_on_last_part(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    from bot.engine import Outgoing, Reply

    async with running(engine_name, tg, tmp_path / "bot.sqlite3") as engine:
        original = engine.handle

        def long_reply(incoming):  # type: ignore[no-untyped-def]
            reply = original(incoming)
            text = "\n\n".join(f"<b>第{i}段</b> " + "绿色制造" * 60 for i in range(40))
            return Reply([Outgoing(text, reply.messages[0].buttons)])

        engine.handle = long_reply  # type: ignore[method-assign]
        tg.send_text(41, 41, "/start")
        await asyncio.sleep(0)
        records = await tg.await_sent(41, 2)
        await asyncio.sleep(0.3)
        records = tg.sent(41)
        assert len(records) >= 3
        assert all(len(r.text or "") <= 4096 for r in records)
        assert all(not r.reply_markup for r in records[:-1]) and records[-1].reply_markup


async def test_low_confidence_candidates_are_buttons_that_show_the_article(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        tg.send_text(42, 42, "申报截止日期是什么时候？")
        [answer] = await tg.await_sent(42, 1)
        assert "您是想问以下哪一条？" in (answer.text or "")
        candidates = buttons(answer)
        assert 1 <= len(candidates) <= 3
        label, data = next(iter(candidates.items()))
        tg.tap(42, 42, answer.message_id, data)
        article = (await tg.await_sent(42, 2))[-1]
        assert label in (article.text or "")
