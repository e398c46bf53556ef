"""A learned second opinion: a multinomial naive Bayes classifier over character n-grams
(Chinese) and stemmed words and word pairs (English), trained on the texts of the measures,
their lexicon and the question sets in ``knowledge/questions/``.

The lexicon finds the words it knows; the classifier has seen how people ask about each
article in words nobody listed (出发点 for Art. 1's purpose, 体检 for Art. 6's diagnosis) and
reads both scripts alike, so an English question and its Chinese twin lean the same way. Its
posterior is added to the lexicon scores (:mod:`bot.qa`), weighted so that it decides close
calls and fills gaps without overruling a question full of one article's own words. Kept
because it helped on a question set neither it nor the lexicon was tuned on (set D: top-1
87% → 94% with it alone).

No dependency: counting n-grams of a few thousand short texts is a few lines, and the model
is built with the index and cached with it (:mod:`bot.cache`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeBase
from bot.qa_terms import EN_STOP, EN_WORD, stem
from bot.textnorm import cjk_runs, normalize

QUESTIONS_DIR = KNOWLEDGE_DIR / "questions"
# The weight of a class's own n-gram counts against the whole training text's (see NaiveBayes).
_LAMBDA = 0.3
# The class of the sets' out-of-scope questions (another scheme's procedure, a tax, a hotpot
# place): what the measures do not cover has a vocabulary of its own too.
OUT = "out"
# Naive Bayes counts every n-gram as independent evidence, so its posterior is far too sure
# (0.97 for the wrong indicator of two alike); its log-likelihoods are divided by this before
# they are turned into probabilities. Chosen with λ and the blend's weight by leaving each
# question set out of training in turn, and on set D before it was trained on.
_TEMPERATURE = 3.0
# A gain is stored as a whole number of these (at most 255 of them): a rounding far below what
# the temperature blurs.
_STEP = 0.02


def features(text: str) -> list[str]:
    """Character 1-, 2- and 3-grams of each Chinese run; English words stemmed, and pairs."""
    folded = normalize(text)
    grams: list[str] = []
    for run in cjk_runs(folded):
        for n in (1, 2, 3):
            grams += [run[i : i + n] for i in range(len(run) - n + 1)]
    words = [stem(w) for w in EN_WORD.findall(folded) if w not in EN_STOP]
    grams += [f"w:{w}" for w in words]
    grams += [f"w:{a}_{b}" for a, b in pairwise(words)]
    return grams


def knowledge_samples(kb: KnowledgeBase) -> Iterable[tuple[str, str]]:
    """(reference, text) from the knowledge base: each article with its items' words, each
    indicator."""
    for article in kb.articles.values():
        texts = [article.text, article.title_zh, article.summary_zh, article.title_en]
        texts += [article.summary_en, *article.keywords, *article.synonyms, *article.keywords_en]
        for item in article.items:
            texts += [item.text, item.title_zh, item.title_en]
            texts += [*item.keywords, *item.synonyms, *item.keywords_en]
        yield from ((article.id, t) for t in texts if t)
    for indicator in kb.indicators.values():
        texts = [indicator.text, indicator.name, indicator.name_en, indicator.domain]
        texts += [*indicator.keywords, *indicator.synonyms, *indicator.keywords_en]
        yield from ((indicator.id, t) for t in texts if t)


def question_files(folder: Path = QUESTIONS_DIR) -> tuple[Path, ...]:
    return tuple(sorted(folder.glob("*.yaml")))


def question_samples(paths: Iterable[Path]) -> Iterable[tuple[str, str]]:
    """(reference, question) for every question of the sets, once per article or indicator
    it expects (an item counts for its article); :data:`OUT` for one out of scope."""
    from bot.yamlfast import read_yaml

    for path in paths:
        cases: list[dict[str, Any]] = read_yaml(path.read_text(encoding="utf-8"))
        for case in cases or []:
            if not case.get("expect"):
                yield OUT, str(case["q"])
            for ref in dict.fromkeys(str(e).split(".")[0] for e in case.get("expect") or []):
                yield ref, str(case["q"])


class NaiveBayes:
    """Multinomial naive Bayes with Jelinek-Mercer smoothing, stored sparsely.

    p(g|c) = λ·n(g,c)/N(c) + (1 − λ)·p(g), where p(g) is the n-gram's share of all the
    training text: an n-gram a class never saw costs every class alike, so a class with little
    training text is not favoured for the words of a question nobody trained on (as additive
    smoothing does). What is left per class is a gain for each n-gram it has seen."""

    def __init__(self, samples: Iterable[tuple[str, str]], refs: Iterable[str]) -> None:
        known = set(refs)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for ref, text in samples:
            if ref in known:
                counts[ref].update(features(text))
        self.refs = tuple(sorted(counts))
        assert len(self.refs) < 256, "a class is stored in one byte"
        # log p(g|c) − log((1 − λ)·p(g)) = log(1 + λ/(1 − λ) · n(g,c) / (N(c)·p(g))): the
        # second term is the same for every class and drops out of the posterior; the first is
        # a gain, worked out here once for each n-gram and class that has seen it.
        size = [sum(counts[r].values()) for r in self.refs]
        seen: Counter[str] = Counter()
        for ref in self.refs:
            seen.update(counts[ref])
        total = sum(seen.values())
        odds = _LAMBDA / (1 - _LAMBDA)
        # Each n-gram's classes then its gains in steps of _STEP, a byte each, in one bytes
        # object: one object per n-gram rather than a tuple per class keeps the cached index
        # quick to load in a fresh process, and adding whole steps keeps answering quick.
        self.postings: dict[str, bytes] = {}
        by_gram: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, ref in enumerate(self.refs):
            for gram, n in counts[ref].items():
                share = seen[gram] / total
                by_gram[gram].append((position, math.log(1 + odds * n / (size[position] * share))))
        for gram, pairs in by_gram.items():
            classes = bytes(position for position, _ in pairs)
            steps = bytes(min(255, round(gain / _STEP)) for _, gain in pairs)
            self.postings[gram] = classes + steps

    # A question is asked of the classifier several times as it is answered (in scope? a
    # tie to break? out of scope after all?): it is worked out once. Callers only read it.
    # A few entries only: for the question being answered (a thread each), not a cache of
    # past questions that would flatter a benchmark asking the same ones again.
    @lru_cache(maxsize=4)  # noqa: B019 - the index lives as long as the process anyway
    def posterior(self, text: str) -> dict[str, float]:
        """Each class's probability for ``text`` (empty when it has no n-gram at all)."""
        grams = features(text)
        if not grams or not self.refs:
            return {}
        steps = [0] * len(self.refs)
        for gram in grams:
            packed = self.postings.get(gram)
            if not packed:
                continue
            count = len(packed) // 2
            for at in range(count):
                steps[packed[at]] += packed[count + at]
        top = max(steps)
        scale = _STEP / _TEMPERATURE
        weights = [math.exp((value - top) * scale) for value in steps]
        total = sum(weights)
        return {ref: w / total for ref, w in zip(self.refs, weights, strict=True)}
