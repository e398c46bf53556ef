"""``greenbot prescreen PROFILE [--json] [--lang]``: the contract the acceptance tests check."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bot.cli
from bot.cli import main

SAMPLE = """\
unit_type: factory          # factory | supply_chain | park
target: municipal
today: 2026-11-24
legal_person: true
actual_production: true
entity: manufacturer
location: beijing
hq_in_beijing: true
provincial_green_factory: false
district_list: true
grade: 3
national_list: false
municipal_list: false
park: {legal_boundary: true, unified_management: true, industrial_share: 62,
       production_energy_main: true, cultivation_plan: true}
supply_chain: {chain_leader: true, creating_green_factory: true, supplier_plan: true}
exclusions:
  abnormal_operation: false
  accident_or_violation: false
  removed_from_list: false
  serious_inspection_problem: false
  energy_rectification_pending: false
  dishonest_debtor: false
  other_disqualification: false
revocation: {date: 2025-06-01, reason: failed_review}
"""
BANNED = "revocation: {date: 2025-06-01, reason: failed_review}"
ELIGIBLE = SAMPLE.replace(BANNED, "revocation: null")


@pytest.fixture(autouse=True)
def _only_prescreen(monkeypatch: pytest.MonkeyPatch) -> None:
    # In-process runs register only this subcommand; the subprocess tests use the real CLI.
    monkeypatch.setattr(bot.cli, "SUBCOMMANDS", ("prescreen",))


def run(args: list[str], stdin: str | None = None, monkeypatch: Any = None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    return main(["prescreen", *args])


def run_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, text: str
) -> dict[str, Any]:
    assert run(["-", "--json"], text, monkeypatch) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_sample_profile_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    assert run([str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"verdict", "reasons", "missing", "earliest_reapply"}
    assert payload["verdict"] == "not_eligible"
    assert payload["earliest_reapply"] == "2027-06-02"
    assert payload["missing"] == []
    assert payload["reasons"][0]["ref"] == "art-15"
    assert payload["reasons"][0]["code"] == "art15_reapply_ban"
    assert "两年内不得重新申报" in payload["reasons"][0]["text"]
    assert all(set(reason) == {"ref", "code", "text"} for reason in payload["reasons"])


def test_json_profile_on_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = {
        "unit_type": "park",
        "today": "2026-11-24",
        "district_list": True,
        "park": {
            "legal_boundary": True,
            "unified_management": True,
            "industrial_share": 50,
            "production_energy_main": True,
            "cultivation_plan": True,
        },
    }
    payload = run_json(capsys, monkeypatch, json.dumps(profile))
    assert payload["verdict"] == "not_eligible"
    assert [r["code"] for r in payload["reasons"]] == ["art7_park_share_not_over_50"]
    assert payload["reasons"][0]["ref"] == "art-7"
    assert payload["earliest_reapply"] is None


@pytest.mark.parametrize(
    ("edit", "verdict", "missing", "earliest"),
    [
        (("", ""), "eligible", [], None),
        (("today: 2026-11-24", "today: 2027-06-01"), "not_eligible", [], "2027-06-02"),
        (("district_list: true", "district_list: false"), "conditional", [], None),
        (("grade: 3", "grade: null"), "conditional", [], None),
        (("grade: 3\n", ""), "incomplete", ["grade"], None),
        (
            ("national_list: false", "national_list: true\nnational_listed_before_measures: true"),
            "auto_included",
            [],
            None,
        ),
        (
            ("national_list: false", "national_list: true"),
            "incomplete",
            ["national_listed_before_measures"],
            None,
        ),
        (("  dishonest_debtor: false\n", ""), "incomplete", ["exclusions.dishonest_debtor"], None),
        (("  dishonest_debtor: false", "  dishonest_debtor: true"), "not_eligible", [], None),
    ],
)
def test_verdicts(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    edit: tuple[str, str],
    verdict: str,
    missing: list[str],
    earliest: str | None,
) -> None:
    text = ELIGIBLE.replace(*edit) if edit[0] else ELIGIBLE
    if earliest:
        text = text.replace("revocation: null", BANNED)
    payload = run_json(capsys, monkeypatch, text)
    assert payload["verdict"] == verdict
    assert payload["missing"] == missing
    assert payload["earliest_reapply"] == earliest


def test_day_after_the_ban_can_apply(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = run_json(capsys, monkeypatch, SAMPLE.replace("2026-11-24", "2027-06-02"))
    # Art. 15 no longer bars it, but the revocation is within Art. 11's three years
    assert payload["verdict"] == "conditional"
    assert {r["ref"] for r in payload["reasons"]} >= {"art-11", "art-15"}
    assert payload["earliest_reapply"] == "2027-06-02"


def test_empty_mapping_profile_is_incomplete(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = run_json(capsys, monkeypatch, "{}")
    assert payload["verdict"] == "incomplete"
    assert payload["missing"][0] == "unit_type"


def test_english_texts(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(["-", "--json", "--lang", "en"], SAMPLE, monkeypatch) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["reasons"][0]["text"].startswith("The title was revoked on 2025-06-01")
    assert "(Art. 15: “" in payload["reasons"][0]["text"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_human_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    assert run(["-", "--lang", lang], SAMPLE, monkeypatch) == 0
    out = capsys.readouterr().out
    assert ("不符合申报条件" if lang == "zh" else "Not eligible") in out
    assert "[art-15]" in out
    assert "2027-06-02" in out
    assert not out.lstrip().startswith("{")


def test_human_output_lists_the_questions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        run(["-"], "unit_type: factory\nlocation: tianjin\ntoday: 2026-11-24\n", monkeypatch) == 0
    )
    out = capsys.readouterr().out
    assert "企业总部在北京吗？（hq_in_beijing）" in out
    assert "失信被执行人" in out


BAD_INPUTS = [
    ("unknown key", "unit_type: factory\ncolour: green\n", "colour: unknown field"),
    ("unknown nested key", "park: {size: 3}\n", "park.size: unknown field"),
    ("grade 5", "grade: 5\n", "grade:"),
    ("grade as text", "grade: '3'\n", "grade:"),
    ("share 101", "park: {industrial_share: 101}\n", "park.industrial_share:"),
    ("share as text", "park: {industrial_share: '62%'}\n", "park.industrial_share:"),
    ("yes is not a boolean", "legal_person: yes\n", "legal_person:"),
    (
        "impossible YAML date",
        "revocation: {date: 2025-02-30, reason: failed_review}\n",
        "revocation.date:",
    ),
    ("impossible JSON date", '{"revocation": {"date": "2025-02-30"}}', "revocation.date:"),
    ("impossible today", "today: 2026-02-29\n", "today:"),
    ("date with a time", "revocation: {date: 2025-06-01 10:00:00}\n", "revocation.date:"),
    (
        "revocation after today",
        "today: 2026-11-24\nrevocation: {date: 2026-12-01}\n",
        "revocation.date:",
    ),
    ("wrong unit type", "unit_type: workshop\n", "unit_type:"),
    ("malformed YAML", "unit_type: [factory\n", "invalid YAML"),
    ("malformed JSON", '{"unit_type": ', "invalid JSON"),
    ("empty input", "", "empty input"),
    ("blank input", "  \n\n", "empty input"),
    ("null document", "~\n", "empty input"),
    ("a list", "- factory\n", "expected a mapping"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    assert run(["-", "--json"], text, monkeypatch) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("greenbot prescreen: error: ")
    assert expected in captured.err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run([str(tmp_path / "nope.yaml"), "--json"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_lang_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as caught:
        run(["-", "--lang", "fr"])
    assert caught.value.code == 2


# -- the installed command, end to end -----------------------------------------------------------

GREENBOT = Path(sys.executable).with_name("greenbot")


def greenbot(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    if not GREENBOT.exists():
        pytest.skip("the greenbot script is not installed next to this interpreter")
    return subprocess.run(
        [str(GREENBOT), "prescreen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_console_script_json() -> None:
    done = greenbot("-", "--json", stdin=SAMPLE)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["verdict"] == "not_eligible"
    assert payload["earliest_reapply"] == "2027-06-02"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("unit_type: factory\nbogus: 1\n", "bogus"),
        ("grade: 5\n", "grade"),
        ("park: {industrial_share: 101}\n", "park.industrial_share"),
        ("revocation: {date: 2025-02-30}\n", "revocation.date"),
        ("unit_type: [\n", "invalid YAML"),
        ("", "empty input"),
    ],
)
def test_console_script_bad_input(text: str, field: str) -> None:
    done = greenbot("-", "--json", stdin=text)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert field in done.stderr


def _profile_fields() -> set[str]:
    from bot import prescreen

    names: set[str] = set()
    for model in (
        prescreen.Profile,
        prescreen.Park,
        prescreen.SupplyChain,
        prescreen.Exclusions,
        prescreen.Revocation,
    ):
        names |= set(model.model_fields)
    return names


def test_help_and_readme_document_every_profile_field(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["prescreen", "--help"])
    help_text = capsys.readouterr().out
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `prescreen` profile", 1)[1].split("\n### ", 1)[0]
    for name in sorted(_profile_fields()):
        assert f"{name}:" in help_text, f"--help does not document {name}"
        assert f"{name}:" in section, f"README does not document {name}"
    for value in ("failed_review", "major_change", "supply_chain", "tianjin", "research"):
        assert value in help_text and value in section


def test_readme_profile_is_a_valid_profile() -> None:
    import yaml

    from bot import prescreen

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `prescreen` profile", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    profile = prescreen.Profile.model_validate(yaml.safe_load(block))
    assert set(profile.model_fields_set) == set(prescreen.Profile.model_fields)
