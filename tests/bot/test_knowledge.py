"""The knowledge base: complete, verbatim, and loud about broken files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, default, load

MEASURES = (KNOWLEDGE_DIR / "measures.txt").read_text(encoding="utf-8")
SHARED_SEED = KNOWLEDGE_DIR.parent.parent / "shared" / "seeds" / "000_bee478335b9f7234.txt"


def test_the_vendored_regulation_is_the_published_one() -> None:
    if not SHARED_SEED.is_file():
        pytest.skip("the shared seed folder is not beside this checkout")
    assert SHARED_SEED.read_text(encoding="utf-8") == MEASURES


def test_all_21_articles_with_the_enumerated_items() -> None:
    kb = default()
    assert list(kb.articles) == [f"art-{n}" for n in range(1, 22)]
    assert [i for i in kb.items if i.startswith("art-11.")] == [f"art-11.{n}" for n in range(1, 8)]
    assert [i for i in kb.items if i.startswith("art-13.")] == [f"art-13.{n}" for n in range(1, 9)]
    assert "art-11" in kb.items["art-13.1"].refs


@pytest.mark.parametrize("number", range(1, 22))
def test_article_text_is_verbatim(number: int) -> None:
    article = default().articles[f"art-{number}"]
    assert f"{article.heading} {article.text}" in MEASURES
    assert re.search(rf"\n{article.chapter.heading}\s+{article.chapter.title}\n", MEASURES)
    for item in article.items:
        assert f"\n{item.text}\n" in MEASURES
        assert item.text.startswith(item.marker)


def test_colloquial_synonyms_are_there() -> None:
    kb = default()
    words = {
        "art-14": ["改名", "搬迁", "迁址"],
        "art-13": ["摘牌"],
        "art-11.6": ["老赖"],
        "art-11.2": ["偷税漏税"],
        "art-11.1": ["停产"],
    }
    for ref, expected in words.items():
        entry = kb.get(ref)
        assert entry is not None
        assert set(expected) <= set(entry.keywords) | set(entry.synonyms), ref


def test_indicator_points_sum_to_100_plus_10() -> None:
    indicators = default().indicators.values()
    assert sum(i.max_points for i in indicators if not i.bonus) == 100
    assert sum(i.max_points for i in indicators if i.bonus) == 10
    assert [i.id for i in indicators if i.bonus] == ["ind-20", "ind-21"]


def _broken_copy(tmp_path: Path, change: callable) -> Path:  # type: ignore[valid-type]
    for name in ("articles.yaml", "indicators.yaml"):
        shutil.copy(KNOWLEDGE_DIR / name, tmp_path / name)
    data = yaml.safe_load((tmp_path / "articles.yaml").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "articles.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return tmp_path


def test_a_missing_field_names_entry_and_field(tmp_path: Path) -> None:
    def drop(data: dict) -> None:  # type: ignore[type-arg]
        del data["articles"][10]["items"][0]["text"]

    expected = r"entry 11 \(art-11\): items\.0\.text: Field required"
    with pytest.raises(KnowledgeError, match=expected):
        load(_broken_copy(tmp_path, drop))


def test_a_wrong_type_and_an_unknown_reference_are_named(tmp_path: Path) -> None:
    def bad_number(data: dict) -> None:  # type: ignore[type-arg]
        data["articles"][2]["number"] = "three"

    with pytest.raises(KnowledgeError, match=r"entry 3 \(art-3\): number"):
        load(_broken_copy(tmp_path, bad_number))

    def bad_ref(data: dict) -> None:  # type: ignore[type-arg]
        data["articles"][4]["refs"] = ["art-99"]

    with pytest.raises(KnowledgeError, match=r"art-5: refs: unknown reference 'art-99'"):
        load(_broken_copy(tmp_path, bad_ref))


def test_malformed_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    shutil.copy(KNOWLEDGE_DIR / "indicators.yaml", tmp_path / "indicators.yaml")
    (tmp_path / "articles.yaml").write_text("articles: [ {id: art-1,\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"articles\.yaml: invalid YAML"):
        load(tmp_path)


def test_an_item_text_that_drifted_is_refused(tmp_path: Path) -> None:
    def drift(data: dict) -> None:  # type: ignore[type-arg]
        data["articles"][10]["items"][5]["text"] = "（六）失信人；"

    with pytest.raises(KnowledgeError, match=r"items\.5: text is not part of the article text"):
        load(_broken_copy(tmp_path, drift))
