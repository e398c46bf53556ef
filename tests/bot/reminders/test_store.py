"""The reminder store: enrolment, per-chat isolation, claiming, expiry, recovery, indexes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.credit_code import CreditCodeError
from bot.reminders.rules import EventDateError, Kind
from bot.reminders.store import (
    MAX_UNITS_PER_CHAT,
    EnrolmentError,
    ReminderStore,
    validate_unit_name,
)

from .conftest import at

NOW = at("2026-03-05 10:00")
CODE = "91350100M000100Y43"


def test_enrol_stores_unit_deadlines_and_plan(store: ReminderStore) -> None:
    unit_id = store.enrol(1, "北京某某科技有限公司", CODE, "below_grade_3", date(2026, 1, 10), NOW)
    [unit] = store.list_units(1)
    assert (unit.id, unit.name, unit.credit_code, unit.date) == (
        unit_id,
        "北京某某科技有限公司",
        CODE,
        date(2026, 1, 10),
    )
    assert [d.kind for d in unit.deadlines] == [Kind.GREEN_DIAGNOSIS, Kind.RETROFIT, Kind.REGRADE]
    assert [d.due for d in unit.deadlines] == [
        date(2027, 1, 10),
        date(2028, 1, 10),
        date(2029, 1, 10),
    ]
    assert all(d.reminders_left == 4 for d in unit.deadlines)
    assert unit.deadlines[0].next_reminder_at == at("2026-12-11 09:00")
    assert store.status_counts()["planned"] == 12


def test_enrol_close_deadline_plans_one_at_once(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)  # due 2026-03-31
    [unit] = store.list_units(1)
    [deadline] = unit.deadlines
    assert deadline.due == date(2026, 3, 31)
    assert deadline.next_reminder_at == NOW
    assert [r.offset_days for r in store.due_batch(NOW)] == [None]


def test_enrol_normalises_the_code_and_explains_a_bad_one(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", "９１３５０１００m０００１００y４３", "rename", date(2026, 3, 1), NOW)
    assert store.list_units(1)[0].credit_code == CODE
    with pytest.raises(CreditCodeError, match="check character"):
        store.enrol(1, "乙厂", "91350100M000100Y44", "rename", date(2026, 3, 1), NOW)
    store.enrol(1, "丙厂", "  ", "rename", date(2026, 3, 1), NOW)
    assert store.list_units(1)[-1].credit_code is None


def test_enrol_refuses_a_future_event_date(store: ReminderStore) -> None:
    with pytest.raises(EventDateError):
        store.enrol(1, "甲厂", None, "rename", date(2026, 3, 6), NOW)
    store.enrol(1, "甲厂", None, "review_notice", date(2026, 6, 30), NOW)
    assert store.list_units(1)[0].deadlines[0].due == date(2026, 6, 30)


def test_enrol_uses_beijing_today() -> None:
    store = ReminderStore(Database(memory=True))
    # 2026-03-05 17:00 UTC is already 2026-03-06 in Beijing.
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 6), at("2026-03-06 01:00"))
    assert store.list_units(1)


def test_unit_names_are_checked(store: ReminderStore) -> None:
    assert validate_unit_name("  北京  某厂\n ") == "北京 某厂"
    with pytest.raises(EnrolmentError) as caught:
        validate_unit_name(" \t ")
    assert caught.value.key == "name_empty"
    assert validate_unit_name("厂" * 100) == "厂" * 100
    with pytest.raises(EnrolmentError) as caught:
        store.enrol(1, "厂" * 101, None, "rename", date(2026, 3, 1), NOW)
    assert "101" in caught.value.message("zh") and "100" in caught.value.message("en")


def test_double_confirm_enrols_once(store: ReminderStore) -> None:
    first = store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    again = store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    assert first == again
    assert len(store.list_units(1)) == 1


def test_units_per_chat_are_capped(store: ReminderStore) -> None:
    for number in range(MAX_UNITS_PER_CHAT):
        store.enrol(1, f"厂{number}", None, "report_notice", date(2026, 6, 30), NOW)
    with pytest.raises(EnrolmentError) as caught:
        store.enrol(1, "再来一个", None, "report_notice", date(2026, 6, 30), NOW)
    assert caught.value.key == "too_many"
    store.enrol(2, "再来一个", None, "report_notice", date(2026, 6, 30), NOW)


def test_chats_see_and_delete_only_their_own(store: ReminderStore) -> None:
    a = store.enrol(100, "同一家厂", CODE, "rename", date(2026, 3, 1), NOW)
    b = store.enrol(200, "同一家厂", CODE, "rename", date(2026, 3, 1), NOW)
    assert a != b
    assert [u.id for u in store.list_units(100)] == [a]
    assert [u.id for u in store.list_units(200)] == [b]
    assert store.get_unit(100, b) is None
    assert store.delete_unit(100, b) is False
    assert [u.id for u in store.list_units(200)] == [b]
    deadline_b = store.list_units(200)[0].deadlines[0].id
    assert store.get_deadline(100, deadline_b) is None
    assert store.get_deadline(200, deadline_b) is not None
    assert store.delete_deadline(100, deadline_b) is False
    assert store.delete_unit(100, a) is True
    assert store.list_units(100) == []
    assert {r.chat_id for r in store.due_batch(NOW)} == {"telegram:200"}


def test_forget_removes_only_that_chat(store: ReminderStore) -> None:
    store.enrol(100, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.enrol(100, "乙厂", None, "below_grade_3", date(2026, 1, 1), NOW)
    store.enrol(200, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.deactivate_chat(100, NOW)
    assert store.forget_chat(100) == 2
    assert store.list_units(100) == []
    assert not store.is_blocked(100)
    assert len(store.list_units(200)) == 1
    rows = store.db.execute("SELECT DISTINCT chat_id FROM reminders").fetchall()
    assert rows == [("telegram:200",)]


def test_delete_last_deadline_removes_the_unit(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "below_grade_3", date(2026, 1, 1), NOW)
    unit = store.list_units(1)[0]
    for deadline in unit.deadlines[:-1]:
        assert store.delete_deadline(1, deadline.id)
    assert len(store.list_units(1)[0].deadlines) == 1
    assert store.delete_deadline(1, unit.deadlines[-1].id)
    assert store.list_units(1) == []


def test_due_batch_is_ordered_limited_and_read_only(store: ReminderStore) -> None:
    for chat in range(5):
        store.enrol(chat, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    batch = store.due_batch(NOW, limit=3)
    assert len(batch) == 3
    assert [r.id for r in batch] == sorted(r.id for r in batch)
    assert store.due_batch(NOW, limit=3) == batch  # nothing was claimed
    assert batch[0].name == "甲厂" and batch[0].kind is Kind.APPLY_NAME_CHANGE


def test_claim_is_exclusive(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    [item] = store.due_batch(NOW)
    assert store.claim(item.id, NOW)
    assert not store.claim(item.id, NOW)
    assert store.due_batch(NOW) == []
    assert store.mark_sent(item.id, NOW)
    assert not store.mark_sent(item.id, NOW)
    row = store.reminder(item.id)
    assert (row["status"], row["attempts"]) == ("sent", 1)


def test_expired_reminders_are_not_due(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)  # due 2026-03-31
    after = at("2026-04-01 00:00")
    assert store.due_batch(after) == []
    assert store.expire(after) == 4
    assert store.status_counts()["expired"] == 4


def test_recover_stale_respects_the_lease(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    [item] = store.due_batch(NOW)
    store.claim(item.id, NOW)
    now = NOW.timestamp()
    assert store.recover_stale(now + 10, lease=60) == 0
    assert store.recover_stale(now + 60, lease=60) == 1
    [again] = store.due_batch(now + 60)
    assert again.id == item.id
    assert store.reminder(item.id)["last_error"] == "interrupted while sending"


def test_deactivate_and_reactivate_a_chat(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.enrol(1, "乙厂", None, "below_grade_3", date(2026, 1, 1), NOW)
    store.enrol(2, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    assert store.deactivate_chat(1, NOW) == 16
    assert store.is_blocked(1)
    assert {r.chat_id for r in store.due_batch(NOW)} == {"telegram:2"}
    assert store.reactivate_chat(1, NOW) == 16
    assert not store.is_blocked(1)
    assert {r.chat_id for r in store.due_batch(NOW)} == {"telegram:1", "telegram:2"}


def test_enrolling_lifts_a_block(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.deactivate_chat(1, NOW)
    store.enrol(1, "乙厂", None, "rename", date(2026, 3, 2), NOW)
    assert not store.is_blocked(1)
    assert store.status_counts()["inactive"] == 0


def test_next_wake_at(store: ReminderStore) -> None:
    assert store.next_wake_at() is None
    store.enrol(1, "甲厂", None, "review_notice", date(2026, 6, 30), NOW)
    assert store.next_wake_at() == at("2026-05-31 09:00").timestamp()


def test_file_database_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "reminders.sqlite3"
    store = ReminderStore(path)
    unit_id = store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.close()
    reopened = ReminderStore(str(path))
    assert [u.id for u in reopened.list_units(1)] == [unit_id]
    assert reopened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reopened.close()


def test_shares_a_database_with_other_tables() -> None:
    db = Database(memory=True)
    db["chats"].insert({"chat_id": 1, "lang": "zh"}, pk="chat_id")
    store = ReminderStore(db)
    ReminderStore(db)  # opening twice is harmless
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    assert db["chats"].count == 1


def test_due_query_uses_the_partial_index(store: ReminderStore) -> None:
    from bot.reminders.store import _DUE_SQL

    plan = store.db.execute(
        "EXPLAIN QUERY PLAN " + _DUE_SQL.format(skip=""), {"now": NOW.timestamp(), "limit": 100}
    ).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "reminders_due" in details
    assert "TEMP B-TREE" not in details  # no sort of the whole due set


def test_a_process_leaves_the_channels_it_cannot_reach_to_others(store: ReminderStore) -> None:
    store.enrol(1, "甲厂", None, "rename", date(2026, 3, 1), NOW)
    store.enrol("web:abc", "乙厂", None, "rename", date(2026, 3, 1), NOW)
    both = {r.chat_id for r in store.due_batch(NOW)}
    assert both == {"telegram:1", "web:abc"}
    assert {r.chat_id for r in store.due_batch(NOW, skip_channels=("telegram",))} == {"web:abc"}
    assert {r.chat_id for r in store.due_batch(NOW, skip_channels=("web",))} == {"telegram:1"}
    assert store.due_batch(NOW, skip_channels=("web", "telegram")) == []
    assert store.next_wake_at(skip_channels=("web", "telegram")) is None
    assert store.next_wake_at(skip_channels=("web",)) == NOW.timestamp()
