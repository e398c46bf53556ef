"""The pre-screen dialog (/prescreen) driven through the engine: the verdicts, what is skipped,
typed dates and shares, back and restart, expiry, resumption, the grade estimate, English."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_engine
from bot.dialogs.prescreen import PrescreenDialog, parse_args, read_answer
from bot.engine import Context, Engine, Incoming, Outgoing, Reply
from bot.prescreen import EXCLUSIONS, QUESTIONS
from tests.support.tg_html import parse_html

TODAY = date(2026, 11, 24)
YES, NO, NOT_SURE = "是", "否", "不确定"
EXCL = [f"exclusions.{name}" for name in EXCLUSIONS]
CLEAN = dict.fromkeys(EXCL, NO)

BEIJING_FACTORY: dict[str, str] = {
    "unit_type": "绿色工厂",
    "target": "市级名单",
    "location": "北京",
    "national_list": NO,
    "legal_person": YES,
    "actual_production": YES,
    "entity": "制造型企业",
    **CLEAN,
    "revocation": NO,
    "district_list": YES,
    "grade": "三级",
}
PARK: dict[str, str] = {
    "unit_type": "绿色工业园区",
    "target": "市级名单",
    "national_list": NO,
    "park.legal_boundary": YES,
    "park.unified_management": YES,
    "park.production_energy_main": YES,
    "park.cultivation_plan": YES,
    **CLEAN,
    "revocation": NO,
    "district_list": YES,
}


@pytest.fixture(autouse=True)
def fixed_today(engine: Engine) -> None:
    """The dialog's idea of today, so revocation dates give the same answers every day."""
    engine.dialogs["prescreen"].today = lambda: TODAY  # type: ignore[attr-defined]


# -- helpers -----------------------------------------------------------------------------------


def checked(reply: Reply) -> Reply:
    """Every message is HTML Telegram accepts, with no raw ids or template leftovers."""
    for message in reply.messages:
        parse_html(message.text)
        assert "prescreen." not in message.text and "{" not in message.text, message.text
    return reply


def say(engine: Engine, text: str, chat: int = 1, lang: str = "zh") -> Reply:
    return checked(engine.handle(Incoming(chat, chat, text=text, lang_code=lang)))


def tap(engine: Engine, data: str, chat: int = 1, lang: str = "zh") -> Reply:
    return checked(engine.handle(Incoming(chat, chat, button=data, lang_code=lang, message_id=5)))


def last(reply: Reply) -> Outgoing:
    """The message carrying the buttons (the question, or the result)."""
    return [m for m in reply.messages if m.buttons][-1]


def buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for row in last(reply).buttons for b in row}


