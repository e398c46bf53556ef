"""The README documents what exists: every command, the Quick start, and what CI runs."""

from __future__ import annotations

import re

from bot.cli import SUBCOMMANDS, build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_every_command_is_in_the_readme_table() -> None:
    for name in SUBCOMMANDS:
        assert f"| `greenbot {name}" in README, name


def test_every_registered_command_is_listed() -> None:
    parser = build_parser()
    registered = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert registered == set(SUBCOMMANDS)


def test_quick_start_is_two_commands_chat_then_tests() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("greenbot chat")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start_commands()[1] in ci


def test_every_chat_command_is_documented() -> None:
    from bot.app import build_engine

    engine = build_engine(":memory:")
    for name in engine.commands:
        assert f"/{name}" in README, name


def test_the_web_page_is_documented_with_its_proxy() -> None:
    section = README.split("## Web page", 1)[1].split("\n## ", 1)[0]
    assert "greenbot serve" in section and "http://127.0.0.1:8080/" in section
    # the proxy setup as it must be for the Secure cookie and the rate limits
    assert "--behind-proxy" in section and "```nginx" in section
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in section
    from bot.cli import build_parser

    help_text = build_parser()._subparsers._group_actions[0].choices["serve"].format_help()  # type: ignore[union-attr]
    for option in ("--listen", "--db", "--behind-proxy", "--secure-cookie"):
        assert option in help_text and option in README
