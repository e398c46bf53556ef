"""The quick score dialog (/score) driven through the engine: every rule kind, the result,
back, the criterion, resumption on a new engine, expired and forged buttons, English."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_engine
from bot.engine import Context, Engine, Incoming, Outgoing, Reply, Step
from scoring.data import default_table
from scoring.inputs import parse_input
from scoring.present import fmt
from scoring.report import score

TABLE = default_table()
COUNT = len(TABLE.indicators)


def say(engine: Engine, text: str, chat: int = 1, lang: str = "zh") -> Reply:
    return engine.handle(Incoming(chat, chat, text=text, lang_code=lang))


def tap(engine: Engine, data: str, chat: int = 1, lang: str = "zh") -> Reply:
    return engine.handle(Incoming(chat, chat, button=data, lang_code=lang, message_id=5))


def question(reply: Reply) -> Outgoing:
    """The message carrying the buttons (the question being asked)."""
    return [m for m in reply.messages if m.buttons][-1]


def buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for row in question(reply).buttons for b in row}


def button(reply: Reply, start: str) -> str:
    """The data of the one button whose label starts with ``start``."""
    [data] = [d for label, d in buttons(reply).items() if label.startswith(start)]
    return data


def at(reply: Reply) -> int:
    """The question number of the progress line ("7/21")."""
    match = re.search(rf"<b>(\d+)/{COUNT}</b>", question(reply).text)
    assert match, question(reply).text
    return int(match.group(1))


def text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def skip_to(engine: Engine, reply: Reply, number: int, chat: int = 1) -> Reply:
    while at(reply) < number:
        reply = tap(engine, button(reply, "跳过"), chat)
    return reply


class StubPrescreen:
    """Stands in for the pre-screen dialog when it is not registered (yet)."""

    name = "prescreen"
    command = None
    menu_key = None

    def __init__(self) -> None:
        self.args: list[str] = []

    def start(self, ctx: Context, args: str) -> Step:
        self.args.append(args)
        return Step([Outgoing(f"prescreen {args}")], {"args": args})

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        return Step([], None)

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        return Step([], None)


@pytest.fixture
def with_prescreen(engine: Engine) -> Engine:
    if "prescreen" not in engine.dialogs:
        engine.add_dialog(StubPrescreen())
    return engine


def test_a_full_run_answers_every_kind_and_scores_like_the_cli(with_prescreen: Engine) -> None:
    engine = with_prescreen
    expected: dict[str, Any] = {}

    reply = say(engine, "/score")
    assert at(reply) == 1 and "快速评分" in question(reply).text
    assert "用地集约化" in question(reply).text and "工厂容积率" in question(reply).text
    assert "满分2分" in question(reply).text
    assert set(buttons(reply)) == {"📖 原文", "跳过/不知道"}  # no way back from the first

    # ind-1 ratio: the value, then the requirement
    reply = say(engine, "1.6")
    assert at(reply) == 1 and "1.6" in question(reply).text and "要求值" in question(reply).text
    reply = say(engine, "1.0")
    expected["ind-1"] = {"value": 1.6, "requirement": 1.0}
    assert at(reply) == 2 and "✓ 1. 工厂容积率：1.4 / 2分" in reply.messages[0].text

    # ind-2 ratio in one line; a negative value and a zero requirement are asked again
    reply = say(engine, "-1 30")
    assert at(reply) == 2 and "不能为负" in question(reply).text
    reply = say(engine, "50 0")
    assert at(reply) == 2 and "应大于0" in question(reply).text
    reply = say(engine, "52%/30%")
    expected["ind-2"] = {"value": 52, "requirement": 30}
    assert at(reply) == 3

    # ind-3 a tier
    reply = tap(engine, buttons(reply)["行业先进"])
    expected["ind-3"] = "advanced"
    assert reply.messages[0].edit and "行业先进" in reply.messages[0].text
    assert at(reply) == 4

    # ind-4 a percentage typed as 85%
    reply = say(engine, "85%")
    expected["ind-4"] = 85
    assert "满分" in reply.messages[0].text

    # ind-5 skipped, 6-8 tiers
    reply = tap(engine, buttons(reply)["跳过/不知道"])
    assert "已跳过" in reply.messages[0].text
    for tier, ref in (("行业领先", "ind-6"), ("行业平均", "ind-7"), ("行业落后", "ind-8")):
        reply = tap(engine, buttons(reply)[tier])
        expected[ref] = {"行业领先": "leading", "行业平均": "average", "行业落后": "lagging"}[tier]
    assert at(reply) == 9

    # ind-9: out of range, not a number, then full-width digits
    reply = say(engine, "120")
    assert at(reply) == 9 and "0到100之间" in question(reply).text and "120" in question(reply).text
    reply = say(engine, "很多")
    assert at(reply) == 9 and "没有看懂" in question(reply).text
    reply = say(engine, "８５")
    expected["ind-9"] = 85
    assert at(reply) == 10

    for tier, ref in (("行业先进", "ind-10"), ("行业领先", "ind-11"), ("行业平均", "ind-12")):
        reply = tap(engine, buttons(reply)[tier])
        expected[ref] = {"行业先进": "advanced", "行业领先": "leading", "行业平均": "average"}[tier]
    reply = say(engine, "85.5")
    expected["ind-13"] = 85.5
    assert at(reply) == 14

    # ind-14 checklist: toggles edit the message, a second tap unticks
    reply = tap(engine, button(reply, "☐ 建有能源管理中心"))
    assert reply.messages[0].edit and at(reply) == 14
    assert "✅ 建有能源管理中心" in buttons(reply)
    reply = tap(engine, button(reply, "☐ 绿电"))
    reply = tap(engine, button(reply, "✅ 建有能源管理中心"))
    assert "☐ 建有能源管理中心" in buttons(reply) and "✅ 绿电" in "".join(buttons(reply))
    assert "✅ 绿电" in question(reply).text
    reply = tap(engine, buttons(reply)["完成"])
    expected["ind-14"] = ["green_power"]
    assert at(reply) == 15 and "2 / 8分" in reply.messages[0].text

    reply = say(engine, "不知道")  # typed skip
    assert at(reply) == 16 and "已跳过" in reply.messages[0].text
    reply = tap(engine, buttons(reply)["完成"])  # nothing ticked: answered, 0 points
    expected["ind-16"] = []
    reply = say(engine, "40")
    expected["ind-17"] = 40
    for item in ("☐ 职业健康", "☐ 环境管理", "☐ 能源管理"):
        reply = tap(engine, button(reply, item))
    reply = tap(engine, buttons(reply)["完成"])
    expected["ind-18"] = ["ohs", "environment", "energy"]
    reply = tap(engine, buttons(reply)["跳过/不知道"])  # ind-19
    assert at(reply) == 20

    # ind-20 a level
    reply = tap(engine, button(reply, "3级"))
    expected["ind-20"] = 3
    for item in ("☐ 绿色供应链", "☐ 能效领跑者"):
        reply = tap(engine, button(reply, item))
    reply = tap(engine, buttons(reply)["完成"])
    expected["ind-21"] = ["green_supply_chain", "energy_leader"]

    # the result
    report = score(parse_input(expected, TABLE.indicators))
    confirmation, chart, summary = reply.messages
    assert confirmation.edit and "绿色发展荣誉" in confirmation.text
    assert chart.attachment is not None and chart.attachment.kind == "photo"
    assert chart.attachment.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert chart.attachment.filename == "score.png" and chart.attachment.caption
    assert f"总分：<b>{fmt(report.total)}</b> / 110" in summary.text
    assert f"基础分 {fmt(report.base)} / 100，加分项 {fmt(report.bonus)} / 10" in summary.text
    assert f"估计等级：<b>{'一二三四'[report.grade - 1]}级</b>（估算）" in summary.text
    assert TABLE.grading.note_zh in summary.text and "（非官方）" in summary.text
    assert "3 项未填写" in summary.text and report.unanswered == ["ind-5", "ind-15", "ind-19"]
    steps = re.findall(r"^\d\. .*：\+[\d.]+（指标\d+ ", summary.text, flags=re.M)
    assert len(steps) == 3
    state = engine.chats.load(1).state
    assert state["answers"] == parse_input(expected, TABLE.indicators).to_mapping()

    # the hand-over to the pre-screen with the estimated grade
    handover = tap(engine, buttons(reply)["用估算等级做申报预审"])
    assert engine.chats.load(1).flow == "prescreen"
    stub = engine.dialogs["prescreen"]
    if isinstance(stub, StubPrescreen):
        assert stub.args == [f"grade={report.grade}"]
        assert handover.messages[0].text == f"prescreen grade={report.grade}"


def test_the_result_without_a_pre_screen_ends_the_flow(engine: Engine) -> None:
    engine.dialogs.pop("prescreen", None)
    reply = skip_to(engine, say(engine, "/score"), COUNT)
    reply = tap(engine, buttons(reply)["跳过/不知道"])
    assert "总分：<b>0</b> / 110" in reply.messages[-1].text
    assert "21 项未填写" in reply.messages[-1].text
    assert "用估算等级做申报预审" not in buttons(reply) and "快速评分" in buttons(reply)
    assert engine.chats.load(1).flow is None


def test_nothing_answered_offers_no_pre_screen_with_a_grade(with_prescreen: Engine) -> None:
    # Grade 1 from 21 skipped items is no estimate of the factory: nothing to hand over.
    reply = skip_to(with_prescreen, say(with_prescreen, "/score"), COUNT)
    reply = tap(with_prescreen, buttons(reply)["跳过/不知道"])
    assert "用估算等级做申报预审" not in buttons(reply)
    assert "申报预审" not in reply.messages[-1].text
    assert with_prescreen.chats.load(1).flow is None


def test_text_after_the_result_goes_to_the_questions_and_answers(with_prescreen: Engine) -> None:
    engine = with_prescreen
    say(engine, "/score")
    reply = skip_to(engine, say(engine, "1.6 1.0"), COUNT)
    reply = tap(engine, buttons(reply)["跳过/不知道"])
    offer = buttons(reply)["用估算等级做申报预审"]
    answer = say(engine, "第十一条")
    assert "失信被执行人" in text(answer) and engine.chats.load(1).flow is None
    assert tap(engine, offer).notice == "这个菜单已过期"


def test_back_shows_the_previous_question_with_its_answer(engine: Engine) -> None:
    reply = say(engine, "/score")
    reply = say(engine, "1.6 1.0")
    reply = say(engine, "52 30")
    reply = tap(engine, buttons(reply)["行业先进"])
    assert at(reply) == 4
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    assert at(reply) == 3 and reply.messages[0].edit
    assert "当前答案：行业先进" in question(reply).text
    reply = tap(engine, buttons(reply)["行业领先"])
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    assert "当前答案：行业领先" in question(reply).text
    # back from the requirement of a ratio returns to the whole ratio question
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    assert at(reply) == 1 and "当前答案：1.6" in question(reply).text
    reply = say(engine, "1.2")
    assert "已记下本厂数值 1.2" in question(reply).text
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    assert at(reply) == 1 and "已记下" not in question(reply).text
    assert "⬅ 上一题" not in buttons(reply)
    assert engine.chats.load(1).state["answers"]["ind-3"] == "leading"


def test_a_checklist_comes_back_ticked(engine: Engine) -> None:
    reply = skip_to(engine, say(engine, "/score"), 14)
    reply = tap(engine, button(reply, "☐ 配备三级计量"))
    reply = tap(engine, buttons(reply)["完成"])
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    assert "✅ 配备三级计量" in buttons(reply) and "当前答案" in question(reply).text


def test_the_criterion_button_keeps_the_place(engine: Engine) -> None:
    reply = skip_to(engine, say(engine, "/score"), 14)
    reply = tap(engine, button(reply, "☐ 建有智能微电网"))
    old = buttons(reply)
    reply = tap(engine, old["📖 原文"])
    criterion, again = reply.messages
    assert again.buttons and not again.edit
    assert criterion.edit and not criterion.buttons
    assert "□上一年度绿电、绿证采买超过100兆瓦时" in criterion.text
    assert at(reply) == 14 and "✅ 建有智能微电网" in buttons(reply)
    assert tap(engine, old["完成"]).notice == "这个菜单已过期"  # the old message's buttons
    reply = tap(engine, buttons(reply)["完成"])
    assert at(reply) == 15
    assert engine.chats.load(1).state["answers"]["ind-14"] == ["microgrid"]


def test_a_new_engine_on_the_same_file_carries_on(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.sqlite3")
    first = build_engine(path)
    reply = say(first, "/score")
    reply = say(first, "1.6 1.0")
    reply = say(first, "52 30")
    reply = tap(first, buttons(reply)["行业领先"])
    reply = say(first, "３０％")
    reply = skip_to(first, reply, 14)
    reply = tap(first, button(reply, "☐ 建有能源管理中心"))
    first.services.db.conn.close()

    second = build_engine(path)
    reply = tap(second, button(reply, "☐ 配备三级计量"))  # a button sent before the restart
    assert at(reply) == 14 and "✅ 建有能源管理中心" in buttons(reply)
    reply = tap(second, buttons(reply)["完成"])
    reply = say(second, "15%")
    assert at(reply) == 16
    state = second.chats.load(1).state
    assert state["answers"] == {
        "ind-1": {"value": 1.6, "requirement": 1.0},
        "ind-2": {"value": 52.0, "requirement": 30.0},
        "ind-3": "leading",
        "ind-4": 30.0,
        "ind-14": ["energy_center", "metering"],
        "ind-15": 15.0,
    }


def test_expired_and_forged_buttons(engine: Engine) -> None:
    reply = say(engine, "/score")
    old = buttons(reply)["跳过/不知道"]
    reply = tap(engine, old)
    assert at(reply) == 2
    expired = tap(engine, old)
    assert expired.notice == "这个菜单已过期" and at(reply) == 2
    assert engine.chats.load(1).state["at"] == 1  # nothing moved
    nonce = buttons(reply)["跳过/不知道"].split(":")[1]
    for payload in ("a:leading", "t:metering", "done", "nonsense", "ps", "a:"):
        forged = tap(engine, f"d:{nonce}:{payload}")
        assert forged.notice == "无法识别这个按钮", payload
    reply = say(engine, "52 30")
    forged = tap(engine, f"d:{buttons(reply)['行业先进'].split(':')[1]}:a:excellent")
    assert forged.notice == "无法识别这个按钮"
    assert all(len(b.encode()) <= 64 for b in buttons(reply).values())


def test_buttons_where_text_is_expected_and_text_where_buttons_are(engine: Engine) -> None:
    reply = skip_to(engine, say(engine, "/score"), 3)
    reply = say(engine, "领先")
    assert at(reply) == 3 and "请点下面的按钮" in question(reply).text
    reply = skip_to(engine, reply, 20)
    reply = say(engine, "4级")  # a level may be typed
    assert at(reply) == 21 and "4级（优化级）" in reply.messages[0].text
    reply = tap(engine, buttons(reply)["⬅ 上一题"])
    reply = say(engine, "7")
    assert at(reply) == 20 and "0到5的整数" in question(reply).text


def test_menu_button_cancel_and_restart(engine: Engine) -> None:
    start = tap(engine, "m:sc")
    assert at(start) == 1 and engine.chats.load(1).flow == "score"
    reply = say(engine, "1.6 1.0")
    assert "已退出" in text(say(engine, "/cancel"))
    assert engine.chats.load(1).flow is None
    assert tap(engine, buttons(reply)["跳过/不知道"]).notice == "这个菜单已过期"
    assert at(say(engine, "/score")) == 1


def test_html_in_typed_answers_is_escaped(engine: Engine) -> None:
    reply = skip_to(engine, say(engine, "/score"), 4)
    reply = say(engine, "<b>85</b>")
    assert at(reply) == 4 and "<b>85</b>" not in question(reply).text
    assert "&lt;b&gt;85&lt;/b&gt;" in question(reply).text


def test_english(engine: Engine) -> None:
    reply = say(engine, "/score", lang="en")
    assert "Quick score" in question(reply).text and "Land-use intensity" in question(reply).text
    assert set(buttons(reply)) == {"📖 Original text", "Skip / don't know"}
    reply = say(engine, "1.6/1.0", lang="en")
    assert "1.4 / 2 points" in reply.messages[0].text
    reply = say(engine, "-5 30", lang="en")
    assert "cannot be negative" in question(reply).text
    reply = say(engine, "52 30", lang="en")
    assert "industry-leading" in buttons(reply)
    reply = tap(engine, buttons(reply)["industry-leading"], lang="en")
    reply = say(engine, "101", lang="en")
    assert "between 0 and 100" in question(reply).text
    while at(reply) < COUNT:
        reply = tap(engine, buttons(reply)["Skip / don't know"], lang="en")
    reply = tap(engine, buttons(reply)["Skip / don't know"], lang="en")
    summary = reply.messages[-1].text
    assert "Total: <b>9</b> / 110" in summary and "Estimated grade" in summary
    assert TABLE.grading.note_en in html.unescape(summary)
    assert "18 indicators not answered" in summary
    assert reply.messages[1].attachment is not None
    assert reply.messages[1].attachment.caption.startswith("Points against")
    assert not re.search(r"[\u4e00-\u9fff]", summary)  # no Chinese left


def test_a_ratio_that_is_not_a_number_asks_for_what_is_expected(engine: Engine) -> None:
    """The plot ratio wants two values: "abc" is not told to type "a number"."""
    say(engine, "/score")
    reply = say(engine, "abc")
    problem = question(reply).text
    assert at(reply) == 1 and "“abc”" in problem
    assert "两个数字" in problem and "1.6 1.0" in problem and "一个数字" not in problem
    reply = say(engine, "1.6")  # the factory's value: now one number is expected
    reply = say(engine, "abc")
    assert "行业的要求值（一个数字）" in question(reply).text
    reply = say(engine, "abc", lang="en")
    assert "industry requirement (one number)" in question(reply).text