def text(reply: Reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def asking(engine: Engine, chat: int = 1) -> str | None:
    """The field on screen, None at the result or once the flow has ended."""
    chat_state = engine.chats.load(chat)
    return chat_state.state.get("q") if chat_state.flow == "prescreen" else None


def run(
    engine: Engine,
    answers: dict[str, str],
    chat: int = 1,
    lang: str = "zh",
    start: str = "/prescreen",
) -> tuple[list[str], Reply]:
    """Start, then answer each question by the button labelled ``answers[field]`` (or, for a
    question without such a button, by typing it); the fields asked, and the last reply."""
    reply = say(engine, start, chat, lang)
    asked: list[str] = []
    while (field := asking(engine, chat)) is not None:
        assert field not in asked, f"{field} asked twice"
        asked.append(field)
        answer = answers[field]
        choices = buttons(reply)
        if answer in choices:
            reply = tap(engine, choices[answer], chat, lang)
        else:
            reply = say(engine, answer, chat, lang)
    return asked, reply


def ask_until(engine: Engine, answers: dict[str, str], field: str, chat: int = 1) -> Reply:
    """Start and answer until ``field`` is the question on screen."""
    reply = say(engine, "/prescreen", chat)
    while (current := asking(engine, chat)) != field:
        assert current is not None, f"{field} never asked"
        reply = tap(engine, buttons(reply)[answers[current]], chat)
    return reply


# -- the verdicts ------------------------------------------------------------------------------


def test_eligible_beijing_factory(engine: Engine) -> None:
    asked, reply = run(engine, BEIJING_FACTORY)
    assert asked == [
        "unit_type",
        "target",
        "location",
        "national_list",
        "legal_person",
        "actual_production",
        "entity",
        *EXCL,
        "revocation",
        "district_list",
        "grade",
    ]
    result = last(reply).text
    assert "预审结论：符合申报条件" in result
    assert "第七条：“绿色工厂培育对象应是依法设立" in result  # each reason quotes its article
    assert "第十五条" in result and "下一步" in result
    assert "征集通知" in result  # the advice on an eligible verdict
    assert "还需要查清" not in result and "最早可重新申报" not in result
    choices = buttons(reply)
    assert [choices[k] for k in ("第七条", "第八条", "第十一条", "第十五条")] == [
        "a:art-7",
        "a:art-8",
        "a:art-11",
        "a:art-15",
    ]
    assert "快速评分" not in choices  # the grade is known
    assert {"⬅ 上一步", "🔄 重新开始"} <= set(choices)
    # The tapped question is replaced by the question and its answer.
    echo = reply.messages[0]
    assert echo.edit and "三级" in echo.text and not echo.buttons
    # A cited article in full, and the flow still at the result.
    article = tap(engine, choices["第十一条"])
    assert "失信被执行人" in text(article)
    assert engine.chats.load(1).flow == "prescreen"


def test_not_eligible_ends_early_and_quotes_article_11(engine: Engine) -> None:
    answers = {**BEIJING_FACTORY, "exclusions.dishonest_debtor": YES}
    asked, reply = run(engine, answers)
    assert asked[-1] == "exclusions.dishonest_debtor"
    assert "exclusions.other_disqualification" not in asked and "grade" not in asked
    result = last(reply).text
    assert "预审结论：不符合申报条件" in result
    assert "其余问题不再询问" in result
    assert "失信被执行人" in result and "（六）失信被执行人" in result  # the brief quote
    assert "第十一条" in result and "信用修复" in result  # the advice on Art. 11
    assert buttons(reply)["第十一条"] == "a:art-11"
    # Text typed at the result is a question for the Q&A, and the flow ends.
    answer = say(engine, "被撤销后多久能重新申报")
    assert "第十五条" in text(answer)
    assert engine.chats.load(1).flow is None


def test_incomplete_with_not_sure_answers(engine: Engine) -> None:
    answers = {
        **BEIJING_FACTORY,
        "exclusions.dishonest_debtor": NOT_SURE,
        "district_list": NOT_SURE,
        "grade": NOT_SURE,
        "legal_person": "不清楚",
    }
    asked, reply = run(engine, answers)
    assert len(asked) == len(set(asked))  # "not sure" is never asked again
    assert asked[-1] == "grade"
    result = last(reply).text
    assert "预审结论：信息不全，暂无法判断" in result
    assert "还需要查清（4 项）" in result
    assert "近三年是否被列为失信被执行人？" in result  # missing fields as questions
    assert "怎么查：在信用中国" in result and "怎么查：向所在区经济和信息化主管部门" in result
    assert "/score" in result and "greenbot score" not in result
    choices = buttons(reply)
    assert "快速评分" in choices  # the grade is unknown
    switched = tap(engine, choices["快速评分"])
    assert engine.chats.load(1).flow == "score"
    assert switched.messages


def test_park_is_not_asked_about_production_location_or_grade(engine: Engine) -> None:
    asked, reply = run(engine, {**PARK, "park.industrial_share": "62%"})
    assert asked == [
        "unit_type",
        "target",
        "national_list",
        "park.legal_boundary",
        "park.unified_management",
        "park.production_energy_main",
        "park.industrial_share",
        "park.cultivation_plan",
        *EXCL,
        "revocation",
        "district_list",
    ]
    assert "预审结论：符合申报条件" in last(reply).text
    assert "绿色工业园区" in last(reply).text


@pytest.mark.parametrize(
    ("typed", "verdict"),
    [
        ("50", "不符合申报条件"),
        ("50.01", "符合申报条件"),
        ("６２％", "符合申报条件"),
        ("100", "符合申报条件"),
        ("0", "不符合申报条件"),
    ],
)
def test_park_share_strictly_over_50(engine: Engine, typed: str, verdict: str) -> None:
    _, reply = run(engine, {**PARK, "park.industrial_share": typed})
    assert f"预审结论：{verdict}" in last(reply).text
    if typed == "50":
        assert "未超过50%（恰好50%也不够）" in last(reply).text
        assert "且工业增加值占比超过50%" in last(reply).text


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("101", "占比应在 0 到 100 之间"),
        ("-3", "占比应在 0 到 100 之间"),
        ("很多", "不是数字"),
        ("62%%", "不是数字"),
    ],
)
def test_park_share_out_of_range_is_asked_again(engine: Engine, typed: str, why: str) -> None:
    ask_until(engine, PARK, "park.industrial_share")
    again = say(engine, typed)
    assert why in text(again) and "园区工业增加值占比是多少" in text(again)
    assert asking(engine) == "park.industrial_share"
    say(engine, "51")
    assert asking(engine) == "park.cultivation_plan"


