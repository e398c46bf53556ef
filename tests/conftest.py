"""Shared fixtures: a fresh in-memory engine, a subprocess runner for the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import build_engine
from bot.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def engine() -> Engine:
    """An engine over an in-memory database, administrator 999."""
    return build_engine(":memory:", admins=frozenset({999}))


@pytest.fixture
def greenbot(tmp_path: Path) -> Run:
    """Run ``python -m bot ARGS`` as a fresh process in a temporary folder."""

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BOT_TOKEN", "GREENBOT_", "TELEGRAM_"))
        }
        environment["PYTHONPATH"] = str(ROOT)
        environment.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=input,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=environment,
            timeout=timeout,
            encoding="utf-8",
        )

    return run
