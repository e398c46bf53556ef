"""The Q&A index, built once from the knowledge base: every entry's lexicon terms and their
weights, the character bigrams BM25 reads, the terms by their pinyin and with one character
left out (for typos), and what knowledge/scope.yaml says. :mod:`bot.qa_match` matches a
question against it, :mod:`bot.qa_scope` decides whether the question is ours."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge import KNOWLEDGE_DIR, Article, Indicator, Item, KnowledgeBase, default
from bot.qa_features import Features
from bot.qa_learned import OUT, NaiveBayes, knowledge_samples, question_files, question_samples
from bot.qa_terms import EN_WORD, SUB_MAX, NearPlan, bigrams, en_key, stem
from bot.textnorm import cjk_runs, has_cjk, normalize

# Weights: a lexicon match counts for an entry's own terms; an item's terms count for its
# article too (slightly less, so an article that lists the word itself wins a tie).
_OWN = 1.0
_FROM_ITEM = 0.9
_INHERITED = 0.5  # terms of an article that an item incorporates by reference
_CITES_ARTICLE = re.compile(r"第[一二三四五六七八九十]+条")
_WEAK_FACTOR = 0.7  # generic words (条件, 申报) count, but less than words of this regulation
# Question words said two ways (扮演什么角色, 扮演啥角色): a term with one is found with the other.
_SPOKEN = (("什么", "啥"), ("怎么", "咋"), ("哪里", "哪儿"))


def _spoken_forms(term: str) -> list[str]:
    """The term, and the term with its question words said the other way."""
    if not term:
        return []
    forms = [term]
    for written, spoken in _SPOKEN:
        forms += [f.replace(written, spoken) for f in forms if written in f]
        forms += [f.replace(spoken, written) for f in forms if spoken in f]
    return list(dict.fromkeys(forms))


@dataclass
class _Doc:
    ref: str
    zh_terms: dict[str, float] = field(default_factory=dict)
    en_terms: dict[str, float] = field(default_factory=dict)
    grams: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Scope:
    weak: frozenset[str]
    other_topics: tuple[str, ...]
    other_questions: tuple[str, ...]
    core: tuple[str, ...]


def _read_scope() -> dict[str, Any]:
    from bot.yamlfast import read_yaml

    path: Path = KNOWLEDGE_DIR / "scope.yaml"
    data: dict[str, Any] = read_yaml(path.read_text(encoding="utf-8"))
    return data


def _load_scope(data: dict[str, Any]) -> _Scope:

    def key(word: str) -> str:
        return normalize(word) if has_cjk(word) else en_key(word)

    names = ("weak", "other_topics", "other_questions", "core")
    words = {name: [str(w) for w in data[name]] for name in names}
    weak = {normalize(w) for w in words["weak"]} | {en_key(w) for w in words["weak"]}
    return _Scope(
        frozenset(weak),
        tuple(key(w) for w in words["other_topics"]),
        tuple(key(w) for w in words["other_questions"]),
        tuple(key(w) for w in words["core"]),
    )


class IndexBuilder:
    """The searchable form of the knowledge base; build once, ask many times."""

    def __getstate__(self) -> dict[str, Any]:
        # The knowledge base is cached on its own; the index refers to the process's one.
        state = self.__dict__.copy()
        del state["kb"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.kb = default()

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        data = _read_scope()  # read once: the word lists here, the rest by Features
        scope = _load_scope(data)
        self.weak, self.other_topics, self.core = scope.weak, scope.other_topics, scope.core
        self.other_questions = scope.other_questions
        self.features = Features.from_data(data)
        self._split_cache = {
            phrases: self._split(phrases)
            for phrases in (self.other_topics, self.other_questions, self.core)
        }
        self.docs: dict[str, _Doc] = {}
        self.item_docs: dict[str, _Doc] = {}
        for article in kb.articles.values():
            doc = self._doc(article.id, article, _OWN)
            doc.grams.update(bigrams(article.text + article.title_zh + article.summary_zh))
            for item in article.items:
                self._add_terms(doc, item, _FROM_ITEM)
                self.item_docs[item.id] = self._doc(item.id, item, _OWN, register=False)
        for article in kb.articles.values():
            for item in article.items:
                if _CITES_ARTICLE.search(item.text):
                    # 存在第十一条中所提到的相关情况: the item takes in that whole article.
                    for ref in item.refs:
                        self._inherit(self.docs[article.id], self.docs[ref])
        for indicator in kb.indicators.values():
            doc = self._doc(indicator.id, indicator, _OWN)
            doc.zh_terms.setdefault(normalize(indicator.name), _OWN)
            name_key = en_key(indicator.name_en)
            if name_key:
                doc.en_terms.setdefault(name_key, _OWN)
            doc.grams.update(bigrams(indicator.text + indicator.name + indicator.domain))
        self._build_lexicon()
        self._build_bm25()
        self.en_vocabulary = self._english_vocabulary()
        self._build_quotes()
        self._build_pinyin(
            [normalize(str(w)) for w in data.get("pinyin_words") or []],
            self.features.literal_cues(),
        )
        self._build_typos()
        samples = [*knowledge_samples(kb), *question_samples(question_files())]
        self.learned = NaiveBayes(samples, [*self.docs, OUT])

    def _doc(
        self, ref: str, entry: Article | Item | Indicator, weight: float, register: bool = True
    ) -> _Doc:
        doc = _Doc(ref)
        self._add_terms(doc, entry, weight)
        if register:
            self.docs[ref] = doc
        return doc

    @staticmethod
    def _inherit(doc: _Doc, source: _Doc) -> None:
        for key, weight in source.zh_terms.items():
            doc.zh_terms.setdefault(key, weight * _INHERITED)
        for key, weight in source.en_terms.items():
            doc.en_terms.setdefault(key, weight * _INHERITED)

    @staticmethod
    def _add_terms(doc: _Doc, entry: Article | Item | Indicator, weight: float) -> None:
        titles = [entry.title_zh] if isinstance(entry, Article | Item) else []
        for term in [*entry.keywords, *entry.synonyms, *titles]:
            for key in _spoken_forms(normalize(term)):
                doc.zh_terms[key] = max(doc.zh_terms.get(key, 0.0), weight)
        en_titles = [entry.title_en] if isinstance(entry, Article | Item) else []
        for term in [*entry.keywords_en, *en_titles]:
            key = en_key(term)
            if key:
                doc.en_terms[key] = max(doc.en_terms.get(key, 0.0), weight)

    def _full_text(self, ref: str) -> str:
        entry = self.kb.get(ref)
        if isinstance(entry, Indicator):
            return f"{entry.name}{entry.text}"
        assert isinstance(entry, Article)
        return f"{entry.title_zh}{entry.text}"

    def _build_lexicon(self) -> None:
        n_docs = len(self.docs)
        zh_df: Counter[str] = Counter()
        en_df: Counter[str] = Counter()
        for doc in self.docs.values():
            en_df.update(doc.en_terms)
        # A term's specificity comes from the whole corpus: 绿色工厂 is listed by one article
        # but written in most of them, so it says little about which one is meant.
        texts = {ref: normalize(self._full_text(ref)) for ref in self.docs}
        self.plain_texts = list(texts.values())
        for term in sorted({t for doc in self.docs.values() for t in doc.zh_terms}):
            zh_df[term] = sum(
                1 for ref, doc in self.docs.items() if term in doc.zh_terms or term in texts[ref]
            )

        def specificity(term: str, df: int, length: int) -> float:
            idf = math.log(n_docs / df)
            if term in self.weak:  # a question frame (需要什么条件): no bonus for its length
                return _WEAK_FACTOR * idf
            return idf * (1.0 + 0.12 * max(0, min(length, 8) - 2))

        self.zh_weight = {t: specificity(t, df, len(t)) for t, df in zh_df.items()}
        self.en_weight = {t: specificity(t, df, 2 * len(t.split())) for t, df in en_df.items()}
        # Longest first, so that 失信被执行人 is taken before 失信; of two as long, the more
        # specific; then by the text, so that every process ranks them alike (a set's order
        # changes with each process's string hashing).
        self.zh_terms_sorted = sorted(
            self.zh_weight, key=lambda t: (-len(t), -self.zh_weight[t], t)
        )
        self.zh_rank = {term: rank for rank, term in enumerate(self.zh_terms_sorted)}
        self.zh_long_terms = [t for t in self.zh_terms_sorted if len(t) > SUB_MAX]
        # Terms that may be found near rather than exactly, by what a question must contain
        # for them to be: a long term's first two characters, a short term's last one.
        self.zh_near_index: dict[str, list[str]] = {}
        for term in self.zh_terms_sorted:
            if len(term) >= 2 and term not in self.weak and term.isalpha() and has_cjk(term):
                key = term[:2] if len(term) > 3 else term[-1]
                self.zh_near_index.setdefault(key, []).append(term)
        self.zh_pieces = frozenset(
            term[i:j]
            for term in self.zh_rank
            for i in range(len(term))
            for j in range(i + 1, min(len(term), i + SUB_MAX) + 1)
        )
        self.zh_near_plans = {
            t: NearPlan.of(t) for terms in self.zh_near_index.values() for t in terms
        }
        self.zh_term_refs: dict[str, list[str]] = {}
        self.en_term_refs: dict[str, list[str]] = {}
        for ref, doc in self.docs.items():
            for term in doc.zh_terms:
                self.zh_term_refs.setdefault(term, []).append(ref)
            for term in doc.en_terms:
                self.en_term_refs.setdefault(term, []).append(ref)
        self._df_cache: dict[str, int] = {}
        self.en_terms_sorted = sorted(
            self.en_weight, key=lambda t: (-len(t.split()), -self.en_weight[t], t)
        )
        self.en_rank = {term: rank for rank, term in enumerate(self.en_terms_sorted)}
        self.en_by_first: dict[str, list[str]] = {}
        for term in self.en_terms_sorted:
            self.en_by_first.setdefault(term.split()[0], []).append(term)

    def _english_vocabulary(self) -> frozenset[str]:
        texts: list[str] = []
        for article in self.kb.articles.values():
            for entry in (article, *article.items):
                texts += [entry.title_en, entry.summary_en, *entry.keywords_en]
        for indicator in self.kb.indicators.values():
            texts += [indicator.name_en, indicator.domain_en, *indicator.keywords_en]
        return frozenset(stem(w) for text in texts for w in EN_WORD.findall(normalize(text)))

    def _build_quotes(self) -> None:
        """Every 4-character run of the verbatim texts: a question quoting one is on topic."""
        self.text_4grams: set[str] = set()
        texts = [a.text for a in self.kb.articles.values()]
        texts += [i.text + i.name for i in self.kb.indicators.values()]
        for text in texts:
            for run in cjk_runs(text):
                self.text_4grams.update(run[i : i + 4] for i in range(len(run) - 3))

    def _build_pinyin(self, words: list[str], cues: tuple[str, ...] = ()) -> None:
        """The lexicon's Chinese terms by their toneless syllables (gengming, geng ming →
        更名), so a question typed in pinyin finds them. pypinyin is needed only here: the
        built index carries the table, and answering never imports it."""
        from pypinyin import Style, lazy_pinyin

        # The lexicon's terms, longest and weightiest first (they keep a sound): what a run
        # of pinyin or a same-sound character may stand for.
        self.pinyin_terms = self._by_sound(self.zh_terms_sorted)
        # What a question typed in pinyin is read as: its question words first (jiji is 几级
        # there, not the text's 积极), then the terms, then the words the text repeats
        # (绿色工厂, 分级), which the lexicon leaves to the core list.
        # The words the details are told by (几天, 资质) come before the terms, which keep
        # a sound they share.
        self.pinyin_reading = {
            **self._by_sound(self._repeated_words()),
            **self._by_sound([c for c in cues if len(c) >= 2 and c.isalpha()]),
            **self.pinyin_terms,
            **self._by_sound(words),
        }
        # Every character of GB 2312 by its toneless syllable: a question typed by sound with
        # the wrong character (复合 for 复核, 绿色工场 for 绿色工厂) spells a term's sound. A
        # table, so that answering never loads pypinyin.
        self.char_pinyin: dict[str, str] = {}
        for high in range(0xB0, 0xF8):
            for low in range(0xA1, 0xFF):
                try:
                    char = bytes((high, low)).decode("gb2312")
                except UnicodeDecodeError:
                    continue
                syllable = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
                if syllable:
                    self.char_pinyin[char] = syllable[0].replace("ü", "v")

    @staticmethod
    def _by_sound(terms: list[str]) -> dict[str, str]:
        """Each Chinese term by its toneless syllables (更名 → gengming); the first term
        given keeps a sound shared by several."""
        from pypinyin import Style, lazy_pinyin

        table: dict[str, str] = {}
        for term in terms:
            if len(term) < 2 or not term.isalpha() or not has_cjk(term):
                continue
            syllables = lazy_pinyin(term, style=Style.NORMAL, errors="ignore")
            key = "".join(syllables).replace("ü", "v")
            if len(syllables) == len(term) and len(key) >= 4:
                table.setdefault(key, term)
        return table

    def _repeated_words(self) -> list[str]:
        """Runs of two to four Chinese characters the text uses three times or more, the
        longest first: the text's own vocabulary, for reading pinyin."""
        counts: dict[str, int] = {}
        for text in self.plain_texts:
            for run in cjk_runs(text):
                for size in (4, 3, 2):
                    for start in range(len(run) - size + 1):
                        piece = run[start : start + size]
                        counts[piece] = counts.get(piece, 0) + 1
        repeated = [piece for piece, count in counts.items() if count >= 3]
        return sorted(repeated, key=lambda piece: (-len(piece), -counts[piece]))

    def _build_typos(self) -> None:
        """Long terms by each of their characters left out (绿色供应?管理 for 绿色供应链管理),
        so a term typed with one wrong character is still found."""
        self.zh_typos: dict[str, str] = {}
        for term in self.zh_terms_sorted:
            if len(term) < 4 or len(term) > SUB_MAX or term in self.weak or not term.isalpha():
                continue
            for i in range(len(term)):
                self.zh_typos.setdefault(f"{term[:i]}?{term[i + 1 :]}", term)
        # One wrong character in a term of four or more leaves its first two characters or its
        # last two in place: a piece of the question with neither cannot be one of them.
        typo_terms = set(self.zh_typos.values())
        self.typo_heads = frozenset(term[:2] for term in typo_terms)
        self.typo_tails = frozenset(term[-2:] for term in typo_terms)

    def _build_bm25(self) -> None:
        self.doc_len = {ref: sum(doc.grams.values()) for ref, doc in self.docs.items()}
        self.avg_len = sum(self.doc_len.values()) / len(self.doc_len)
        df: Counter[str] = Counter()
        for doc in self.docs.values():
            df.update(doc.grams.keys())
        n_docs = len(self.docs)
        self.gram_idf = {g: math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) for g, d in df.items()}
        # Postings: each bigram's BM25 contribution per entry, computed once.
        k1, b = 1.2, 0.75
        self.gram_postings: dict[str, list[tuple[str, float]]] = {}
        for ref, doc in self.docs.items():
            norm = k1 * (1 - b + b * self.doc_len[ref] / self.avg_len)
            for gram, tf in doc.grams.items():
                weight = self.gram_idf[gram] * tf * (k1 + 1) / (tf + norm)
                self.gram_postings.setdefault(gram, []).append((ref, weight))

    @staticmethod
    def _split(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Chinese phrases as they are; English ones as stemmed word tuples."""
        return (
            tuple(p for p in phrases if has_cjk(p)),
            tuple(tuple(p.split()) for p in phrases if not has_cjk(p)),
        )
