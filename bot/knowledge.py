"""The knowledge base: pydantic models for both YAML files, loaded once and validated loudly.

A broken file raises :class:`KnowledgeError` naming the file, the entry and the field, e.g.
``knowledge/articles.yaml: entry 11 (art-11): items.0.text: Field required``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.rules import Rule

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
ARTICLE_ID = re.compile(r"^art-(\d{1,2})$")
ITEM_ID = re.compile(r"^art-(\d{1,2})\.(\d{1,2})$")
INDICATOR_ID = re.compile(r"^ind-(\d{1,2})$")

NonEmpty = Annotated[str, Field(min_length=1)]
M = TypeVar("M", bound=BaseModel)


class KnowledgeError(Exception):
    """A knowledge file that cannot be used; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Indicator(_Strict):
    """One row of the appendix grading table."""

    id: NonEmpty
    number: Annotated[int, Field(ge=1, le=21)]
    domain: NonEmpty
    domain_en: NonEmpty
    name: NonEmpty
    name_en: NonEmpty
    text: NonEmpty  # verbatim 指标说明及计算公式
    max_points: Annotated[float, Field(gt=0)]
    bonus: bool
    rule: Rule
    keywords: list[NonEmpty] = []
    synonyms: list[NonEmpty] = []
    keywords_en: list[NonEmpty] = []

    @model_validator(mode="after")
    def _id_matches(self) -> Indicator:
        match = INDICATOR_ID.match(self.id)
        if not match or int(match.group(1)) != self.number:
            raise ValueError(f"id {self.id!r} does not match indicator number {self.number}")
        return self

    @model_validator(mode="after")
    def _rule_matches(self) -> Indicator:
        if self.rule.max_points != self.max_points:
            raise ValueError(
                f"rule.max_points {self.rule.max_points} differs from max_points {self.max_points}"
            )
        lines = self.text.split("\n")
        for index, item in enumerate(getattr(self.rule, "items", [])):
            if item.text not in lines:
                raise ValueError(f"rule.items.{index}: text is not a line of the indicator text")
        return self

    def title(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name


class GradeCutoffs(_Strict):
    """Score → grade cut-offs; the measures publish none, so ``official`` must stay false."""

    official: Literal[False]
    source: NonEmpty
    cutoffs: dict[Literal["2", "3", "4"], Annotated[float, Field(ge=0, le=110)]]
    note_zh: NonEmpty
    note_en: NonEmpty

    @model_validator(mode="after")
    def _increasing(self) -> GradeCutoffs:
        values = [self.cutoffs[key] for key in ("2", "3", "4")]
        if values != sorted(values) or len(set(values)) != 3:
            raise ValueError("cutoffs must increase strictly from grade 2 to grade 4")
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


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError(f"{path}: cannot read ({error.strerror})") from error
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: invalid YAML: {error}") from error


def _where(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "entry"
    return f"{field}: {first['msg']}"


def _entries(path: Path, raw: Any, model: type[M], key: str) -> list[M]:
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path}: {key}: expected a list of entries")
    entries: list[M] = []
    for index, entry in enumerate(raw, start=1):
        label = entry.get("id", "?") if isinstance(entry, dict) else "?"
        try:
            entries.append(model.model_validate(entry))
        except ValidationError as error:
            raise KnowledgeError(f"{path}: entry {index} ({label}): {_where(error)}") from error
    return entries


def load_articles(path: Path) -> list[Article]:
    raw = _load_yaml(path)
    if not isinstance(raw, dict) or "articles" not in raw:
        raise KnowledgeError(f"{path}: expected a mapping with an 'articles' list")
    articles = _entries(path, raw["articles"], Article, "articles")
    numbers = [article.number for article in articles]
    if sorted(numbers) != list(range(1, 22)):
        raise KnowledgeError(f"{path}: articles must be 1-21 exactly once, got {numbers}")
    return articles


def load_indicators(path: Path) -> tuple[list[Indicator], GradeCutoffs]:
    raw = _load_yaml(path)
    if not isinstance(raw, dict) or "indicators" not in raw or "grading" not in raw:
        raise KnowledgeError(f"{path}: expected a mapping with 'grading' and 'indicators'")
    indicators = _entries(path, raw["indicators"], Indicator, "indicators")
    try:
        grading = GradeCutoffs.model_validate(raw["grading"])
    except ValidationError as error:
        raise KnowledgeError(f"{path}: grading: {_where(error)}") from error
    numbers = [indicator.number for indicator in indicators]
    if sorted(numbers) != list(range(1, 22)):
        raise KnowledgeError(f"{path}: indicators must be 1-21 exactly once, got {numbers}")
    base = sum(ind.max_points for ind in indicators if not ind.bonus)
    bonus = sum(ind.max_points for ind in indicators if ind.bonus)
    if base != 100 or bonus != 10:
        raise KnowledgeError(f"{path}: base points sum to {base} (want 100), bonus {bonus} (10)")
    return indicators, grading


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
    Path(__file__).resolve().parent.parent / "scoring" / "rules.py",
)


@cache
def default() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per process (validated once per change of its
    files: see :mod:`bot.cache`)."""
    from bot.cache import load_or_build

    return load_or_build("knowledge", SOURCES, load)
