"""The console chat: a scripted session through the same engine."""

from __future__ import annotations

import io
from pathlib import Path

from bot.app import build_engine
from bot.transports.console import run
from tests.conftest import Run


def test_scripted_session_in_process(tmp_path: Path) -> None:
    engine = build_engine(str(tmp_path / "c.sqlite3"))
    script = "/help\n第十五条\n1\n/article 11.6\n/forget\n1\n/quit\n这行不会被读到\n"
    out = io.StringIO()
    assert run(engine, io.StringIO(script), out, interactive=False) == 0
    text = out.getvalue()
    assert "[1] 问答" in text  # the welcome's menu, as numbered choices
    assert "/article" in text  # /help
    assert "两年内不得重新申报" in text  # the question
    assert "（六）失信被执行人；" in text  # /article 11.6
    assert "数据保持不变" in text  # /forget, then choice 1 (keep: "delete" takes its word)
    assert "这行不会被读到" not in text
    assert "<b>" not in text and "&lt;" not in text


def test_a_number_beyond_the_choices_is_text(tmp_path: Path) -> None:
    engine = build_engine(":memory:")
    out = io.StringIO()
    run(engine, io.StringIO("/forget\n9\n=1\n"), out, interactive=False)
    assert out.getvalue().count("确认删除本聊天") == 3  # 9 and "1" as text re-ask


def test_greenbot_chat_as_a_process(greenbot: Run, tmp_path: Path) -> None:
    done = greenbot("chat", input="被列入经营异常名单的企业可以申报吗\n")
    assert done.returncode == 0, done.stderr
    assert "第十一条" in done.stdout and "经营异常名单" in done.stdout
    assert (tmp_path / "greenbot.sqlite3").is_file()  # the default database file
    assert done.stderr == ""


def test_candidates_are_numbered_choices_in_the_console(tmp_path: Path) -> None:
    engine = build_engine(str(tmp_path / "c.sqlite3"))
    out = io.StringIO()
    run(engine, io.StringIO("申报截止日期是什么时候？\n1\n/quit\n"), out, interactive=False)
    text = out.getvalue()
    assert "您是想问以下哪一条？" in text and "[1] 第八条" in text
    assert "第八条 开展市级绿色制造单位创建" in text  # choice 1 shows the article verbatim