REVOKED = {**BEIJING_FACTORY, "revocation": YES, "revocation.reason": "复核不通过"}


@pytest.mark.parametrize(
    "typed",
    [
        "2025-06-01",
        "2025/6/1",
        "2025.6.1",
        "2025年6月1日",
        "20250601",
        "２０２５年６月１日",
        " 2025 / 06 / 01 ",
    ],
)
def test_revocation_date_in_any_common_form(engine: Engine, typed: str) -> None:
    asked, reply = run(engine, {**REVOKED, "revocation.date": typed})
    assert asked[-1] == "revocation.date"
    result = last(reply).text
    assert "预审结论：不符合申报条件" in result
    assert "最早可重新申报日期：2027-06-02" in result
    assert "因复核不通过被撤销绿色制造单位称号的，两年内不得重新申报" in result


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("2025-02-30", "2025年2月只有28天"),
        ("2024年2月30日", "2024年2月只有29天"),
        ("2025/13/1", "一年没有13月"),
        ("昨天", "无法把“昨天”识别为日期"),
        ("2027-01-01", "晚于今天（2026-11-24）"),
    ],
)
def test_impossible_or_future_dates_are_asked_again(engine: Engine, typed: str, why: str) -> None:
    ask_until(engine, REVOKED, "revocation.date")
    again = say(engine, typed)
    assert why in text(again), text(again)
    assert "哪天被撤销的？" in last(again).text
    assert asking(engine) == "revocation.date"
    reply = say(engine, "2024-01-15")  # over two years ago: the ban is over, so on we go
    while (field := asking(engine)) is not None:
        reply = tap(engine, buttons(reply)[REVOKED[field]])
    result = last(reply).text
    # within Art. 11's three years: the measures leave it open (Art. 11(3) vs Art. 15)
    assert "预审结论：有条件（办法对此没有明确规定" in result
    assert "两年期已于2026-01-15届满，自2026-01-16起不再受第十五条的限制" in result
    assert "最早可重新申报日期：2026-01-16" in result


def test_typed_answers_where_buttons_are_offered(engine: Engine) -> None:
    say(engine, "/prescreen")
    say(engine, "绿色工厂")
    say(engine, "national")
    assert asking(engine) == "location"
    again = say(engine, "上海浦东")
    assert "没有看懂“上海浦东”" in text(again) and asking(engine) == "location"
    say(engine, "北京")
    say(engine, "no")
    assert asking(engine) == "legal_person"
    again = say(engine, "也许吧")
    assert "请点下面的按钮，或输入“是”“否”“不确定”" in text(again)
    say(engine, "是的")
    say(engine, "YES")
    assert asking(engine) == "entity"


# -- navigation --------------------------------------------------------------------------------


def test_back_drops_the_last_answer(engine: Engine) -> None:
    reply = ask_until(engine, BEIJING_FACTORY, "national_list")
    assert "<b>第4题</b>" in last(reply).text
    back = tap(engine, buttons(reply)["⬅ 上一步"])
    assert asking(engine) == "location" and "<b>第3题</b>" in last(back).text
    assert engine.chats.load(1).state["history"] == ["unit_type", "target"]
    # A different answer this time takes another path.
    hebei = tap(engine, buttons(back)["河北"])
    assert asking(engine) == "hq_in_beijing"
    assert "企业总部在北京吗？" in last(hebei).text
    # The first question has no back button.
    assert "⬅ 上一步" not in buttons(say(engine, "/prescreen"))


