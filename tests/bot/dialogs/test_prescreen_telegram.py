"""The pre-screen through each Telegram engine against the fake Bot API: /prescreen, tap
through to a verdict, then open a cited article."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.transports import conftest as transports
from tests.bot.transports.conftest import ENGINES, running
from tests.support.fake_telegram import FakeTelegram, SentRecord

tg = transports.tg  # the fake Bot API server fixture, shared with the transport tests

pytestmark = [pytest.mark.timeout(90), pytest.mark.parametrize("engine_name", ENGINES)]
CHAT = 77


def buttons(record: SentRecord) -> dict[str, str]:
    return dict(FakeTelegram.buttons(record))


def sends(server: FakeTelegram) -> list[SentRecord]:
    return [r for r in server.sent(CHAT) if r.method == "sendMessage"]


async def next_send(server: FakeTelegram, count: int) -> SentRecord:
    """Wait until the bot has sent ``count`` messages in all (edits aside); the last one."""

    def enough(t: FakeTelegram) -> list[SentRecord] | None:
        records = sends(t)
        return records if len(records) >= count else None

    return (await server.await_for(enough))[-1]


async def test_prescreen_to_a_verdict_and_an_article(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3"):
        tg.send_text(CHAT, CHAT, "/prescreen")
        question = await next_send(tg, 2)  # the introduction, then the first question
        assert "申报哪一类绿色制造单位？" in (question.text or "")
        assert question.parse_mode == "HTML"
        count = 2
        for answer in ("绿色工厂", "市级名单", "其他地区"):
            tg.tap(CHAT, CHAT, question.message_id, buttons(question)[answer])
            count += 1
            tapped = question
            question = await next_send(tg, count)
            # The tapped question now shows the answer, without its buttons.
            edited = await tg.await_for(
                lambda t, m=tapped.message_id: (
                    stored
                    if (stored := t.message(CHAT, m)) and "→" in stored.get("text", "")
                    else None
                )
            )
            assert answer in edited["text"] and not edited.get("reply_markup")
        result = question
        assert "预审结论：不符合申报条件" in (result.text or "")
        assert "第九条" in (result.text or "")
        choices = buttons(result)
        assert choices["第九条"] == "a:art-9"
        assert {"⬅ 上一步", "🔄 重新开始"} <= set(choices)

        tg.tap(CHAT, CHAT, result.message_id, choices["第九条"])
        article = await next_send(tg, count + 1)
        assert "津冀" in (article.text or "")
        await tg.await_for(lambda t: len(t.answered_callbacks) >= 4)
