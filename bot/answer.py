"""Turn a Q&A :class:`~bot.qa.Result` (or a reference) into text through the templates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from bot.knowledge import Article, Indicator, Item, KnowledgeBase, default
from bot.qa import Result
from bot.refs import ref_label
from bot.render import Lang, label, render

Format = Literal["txt", "html"]
MAX_CANDIDATES = 3  # a low-confidence answer offers at most this many entries
RELATED_SHARE = 0.4  # a further hit is offered as related when it scores this share of the best


@dataclass(frozen=True)
class Quote:
    """A verbatim passage and what it is."""

    ref: str
    label: str  # 第十一条第（六）项
    title: str
    summary: str
    text: str  # verbatim
    article_label: str | None  # for an item: the article it belongs to


def quote(ref: str, lang: Lang, kb: KnowledgeBase | None = None) -> Quote:
    """The verbatim text behind ``ref``: an article, one item with its article's lead, or an
    indicator of the appendix table. Raises KeyError for an unknown reference."""
    kb = kb or default()
    entry = kb.get(ref)
    if entry is None:
        raise KeyError(ref)
    label = ref_label(ref, lang)
    if isinstance(entry, Article):
        return Quote(
            ref,
            label,
            entry.title(lang),
            entry.summary(lang),
            f"{entry.heading} {entry.text}",
            None,
        )
    if isinstance(entry, Item):
        article = kb.article_of(ref)
        assert article is not None
        lead = article.text.split("\n", 1)[0]
        text = f"{article.heading} {lead}\n……\n{entry.text}"
        return Quote(
            ref, label, entry.title(lang), entry.summary(lang), text, ref_label(article.id, lang)
        )
    assert isinstance(entry, Indicator)
    summary = render("indicator_summary.txt.j2", lang, indicator=entry)
    return Quote(ref, label, entry.title(lang), summary, entry.text, None)


def related_refs(result: Result, kb: KnowledgeBase) -> list[str]:
    """Further references worth reading: the other hits, then the quoted entry's own refs."""
    if not result.hits:
        return []
    shown = {result.quote_ref, result.hits[0].ref}
    # Other hits only when they are real contenders; a faint one is noise, not a lead.
    best = result.hits[0].score
    refs = [hit.ref for hit in result.hits[1:4] if hit.score >= RELATED_SHARE * best]
    entry = kb.get(result.quote_ref or result.hits[0].ref)
    refs += list(getattr(entry, "refs", []))
    ordered: list[str] = []
    for ref in refs:
        if ref not in shown and ref not in ordered:
            ordered.append(ref)
    return ordered[:4]


def answer_text(
    result: Result, lang: Lang, fmt: Format = "txt", kb: KnowledgeBase | None = None
) -> str:
    """The answer as a person reads it, plain (CLI, JSON) or Telegram HTML (chat)."""
    if result.problem:
        return _fixed_text(f"ask_problem.{fmt}.j2", lang, "problem", result.problem)
    if not result.in_scope:
        return _fixed_text(f"out_of_scope.{fmt}.j2", lang, "out_of_range", result.out_of_range)
    assert result.quote_ref is not None
    if result.confidence == "low":
        refs = tuple(candidate_refs(result))
        if kb is None:
            return _default_candidates(refs, result.notes, lang, fmt)
        return _candidates(kb, refs, result.notes, lang, fmt)
    related = tuple(related_refs(result, kb or default()))
    if kb is None:
        return _default_answer(result.quote_ref, result.notes, result.fitted, related, lang, fmt)
    return _answer(kb, result.quote_ref, result.notes, result.fitted, related, lang, fmt)


def candidate_refs(result: Result) -> list[str]:
    """What a low-confidence answer offers to choose from: the first hits, best first."""
    return [hit.ref for hit in result.hits[:MAX_CANDIDATES]]


def _candidates(
    kb: KnowledgeBase, refs: tuple[str, ...], notes: tuple[str, ...], lang: Lang, fmt: Format
) -> str:
    entries = [
        {
            "label": ref_label(ref, lang),
            "title": kb.title(ref, lang),
            "summary": quote(ref, lang, kb).summary,
            "arg": ref.removeprefix("art-"),
        }
        for ref in refs
    ]
    return render(f"answer_low.{fmt}.j2", lang, candidates=entries, notes=list(notes))


def _answer(
    kb: KnowledgeBase,
    quote_ref: str,
    notes: tuple[str, ...],
    fitted: tuple[str, ...],
    related: tuple[str, ...],
    lang: Lang,
    fmt: Format,
) -> str:
    entries = [
        {"ref": ref, "label": ref_label(ref, lang), "title": kb.title(ref, lang)} for ref in related
    ]
    return render(
        f"answer.{fmt}.j2",
        lang,
        quote=quote(quote_ref, lang, kb),
        notes=list(notes),
        fitted=list(fitted),
        related=entries,
    )


# Many questions share one answer: what is quoted, the notes and the related entries decide
# it, and there are a few hundred such combinations. Each is rendered once.
@lru_cache(maxsize=2048)
def _default_answer(
    quote_ref: str,
    notes: tuple[str, ...],
    fitted: tuple[str, ...],
    related: tuple[str, ...],
    lang: Lang,
    fmt: Format,
) -> str:
    return _answer(default(), quote_ref, notes, fitted, related, lang, fmt)


@lru_cache(maxsize=1024)
def _default_candidates(
    refs: tuple[str, ...], notes: tuple[str, ...], lang: Lang, fmt: Format
) -> str:
    return _candidates(default(), refs, notes, lang, fmt)


@lru_cache(maxsize=256)
def _fixed_text(template: str, lang: Lang, name: str, value: Any) -> str:
    """A reply that depends on one value only (out of scope, unusable input)."""
    return render(template, lang, **{name: value})


def article_text(ref: str, lang: Lang, fmt: Format = "txt", kb: KnowledgeBase | None = None) -> str:
    """One article, item or indicator in full, with its summary (/article, greenbot article)."""
    kb = kb or default()
    entry = kb.get(ref)
    related = [
        {"ref": r, "label": ref_label(r, lang), "title": kb.title(r, lang)}
        for r in getattr(entry, "refs", [])
    ]
    chapter = None
    article = kb.article_of(ref)
    if article is not None:
        # The chapter is named in the reader's language; the article stays verbatim Chinese.
        chapter = label(f"chapter.{article.chapter.number}", lang)
    return render(
        f"article.{fmt}.j2", lang, quote=quote(ref, lang, kb), related=related, chapter=chapter
    )
