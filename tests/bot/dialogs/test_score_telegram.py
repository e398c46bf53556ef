"""The quick score end to end through each Telegram engine, against the fake Bot API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.transports.conftest import ENGINES, TOKEN, running
from tests.support.fake_telegram import FakeTelegram, SentRecord

pytestmark = [pytest.mark.timeout(90), pytest.mark.parametrize("engine_name", ENGINES)]
CHAT = 77


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    """The fake Bot API server (as in tests/bot/transports)."""
    with FakeTelegram(token=TOKEN) as server:
        yield server


def current(tg: FakeTelegram) -> SentRecord | None:
    """The question on screen: the last record with buttons."""
    with_buttons = [r for r in tg.sent(CHAT) if r.reply_markup and FakeTelegram.buttons(r)]
    return with_buttons[-1] if with_buttons else None


async def question(tg: FakeTelegram, number: int) -> SentRecord:
    """Wait until question ``number`` ("7/21") is on screen."""

    def shown(t: FakeTelegram) -> SentRecord | None:
        record = current(t)
        return record if record and f"<b>{number}/21</b>" in (record.text or "") else None

    return await tg.await_for(shown, timeout=15)


def data(record: SentRecord, label: str) -> str:
    return dict(FakeTelegram.buttons(record))[label]


async def test_score_through_telegram(engine_name: str, tg: FakeTelegram, tmp_path: Path) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        tg.send_text(CHAT, CHAT, "/score")
        first = await question(tg, 1)
        assert first.parse_mode == "HTML" and "工厂容积率" in (first.text or "")

        tg.send_text(CHAT, CHAT, "1.6 1.0")
        second = await question(tg, 2)
        tg.tap(CHAT, CHAT, second.message_id, data(second, "📖 原文"))
        again = await tg.await_for(
            lambda t: (r := current(t)) and r.message_id != second.message_id and r, timeout=15
        )
        criterion = tg.message(CHAT, second.message_id)
        assert criterion and "GB/T 36132" in criterion["text"]
        assert "<b>2/21</b>" in (again.text or "")

        tg.tap(CHAT, CHAT, again.message_id, data(again, "跳过/不知道"))
        third = await question(tg, 3)
        tg.tap(CHAT, CHAT, third.message_id, data(third, "行业领先"))
        record = await question(tg, 4)
        tg.send_text(CHAT, CHAT, "８５％")
        for number in range(5, 14):
            record = await question(tg, number)
            tg.tap(CHAT, CHAT, record.message_id, data(record, "跳过/不知道"))
        record = await question(tg, 14)
        tg.tap(CHAT, CHAT, record.message_id, data(record, "☐ 配备三级计量"))
        toggled = await tg.await_for(
            lambda t: (
                (r := current(t)) and "✅ 配备三级计量" in dict(FakeTelegram.buttons(r)) and r
            ),
            timeout=15,
        )
        assert toggled.message_id == record.message_id and toggled.method.lower().startswith("edit")
        tg.tap(CHAT, CHAT, toggled.message_id, data(toggled, "完成"))
        for number in range(15, 22):
            record = await question(tg, number)
            tg.tap(CHAT, CHAT, record.message_id, data(record, "跳过/不知道"))

        photo = await tg.await_for(
            lambda t: next((r for r in t.sent(CHAT) if r.method.lower() == "sendphoto"), None),
            timeout=20,
        )
        assert photo.photo and photo.photo.startswith(b"\x89PNG")
        assert "各领域得分" in (photo.caption or photo.text or "")
        summary = await tg.await_for(
            lambda t: next((r for r in t.sent(CHAT) if "快速评分结果" in (r.text or "")), None),
            timeout=15,
        )
        # 1.4 (plot ratio) + 6 (leading) + 4 (85%) + 2 (metering) = 13.4
        assert re.search(r"总分：<b>13\.4</b> / 110", summary.text or "")
        assert "估计等级" in (summary.text or "") and "非官方" in (summary.text or "")
        assert tg.sent(CHAT).index(photo) < tg.sent(CHAT).index(summary)
        await tg.await_for(lambda t: len(t.answered_callbacks) >= 21)
        assert all(a.text in (None, "") for a in tg.answered_callbacks)
