"""The PDF report through each Telegram engine: the button, the name, then a document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.handlers import report as report_handler
from bot.render import label
from tests.bot.report.helpers import ANSWERS, pdf_text, squeeze
from tests.bot.transports.conftest import ENGINES, TOKEN, running
from tests.support.fake_telegram import FakeTelegram

pytestmark = [pytest.mark.timeout(90), pytest.mark.parametrize("engine_name", ENGINES)]
CHAT = 78


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as server:
        yield server


async def test_the_pdf_arrives_as_a_document(
    engine_name: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    async with running(engine_name, tg, tmp_path / "bot.sqlite3") as engine:
        # A quick score finished earlier in this chat (the dialog tests cover getting there).
        report_handler.store_of(engine.services).save_score(CHAT, ANSWERS)
        tg.send_text(CHAT, CHAT, "/start")
        menu = await tg.await_for(lambda t: next(iter(t.sent(CHAT)), None), timeout=15)
        assert menu.message_id is not None
        tg.tap(CHAT, CHAT, menu.message_id, "rp:pdf", strict=False)
        await tg.await_for(
            lambda t: next((r for r in t.sent(CHAT) if "单位名称" in (r.text or "")), None),
            timeout=15,
        )
        tg.send_text(CHAT, CHAT, "北京<测试>&工厂")
        document = await tg.await_for(
            lambda t: next((r for r in t.sent(CHAT) if r.method.lower() == "senddocument"), None),
            timeout=30,
        )
        assert document.document and document.document.startswith(b"%PDF-")
        assert (document.filename or "").endswith(".pdf")
        assert label("report.caption") in (document.caption or document.text or "")
        text = pdf_text(document.document)
        assert "北京<测试>&工厂" in text and squeeze(label("report.prescreen_none")) in text
