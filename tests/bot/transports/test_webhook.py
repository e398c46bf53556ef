"""aiogram webhook mode: Telegram posts updates to us; replies go to the Bot API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.bot.transports.conftest import TOKEN
from tests.conftest import ROOT
from tests.support.fake_telegram import FakeTelegram

pytestmark = pytest.mark.timeout(90)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_serves_an_update(tg: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    public = "https://bot.example.org/telegram/hook"  # what Telegram is told (behind a proxy)
    hook = f"http://127.0.0.1:{port}/telegram/hook"  # where the proxy forwards to
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "GREENBOT_DB": str(tmp_path / "w.sqlite3"),
    }
    bot = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--webhook",
            public,
            "--listen",
            f"127.0.0.1:{port}",
            "--no-reminders",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        tg.wait_for(
            lambda t: any(c.method.lower() == "setwebhook" for c in t.calls) or None, timeout=30
        )
        tg.register_chat(77)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "text": "第十四条",
                "chat": {"id": 77, "type": "private", "first_name": "T"},
                "from": {"id": 77, "is_bot": False, "first_name": "T", "language_code": "zh"},
            },
        }
        deadline = time.time() + 20
        while True:  # the listener may need a moment after setWebhook
            try:
                request = urllib.request.Request(
                    hook,
                    data=json.dumps(update).encode(),
                    headers={"Content-Type": "application/json"},
                )
                urllib.request.urlopen(request, timeout=5).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        [reply] = tg.wait_sent(77, 1, timeout=20)
        assert "第十四条" in (reply.text or "") and "30日内" in (reply.text or "")
        webhook_calls = [c for c in tg.calls if c.method.lower() == "setwebhook"]
        assert webhook_calls[0].params["url"] == public
    finally:
        bot.terminate()
        bot.wait(timeout=20)