def test_back_from_the_result(engine: Engine) -> None:
    _, reply = run(engine, {**BEIJING_FACTORY, "location": "其他地区"})
    assert "预审结论：不符合申报条件" in last(reply).text
    again = tap(engine, buttons(reply)["⬅ 上一步"])
    assert asking(engine) == "location" and "工厂在哪里？" in last(again).text


def test_restart_then_old_buttons_have_expired(engine: Engine) -> None:
    reply = ask_until(engine, BEIJING_FACTORY, "legal_person")
    old = buttons(reply)
    restarted = tap(engine, old["🔄 重新开始"])
    assert "已清空之前的回答，重新开始" in text(restarted)
    assert asking(engine) == "unit_type"
    assert engine.chats.load(1).state["history"] == []
    expired = tap(engine, old[YES])
    assert expired.notice == "这个菜单已过期"
    assert "已过期" in text(expired)
    assert asking(engine) == "unit_type"  # the flow in progress is untouched


def test_forged_payloads_are_refused(engine: Engine) -> None:
    reply = say(engine, "/prescreen")
    nonce = buttons(reply)["绿色工厂"].split(":")[1]
    for payload in ("v:9", "back", "score", "u:x", ""):
        forged = tap(engine, f"d:{nonce}:{payload}")
        assert forged.notice == "无法识别这个按钮", payload
    assert asking(engine) == "unit_type"


def test_cancel_leaves(engine: Engine) -> None:
    ask_until(engine, BEIJING_FACTORY, "entity")
    assert "已退出当前流程" in text(say(engine, "/cancel"))
    assert engine.chats.load(1).flow is None


def test_menu_button_starts_the_dialog(engine: Engine) -> None:
    menu = {b.label: b.data for row in say(engine, "/start").messages[0].buttons for b in row}
    reply = tap(engine, menu["申报预审"])
    assert "申报预审" in text(reply) and asking(engine) == "unit_type"


