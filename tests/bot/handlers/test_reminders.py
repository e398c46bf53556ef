"""/reminders: the chat's enrolled units with calendar and delete buttons, page by page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.app import build_engine
from bot.dates import TZ
from bot.engine import Engine
from bot.reminders.clock import ManualClock
from bot.reminders.store import ReminderStore
from tests.support.conversation import data, kinds, labels, say, shown, tap

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=TZ)
FORGED = "无法识别这个按钮"


@pytest.fixture(autouse=True)
def _clock(engine: Engine) -> None:
    engine.services.extras["clock"] = ManualClock(NOW)


def store_of(engine: Engine) -> ReminderStore:
    return engine.services.extras["reminders"]  # type: ignore[no-any-return]


def enrol(
    engine: Engine, name: str, chat: int = 1, event: str = "rename", day: date = date(2026, 3, 1)
) -> int:
    return store_of(engine).enrol(chat, name, None, event, day, NOW)


def left(engine: Engine, unit_id: int) -> dict[str, int]:
    """Rows still stored for a unit, per table."""
    db = engine.services.db
    return {
        "units": db.execute("select count(*) from units where id = ?", [unit_id]).fetchone()[0],
        **{
            table: db.execute(
                f"select count(*) from {table} where unit_id = ?", [unit_id]
            ).fetchone()[0]
            for table in ("deadlines", "reminders")
        },
    }


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("zh", "本对话还没有登记单位。发送 /remind 登记。"),
        ("en", "This chat follows no units yet. Send /remind to enrol one."),
    ],
)
def test_an_empty_list_says_how_to_enrol(engine: Engine, code: str, says: str) -> None:
    reply = say(engine, "/reminders", lang=code)
    assert shown(reply) == says
    assert reply.messages[0].buttons == ()


def test_enrolled_through_the_flow_then_listed(engine: Engine) -> None:
    say(engine, "/remind")
    code_step = say(engine, "北京甲厂")
    events = tap(engine, next(d for label, d in labels(code_step).items() if "跳过" in label))
    dates = tap(engine, next(d for label, d in labels(events).items() if "更名" in label))
    assert "更名手续办理完成的日期" in shown(dates)
    preview = say(engine, "2026-03-01")
    tap(engine, next(d for label, d in labels(preview).items() if label.startswith("✅")))
    [unit] = store_of(engine).list_units(1)
    listing = say(engine, "/reminders")
    text = shown(listing)
    assert "本对话登记的单位（1）" in text and "1. 北京甲厂" in text
    assert "更名，2026-03-01" in text and "申请名称变更：2026-03-31，第十四条" in text
    assert labels(listing) == {
        "📅 1. 申请名称变更": f"r:ics:{unit.deadlines[0].id}",
        "🗑 删除 1. 北京甲厂": f"r:del:{unit.id}",
    }


def test_each_unit_has_a_calendar_button_per_deadline_and_a_delete_button(engine: Engine) -> None:
    first = enrol(engine, "北京甲厂")
    second = enrol(engine, "北京乙厂", event="below_grade_3", day=date(2026, 1, 10))
    reply = say(engine, "/reminders")
    text = shown(reply)
    assert "本对话登记的单位（2）" in text
    assert text.index("1. 北京甲厂") < text.index("2. 北京乙厂")  # oldest first
    units = {unit.id: unit for unit in store_of(engine).list_units(1)}
    expected = [f"r:ics:{d.id}" for d in units[first].deadlines] + [f"r:del:{first}"]
    expected += [f"r:ics:{d.id}" for d in units[second].deadlines] + [f"r:del:{second}"]
    assert data(reply) == expected
    assert len(units[second].deadlines) == 3
    assert "🗑 删除 2. 北京乙厂" in labels(reply)
    assert all(len(row) == 1 for row in reply.messages[0].buttons)  # one button a row


def test_delete_asks_then_deletes_the_unit_with_its_reminders(engine: Engine) -> None:
    gone = enrol(engine, "北京甲厂")
    kept = enrol(engine, "北京乙厂")
    listing = say(engine, "/reminders")
    ask = tap(engine, labels(listing)["🗑 删除 1. 北京甲厂"])
    [message] = ask.messages
    assert message.edit  # the list's message turns into the question
    assert "确定删除“北京甲厂”（更名，2026-03-01）的登记和它的 1 个期限的全部提醒吗" in shown(ask)
    assert labels(ask) == {"🗑 确认删除": f"r:rm:{gone}", "不删除": "r:page:0"}
    assert all(left(engine, gone).values())  # asking deletes nothing

    deleted = tap(engine, labels(ask)["🗑 确认删除"])
    assert deleted.messages[0].edit
    text = shown(deleted)
    assert text.startswith("🗑 已删除“北京甲厂”及其全部提醒。")
    listing_now = text.split("\n\n", 1)[1]  # after the note
    assert "北京甲厂" not in listing_now
    assert "本对话登记的单位（1）" in listing_now and "1. 北京乙厂" in listing_now
    assert labels(deleted)["🗑 删除 1. 北京乙厂"] == f"r:del:{kept}"  # renumbered
    assert left(engine, gone) == {"units": 0, "deadlines": 0, "reminders": 0}
    assert all(left(engine, kept).values())
    assert kinds(engine)[-1] == "reminders:delete"


def test_keeping_goes_back_to_the_list(engine: Engine) -> None:
    unit = enrol(engine, "北京甲厂")
    listing = say(engine, "/reminders")
    ask = tap(engine, f"r:del:{unit}")
    back = tap(engine, labels(ask)["不删除"])
    assert back.messages[0].edit
    assert shown(back) == shown(listing) and data(back) == data(listing)
    assert all(left(engine, unit).values())


def test_deleting_the_last_unit_shows_the_empty_list(engine: Engine) -> None:
    unit = enrol(engine, "北京甲厂")
    deleted = tap(engine, f"r:rm:{unit}")
    assert "已删除“北京甲厂”" in shown(deleted)
    assert "本对话还没有登记单位" in shown(deleted)
    assert deleted.messages[0].buttons == ()


def test_a_unit_deleted_a_moment_ago_is_said_to_be_gone(engine: Engine) -> None:
    unit = enrol(engine, "北京甲厂")
    [deadline] = store_of(engine).list_units(1)[0].deadlines
    tap(engine, f"r:rm:{unit}")
    for button in (f"r:rm:{unit}", f"r:del:{unit}", f"r:ics:{deadline.id}"):
        reply = tap(engine, button)
        assert shown(reply) == "这条登记已不存在（可能已经删除）。发送 /reminders 查看现有登记。"
        assert reply.notice is None, button


def test_another_chats_buttons_are_refused(engine: Engine) -> None:
    theirs = enrol(engine, "北京甲厂", chat=2)
    [deadline] = store_of(engine).list_units(2)[0].deadlines
    for button in (f"r:del:{theirs}", f"r:rm:{theirs}", f"r:ics:{deadline.id}"):
        reply = tap(engine, button, chat=1)
        assert reply.notice == FORGED, button
        assert "北京甲厂" not in reply.messages[0].text
    assert all(left(engine, theirs).values())


@pytest.mark.parametrize(
    "button",
    [
        "r:",
        "r:del",
        "r:del:",
        "r:del:x",
        "r:rm:-1",
        "r:ics:1.0",
        "r:page:",
        "r:page:-1",
        "r:nope:1",
        "r:del:" + "9" * 13,
    ],
)
def test_malformed_buttons_are_refused(engine: Engine, button: str) -> None:
    enrol(engine, "北京甲厂")
    assert tap(engine, button).notice == FORGED
    assert len(store_of(engine).list_units(1)) == 1


def test_the_calendar_button_sends_the_deadline_as_an_ics_file(engine: Engine) -> None:
    enrol(engine, "北京甲厂")
    reply = tap(engine, data(say(engine, "/reminders"))[0])
    [message] = reply.messages
    attachment = message.attachment
    assert attachment is not None and attachment.kind == "document" and message.text == ""
    assert attachment.filename == "apply_name_change-2026-03-31.ics"
    assert attachment.data.startswith(b"BEGIN:VCALENDAR")
    assert b"DTSTART;VALUE=DATE:20260331" in attachment.data
    assert "申请名称变更" in attachment.caption and "北京甲厂" in attachment.caption
    assert kinds(engine)[-1] == "reminders:ics"


def test_names_are_escaped_in_the_list_and_shortened_on_buttons(engine: Engine) -> None:
    name = "北京<甲>&厂有限责任公司第一分公司"
    unit = enrol(engine, name)
    reply = say(engine, "/reminders")
    assert f"1. {name}" in shown(reply)
    assert "北京&lt;甲&gt;&amp;厂" in reply.messages[0].text
    assert labels(reply)[f"🗑 删除 1. {name[:15]}…"] == f"r:del:{unit}"
    ask = tap(engine, f"r:del:{unit}")
    assert f"确定删除“{name}”" in shown(ask)


def test_the_list_pages_five_units_at_a_time(engine: Engine) -> None:
    ids = [
        enrol(engine, f"单位{n}", event="review_notice", day=date(2026, 6, n)) for n in range(1, 8)
    ]
    first = say(engine, "/reminders")
    assert "本对话登记的单位（7）" in shown(first) and "第 1/2 页" in shown(first)
    assert "5. 单位5" in shown(first) and "单位6" not in shown(first)
    assert data(first)[-1] == "r:page:1" and "◀️ 上一页" not in labels(first)
    second = tap(engine, labels(first)["下一页 ▶️"])
    assert second.messages[0].edit and "第 2/2 页" in shown(second)
    assert "6. 单位6" in shown(second) and "7. 单位7" in shown(second)
    assert "单位5" not in shown(second)
    assert labels(second)["◀️ 上一页"] == "r:page:0" and "下一页 ▶️" not in labels(second)
    assert shown(tap(engine, "r:page:99")) == shown(second)  # past the end: the last page
    assert shown(tap(engine, "r:page:0")) == shown(first)
    # deleting one of page 2 comes back to page 2; deleting its last one, to page 1
    ask = tap(engine, labels(second)["🗑 删除 7. 单位7"])
    assert labels(ask)["不删除"] == "r:page:1"
    after = tap(engine, labels(ask)["🗑 确认删除"])
    assert "第 2/2 页" in shown(after) and "6. 单位6" in shown(after)
    emptied = tap(engine, f"r:rm:{ids[5]}")
    assert "本对话登记的单位（5）" in shown(emptied) and "页" not in shown(emptied)
    assert "5. 单位5" in shown(emptied)


def test_in_english(engine: Engine) -> None:
    unit = enrol(engine, "Beijing A Works")
    reply = say(engine, "/reminders", lang="en")
    assert "Units this chat follows (1)" in shown(reply)
    assert "Name change, 2026-03-01" in shown(reply)
    assert labels(reply)["🗑 Delete 1. Beijing A Works"] == f"r:del:{unit}"
    ask = tap(engine, f"r:del:{unit}", lang="en")
    assert set(labels(ask)) == {"🗑 Yes, delete", "No, keep"}
    done = tap(engine, f"r:rm:{unit}", lang="en")
    assert shown(done).startswith("🗑 Deleted “Beijing A Works” and all its reminders.")


def test_the_buttons_keep_working_during_a_flow_and_after_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.sqlite3")
    engine = build_engine(path)
    unit = enrol(engine, "北京甲厂")
    listing = say(engine, "/reminders")
    say(engine, "/prescreen")
    ask = tap(engine, labels(listing)["🗑 删除 1. 北京甲厂"])
    assert ask.notice is None and "确定删除“北京甲厂”" in shown(ask)
    assert engine.chats.load(1).flow == "prescreen"  # the flow goes on
    restarted = build_engine(path)
    deleted = tap(restarted, labels(ask)["🗑 确认删除"])
    assert "已删除“北京甲厂”" in shown(deleted)
    assert store_of(restarted).get_unit(1, unit) is None


def test_a_chat_sees_only_its_own_units(engine: Engine) -> None:
    enrol(engine, "北京甲厂", chat=1)
    enrol(engine, "北京乙厂", chat=2)
    mine = shown(say(engine, "/reminders", chat=1))
    assert "北京甲厂" in mine and "北京乙厂" not in mine
    assert "本对话登记的单位（1）" in mine


GROUP = -100123  # Telegram's group and supergroup ids are negative


def test_in_a_group_only_the_member_who_enrolled_a_unit_can_delete_it(engine: Engine) -> None:
    unit = store_of(engine).enrol(
        GROUP, "北京甲厂", None, "rename", date(2026, 3, 1), NOW, enrolled_by=7
    )
    listing = say(engine, "/reminders", chat=GROUP, user=8)
    delete = labels(listing)["🗑 删除 1. 北京甲厂"]
    # Another member: neither the question nor the deletion (a replayed "yes" button).
    for button in (delete, f"r:rm:{unit}"):
        refused = tap(engine, button, chat=GROUP, user=8)
        assert shown(refused) == "只有登记“北京甲厂”的成员可以删除它。"
        assert all(left(engine, unit).values())
    # The member who enrolled it.
    ask = tap(engine, delete, chat=GROUP, user=7)
    deleted = tap(engine, labels(ask)["🗑 确认删除"], chat=GROUP, user=7)
    assert shown(deleted).startswith("🗑 已删除“北京甲厂”")
    assert left(engine, unit) == {"units": 0, "deadlines": 0, "reminders": 0}


def test_in_a_private_chat_the_chat_is_the_member(engine: Engine) -> None:
    unit = store_of(engine).enrol(
        5, "北京甲厂", None, "rename", date(2026, 3, 1), NOW, enrolled_by=5
    )
    ask = tap(engine, f"r:del:{unit}", chat=5)
    tap(engine, labels(ask)["🗑 确认删除"], chat=5)
    assert left(engine, unit)["units"] == 0


def test_an_old_database_gains_the_enrolling_member(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    ReminderStore(path).close()
    with sqlite3.connect(path) as conn:  # as created before the column existed
        conn.execute("ALTER TABLE units DROP COLUMN enrolled_by")
        conn.execute(
            "INSERT INTO units (chat_id, name, event, date, created_at) "
            "VALUES (?, '北京甲厂', 'rename', '2026-03-01', 0)",
            [f"telegram:{GROUP}"],
        )
    store = ReminderStore(path)
    [old] = store.list_units(GROUP)
    assert old.enrolled_by is None  # enrolled before: any member may delete it, as before
    new = store.enrol(GROUP, "北京乙厂", None, "rename", date(2026, 3, 1), NOW, enrolled_by=7)
    assert store.get_unit(GROUP, new).enrolled_by == 7  # type: ignore[union-attr]
    store.close()


def test_the_enrolment_dialog_records_who_enrolled(engine: Engine) -> None:
    from tests.bot.dialogs.test_remind_dialog import enrol as enrol_by_dialog

    enrol_by_dialog(engine, chat=5)
    [unit] = store_of(engine).list_units(5)
    assert unit.enrolled_by == 5
