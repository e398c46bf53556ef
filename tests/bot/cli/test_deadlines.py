"""``greenbot deadlines EVENT DATE --json [--ics FILE]``: the exact contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli import main

ROOT = Path(__file__).resolve().parents[3]
KEYS = {"kind", "due", "holiday_adjusted", "ref", "text"}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["deadlines", *args, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "rename", "2026-01-31")
    assert data == {
        "event": "rename",
        "date": "2026-01-31",
        "deadlines": [
            {
                "kind": "apply_name_change",
                "due": "2026-03-02",
                "holiday_adjusted": None,
                "ref": "art-14",
                "text": "绿色制造单位发生更名情况，应在办理相关手续后30日内通过相关区经济和信息化"
                "主管部门向市经济和信息化局申请名称变更。",
            }
        ],
    }


@pytest.mark.parametrize(
    ("event", "day", "expected"),
    [
        ("major_change", "2026/9/1", [("apply_review", "2026-10-01", "2026-10-08", "art-14")]),
        (
            "below_grade_3",
            "2028年2月29日",
            [
                ("green_diagnosis", "2029-02-28", None, "art-16"),
                ("retrofit", "2030-02-28", None, "art-16"),
                ("regrade", "2031-02-28", None, "art-16"),
            ],
        ),
        ("revoked_failed_review", "20240414", [("reapply_from", "2026-04-15", None, "art-15")]),
        ("exclusion_event", "2023-02-01", [("eligible_again_from", "2026-02-02", None, "art-11")]),
        (
            "exclusion_event",
            "2023-02-20",  # 2026-02-21 falls in the Spring Festival holiday: a first day stays
            [("eligible_again_from", "2026-02-21", None, "art-11")],
        ),
        ("review_notice", "2026-10-10", [("review_due", "2026-10-10", None, "art-13")]),
        ("report_notice", "2026-05-02", [("report_due", "2026-05-02", "2026-05-06", "art-12")]),
        # 元旦 2028 is a Saturday, made up on Monday the 3rd (computed: 2028 is not published)
        ("report_notice", "2028-01-01", [("report_due", "2028-01-01", "2028-01-04", "art-12")]),
    ],
)
def test_each_event(
    capsys: pytest.CaptureFixture[str], event: str, day: str, expected: list[tuple]
) -> None:
    data = run_json(capsys, event, day)
    assert data["event"] == event
    got = [(d["kind"], d["due"], d["holiday_adjusted"], d["ref"]) for d in data["deadlines"]]
    assert got == expected
    assert all(set(d) == KEYS and d["text"] for d in data["deadlines"])


def test_deadlines_are_in_date_order(capsys: pytest.CaptureFixture[str]) -> None:
    dues = [d["due"] for d in run_json(capsys, "below_grade_3", "2025-12-31")["deadlines"]]
    assert dues == sorted(dues)


def test_uncovered_year_note_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadlines", "report_notice", "2028-01-01", "--json", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert "not out yet" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["renamed", "2026-01-01"], "unknown event"),
        (["rename", "2026-02-30"], "no day 30"),
        (["rename", "2026-13-01"], "month 13"),
        (["rename", "yesterday"], "cannot read"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["deadlines", *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err


def test_ics_file_is_written_and_parseable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "deadlines.ics"
    data = run_json(capsys, "below_grade_3", "2026-01-10", "--ics", str(target))
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert [str(e.decoded("dtstart")) for e in events] == [d["due"] for d in data["deadlines"]]


def test_ics_unwritable_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.ics"
    assert main(["deadlines", "rename", "2026-01-01", "--ics", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_human_output(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    assert main(["deadlines", "rename", "2026-09-01", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert "2026-10-01" in out and "2026-10-08" in out and "art-14" in out


def test_through_the_console_script() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "deadlines", "rename", "2026-01-31", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["deadlines"][0]["due"] == "2026-03-02"
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "deadlines", "rename", "2026-02-30", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == "" and bad.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("event", "typed", "day", "year_words"),
    [
        ("rename", "11月10日", "2026-11-10", "已经发生的事件取最近一次，即 2026 年"),
        ("rename", "12月1日", "2025-12-01", "已经发生的事件取最近一次，即 2025 年"),
        ("review_notice", "11月10日", "2027-11-10", "通知规定的日期取下一次，即 2027 年"),
    ],
)
def test_a_date_without_a_year(
    capsys: pytest.CaptureFixture[str], event: str, typed: str, day: str, year_words: str
) -> None:
    from datetime import datetime

    import time_machine

    from bot.dates import TZ

    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=TZ), tick=False):
        payload = run_json(capsys, event, typed)
        assert payload["date"] == day
        assert main(["deadlines", event, typed, "--json"]) == 0
        assert year_words in capsys.readouterr().err
        assert main(["deadlines", event, typed]) == 0
        out = capsys.readouterr().out
        assert f"日期 {day}" in out and year_words in out
        assert main(["deadlines", event, typed, "--lang", "en"]) == 0
        assert "had no year" in capsys.readouterr().out