def test_a_restarted_bot_carries_on(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    first = build_engine(str(db))
    first.dialogs["prescreen"].today = lambda: TODAY  # type: ignore[attr-defined]
    reply = ask_until(first, REVOKED, "revocation.date")
    pending = buttons(reply)
    second = build_engine(str(db))
    second.dialogs["prescreen"].today = lambda: TODAY  # type: ignore[attr-defined]
    assert asking(second) == "revocation.date"
    done = say(second, "2025年6月1日")
    assert "最早可重新申报日期：2027-06-02" in text(done)
    # Back from the result, on yet another engine, with the buttons of the result.
    third = build_engine(str(db))
    back = tap(third, buttons(done)["⬅ 上一步"])
    assert asking(third) == "revocation.date" and "哪天被撤销的？" in text(back)
    assert tap(third, pending[NOT_SURE]).notice == "这个菜单已过期"


def test_damaged_state_starts_afresh(engine: Engine) -> None:
    ask_until(engine, BEIJING_FACTORY, "entity")
    chat = engine.chats.load(1)
    chat.state = {**chat.state, "answers": {"grade": 9}, "history": ["grade"]}
    engine.chats.save(chat)
    reply = say(engine, "制造型企业")
    assert "重新开始" in text(reply) and asking(engine) == "unit_type"


# -- the grade estimate from the quick score ----------------------------------------------------


def test_grade_estimate_from_the_command(engine: Engine) -> None:
    answers = {k: v for k, v in BEIJING_FACTORY.items() if k != "grade"}
    asked, reply = run(engine, answers, start="/prescreen grade=3")
    assert "grade" not in asked
    result = last(reply).text
    assert "预审结论：符合申报条件" in result
    assert "估算值（三级）" in result


def test_grade_estimate_handed_over_by_start_dialog(engine: Engine) -> None:
    ctx = Context(engine, engine.chats.load(1), 1, "zh", False, "a1b2c3")
    messages = engine.start_dialog(ctx, "prescreen", "grade=2")
    shown = "\n".join(m.text for m in messages)
    assert "快速评分的估算结果填为<b>二级</b>（估算值" in shown
    assert engine.chats.load(1).state["prefill"] == {"grade": 2}
    answers = {k: v for k, v in BEIJING_FACTORY.items() if k != "grade"}
    reply = say(engine, "绿色工厂")
    while (field := asking(engine)) is not None:
        reply = tap(engine, buttons(reply)[answers[field]])
    result = last(reply).text
    assert "有条件" in result and "绿色分级为2级，低于三级" in result
    assert "估算值（二级）" in result
    # Starting over keeps the estimate.
    restarted = tap(engine, buttons(reply)["🔄 重新开始"])
    assert "估算结果填为<b>二级</b>" in text(restarted)


@pytest.mark.parametrize(
    ("args", "prefill"),
    [
        ("grade=3", {"grade": 3}),
        ("grade=4 location=beijing", {"grade": 4, "location": "beijing"}),
        ("grade=none", {"grade": None}),
        ("grade=7", {}),
        ("grade=", {}),
        ("nonsense", {}),
        ("bogus=1", {}),
    ],
)
def test_parse_args(args: str, prefill: dict[str, Any]) -> None:
    assert parse_args(args, TODAY) == prefill


def test_read_answer_values() -> None:
    share = QUESTIONS["park.industrial_share"]
    assert read_answer(share, "６２．５％", TODAY) == 62.5
    assert read_answer(QUESTIONS["grade"], "未评级", TODAY) is None
    assert read_answer(QUESTIONS["grade"], "4", TODAY) == 4
    assert read_answer(QUESTIONS["revocation.date"], "20250601", TODAY) == "2025-06-01"


def test_state_is_plain_json(engine: Engine) -> None:
    import json

    ask_until(engine, REVOKED, "revocation.date")
    say(engine, "2025-06-01")
    state = engine.chats.load(1).state
    assert json.loads(json.dumps(state)) == state
    assert state["answers"]["revocation.date"] == "2025-06-01"


def test_english(engine: Engine) -> None:
    reply = say(engine, "/prescreen", lang="en")
    assert "Can we apply?" in text(reply)
    assert {"Green factory", "Not sure"} <= set(buttons(reply))
    answers = {"unit_type": "Green factory", "target": "Municipal list", "location": "Elsewhere"}
    reply = tap(engine, buttons(reply)[answers["unit_type"]], lang="en")
    reply = tap(engine, buttons(reply)[answers["target"]], lang="en")
    assert "<b>Question 3.</b> Where is the factory?" in last(reply).text
    reply = tap(engine, buttons(reply)["Elsewhere"], lang="en")
    result = last(reply).text
    assert "Pre-screen: Not eligible" in result and "Art. 9" in result
    assert buttons(reply)["Article 9"] == "a:art-9"
    assert {"⬅ Back", "🔄 Start over"} <= set(buttons(reply))


def test_every_question_has_buttons_in_both_languages(engine: Engine) -> None:
    dialog = engine.dialogs["prescreen"]
    assert isinstance(dialog, PrescreenDialog)
    for lang in ("zh", "en"):
        ctx = Context(engine, engine.chats.load(50), 50, lang, False, "0f0f0f")  # type: ignore[arg-type]
        for question in QUESTIONS.values():
            rows, offer = dialog._question_buttons(ctx, question, True)
            assert offer[-2:] == ["back", "restart"]
            data = [b.data for row in rows for b in row]
            assert data == [f"d:0f0f0f:{payload}" for payload in offer]
            assert all(len(d.encode()) <= 64 for d in data)


def test_the_advice_names_the_quick_score_as_its_reader_reaches_it() -> None:
    # The wording is in the strings, with the command as a value: chat text is not CLI text
    # patched afterwards.
    from bot.render import _strings as strings
    from bot.render import label

    assert not [key for key, entry in strings().items() if "greenbot score" in str(entry)]
    assert "用 /score 按附表" in label("prescreen.advice.grade_unknown", "zh", score="/score")
