"""The report buttons in chat: 📄 PDF 报告 after the pre-screen and the quick score, 📊 逐项明细
after the quick score; they work after the flow has ended, and /forget deletes what they use."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Reply
from bot.handlers import report as report_handler
from bot.render import label
from tests.bot.report.helpers import pdf_text, squeeze
from tests.support.conversation import labels, say, shown, tap

PDF = "rp:pdf"
TABLE = "rp:tbl"


def _data(reply: Reply) -> list[str]:
    return [b.data for m in reply.messages for row in m.buttons for b in row]


def finish_score(engine: Engine, chat: int = 1, lang: str = "zh") -> Reply:
    """/score with every indicator skipped: the result, 0 points."""
    reply = say(engine, "/score", chat, lang)
    skip = label("score.btn.skip", lang)  # type: ignore[arg-type]
    for _ in range(21):
        if engine.chats.load(chat).flow != "score" or engine.chats.load(chat).state.get("result"):
            break
        reply = tap(engine, labels(reply)[skip], chat, lang)
    return reply


def finish_prescreen(engine: Engine, chat: int = 1) -> Reply:
    """/prescreen answered 不确定 throughout: an incomplete verdict."""
    reply = say(engine, "/prescreen", chat)
    unknown = label("prescreen.choice.unknown")
    while engine.chats.load(chat).state.get("q") is not None:
        reply = tap(engine, labels(reply)[unknown], chat)
    return reply


def pdf_of(reply: Reply) -> bytes:
    documents = [m.attachment for m in reply.messages if m.attachment is not None]
    assert len(documents) == 1 and documents[0].kind == "document"
    assert documents[0].filename.endswith(".pdf") and documents[0].caption
    return documents[0].data


def test_the_quick_score_result_offers_both_buttons_and_the_table(engine: Engine) -> None:
    reply = finish_score(engine)
    assert PDF in _data(reply) and TABLE in _data(reply)
    say(engine, "/start")  # the flow is over: the buttons still work
    table = tap(engine, TABLE)
    assert len(table.messages) == 1
    text = shown(table)
    assert "总分 0 / 110" in text
    for number in range(1, 22):
        assert f"\n{number}. " in text
    assert text.count("未填写，按0分计") == 21
    assert _data(table) == [PDF]


def test_the_table_splits_between_domains_when_too_long(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    finish_score(engine)
    whole = shown(tap(engine, TABLE))
    monkeypatch.setattr(report_handler, "MESSAGE_BUDGET", 600)
    parts = tap(engine, TABLE).messages
    assert len(parts) > 2
    texts = [shown(Reply([m]), 0) for m in parts]
    assert texts[0].startswith("快速评分逐项明细") and "估计等级" in texts[-1]
    assert all(not m.buttons for m in parts[:-1]) and parts[-1].buttons
    assert squeeze("".join(texts)) == squeeze(whole)  # nothing lost, nothing repeated


def test_the_pdf_asks_the_unit_name_and_prints_it_as_typed(engine: Engine) -> None:
    finish_score(engine)
    finish_prescreen(engine)
    asked = tap(engine, PDF)
    assert "单位名称" in shown(asked)
    assert list(labels(asked)) == [label("report.btn.skip_name")]
    reply = say(engine, "北京<b>测试</b>&有限公司")
    text = pdf_text(pdf_of(reply))
    assert "北京<b>测试</b>&有限公司" in text
    assert squeeze(label("prescreen.verdict.incomplete")) in text and "0/110" in text
    assert engine.chats.load(1).flow is None
    # Next time the name is offered; tapping it prints it again.
    again = tap(engine, PDF)
    use = label("report.btn.last_name", name="北京<b>测试</b>&有限公司")
    assert use in labels(again)
    assert "北京<b>测试</b>&有限公司" in pdf_text(pdf_of(tap(engine, labels(again)[use])))


def test_the_pdf_without_a_name_and_in_english(engine: Engine) -> None:
    finish_score(engine, lang="en")
    asked = tap(engine, PDF, lang="en")
    reply = tap(engine, labels(asked)["Leave the name out"], lang="en")
    text = pdf_text(pdf_of(reply))
    assert squeeze(label("report.unit_none", "en")) in text
    assert squeeze(label("report.prescreen_none", "en")) in text


def test_a_name_too_long_is_asked_again(engine: Engine) -> None:
    finish_score(engine)
    tap(engine, PDF)
    reply = say(engine, "厂" * 61)
    assert "最多 60 字" in shown(reply) and not any(m.attachment for m in reply.messages)
    assert engine.chats.load(1).flow == "report"


def test_the_pre_screen_result_offers_the_pdf(engine: Engine) -> None:
    reply = finish_prescreen(engine)
    assert PDF in _data(reply) and TABLE not in _data(reply)
    say(engine, "/cancel")
    asked = tap(engine, PDF)
    text = pdf_text(pdf_of(tap(engine, labels(asked)[label("report.btn.skip_name")])))
    assert squeeze(label("report.score_none")) in text


def test_nothing_to_report_yet_and_forged_buttons(engine: Engine) -> None:
    assert shown(tap(engine, PDF)) == label("report.nothing")
    assert shown(tap(engine, TABLE)) == label("report.no_score")
    assert tap(engine, "rp:zzz").notice == label("notice.forged")
    finish_score(engine)
    asked = tap(engine, PDF)
    skip = labels(asked)[label("report.btn.skip_name")]
    nonce = skip.split(":")[1]
    assert tap(engine, f"d:{nonce}:last").notice == label("notice.forged")  # no saved name


def test_forget_deletes_the_saved_answers(engine: Engine) -> None:
    finish_score(engine)
    finish_prescreen(engine, chat=2)
    store = report_handler.store_of(engine.services)
    assert not store.load(1).empty
    confirm = say(engine, "/forget")
    tap(engine, labels(confirm)[label("forget.yes")])
    assert store.load(1).empty and not store.load(2).empty
    assert shown(tap(engine, PDF)) == label("report.nothing")
