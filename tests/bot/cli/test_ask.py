"""The ``greenbot ask`` and ``greenbot article`` contracts, as a fresh process would see them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Run


def test_ask_json_contract(greenbot: Run) -> None:
    done = greenbot("ask", "单位名称变了要多久内报市经信局", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) == {"question", "in_scope", "hits", "answer", "confidence"}
    assert payload["in_scope"] is True and payload["confidence"] == "high"
    assert payload["hits"][0]["ref"] == "art-14"
    assert all(set(hit) == {"ref", "title", "score"} for hit in payload["hits"])
    assert all(isinstance(hit["score"], float) for hit in payload["hits"])
    scores = [hit["score"] for hit in payload["hits"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 5
    assert "30日内" in payload["answer"]


def test_ask_out_of_scope_json(greenbot: Run) -> None:
    payload = json.loads(greenbot("ask", "明天会下雨吗", "--json").stdout)
    assert payload["in_scope"] is False and payload["hits"] == []
    assert payload["confidence"] is None
    assert payload["answer"]


def test_ask_reads_json_lines_from_stdin_in_order(greenbot: Run) -> None:
    questions = ["第十三条", "How do I cook rice?", "", "厂区迁址要重新复核吗"]
    done = greenbot("ask", "--json", input="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["question"] for line in lines] == [
        "第十三条",
        "How do I cook rice?",
        "厂区迁址要重新复核吗",
    ]
    assert [line["in_scope"] for line in lines] == [True, False, True]


def test_ask_plain_text_for_people(greenbot: Run) -> None:
    done = greenbot("ask", "被撤销绿色工厂称号后两年内能不能再申请")
    assert done.returncode == 0
    assert "第十五条" in done.stdout and "两年内不得重新申报" in done.stdout
    assert not done.stdout.lstrip().startswith("{")


@pytest.mark.parametrize(
    "question",
    ["", "   ", "x" * 10_000, "😀😀😀", "？？！！", "\x01\x02"],
)
def test_ask_unusable_input_is_one_line_exit_2(greenbot: Run, question: str) -> None:
    done = greenbot("ask", question, "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("11", "失信被执行人"),
        ("11.6", "（六）失信被执行人；"),
        ("ind-14", "建有能源管理中心"),
        ("第十五条", "两年内不得重新申报"),
    ],
)
def test_article_verbatim(greenbot: Run, ref: str, expected: str) -> None:
    done = greenbot("article", ref)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


@pytest.mark.parametrize("ref", ["22", "art-0", "ind-22", "11.9", "hello", ""])
def test_article_unknown_exits_2(greenbot: Run, ref: str) -> None:
    done = greenbot("article", ref)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_ask_does_not_import_telegram_frameworks(greenbot: Run) -> None:
    """Nor anything else slow to import that answering does not need (the settings library
    alone would take half of the 0.5 s a fresh ``greenbot ask`` has)."""
    code = (
        "import sys; from bot.cli import main; main(['ask', '第十一条', '--json']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aiogram', 'telegram', 'matplotlib', 'httpx', 'aiohttp', 'pydantic_settings')))"
    )
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_ask_dash_reads_questions_from_stdin(greenbot: Run) -> None:
    """As ``prescreen -`` does: '-' is stdin, not a question made of a hyphen."""
    done = greenbot("ask", "-", "--json", input="第十三条\n厂区迁址要重新复核吗\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["question"] for line in lines] == ["第十三条", "厂区迁址要重新复核吗"]
    assert lines[0]["hits"][0]["ref"] == "art-13"


def test_article_in_english_names_its_chapter_in_english(greenbot: Run) -> None:
    done = greenbot("article", "11", "--lang", "en")
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    assert first.startswith("Chapter 3") and "第三章" not in done.stdout
    assert "第十一条 近三年有下列情况之一的单位" in "\n".join(rest)  # the text stays verbatim


def test_chapter_labels_match_the_knowledge_base() -> None:
    from bot.knowledge import default
    from bot.render import label

    for article in default().articles.values():
        chapter = article.chapter
        assert label(f"chapter.{chapter.number}", "zh") == f"{chapter.heading} {chapter.title}"
        assert label(f"chapter.{chapter.number}", "en").startswith(f"Chapter {chapter.number}:")


def test_ask_low_confidence_offers_candidates_in_json(greenbot: Run) -> None:
    """Generic words and a detail the measures leave open: not refused, not a guess either."""
    payload = json.loads(greenbot("ask", "申报截止日期是什么时候？", "--json").stdout)
    assert payload["in_scope"] is True and payload["confidence"] == "low"
    assert payload["hits"] and payload["answer"].splitlines()[1] == "您是想问以下哪一条？"
    assert payload["answer"].startswith("办法没有写申报的具体时间")
