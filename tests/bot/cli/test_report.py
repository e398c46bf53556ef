"""``greenbot report``: the PDF from a profile and/or score answers, one-line errors, exit 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.render import label
from tests.bot.report.helpers import ANSWERS, PROFILES, pdf_text, squeeze


def _inputs(tmp_path: Path) -> tuple[str, str]:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        yaml.safe_dump({**PROFILES["conditional"], "today": "2026-11-24"}, allow_unicode=True),
        encoding="utf-8",
    )
    score = tmp_path / "s.yaml"
    score.write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
    return str(profile), str(score)


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["report", *args]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("greenbot report: error: "), captured.err
    return lines[0].removeprefix("greenbot report: error: ")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_profile_and_score(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    profile, score = _inputs(tmp_path)
    out = tmp_path / "r.pdf"
    args = ["report", "--profile", profile, "--score", score, "--pdf", str(out), "--lang", lang]
    assert main([*args, "--unit", "北京<示范>工厂"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    text = pdf_text(out.read_bytes())
    assert squeeze(label("prescreen.verdict.conditional", lang)) in text  # type: ignore[arg-type]
    assert "2026-11-24" in text and "北京<示范>工厂" in text
    assert "/110" in text


def test_either_input_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile, score = _inputs(tmp_path)
    out = tmp_path / "r.pdf"
    assert main(["report", "--score", score, "--pdf", str(out)]) == 0
    assert squeeze(label("report.prescreen_none")) in pdf_text(out.read_bytes())
    assert main(["report", "--profile", profile, "--pdf", str(out)]) == 0
    assert squeeze(label("report.score_none")) in pdf_text(out.read_bytes())


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, score = _inputs(tmp_path)
    out = str(tmp_path / "r.pdf")
    assert fails(capsys, "--pdf", out).startswith("nothing to report")
    bad = tmp_path / "bad.yaml"
    bad.write_text("grade: 7\n", encoding="utf-8")
    assert fails(capsys, "--profile", str(bad), "--pdf", out).startswith("--profile: grade")
    bad.write_text("ind-4: 120\n", encoding="utf-8")
    assert fails(capsys, "--score", str(bad), "--pdf", out).startswith("--score: ind-4")
    bad.write_text("revocation: {date: 2099-01-01, reason: failed_review}\n", encoding="utf-8")
    assert "after the check date" in fails(capsys, "--profile", str(bad), "--pdf", out)
    bad.write_text("ind-4: [\n", encoding="utf-8")
    assert fails(capsys, "--score", str(bad), "--pdf", out)
    assert "cannot write" in fails(capsys, "--score", score, "--pdf", str(tmp_path / "no/r.pdf"))
    assert "stdin" in fails(capsys, "--profile", "-", "--score", "-", "--pdf", out)
    assert not Path(out).exists()


def test_fresh_process_writes_the_pdf_to_stdout(tmp_path: Path) -> None:
    # Binary stdout: the conftest's greenbot fixture reads text, so the process is run here.
    _, score = _inputs(tmp_path)
    result = subprocess.run(
        [*_python(), "-m", "bot", "report", "--score", score, "--pdf", "-", "--lang", "en"],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.startswith(b"%PDF-")
    assert "Total" in pdf_text(result.stdout)


def _python() -> list[str]:
    import sys

    return [sys.executable]


def _env() -> dict[str, str]:
    import os

    from tests.conftest import ROOT

    environment = {k: v for k, v in os.environ.items() if not k.startswith("GREENBOT_")}
    environment["PYTHONPATH"] = str(ROOT)
    return environment
