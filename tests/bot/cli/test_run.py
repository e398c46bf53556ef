"""``greenbot run``: settings from options, environment and .env; one-line start-up errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.transports.conftest import TOKEN
from tests.conftest import Run
from tests.support.fake_telegram import FakeTelegram


def one_line_error(done: object) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)  # type: ignore[attr-defined]
    lines = done.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr  # type: ignore[attr-defined]
    return lines[0]


def test_missing_token(greenbot: Run) -> None:
    assert "BOT_TOKEN" in one_line_error(greenbot("run"))


@pytest.mark.parametrize("token", ["abc", "123:short", "x" * 50, "123456789:" + "!" * 35])
def test_malformed_token(greenbot: Run, token: str) -> None:
    assert "malformed" in one_line_error(greenbot("run", "--token", token))


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
def test_a_refused_token_is_one_line(greenbot: Run, engine: str) -> None:
    other = "987654321:" + "C" * 35
    with FakeTelegram(token=TOKEN) as tg:
        done = greenbot("run", "--engine", engine, "--token", other, "--api-base", tg.base_url)
    assert "401" in one_line_error(done)


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
def test_an_unreachable_server_is_one_line(greenbot: Run, engine: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = greenbot(
        "run", "--engine", engine, "--token", TOKEN, "--api-base", f"http://127.0.0.1:{port}"
    )
    assert "cannot reach" in one_line_error(done)


def test_bad_options_are_one_line(greenbot: Run) -> None:
    one_line_error(greenbot("run", "--token", TOKEN, "--api-base", "ftp://x"))
    one_line_error(
        greenbot(
            "run", "--token", TOKEN, "--engine", "ptb", "--webhook", "https://example.org/hook"
        )
    )
    one_line_error(
        greenbot(
            "run", "--token", TOKEN, "--webhook", "https://example.org/h", "--listen", "nonsense"
        )
    )
    assert "https" in one_line_error(
        greenbot("run", "--token", TOKEN, "--webhook", "http://example.org/h")
    )


def test_settings_come_from_a_dotenv_file(greenbot: Run, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=not-a-token\nGREENBOT_ADMINS=1,2\n")
    assert "malformed" in one_line_error(greenbot("run"))
    (tmp_path / ".env").write_text(f"BOT_TOKEN={TOKEN}\nGREENBOT_ADMINS=1,x\n")
    assert "GREENBOT_ADMINS" in one_line_error(greenbot("run"))


@pytest.mark.parametrize(("engine", "framework"), [("aiogram", "aiogram"), ("ptb", "telegram")])
def test_the_framework_is_frozen_with_the_rest(engine: str, framework: str, tmp_path: Path) -> None:
    """The framework is most of the process's memory: imported after gc.freeze(), every
    collection would rescan it (about a third of the bot's time under load)."""
    probe = (
        "import gc, sys\n"
        "freeze = gc.freeze\n"
        "def watched():\n"
        f"    print('frozen with the framework:', {framework!r} in sys.modules)\n"
        "    freeze()\n"
        "gc.freeze = watched\n"
        "from bot.cli import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n"
    )
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "run",
            "--engine",
            engine,
            "--token",
            TOKEN,
            "--api-base",
            f"http://127.0.0.1:{port}",
            "--db",
            str(tmp_path / "db.sqlite3"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
    )
    assert "frozen with the framework: True" in done.stdout, (done.stdout, done.stderr)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
def test_the_token_is_in_no_log_line(engine: str, tmp_path: Path) -> None:
    """At DEBUG every record of every level is written: start, serve through a failed poll and
    a failed send, stop; the token appears nowhere (PTB logged its API URL at DEBUG)."""
    log_file = tmp_path / "stderr.log"
    with FakeTelegram(token=TOKEN) as tg, log_file.open("w") as stderr:
        tg.fail("getUpdates", 500)
        tg.fail("sendMessage", 502, chat_id=5)
        options = ["--token", TOKEN, "--api-base", tg.base_url, "--db", str(tmp_path / "db")]
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--engine",
                engine,
                "--log-level",
                "DEBUG",
                *options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
        )
        try:
            tg.send_text(5, 5, "第十一条")
            tg.wait_sent(5, 1, timeout=60)
        finally:
            process.terminate()
            process.wait(30)
    text = log_file.read_text()
    assert " DEBUG " in text and " INFO " in text and " WARNING " in text, text[-2000:]
    assert "502" in text or "Bad Gateway" in text
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text  # not even the secret half


def test_the_token_filter_masks_every_level_and_exception_texts() -> None:
    import io
    import logging

    from bot.transports.common import hide_token

    logger = logging.getLogger("greenbot.test.token")
    logger.propagate = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        hide_token(TOKEN, logger)
        url = f"http://127.0.0.1/bot{TOKEN}/getMe"
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
            logger.log(level, "calling %s", url)
        try:
            raise ConnectionError(f"cannot reach {url}")
        except ConnectionError:
            logger.exception("failed")
        logger.critical(url, stack_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    for name in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "Traceback"):
        assert name in text
    assert TOKEN not in text, text[text.index(TOKEN) - 300 :]
    assert text.count("bot<token>/getMe") == 6, text


@pytest.mark.timeout(90)
def test_a_database_locked_by_another_process_still_gets_answers(tmp_path: Path) -> None:
    """The warm-up used to wait out the lock five times and crash; a question used to wait
    for its activity row. Now the bot starts, answers, and logs one line about the lock."""
    import sqlite3

    from bot.app import build_engine

    path = tmp_path / "db.sqlite3"
    build_engine(str(path)).services.db.close()
    holder = sqlite3.connect(path)
    holder.execute("begin immediate")
    log_file = tmp_path / "stderr.log"
    with FakeTelegram(token=TOKEN) as tg, log_file.open("w") as stderr:
        options = ["--token", TOKEN, "--api-base", tg.base_url, "--db", str(path)]
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-reminders", *options],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
        )
        try:
            tg.send_text(5, 5, "第十一条")
            [answer] = tg.wait_sent(5, 1, timeout=30)
        finally:
            process.terminate()
            process.wait(30)
            holder.rollback()
    assert "不得入围" in (answer.text or "")
    text = log_file.read_text()
    assert "Traceback" not in text and " ERROR " not in text, text
    assert "locked" in text
