"""The report's store: a chat's latest answers, per chat, survive a restart, go with /forget."""

from __future__ import annotations

from pathlib import Path

from bot.handlers.report import _answers, _profile
from bot.report.store import TABLE, ReportInputStore, SavedInputs
from bot.storage import open_database
from tests.bot.report.helpers import ANSWERS, PROFILES


def test_saved_per_chat_and_kept_on_disk(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.sqlite3")
    store = ReportInputStore(open_database(path))
    store.save_prescreen(1, PROFILES["conditional"])
    store.save_score(1, ANSWERS)
    store.save_unit(1, "北京示范工厂")
    store.save_score(2, {"ind-4": 85})
    again = ReportInputStore(open_database(path))  # a restarted bot
    one = again.load(1)
    assert one.prescreen == PROFILES["conditional"] and one.score == ANSWERS
    assert one.unit == "北京示范工厂"
    assert again.load(2) == SavedInputs(None, {"ind-4": 85}, None)
    assert again.load(3).empty
    again.forget(1)
    assert again.load(1).empty and not again.load(2).empty


def test_a_later_result_replaces_only_its_own_part() -> None:
    store = ReportInputStore(open_database(":memory:"))
    store.save_score(1, {"ind-4": 85})
    store.save_prescreen(1, {"unit_type": "park"})
    store.save_score(1, {"ind-4": 90})
    assert store.load(1) == SavedInputs({"unit_type": "park"}, {"ind-4": 90}, None)


def test_damaged_or_outdated_answers_count_as_absent() -> None:
    db = open_database(":memory:")
    store = ReportInputStore(db)
    store.save_score(1, {"ind-4": 85})
    with db.conn:
        db.conn.execute(f"update {TABLE} set prescreen = '{{not json', score = '[1]'")
    assert store.load(1).empty
    outdated = SavedInputs({"no_such_field": True}, {"ind-99": 1}, None)
    assert _profile(outdated) is None and _answers(outdated) is None
    current = SavedInputs(PROFILES["not_eligible"], ANSWERS, None)
    profile, answers = _profile(current), _answers(current)
    assert profile is not None and profile.revocation is not None
    assert answers is not None and answers.get("ind-4") == 85


def test_a_profile_round_trips_as_the_dialog_saves_it() -> None:
    from bot.prescreen import evaluate
    from tests.bot.report.helpers import DAY, profile

    for kind in PROFILES:
        original = profile(kind)
        saved = original.model_dump(mode="json", exclude_unset=True, exclude={"today"})
        loaded = _profile(SavedInputs(saved, None, None))
        assert loaded is not None
        assert evaluate(loaded, DAY) == evaluate(original, DAY), kind
