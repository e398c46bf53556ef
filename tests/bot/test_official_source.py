"""The measures' official source: stored in knowledge/, shown by /help and /article, and only
the facts that are known."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge import KnowledgeError, default
from bot.official_source import SOURCE_FILE, load_source, official_source
from bot.render import render
from tests.support.conversation import say, shown

ROOT = Path(__file__).resolve().parents[2]


def test_the_source_file_names_the_measures_and_the_issuing_body() -> None:
    source = official_source()
    measures = (ROOT / "knowledge" / "measures.txt").read_text(encoding="utf-8")
    assert source.title.zh == measures.strip().splitlines()[0].strip()
    assert source.issuer.zh == "北京市经济和信息化局" and source.issuer.en
    # The body rests on the text itself: it administers (Art. 3) and interprets (Art. 21).
    kb = default()
    assert source.issuer_basis == ["art-3", "art-21"]
    assert "北京市经济和信息化局" in kb.articles["art-3"].text
    assert "由市经济和信息化局负责解释" in kb.articles["art-21"].text
    assert str(source.issuer_site).startswith("https://")


def test_unconfirmed_facts_stay_out(tmp_path: Path) -> None:
    text = SOURCE_FILE.read_text(encoding="utf-8")
    zh = render("source_line.html.j2", "zh", **official_source().context("zh"))
    assert "None" not in zh and "以主管部门发布的正式文本为准" in zh
    # A date and number, once confirmed and filled in, appear as written.
    known = tmp_path / "source.yaml"
    known.write_text(
        text.replace("published: null", "published: 2099-01-02").replace(
            "document_number: null", "document_number: 京经信发〔2099〕1号"
        ),
        encoding="utf-8",
    )
    filled = load_source(known).context("zh")
    line = render("source_line.txt.j2", "zh", **filled)
    assert "2099-01-02" in line and "京经信发〔2099〕1号" in line


def test_a_broken_source_file_names_itself(tmp_path: Path) -> None:
    broken = tmp_path / "source.yaml"
    broken.write_text("title: {zh: x}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^source\.yaml: "):
        load_source(broken)


@pytest.mark.parametrize(
    ("lang", "issuer", "prevails"),
    [
        ("zh", "北京市经济和信息化局发布", "以主管部门发布的正式文本为准"),
        ("en", "Beijing Municipal Bureau of Economy", "the text published by the authorities"),
    ],
)
@pytest.mark.parametrize("command", ["/help", "/article 14", "/article 11.6"])
def test_help_and_article_give_the_source(
    engine: Engine, command: str, lang: str, issuer: str, prevails: str
) -> None:
    text = shown(say(engine, command, lang=lang), 0)
    assert issuer in text and prevails in text
    assert "https://jxj.beijing.gov.cn/" in text
