"""Question → ranked references → answer, with no Telegram anywhere near it.

How a question is ranked:

1. **Explicit references** win outright: 第十一条, 第11条, 11条, 第十一条第六项, article 11,
   art. 11, Art 11(6), ind-14, 指标14, indicator names.
2. **Lexicon matches**: every article, item and indicator carries keywords and the colloquial
   words people use (改名, 老赖, 摘牌 …). The question is scanned for all of them, longest match
   first, and each match adds its specificity (rarer and longer terms weigh more) to the entries
   that list it. Items add to their article, so 老赖 finds Article 11 and quotes item (六).
3. **Character-bigram BM25** over the verbatim texts breaks ties and catches wording the lexicon
   lacks (no word segmenter needed: the corpus is 42 short entries, and loading a segmenter's
   dictionary would cost more than the whole 0.5 s start-up budget).

A question is in scope when it names a reference or matches the lexicon, unless all it matches
are weak words (条件, 申报) while it names another subject (高新技术企业, 天气): then the measures
do not cover it and the answer says so without citing anything.

The work is split by job: building the index (:mod:`bot.qa_index`), matching a question
against it (:mod:`bot.qa_match`), deciding whether it is ours (:mod:`bot.qa_scope`), reading
the references it names (:func:`bot.refs.refs_in`); what a question says besides its subject
(the detail asked, the asker's frame, its numbers) is :mod:`bot.qa_features`. This module puts
them together into a :class:`Result`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from bot.knowledge import KNOWLEDGE_DIR, default
from bot.qa_learned import OUT
from bot.qa_scope import ScopeChecks
from bot.qa_terms import Match
from bot.refs import refs_in
from bot.textnorm import has_cjk, has_words, normalize, strip_control

MAX_QUESTION_CHARS = 500
MAX_HITS = 5

Confidence = Literal["high", "low"]

_EXPLICIT_SCORE = 100.0
# A contest between the first two hits: the second scores this share of the first, and the
# first is below the score that only a question full of one entry's own words reaches.
_CLOSE_SHARE = 0.9
_SURE_SCORE = 9.0
# What the classifier's posterior counts for, as a share of the best lexicon score: chosen on
# a question set neither was trained or tuned on (see bot.qa_learned).
_LEARNED_WEIGHT = 0.7
# The classifier's posterior for "out of scope" from which an answer says first that the text
# may not cover what was asked, when the question says more than the lexicon's words found in
# it. Chosen by leaving each of sixteen question sets out of training in turn: no in-scope
# question of the set left out was flagged (2270 of them), while 318 of their 450 out-of-scope
# questions were (0.5 caught 249).
_OUT_LIKELY = 0.1


# A message this long is a story with a question in it, asked in its last clauses.
_LONG_MESSAGE = 60
_LONG_MESSAGE_EN = 240  # English takes about four times the characters
_STORY_WEIGHT = 0.5
_CLAUSE_BREAK = re.compile(r"[，,。！!？?；;：:\n]+")
# What marks a clause as asking (吗, 什么, 哪些, 能不能, how, what …).
_ASKING = re.compile(
    r"吗|么|呢|啥|什么|哪|怎|如何|多少|多久|几|能不能|可不可以|是否|是不是|要不要|会不会|有没有|想问|请问"
    r"|\b(?:how|what|which|when|where|who|why|can|could|do|does|is|are|should|must|will)\b"
)


def asked_part(text: str) -> str | None:
    """The clauses of a long message that ask its question: the last clause that asks, with
    the one before it, which often holds what it is about (停产大概10个月，会不会卡我们的申报).
    None for a message short enough to be one question."""
    if len(text) < (_LONG_MESSAGE if has_cjk(text) else _LONG_MESSAGE_EN):
        return None
    clauses = [c.strip() for c in _CLAUSE_BREAK.split(text) if c.strip()]
    for at in range(len(clauses) - 1, -1, -1):
        if _ASKING.search(clauses[at]):
            start = max(at - 1, 0)
            asked = "，".join(clauses[start : at + 1])
            return asked if len(asked) < len(text) else None
    return None


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    ref: str
    title: str
    score: float


@dataclass(frozen=True)
class Result:
    """Everything needed to write an answer in any language and any format."""

    question: str
    in_scope: bool
    hits: tuple[Hit, ...] = ()
    quote_ref: str | None = None  # the article, item or indicator quoted
    notes: tuple[str, ...] = ()  # where the measures are silent on the detail asked
    out_of_range: int | None = None  # "第三十条": the measures have 21 articles
    problem: str | None = None  # unusable input: "empty", "too_long", "no_words"
    # "high": the first hit answers the question; "low": it may not, so the answer offers the
    # first few hits to choose from; None: out of scope or unusable.
    confidence: Confidence | None = None
    fitted: tuple[str, ...] = ()  # the question's numbers against the text's thresholds


class QuestionError(ValueError):
    """A question that cannot be answered as given; ``code`` names why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_question(text: str) -> str:
    """The question cleaned of control characters, or :class:`QuestionError`."""
    cleaned = strip_control(text).strip()
    if not cleaned:
        raise QuestionError("empty", "the question is empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(
            "too_long",
            f"the question is {len(cleaned)} characters long; ask in at most {MAX_QUESTION_CHARS}",
        )
    if not has_words(cleaned):
        raise QuestionError("no_words", "the question has no words, only symbols")
    return cleaned


