"""Deadline-reminder enrolment (/remind) and /reminders, driven through the engine: every date
form, refused dates and credit codes with their reasons, confirm, listing, .ics files,
deleting only one's own, /forget, resumption on a new engine, editing, English."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Engine, Incoming, Outgoing, Reply
from bot.reminders.clock import ManualClock
from bot.reminders.store import ReminderStore
from tests.support.tg_html import parse_html

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)  # a Thursday
CODE = "91350100M000100Y43"  # a valid unified social credit code


@pytest.fixture(autouse=True)
def _clock(engine: Engine) -> ManualClock:
    clock = ManualClock(NOW)
    engine.services.extras["clock"] = clock
    return clock


def say(engine: Engine, text: str, chat: int = 1, lang: str = "zh") -> Reply:
    reply = engine.handle(Incoming(chat, chat, text=text, lang_code=lang))
    check_html(reply)
    return reply


def tap(engine: Engine, data: str, chat: int = 1, lang: str = "zh") -> Reply:
    reply = engine.handle(Incoming(chat, chat, button=data, lang_code=lang, message_id=5))
    check_html(reply)
    return reply


def check_html(reply: Reply) -> None:
    """Every text is Telegram HTML that parses (names with <, > and & are escaped)."""
    for message in reply.messages:
        if message.text:
            parse_html(message.text)
        if message.attachment is not None and message.attachment.caption:
            parse_html(message.attachment.caption)


def last(reply: Reply) -> Outgoing:
    return reply.messages[-1]


def text(reply: Reply) -> str:
    return parse_html(last(reply).text).text


def buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for m in reply.messages for row in m.buttons for b in row}


def button(reply: Reply, part: str) -> str:
    """The data of the one button whose label contains ``part``."""
    [data] = [d for label, d in buttons(reply).items() if part in label]
    return data


def store_of(engine: Engine) -> ReminderStore:
    return engine.services.extras["reminders"]  # type: ignore[no-any-return]


def to_date_step(
    engine: Engine, event: str = "更名", chat: int = 1, name: str = "北京甲厂"
) -> Reply:
    """/remind → name → skip the code → event: the date question."""
    assert "单位名称" in text(say(engine, "/remind", chat))
    code = say(engine, name, chat)
    assert "统一社会信用代码" in text(code)
    events = tap(engine, button(code, "跳过"), chat)
    return tap(engine, button(events, event), chat) if event else events


def enrol(
    engine: Engine,
    chat: int = 1,
    name: str = "北京甲厂",
    event: str = "更名",
    day: str = "2026-03-01",
) -> Reply:
    preview = say(engine, day, chat) if to_date_step(engine, event, chat, name) else None
    assert preview is not None and "请确认登记" in text(preview), text(preview)
    return tap(engine, button(preview, "✅"), chat)


# -- the whole enrolment ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["2026-03-01", "2026/3/1", "2026年3月1日", "20260301", "２０２６－０３－０１", " 2026.3.1 "],
)
def test_enrol_with_each_date_form(engine: Engine, typed: str) -> None:
    date_step = to_date_step(engine)
    assert "更名手续办理完成的日期" in text(date_step)
    assert set(buttons(date_step)) == {"今天", "昨天", "取消"}
    preview = say(engine, typed)
    shown = text(preview)
    assert "事件：更名，2026-03-01" in shown
    assert "截止日期：2026-03-31" in shown and "依据第十四条" in shown
    # 30 days before is gone: one reminder at once, then 7 and 1 days before and on the day
    assert "立即 2026-03-05 10:00" in shown and "提前 7 天 2026-03-24 09:00" in shown
    assert "当天 2026-03-31 09:00" in shown and "提前 30 天" not in shown
    assert list(buttons(preview)) == ["✅ 确认登记", "✏️ 修改", "取消"]

    done = tap(engine, button(preview, "✅"))
    assert "已登记" in text(done) and "下次提醒 2026-03-05 10:00（共 4 次）" in text(done)
    assert "第一条提醒马上发出" in text(done)
    [unit] = store_of(engine).list_units(1)
    assert (unit.name, unit.event.value, unit.date) == ("北京甲厂", "rename", date(2026, 3, 1))
    [deadline] = unit.deadlines
    assert buttons(done)["📅 日历 申请名称变更"] == f"r:ics:{deadline.id}"
    assert engine.chats.load(1).flow is None  # the flow is over


@pytest.mark.parametrize(("label", "day"), [("今天", date(2026, 3, 5)), ("昨天", date(2026, 3, 4))])
def test_date_picked_with_a_button(engine: Engine, label: str, day: date) -> None:
    preview = tap(engine, button(to_date_step(engine, "分级评价"), label))
    assert f"分级评价未达到三级，{day.isoformat()}" in text(preview)
    # one, two and three years on; 2027-03-05 is a Friday, no holiday adjustment
    assert f"截止日期：{day.replace(year=2027).isoformat()}" in text(preview)
    tap(engine, button(preview, "✅"))
    [unit] = store_of(engine).list_units(1)
    assert unit.date == day and len(unit.deadlines) == 3


def test_impossible_and_future_dates_are_refused_with_the_reason(engine: Engine) -> None:
    to_date_step(engine)
    cases = {
        "2026-02-30": "2026年2月没有 30 日（这个月只有 28 天）",
        "2026-13-01": "没有 13 月",
        "1800-01-01": "年份 1800 超出范围",
        "下周三": "无法把“下周三”识别为日期",
        "2026-03-06": "“更名”是已经发生的事情，日期不能晚于今天"
        "（2026-03-06 在今天 2026-03-05 之后）",
    }
    for typed, reason in cases.items():
        reply = say(engine, typed)
        assert reason in text(reply), text(reply)
        assert "更名手续办理完成的日期" in text(reply)  # asked again
        assert "今天" in buttons(reply)
    assert "请确认登记" in text(say(engine, "2026-03-05"))  # today is fine


def test_leap_day_is_a_date(engine: Engine) -> None:
    to_date_step(engine, "因复核不通过")
    preview = say(engine, "2024-02-29")
    assert "起始日期：2026-03-01" in text(preview)  # two years on: Feb 28, then the day after


def test_notice_events_take_a_day_ahead_and_refuse_one_gone(engine: Engine) -> None:
    date_step = to_date_step(engine, "复核通知")
    assert "通知规定的参加复核截止日期" in text(date_step)
    assert set(buttons(date_step)) == {"取消"}  # no "today" for a day read off a notice
    refused = say(engine, "2026-03-01")
    assert "已经过去（今天是 2026-03-05）" in text(refused)
    preview = say(engine, "2026年6月1日")
    assert "截止日期：2026-06-01" in text(preview)
    assert "提前 30 天 2026-05-02 09:00" in text(preview)
    assert "立即 " not in text(preview)


def test_event_typed_as_number_or_name(engine: Engine) -> None:
    events = to_date_step(engine, event="")
    assert "请点击下方按钮选择" in text(events) and len(buttons(events)) == 8
    wrong = say(engine, "改名了")
    assert "也可以输入序号 1–7" in text(wrong)
    assert "动态管理通知" in text(say(engine, "7"))
    say(engine, "/remind")
    say(engine, "乙厂")
    say(engine, "跳过")
    assert "更名手续办理完成的日期" in text(say(engine, "更名"))


# -- names and credit codes ------------------------------------------------------------------


def test_names_are_checked(engine: Engine) -> None:
    say(engine, "/remind")
    too_long = say(engine, "厂" * 101)
    assert "单位名称有 101 个字，最多 100 个字" in text(too_long)
    assert "请输入单位名称" in text(too_long)
    code = say(engine, "  北京  <甲>&厂  ")
    assert "单位：北京 <甲>&厂" in text(code)
    assert "<甲>" not in last(code).text  # escaped in the HTML
    assert "单位：" + "乙" * 100 in text(say(engine, "/remind " + "乙" * 100))


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9135010", "统一社会信用代码应为 18 位，这里是 7 位"),
        ("91350100M000100Y44", "校验码（第 18 位）应为“3”，而不是“4”"),
        ("9135O100M000100Y43", "第 5 位的“O”不会出现在统一社会信用代码中"),
    ],
)
def test_bad_credit_codes_are_explained(engine: Engine, typed: str, reason: str) -> None:
    say(engine, "/remind")
    say(engine, "北京甲厂")
    refused = say(engine, typed)
    assert reason in text(refused), text(refused)
    assert "跳过（不填信用代码）" in buttons(refused)  # asked again
    if "O" in typed:
        assert "是不是“0”" in text(refused)
    accepted = say(engine, "9135 0100-m000 100y43")  # spaces, hyphen, lower case
    assert f"单位：北京甲厂（{CODE}）" in text(accepted)
    tap(engine, button(accepted, "1."))
    preview = say(engine, "2026-03-01")
    assert f"北京甲厂（{CODE}）" in text(preview)
    tap(engine, button(preview, "✅"))
    assert store_of(engine).list_units(1)[0].credit_code == CODE


def test_skip_typed_instead_of_tapped(engine: Engine) -> None:
    say(engine, "/remind")
    say(engine, "北京甲厂")
    assert "发生了什么事件" in text(say(engine, "跳过"))


# -- confirm, list, calendar files, delete ---------------------------------------------------


def test_confirmed_units_are_listed_and_each_deadline_has_a_calendar_file(engine: Engine) -> None:
    enrol(engine, event="分级评价", day="2026-01-10")
    listing = say(engine, "/reminders")
    shown = text(listing)
    assert "本对话登记的单位（1）" in shown and "1. 北京甲厂" in shown
    assert "完成绿色诊断：2027-01-10" in shown and "下次提醒 2026-12-11 09:00" in shown
    calendar_buttons = {k: v for k, v in buttons(listing).items() if k.startswith("📅")}
    assert list(calendar_buttons) == [
        "📅 1. 完成绿色诊断",
        "📅 1. 完成绿色化改造提升",
        "📅 1. 复评达到三级（否则撤销称号）",
    ]
    [unit] = store_of(engine).list_units(1)
    assert buttons(listing)["🗑 删除 1. 北京甲厂"] == f"r:del:{unit.id}"

    reply = tap(engine, calendar_buttons["📅 1. 完成绿色化改造提升"])
    [message] = reply.messages
    attachment = message.attachment
    assert attachment is not None and attachment.kind == "document" and not message.text
    assert attachment.filename == "retrofit-2028-01-10.ics"
    assert "完成绿色化改造提升" in parse_html(attachment.caption).text
    calendar = Calendar.from_ical(attachment.data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == date(2028, 1, 10)
    assert str(event["summary"]) == "完成绿色化改造提升：北京甲厂"
    assert "第十六条" in str(event["description"])
    assert len(event.walk("VALARM")) == 2


def test_each_chat_sees_and_deletes_only_its_own(engine: Engine) -> None:
    enrol(engine, chat=1)
    enrol(engine, chat=2)  # the same unit, enrolled by another chat
    store = store_of(engine)
    [mine], [theirs] = store.list_units(1), store.list_units(2)
    assert mine.id != theirs.id
    assert "本对话登记的单位（1）" in text(say(engine, "/reminders", chat=2))

    for data in (f"r:del:{mine.id}", f"r:rm:{mine.id}", f"r:ics:{mine.deadlines[0].id}"):
        forged = tap(engine, data, chat=2)
        assert forged.notice == "无法识别这个按钮", data
    for data in ("r:del:x", "r:rm:-1", "r:ics:", "r:nope:1", "r:page:1e3", "r:del:" + "9" * 13):
        assert tap(engine, data, chat=2).notice == "无法识别这个按钮", data
    assert store.get_unit(1, mine.id) is not None

    ask = tap(engine, f"r:del:{theirs.id}", chat=2)
    assert last(ask).edit and "确定删除“北京甲厂”（更名，2026-03-01）" in text(ask)
    assert set(buttons(ask)) == {"🗑 确认删除", "不删除"}
    kept = tap(engine, buttons(ask)["不删除"], chat=2)
    assert "1. 北京甲厂" in text(kept)
    deleted = tap(engine, buttons(ask)["🗑 确认删除"], chat=2)
    assert "已删除“北京甲厂”" in text(deleted) and "本对话还没有登记单位" in text(deleted)
    assert store.list_units(2) == [] and store.get_unit(1, mine.id) is not None
    again = tap(engine, f"r:rm:{theirs.id}", chat=2)  # a second tap on the same button
    assert "这条登记已不存在" in text(again) and again.notice is None
    assert "这条登记已不存在" in text(tap(engine, f"r:ics:{theirs.deadlines[0].id}", chat=2))


def test_enrolling_twice_adds_nothing(engine: Engine) -> None:
    enrol(engine)
    again = enrol(engine)
    assert "这项登记已经存在" in text(again)
    assert len(store_of(engine).list_units(1)) == 1


def test_the_list_pages_five_units_at_a_time(engine: Engine) -> None:
    store = store_of(engine)
    for number in range(1, 8):
        store.enrol(1, f"单位{number}", None, "review_notice", date(2026, 6, number), NOW)
    first = say(engine, "/reminders")
    assert "本对话登记的单位（7）" in text(first) and "第 1/2 页" in text(first)
    assert "5. 单位5" in text(first) and "单位6" not in text(first)
    second = tap(engine, buttons(first)["下一页 ▶️"])
    assert last(second).edit and "6. 单位6" in text(second) and "7. 单位7" in text(second)
    assert "第 2/2 页" in text(second) and "◀️ 上一页" in buttons(second)
    ask = tap(engine, buttons(second)["🗑 删除 7. 单位7"])
    assert buttons(ask)["不删除"] == "r:page:1"
    after = tap(engine, buttons(ask)["🗑 确认删除"])
    assert "本对话登记的单位（6）" in text(after) and "6. 单位6" in text(after)
    assert len(buttons(first)) <= 100 and all(len(d) <= 64 for d in buttons(first).values())


def test_forget_removes_the_chats_reminders(engine: Engine) -> None:
    enrol(engine, chat=1)
    enrol(engine, chat=2)
    store = store_of(engine)
    confirm = say(engine, "/forget")
    tap(engine, buttons(confirm)["确认删除"])
    assert store.list_units(1) == [] and len(store.list_units(2)) == 1
    left = store.db.execute(
        "SELECT COUNT(*) FROM reminders WHERE chat_id = 'telegram:1'"
    ).fetchone()[0]
    assert left == 0
    assert "本对话还没有登记单位" in text(say(engine, "/reminders"))


def test_wake_is_set_only_when_a_reminder_is_due_at_once(engine: Engine) -> None:
    wake = engine.services.extras["reminders_wake"]
    enrol(engine, event="分级评价", day="2026-01-10")  # first reminder in December
    assert not wake.is_set()
    enrol(engine, name="北京乙厂")  # the name-change deadline is 26 days away
    assert wake.is_set()


# -- changing, cancelling, resuming ----------------------------------------------------------


def test_change_from_the_preview(engine: Engine) -> None:
    to_date_step(engine)
    preview = say(engine, "2026-03-01")
    choice = tap(engine, button(preview, "✏️"))
    assert "要修改哪一项" in text(choice)
    assert {"单位名称", "统一社会信用代码", "事件", "日期", "↩️ 返回确认"} <= set(buttons(choice))

    name = tap(engine, buttons(choice)["单位名称"])
    preview = say(engine, "北京丙厂", chat=1) if "请输入单位名称" in text(name) else None
    assert preview is not None and "单位：北京丙厂" in text(preview)  # straight back

    choice = tap(engine, button(preview, "✏️"))
    events = tap(engine, buttons(choice)["事件"])
    date_step = tap(engine, button(events, "3."))
    assert "分级评价结果" in text(date_step)  # a new event asks for the date again
    preview = say(engine, "2026-01-10")
    assert "分级评价未达到三级，2026-01-10" in text(preview)

    choice = tap(engine, button(preview, "✏️"))
    code = tap(engine, buttons(choice)["统一社会信用代码"])
    preview = say(engine, CODE) if "统一社会信用代码" in text(code) else code
    assert f"北京丙厂（{CODE}）" in text(preview)
    back = tap(engine, buttons(tap(engine, button(preview, "✏️")))["↩️ 返回确认"])
    assert "请确认登记" in text(back)
    assert "请点击下方按钮" in text(say(engine, "确认"))  # text at the preview: use the buttons


def test_cancel_saves_nothing(engine: Engine) -> None:
    preview = say(engine, "2026-03-01") if to_date_step(engine) else None
    assert preview is not None
    cancelled = tap(engine, button(preview, "取消"))
    assert "已退出当前流程" in text(cancelled) and "期限提醒" in buttons(cancelled)
    assert store_of(engine).list_units(1) == []
    expired = tap(engine, button(preview, "✅"))  # the preview's buttons are dead now
    assert expired.notice == "这个菜单已过期" and store_of(engine).list_units(1) == []
    to_date_step(engine)
    assert "已退出当前流程" in text(say(engine, "/cancel"))
    assert store_of(engine).list_units(1) == []


def test_menu_button_starts_the_flow_and_forged_steps_are_refused(engine: Engine) -> None:
    welcome = say(engine, "/start")
    start = tap(engine, buttons(welcome)["期限提醒"])
    assert "登记期限提醒" in text(start)
    nonce = button(start, "取消").split(":")[1]
    assert tap(engine, f"d:{nonce}:event:rename").notice == "无法识别这个按钮"
    assert "/remind" in {f"/{c.name}" for c in engine.public_commands()}
    assert "/reminders" in {f"/{c.name}" for c in engine.public_commands()}


def test_resumes_on_a_new_engine_with_the_same_database(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.sqlite3")
    first = build_engine(path)
    first.services.extras["clock"] = ManualClock(NOW)
    date_step = to_date_step(first, "重大调整")
    first.services.db.close()

    second = build_engine(path)  # the bot restarted
    second.services.extras["clock"] = ManualClock(NOW)
    preview = say(second, "2026/2/20")
    assert "重大调整（重组、主营业务变更、厂区迁址），2026-02-20" in text(preview)
    assert "申请复核" in text(preview) and "截止日期：2026-03-22" in text(preview)
    # 2026-03-22 is a Sunday: by law the period runs to Monday
    assert "依法顺延至 2026-03-23" in text(preview)
    assert tap(second, button(date_step, "今天")).notice == "这个菜单已过期"
    done = tap(second, button(preview, "✅"))
    assert "已登记" in text(done)
    assert [u.name for u in store_of(second).list_units(1)] == ["北京甲厂"]


def test_in_english(engine: Engine) -> None:
    def en_say(typed: str) -> Reply:
        return say(engine, typed, lang="en")

    assert "Please type the unit's name" in text(en_say("/remind"))
    en_say("Beijing A Works")
    refused = en_say("91350100M000100Y44")
    assert "The check character (the 18th) should be “3”, not “4”" in text(refused)
    events = tap(engine, button(refused, "Skip"), lang="en")
    assert "What happened?" in text(events)
    date_step = tap(engine, button(events, "1. Name change"), lang="en")
    assert "the day the name change was registered" in text(date_step)
    assert {"Today", "Yesterday", "Cancel"} == set(buttons(date_step))
    assert "2026-02 has no day 30 (the month has 28 days)" in text(en_say("2026-02-30"))
    future = en_say("2027-01-01")
    assert "“Name change” has already happened" in text(future)
    preview = en_say("2026-03-01")
    assert "Please confirm" in text(preview) and "Last day: 2026-03-31" in text(preview)
    done = tap(engine, button(preview, "✅"), lang="en")
    assert "Enrolled" in text(done) and "Calendar" in next(iter(buttons(done)))
    listing = say(engine, "/reminders", lang="en")
    assert "Units this chat follows (1)" in text(listing)
    ics = tap(engine, button(listing, "📅"), lang="en")
    assert "Open this file" in parse_html(ics.messages[0].attachment.caption).text  # type: ignore[union-attr]
    unit = store_of(engine).list_units(1)[0]
    assert unit.lang == "en"
    ask = tap(engine, button(listing, "🗑"), lang="en")
    assert "Delete “Beijing A Works”" in text(ask)


def test_a_reminder_time_gone_by_is_due_now_never_next(engine: Engine, _clock: ManualClock) -> None:
    enrol(engine)  # the rename of 2026-03-01: the first reminder at once, 10:00
    _clock.advance(2 * 3600)  # not sent yet (no delivery loop here), two hours later
    shown = text(say(engine, "/reminders"))
    assert "下次提醒 2026-03-05 10:00" not in shown
    assert "提醒现在到期" in shown and "控制台" not in shown


def test_without_delivery_the_flow_says_where_reminders_go(engine: Engine) -> None:
    """Where nothing is sent from (the console), nothing is promised."""
    engine.services.extras["delivers_reminders"] = False
    asked = text(say(engine, "/remind"))
    assert "本对话都会收到提醒" not in asked and "greenbot run" in asked
    say(engine, "/cancel")
    done = text(enrol(engine))
    assert "马上发出" not in done and "下次提醒 2026-03-05 10:00" not in done
    assert "第一条提醒现在就到期（共 4 次）" in done
    assert "greenbot run" in done and "greenbot remind --once" in done and "Telegram" in done
    listing = text(say(engine, "/reminders"))
    assert "提醒现在到期（控制台不发送）" in listing and "greenbot remind --once" in listing
