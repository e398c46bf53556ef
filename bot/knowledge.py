"""The knowledge base: pydantic models for both YAML files, loaded once and validated loudly
(the grading table's rows are :mod:`scoring.indicators`'s).

A broken file raises :class:`KnowledgeError` naming the file, the entry and the field, e.g.
``knowledge/articles.yaml: entry 11 (art-11): items.0.text: Field required``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.knowledge_files import (
    KNOWLEDGE_DIR,
    KnowledgeError,
    NonEmpty,
    entries,
    load_yaml,
)
from scoring.indicators import GradeCutoffs, Indicator, load_indicators

ARTICLE_ID = re.compile(r"^art-(\d{1,2})$")
ITEM_ID = re.compile(r"^art-(\d{1,2})\.(\d{1,2})$")


class _Strict(BaseModel):
    # defer_build: a fresh process that loads the knowledge from the build cache never
    # validates, so it need not pay for building every validator at import (~60 ms)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Silence(_Strict):
    """A detail the article touches but leaves open (amounts, dates): say so when asked."""

    terms: list[NonEmpty] = Field(min_length=1)
    note_zh: NonEmpty
    note_en: NonEmpty

    def note(self, lang: str) -> str:
        return self.note_en if lang == "en" else self.note_zh


class Searchable(_Strict):
    """What retrieval reads besides the text: titles, summaries, words people use."""

    title_zh: NonEmpty
    title_en: NonEmpty
    summary_zh: NonEmpty
    summary_en: NonEmpty
    keywords: list[NonEmpty] = []
    synonyms: list[NonEmpty] = []
    keywords_en: list[NonEmpty] = []
    refs: list[NonEmpty] = []
    silent_on: list[Silence] = []

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def summary(self, lang: str) -> str:
        return self.summary_en if lang == "en" else self.summary_zh


class Chapter(_Strict):
    number: Annotated[int, Field(ge=1, le=6)]
    heading: NonEmpty  # 第三章
    title: NonEmpty  # 培育创建


class Item(Searchable):
    """An enumerated item of an article, e.g. art-11.6 (失信被执行人)."""

    id: NonEmpty
    number: Annotated[int, Field(ge=1)]
    marker: NonEmpty  # （六）
    text: NonEmpty  # verbatim, marker included

    @model_validator(mode="after")
    def _id_matches(self) -> Item:
        match = ITEM_ID.match(self.id)
        if not match or int(match.group(2)) != self.number:
            raise ValueError(f"id {self.id!r} does not match item number {self.number}")
        return self


class Article(Searchable):
    """One article: verbatim text (items included) plus what helps people find it."""

    id: NonEmpty
    number: Annotated[int, Field(ge=1, le=21)]
    heading: NonEmpty  # 第十一条
    chapter: Chapter
    text: NonEmpty  # verbatim, everything after the heading
    items: list[Item] = []

    @model_validator(mode="after")
    def _consistent(self) -> Article:
        match = ARTICLE_ID.match(self.id)
        if not match or int(match.group(1)) != self.number:
            raise ValueError(f"id {self.id!r} does not match article number {self.number}")
        for index, item in enumerate(self.items):
            if not item.id.startswith(f"{self.id}."):
                raise ValueError(f"items.{index}: id {item.id!r} is not an item of {self.id}")
            if item.text not in self.text:
                raise ValueError(f"items.{index}: text is not part of the article text")
        return self


Entry = Article | Item | Indicator


class KnowledgeBase:
    """All articles, items and indicators by reference id."""

    def __init__(
        self, articles: list[Article], indicators: list[Indicator], grading: GradeCutoffs
    ) -> None:
        self.articles: dict[str, Article] = {article.id: article for article in articles}
        self.items: dict[str, Item] = {
            item.id: item for article in articles for item in article.items
        }
        self.indicators: dict[str, Indicator] = {ind.id: ind for ind in indicators}
        self.grading = grading

    def get(self, ref: str) -> Entry | None:
        return self.articles.get(ref) or self.items.get(ref) or self.indicators.get(ref)

    def article_of(self, ref: str) -> Article | None:
        """The article a reference belongs to (itself for an article)."""
        return self.articles.get(ref.split(".", 1)[0]) if ref.startswith("art-") else None

    def title(self, ref: str, lang: str = "zh") -> str:
        entry = self.get(ref)
        if entry is None:
            raise KeyError(ref)
        return entry.title(lang)

    @property
    def refs(self) -> list[str]:
        return [*self.articles, *self.items, *self.indicators]


def load_articles(path: Path) -> list[Article]:
    raw = load_yaml(path)
    if not isinstance(raw, dict) or "articles" not in raw:
        raise KnowledgeError(f"{path}: expected a mapping with an 'articles' list")
    articles = entries(path, raw["articles"], Article, "articles")
    numbers = [article.number for article in articles]
    if sorted(numbers) != list(range(1, 22)):
        raise KnowledgeError(f"{path}: articles must be 1-21 exactly once, got {numbers}")
    return articles


def _check_refs(kb: KnowledgeBase, path: Path) -> None:
    known = set(kb.refs)
    for article in kb.articles.values():
        entries: list[Article | Item] = [article, *article.items]
        for entry in entries:
            for ref in entry.refs:
                if ref not in known:
                    raise KnowledgeError(f"{path}: {entry.id}: refs: unknown reference {ref!r}")


def load(directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Load and validate both files from ``directory``."""
    articles = load_articles(directory / "articles.yaml")
    indicators, grading = load_indicators(directory / "indicators.yaml")
    kb = KnowledgeBase(articles, indicators, grading)
    _check_refs(kb, directory / "articles.yaml")
    return kb


SOURCES = (
    KNOWLEDGE_DIR / "articles.yaml",
    KNOWLEDGE_DIR / "indicators.yaml",
    Path(__file__),
    Path(__file__).resolve().parent / "knowledge_files.py",
    Path(__file__).resolve().parent.parent / "scoring" / "indicators.py",
    Path(__file__).resolve().parent.parent / "scoring" / "rules.py",
)


@cache
def default() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per process (validated once per change of its
    files: see :mod:`bot.cache`)."""
    from bot.cache import load_or_build

    return load_or_build("knowledge", SOURCES, load)