# -- answering ---------------------------------------------------------------------------------


class QAIndex(ScopeChecks):
    """The index, asked questions: see the module docstring."""

    def explicit_refs(self, text: str) -> tuple[list[str], int | None]:
        """References named in the question, in order, and an article number beyond 21."""
        return refs_in(text, self.kb.items)

    def ask(self, question: str, lang: str = "zh") -> Result:
        """Rank references for ``question``; see the module docstring for how."""
        try:
            cleaned = check_question(question)
        except QuestionError as error:
            return Result(question=question, in_scope=False, problem=error.code)
        text = self.features.rewrite(self.from_pinyin(normalize(cleaned)))
        explicit, beyond = self.explicit_refs(text)
        topic = self.features.without_status(text)
        scores, zh_found, en_found = self._rank(topic if topic.strip() else text)
        focus = asked_part(topic)
        if focus is not None:
            # A long message tells a story and asks one thing: what it asks leads, the story
            # (where the unit stands, what happened) still counts.
            asked, _, _ = self._rank(focus)
            scores = {
                ref: _STORY_WEIGHT * scores.get(ref, 0.0) + asked.get(ref, 0.0)
                for ref in scores.keys() | asked.keys()
            }
        matched = [*zh_found, *en_found]
        confidence: Confidence = "high"
        if explicit:
            ranked = self._with_explicit(explicit, scores)
        else:
            if beyond is not None and not matched:
                return Result(question=cleaned, in_scope=False, out_of_range=beyond)
            scope = self._scope(text, zh_found, en_found, scores)
            if scope == "out":
                return Result(question=cleaned, in_scope=False)
            scores = self.features.reframe(text, self._blend(text, scores))
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self._order(kv[0])))
            if scope == "maybe" or self._close_call(ranked, zh_found, en_found):
                confidence = "low"

        hits = tuple(
            Hit(ref=ref, title=self.kb.title(ref, lang), score=round(score, 3))
            for ref, score in ranked[:MAX_HITS]
        )
        quote = explicit[0] if explicit else hits[0].ref
        if quote.startswith("art-") and "." not in quote and not explicit:
            quote = self._best_item(quote, zh_found, en_found) or quote
        notes = tuple(self._silences(quote, text, lang))
        if not notes and not explicit and self._reads_as_not_ours(text, zh_found, en_found):
            notes = (self.features.note("unclear", lang),)
        answered = [quote, *([quote.split(".")[0]] if "." in quote else [])]
        fitted = tuple(self.features.fitted(answered, text, lang))
        return Result(
            question=cleaned,
            in_scope=True,
            hits=hits,
            quote_ref=quote,
            notes=notes,
            confidence=confidence,
            fitted=fitted,
        )

    def _reads_as_not_ours(
        self, text: str, zh_found: dict[str, Match], en_found: dict[str, float]
    ) -> bool:
        """Words of ours matched, but the question says more than they do and the classifier
        trained on the sets reads it as one they refuse: the closest article is quoted,
        saying first that it may not be what was asked (see _OUT_LIKELY for how sure)."""
        if self.learned.posterior(text).get(OUT, 0.0) < _OUT_LIKELY:
            return False
        return self._says_more(text, zh_found, en_found)

    def _blend(self, text: str, scores: dict[str, float]) -> dict[str, float]:
        """The lexicon's scores with the classifier's posterior added, on the scale of the
        best lexicon score: a tie-breaker and gap-filler, not a rival ranking."""
        top = max(scores.values(), default=0.0) or 1.0
        blended = dict(scores)
        for ref, probability in self.learned.posterior(text).items():
            if ref in self.docs:  # not OUT: the scope was decided before
                blended[ref] = blended.get(ref, 0.0) + _LEARNED_WEIGHT * top * probability
        return blended

    def _close_call(
        self,
        ranked: list[tuple[str, float]],
        zh_found: dict[str, Match],
        en_found: dict[str, float],
    ) -> bool:
        """Two entries score about alike, neither by much, and each for words of its own
        (not only generic ones like 申报): which one is meant is a guess."""
        if len(ranked) < 2:
            return False
        (_, best), (second_ref, second) = ranked[0], ranked[1]
        if best >= _SURE_SCORE or second < _CLOSE_SHARE * best:
            return False
        strong_zh = {t: m for t, m in zh_found.items() if t not in self.weak}
        doc = self.docs[second_ref]
        own = self._zh_score(doc.zh_terms, strong_zh)
        own += sum(self.en_weight[t] for t in en_found if t in doc.en_terms and t not in self.weak)
        return own > 0

    def _with_explicit(
        self, explicit: list[str], scores: dict[str, float]
    ) -> list[tuple[str, float]]:
        ranked: list[tuple[str, float]] = []
        for position, ref in enumerate(explicit):
            # An item is cited with its article first (第十一条第六项 is Article 11, item 6);
            # the answer still quotes just the item.
            parent = ref.split(".", 1)[0]
            if parent != ref and parent not in explicit:
                ranked.append((parent, _EXPLICIT_SCORE - position))
            ranked.append((ref, _EXPLICIT_SCORE - position - 0.5))
        seen = {ref for ref, _ in ranked}
        entry = self.kb.get(explicit[0])
        related = list(getattr(entry, "refs", []))
        parent_article = self.kb.article_of(explicit[0])
        if parent_article is not None:
            related += [r for r in parent_article.refs if r not in related]
        for ref in related:
            if ref not in seen and ref in self.docs:
                ranked.append((ref, round(scores.get(ref, 0.0), 3)))
                seen.add(ref)
        for ref, score in sorted(scores.items(), key=lambda kv: -kv[1]):
            if ref not in seen:
                ranked.append((ref, score))
                seen.add(ref)
        return ranked

    @staticmethod
    def _order(ref: str) -> tuple[int, int]:
        kind, number = ref.split("-", 1)
        return (0 if kind == "art" else 1, int(number.split(".")[0]))

    def _silences(self, ref: str, text: str, lang: str) -> Iterable[str]:
        """What the text leaves open of the detail asked: the entry's own silent_on notes
        when their words are in the question, else the note of each kind of detail asked for
        (a date, an amount, a contact …) that the entry's text does not give."""
        entries: list[Any] = [self.kb.get(ref)]
        article = self.kb.article_of(ref)
        if article is not None and article.id != ref:
            entries.append(article)
        own = [
            silence.note(lang)
            for entry in entries
            for silence in getattr(entry, "silent_on", [])
            if any(normalize(term) in text for term in silence.terms)
        ]
        if own:
            yield from own
            return
        given = self._full_text(article.id if article is not None else ref)
        for detail in self.features.detail_kinds(text):
            if not detail.given.search(given):
                yield detail.en if lang == "en" else detail.zh
                return  # one line: the first kind asked


def index_sources() -> tuple[Path, ...]:
    """Every file the index is built from: the knowledge base, every module the index is
    built with (not a hand-kept list: one left out would let a changed matcher load an index
    built by the old one), scope.yaml, and the question sets the classifier learns from."""
    from bot import knowledge
    from bot.cache import module_sources
    from bot.qa_learned import question_files

    return (
        *knowledge.SOURCES,
        *module_sources(__name__),
        KNOWLEDGE_DIR / "scope.yaml",
        *question_files(),
    )


@cache
def default_index() -> QAIndex:
    """The index over the shipped knowledge base, built once per change of its sources
    (see :mod:`bot.cache`) and loaded once per process."""
    from bot.cache import load_or_build

    return load_or_build("qa-index", index_sources(), lambda: QAIndex(default()))
