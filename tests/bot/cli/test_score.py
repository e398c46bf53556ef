"""``greenbot score``: the JSON contract, the text report, one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

Run = Callable[..., subprocess.CompletedProcess[str]]

EXAMPLE = """\
ind-1: {value: 1.6, requirement: 1.0}
ind-2: {value: 52, requirement: 30}
ind-3: leading               # leading | advanced | average | lagging (also ind-5..8, 10..12)
ind-4: 85                    # percent (also ind-9, 13, 15, 17)
ind-14: [energy_center, green_power]   # checklist item ids (also ind-16, 18, 19, 21)
ind-20: 3                    # level 0-5
"""
FULL: dict[str, Any] = {
    "ind-1": {"value": 2, "requirement": 1},
    "ind-2": {"value": 60, "requirement": 30},
    **{f"ind-{n}": "leading" for n in (3, 5, 6, 7, 8, 10, 11, 12)},
    "ind-4": 80,
    "ind-9": 90,
    "ind-13": 70,
    "ind-15": 15,
    "ind-17": 40.01,
    "ind-14": ["energy_center", "microgrid", "green_power", "waste_heat"],
    "ind-16": ["lighting", "water_fixtures", "design_star", "operation_star"],
    "ind-18": ["ohs", "environment", "energy", "esg_report", "low_carbon_plan"],
    "ind-19": ["carbon_footprint", "product_certification"],
    "ind-20": 5,
    "ind-21": [
        "green_supply_chain",
        "green_design",
        "water_leader",
        "energy_leader",
        "pollution_ab",
    ],
}


def write(tmp_path: Path, text: str, name: str = "in.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["score", *args, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one JSON object on one line
    return json.loads(out)


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["score", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = captured.err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("greenbot score: error: ")
    return line.removeprefix("greenbot score: error: ")


def test_example_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = run_json(capsys, write(tmp_path, EXAMPLE))
    assert payload["total"] == pytest.approx(20.0) and payload["max"] == 110
    assert payload["base"] == pytest.approx(17.0) and payload["bonus"] == pytest.approx(3.0)
    assert [item["ref"] for item in payload["items"]] == [f"ind-{n}" for n in range(1, 22)]
    assert payload["unanswered"] == [
        f"ind-{n}" for n in (5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 21)
    ]
    assert payload["grade_estimate"] in (1, 2, 3, 4)
    assert set(payload["grade_cutoffs"]) == {"2", "3", "4"}
    assert payload["cutoffs_official"] is False
    assert payload["top_gains"][0] == {"ref": "ind-14", "gain": 2.0, "step": "配备三级能源计量：+2"}


def test_full_marks_json_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = run_json(capsys, write(tmp_path, json.dumps(FULL), "in.json"))
    assert (payload["total"], payload["base"], payload["bonus"]) == (110, 100, 10)
    assert payload["grade_estimate"] == 4
    assert payload["unanswered"] == [] and payload["top_gains"] == []
    assert all(item["points"] == item["max"] for item in payload["items"])


def test_empty_mapping_and_null_are_unanswered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = run_json(capsys, write(tmp_path, "{}"))
    assert payload["total"] == 0 and len(payload["unanswered"]) == 21
    payload = run_json(capsys, write(tmp_path, "ind-4: null\nind-9: 90\n"))
    assert "ind-4" in payload["unanswered"] and "ind-9" not in payload["unanswered"]


def english_max(ref: str) -> float:
    from scoring.data import default_table

    return next(ind.max_points for ind in default_table().indicators if ind.id == ref)


def test_chinese_tier_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = 'ind-3: 领先\nind-5: 先进\nind-6: 平均\nind-7: 落后\nind-8: 行业先进\nind-10: "领先"\n'
    payload = run_json(capsys, write(tmp_path, text))
    points = {item["ref"]: item["points"] for item in payload["items"]}
    english = run_json(
        capsys,
        write(
            tmp_path,
            "ind-3: leading\nind-5: advanced\nind-6: average\nind-7: lagging\nind-8: advanced\n",
        ),
    )
    same = {item["ref"]: item["points"] for item in english["items"]}
    refs = ("ind-3", "ind-5", "ind-6", "ind-7", "ind-8")
    assert [points[ref] for ref in refs] == [same[ref] for ref in refs]
    assert points["ind-10"] == english_max("ind-10")
    payload = run_json(capsys, write(tmp_path, '{"ind-3": "领先"}', "in.json"))
    assert payload["items"][2]["points"] == english_max("ind-3")
    assert "领先" in fails(capsys, write(tmp_path, "ind-3: 很好\n"))


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"ind-17: 40.01\n")))
    payload = run_json(capsys, "-")
    assert payload["items"][16]["points"] == 6


ERRORS = [
    ("ind-22: 5\n", "ind-22: unknown indicator"),
    ("foo: 5\n", "foo: unknown indicator"),
    ("1: 5\n", "1: unknown indicator"),
    ("ind-14: [energy_center, foo]\n", "ind-14[1]: unknown checklist item 'foo'"),
    ("ind-21: [pollution_ab, pollution_ab]\n", "ind-21[1]: duplicate checklist item"),
    ("ind-4: 80\nind-4: 90\n", "ind-4: given more than once"),
    ("ind-1: {value: 1, value: 2, requirement: 1}\n", "ind-1.value: given more than once"),
    ("ind-4: 100.5\n", "ind-4: percentage must be between 0 and 100"),
    ("ind-13: -1\n", "ind-13: percentage must be between 0 and 100"),
    ("ind-9: lots\n", "ind-9: expected a percentage"),
    ("ind-1: {value: -1, requirement: 1}\n", "ind-1.value: must not be negative"),
    ("ind-1: {value: 1, requirement: 0}\n", "ind-1.requirement: must be greater than 0"),
    ("ind-2: {value: 50, requirement: -3}\n", "ind-2.requirement: must be greater than 0"),
    ("ind-2: {value: 120, requirement: 30}\n", "ind-2.value: percentage must be between"),
    ("ind-1: {value: 1}\n", "ind-1.requirement: missing"),
    ("ind-20: 6\n", "ind-20: level must be a whole number from 0 to 5"),
    ("ind-20: -1\n", "ind-20: level must be"),
    ("ind-20: 2.5\n", "ind-20: level must be"),
    ("ind-3: excellent\n", "ind-3: unknown tier 'excellent'"),
    ("ind-12: 3\n", "ind-12: unknown tier 3"),
    ("- ind-4\n", "expected a mapping"),
    ("ind-4: [\n", "invalid YAML"),
    ("", "empty input"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert message in fails(capsys, write(tmp_path, text), "--json")


def test_json_duplicates_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '{"ind-4": 80, "ind-4": 85}', "in.json")
    assert fails(capsys, path, "--json").startswith("ind-4: given more than once")
    path = write(tmp_path, '{"ind-4": 800}', "in.json")
    assert fails(capsys, path).startswith("ind-4: percentage must be between 0 and 100")
    path = write(tmp_path, '{"ind-4": ', "in.json")
    assert "invalid JSON" in fails(capsys, path)


def test_missing_file_and_unwritable_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "no such file" in fails(capsys, str(tmp_path / "missing.yaml"))
    chart = str(tmp_path / "no" / "such" / "dir" / "c.png")
    assert "cannot write" in fails(capsys, write(tmp_path, EXAMPLE), "--chart", chart)


def test_text_report_zh_default_and_en(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, EXAMPLE)
    assert main(["score", path]) == 0
    zh = capsys.readouterr().out
    assert "总分：20 / 110" in zh and "估计等级" in zh and "估算" in zh
    assert main(["score", path, "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Total: 20 / 110" in en and "estimate" in en


def test_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "out.png"
    payload = run_json(capsys, write(tmp_path, EXAMPLE), "--chart", str(chart))
    assert payload["total"] == pytest.approx(20.0)
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_help_lists_every_checklist_item() -> None:
    from bot.cli.score import EPILOG
    from scoring.data import default_table
    from scoring.rules import ChecklistRule

    for indicator in default_table().indicators:
        if isinstance(indicator.rule, ChecklistRule):
            assert indicator.id + ":" in EPILOG
            for item in indicator.rule.items:
                assert f" {item.id}" in EPILOG, item.id


# --- as a fresh process ---------------------------------------------------------------------


def test_fresh_process_json_and_chart(greenbot: Run, tmp_path: Path) -> None:
    (tmp_path / "in.yaml").write_text(EXAMPLE, encoding="utf-8")
    result = greenbot("score", "in.yaml", "--json", "--chart", "out.png")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    assert payload["total"] == pytest.approx(20.0)
    assert (tmp_path / "out.png").read_bytes().startswith(b"\x89PNG")


def test_fresh_process_stdin_error(greenbot: Run) -> None:
    result = greenbot("score", "-", "--json", input="ind-4: 101\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "greenbot score: error: ind-4: percentage must be between 0 and 100"
    )


def test_fresh_process_never_a_traceback(greenbot: Run) -> None:
    for text in (
        "ind-1: !!python/object:os.system {}\n",
        "ind-4: 2026-02-30\n",
        "ind-4: 1e400\n",
        "[" * 5000 + "]" * 5000,
        "a: &a [*a]\n",
    ):
        result = greenbot("score", "-", input=text)
        assert result.returncode == 2, (text[:30], result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
