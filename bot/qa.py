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
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from bot.knowledge import KNOWLEDGE_DIR, Article, Indicator, Item, KnowledgeBase, default
from bot.qa_features import Features
from bot.qa_terms import (
    EN_STOP,
    EN_WORD,
    FUNCTION_CHARS,
    NEAR,
    SUB_MAX,
    Match,
    NearPlan,
    all_starts,
    bigrams,
    en_key,
    gapped,
    stem,
    whole_word,
)
from bot.refs import CN_NUMERALS, ITEM_BRACKETED, ITEM_CN
from bot.textnorm import (
    chinese_number,
    cjk_runs,
    has_cjk,
    has_words,
    normalize,
    strip_control,
)

MAX_QUESTION_CHARS = 500
MAX_HITS = 5

# Weights: a lexicon match counts for an entry's own terms; an item's terms count for its
# article too (slightly less, so an article that lists the word itself wins a tie).
_OWN = 1.0
_FROM_ITEM = 0.9
_INHERITED = 0.5  # terms of an article that an item incorporates by reference
_CITES_ARTICLE = re.compile(r"第[一二三四五六七八九十]+条")
_BM25_WEIGHT = 0.35
_EXPLICIT_SCORE = 100.0
_MIN_SCORE = 0.8
# A contest between the first two hits: the second scores this share of the first, and the
# first is below the score that only a question full of one entry's own words reaches.
_CLOSE_SHARE = 0.9
_SURE_SCORE = 9.0
# Runs of the text that say nothing on their own, so quoting them does not make a question ours.
_FILLER = ("按照", "企业", "单位", "计算", "水平", "有关", "相关", "应在", "进行")
_WEAK_FACTOR = 0.7  # generic words (条件, 申报) count, but less than words of this regulation

_ARTICLE_CN = re.compile(rf"第\s*([{CN_NUMERALS}]+|\d{{1,3}})\s*条(?:{ITEM_CN}|{ITEM_BRACKETED})?")
_ARTICLE_BARE = re.compile(
    rf"(?<![第{CN_NUMERALS}\d哪几每这那上下某多前后])(\d{{1,3}}|[{CN_NUMERALS}]{{2,3}})\s*条(?![件例款文])"
    rf"(?:{ITEM_CN})?"
)
_ARTICLE_EN = re.compile(
    r"\b(?:article|art)\s*\.?\s*-?\s*(\d{1,3})(?:\s*\.\s*(\d{1,2})(?!\d)|\s*\(\s*(\d{1,2})\s*\)"
    r"|\s*(?:item|para(?:graph)?|point|no\.?)\s*(\d{1,2}))?"
)
_INDICATOR = re.compile(
    rf"(?:\bind\s*-?\s*(\d{{1,2}})\b|\bindicator\s*(?:no\.?\s*)?(\d{{1,2}})\b"
    rf"|指标\s*(?:第\s*)?(\d{{1,2}}|[{CN_NUMERALS}]{{1,3}})(?![条项])"
    rf"|第\s*(\d{{1,2}}|[{CN_NUMERALS}]{{1,3}})\s*(?:项|个)指标"
    rf"|附表\s*(?:指标)?\s*第?\s*(\d{{1,2}}|[{CN_NUMERALS}]{{1,3}})\s*项?)"
)
# Weight of specific terms that keeps a question ours although it names another topic.
_CLEARLY_OURS = 4.5
# Another jurisdiction's own rules (上海市绿色工厂评价办法). Tianjin and Hebei are left out: the
# measures speak of factories there (Art. 4, 9), so their questions are ours.
_PLACES = "上海|广东|深圳|江苏|浙江|山东|河南|湖北|湖南|四川|重庆|安徽|福建|江西|辽宁|陕西|山西"
_OTHER_RULES = re.compile(
    rf"(?:{_PLACES})(?:市|省)?(?:[^，。？?,北]{{0,10}}(?:办法|标准|细则|规定|政策|条例)"
    rf"|的?(?:市级|省级)?绿色(?:工厂|制造))"
)
# Tianjin's and Hebei's own lists and money are theirs, though their factories can be ours.
_NEIGHBOUR_RULES = re.compile(
    r"(?:天津|河北)(?:市|省)?(?:对|的?(?:省级|市级)|\w{0,6}(?:奖励|补贴|办法|政策|细则))"
)
_OURS = re.compile(r"北京|本市|京津冀|本办法")  # …unless the question also names ours
_COMMON_DF = 4  # a fragment written in this many texts is too common to stand for a term
_LATIN = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]")
# A pinyin word: letters with or without tone marks, tone digits allowed (ting2chan3).
_PINYIN_WORD = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü0-5]*[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü][1-5]?")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def _toneless(word: str) -> str:
    """tíngchǎn → tingchan, lǜ → lv, ting2chan3 → tingchan."""
    word = word.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v")
    word = word.replace("ǜ", "v")
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return "".join(c for c in bare if not c.isdigit())


Scope = Literal["in", "maybe", "out"]
Confidence = Literal["high", "low"]

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


# -- the index ---------------------------------------------------------------------------------


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


def _load_scope() -> _Scope:
    import yaml

    path: Path = KNOWLEDGE_DIR / "scope.yaml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, list[str]] = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)

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


class QAIndex:
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
        scope = _load_scope()
        self.weak, self.other_topics, self.core = scope.weak, scope.other_topics, scope.core
        self.other_questions = scope.other_questions
        self.features = Features.load(KNOWLEDGE_DIR / "scope.yaml")
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
        self._build_pinyin()
        self._build_typos()

    # construction

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
            key = normalize(term)
            if not key:
                continue
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

    def _build_pinyin(self) -> None:
        """The lexicon's Chinese terms by their toneless syllables (gengming, geng ming →
        更名), so a question typed in pinyin finds them. pypinyin is needed only here: the
        built index carries the table, and answering never imports it."""
        from pypinyin import Style, lazy_pinyin

        self.pinyin_terms: dict[str, str] = {}
        for term in self.zh_terms_sorted:  # longest and weightiest first: they keep a sound
            if len(term) < 2 or not term.isalpha() or not has_cjk(term):
                continue
            syllables = lazy_pinyin(term, style=Style.NORMAL, errors="ignore")
            key = "".join(syllables).replace("ü", "v")
            if len(syllables) == len(term) and len(key) >= 4:
                self.pinyin_terms.setdefault(key, term)

    def _build_typos(self) -> None:
        """Long terms by each of their characters left out (绿色供应?管理 for 绿色供应链管理),
        so a term typed with one wrong character is still found."""
        self.zh_typos: dict[str, str] = {}
        for term in self.zh_terms_sorted:
            if len(term) < 4 or len(term) > SUB_MAX or term in self.weak or not term.isalpha():
                continue
            for i in range(len(term)):
                self.zh_typos.setdefault(f"{term[:i]}?{term[i + 1 :]}", term)

    def from_pinyin(self, text: str) -> str:
        """Runs of pinyin in the question replaced by the lexicon terms they spell
        (tíngchǎn, ting2chan3, tingchan → 停产); English words are left alone."""
        if not _LATIN.search(text):
            return text
        words = list(_PINYIN_WORD.finditer(text))
        if not words:
            return text
        keys = [_toneless(m.group(0)) for m in words]
        marked = [m.group(0) != k for m, k in zip(words, keys, strict=True)]
        out: list[str] = []
        last = 0
        i = 0
        while i < len(words):
            for size in range(min(4, len(words) - i), 0, -1):
                span = range(i, i + size)
                key = "".join(keys[j] for j in span)
                term = self.pinyin_terms.get(key)
                english = any(
                    not marked[j] and (stem(keys[j]) in self.en_vocabulary or keys[j] in EN_STOP)
                    for j in span
                )
                if term and not english:
                    out.append(text[last : words[i].start()])
                    out.append(term)
                    last = words[i + size - 1].end()
                    i += size
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)

    def _quotes_text(self, text: str) -> bool:
        for run in cjk_runs(text):
            for i in range(len(run) - 3):
                gram = run[i : i + 4]
                if gram in self.text_4grams and not any(w in gram for w in _FILLER):
                    return True
        return False

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

    # matching

    def _match_zh(self, text: str) -> dict[str, Match]:
        """Lexicon terms in the question: exact ones (a match inside a longer match is the
        longer one's), then near ones, which count less: a term split by inserted words
        (撤销…资格 in 撤销绿色工厂资格) or cut short (主营业务 for 主营业务变更)."""
        # Where each piece of a lexicon term occurs in the question. Pieces are closed under
        # prefixes: once text[start:end] is none, no longer run from start is one either.
        positions: dict[str, list[int]] = {}
        pieces = self.zh_pieces
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + SUB_MAX) + 1):
                piece = text[start:end]
                if piece not in pieces:
                    break
                positions.setdefault(piece, []).append(start)
        spans: list[tuple[int, int]] = []
        found: dict[str, Match] = {}
        swallowed: set[str] = set()
        # Look the question's own substrings up, rather than every term in the question.
        candidates = [t for t in positions if t in self.zh_rank]
        candidates += [t for t in self.zh_long_terms if t in text]
        for term in sorted(candidates, key=self.zh_rank.__getitem__):
            starts = positions.get(term) if len(term) <= SUB_MAX else all_starts(text, term)
            for start in starts or ():
                end = start + len(term)
                if not whole_word(text, start, end):
                    continue  # "esg" inside "designs", "voc" inside "revocation"
                if not any(s <= start and end <= e for s, e in spans):
                    spans.append((start, end))
                    found[term] = Match(1.0, start, end)
                    break
            else:
                swallowed.add(term)
        used_parts: set[str] = set()
        near_candidates = {
            t for key in positions if len(key) <= 2 for t in self.zh_near_index.get(key, ())
        }
        for term in sorted(near_candidates, key=self.zh_rank.__getitem__):
            if term in found or term in swallowed:
                continue
            near = self.zh_near_plans[term].match(positions)
            if near is None:
                continue
            part = text[near.start : near.end]
            if not has_cjk(part) or not whole_word(text, near.start, near.end):
                continue  # a near match is made of Chinese, not of letters inside a word
            # A part inside an exact match, shared by many texts (绿色制造单位), or already
            # used by another near match says nothing new.
            inside = any(s <= near.start and near.end <= e for s, e in spans)
            if not inside and part not in used_parts and self._text_df(part) < _COMMON_DF:
                used_parts.add(part)
                found[term] = near
        taken = [*spans, *((m.start, m.end) for m in found.values())]
        self._match_typos(text, taken, found)
        return found

    def _match_typos(
        self, text: str, spans: list[tuple[int, int]], found: dict[str, Match]
    ) -> None:
        """Long terms typed with one wrong character, where nothing else was found."""
        for run in _CJK_RUN.finditer(text):
            chars = run.group(0)
            if len(chars) < 4:
                continue
            for size in range(min(SUB_MAX, len(chars)), 3, -1):
                for at in range(len(chars) - size + 1):
                    start = run.start() + at
                    end = start + size
                    if any(s < end and start < e for s, e in spans):
                        continue
                    piece = chars[at : at + size]
                    # What is kept must be the term's substance, not words like 去哪 or 的.
                    loose = sum(1 for ch in piece if ch in FUNCTION_CHARS)
                    if loose > (1 if size >= 5 else 0):
                        continue
                    for i in range(size):
                        term = self.zh_typos.get(f"{piece[:i]}?{piece[i + 1 :]}")
                        if term is not None and term not in found:
                            found[term] = Match(NEAR, start, end)
                            spans.append((start, end))
                            break

    def _text_df(self, part: str) -> int:
        if part not in self._df_cache:
            self._df_cache[part] = sum(1 for text in self.plain_texts if part in text)
        return self._df_cache[part]

    def _match_en(self, text: str) -> dict[str, float]:
        """English phrases on stemmed words; a phrase may have a word or two inserted
        ("changed our company name" for "change name"), which counts less."""
        words = [stem(w) for w in EN_WORD.findall(text)]
        taken = [False] * len(words)
        found: dict[str, float] = {}
        present = set(words)
        candidates = [t for first in present for t in self.en_by_first.get(first, ())]
        for term in sorted(candidates, key=self.en_rank.__getitem__):
            parts = term.split()
            size = len(parts)
            if size == 1 and parts[0] in EN_STOP:
                continue
            for start in range(len(words) - size + 1):
                if words[start : start + size] == parts and not any(taken[start : start + size]):
                    taken[start : start + size] = [True] * size
                    found[term] = 1.0
                    break
            if term not in found and size > 1 and gapped(parts, words):
                found[term] = NEAR
            elif term not in found and size == 2 and gapped(parts[::-1], words):
                found[term] = NEAR  # "production stopped" for "stopped production"
        return found

    def _zh_score(self, terms: dict[str, float], found: dict[str, Match]) -> float:
        """Each character of the question counts once per entry: of two overlapping terms
        of the same entry (被撤 and 撤了 in 被撤了) only the weightier one counts."""
        mine = sorted(
            ((self.zh_weight[t] * terms[t] * m.factor, m) for t, m in found.items() if t in terms),
            key=lambda pair: -pair[0],
        )
        taken: list[Match] = []
        score = 0.0
        for value, match in mine:
            if all(match.end <= o.start or o.end <= match.start for o in taken):
                taken.append(match)
                score += value
        return score

    def _bm25(self, text: str) -> dict[str, float]:
        scores: dict[str, float] = {}
        for gram in dict.fromkeys(bigrams(text)):  # once each, in a fixed order
            for ref, weight in self.gram_postings.get(gram, ()):
                scores[ref] = scores.get(ref, 0.0) + weight
        return scores

    def _rank(self, text: str) -> tuple[dict[str, float], dict[str, Match], dict[str, float]]:
        zh_found = self._match_zh(text)
        en_found = self._match_en(text)
        scores: dict[str, float] = {}
        # Only entries that list a found term can score; the rest are not looked at.
        touched = {ref for t in zh_found for ref in self.zh_term_refs.get(t, ())}
        touched.update(ref for t in en_found for ref in self.en_term_refs.get(t, ()))
        for ref in (ref for ref in self.docs if ref in touched):
            doc = self.docs[ref]
            score = self._zh_score(doc.zh_terms, zh_found)
            score += sum(
                self.en_weight[t] * doc.en_terms[t] * f
                for t, f in en_found.items()
                if t in doc.en_terms
            )
            if score:
                scores[ref] = score
        bm25 = self._bm25(text)
        if bm25:
            top = max(bm25.values())
            for ref, value in bm25.items():
                scores[ref] = scores.get(ref, 0.0) + _BM25_WEIGHT * 3.0 * value / top
        return scores, zh_found, en_found

    def _best_item(
        self, article_ref: str, zh_found: dict[str, Match], en_found: dict[str, float]
    ) -> str | None:
        article = self.kb.articles[article_ref]
        best: tuple[float, str] | None = None
        for item in article.items:
            doc = self.item_docs[item.id]
            score = self._zh_score(doc.zh_terms, zh_found)
            score += sum(self.en_weight[t] for t in en_found if t in doc.en_terms)
            if score > 0 and (best is None or score > best[0]):
                best = (score, item.id)
        return best[1] if best else None

    # explicit references

    def explicit_refs(self, text: str) -> tuple[list[str], int | None]:
        """References named in the question, in order, and an article number beyond 21."""
        found: list[tuple[int, str]] = []
        beyond: int | None = None
        spans: list[tuple[int, int]] = []
        for pattern in (_ARTICLE_CN, _ARTICLE_BARE, _ARTICLE_EN):
            for match in pattern.finditer(text):
                if any(s <= match.start() < e for s, e in spans):
                    continue
                spans.append(match.span())
                number = chinese_number(match.group(1))
                if number is None:
                    continue
                if not 1 <= number <= 21:
                    beyond = number
                    continue
                item_text = next((g for g in match.groups()[1:] if g), None)
                item_no = chinese_number(item_text) if item_text else None
                ref = f"art-{number}"
                if item_no is not None and f"{ref}.{item_no}" in self.kb.items:
                    ref = f"{ref}.{item_no}"
                found.append((match.start(), ref))
        for match in _INDICATOR.finditer(text):
            number = chinese_number(next(g for g in match.groups() if g)) or 0
            if 1 <= number <= 21:
                found.append((match.start(), f"ind-{number}"))
        refs: list[str] = []
        for _, ref in sorted(found):
            if ref not in refs:
                refs.append(ref)
        return refs, beyond

    # answering

    def ask(self, question: str, lang: str = "zh") -> Result:
        """Rank references for ``question``; see the module docstring for how."""
        try:
            cleaned = check_question(question)
        except QuestionError as error:
            return Result(question=question, in_scope=False, problem=error.code)
        text = self.from_pinyin(normalize(cleaned))
        explicit, beyond = self.explicit_refs(text)
        topic = self.features.without_status(text)
        scores, zh_found, en_found = self._rank(topic if topic.strip() else text)
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
            scores = self.features.reframe(text, scores)
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

    def _in_scope(
        self,
        text: str,
        zh_found: dict[str, Match],
        en_found: dict[str, float],
        scores: dict[str, float],
    ) -> bool:
        return self._scope(text, zh_found, en_found, scores) == "in"

    def _scope(
        self,
        text: str,
        zh_found: dict[str, Match],
        en_found: dict[str, float],
        scores: dict[str, float],
    ) -> Scope:
        """See the module docstring: ours unless it is about something else. "maybe" when
        nothing says it is another subject but too little says it is ours: the answer then
        offers candidates rather than refusing a question that may well be in scope."""
        if not scores:
            return "out"
        matched = [*zh_found, *en_found]
        other_rules = _OTHER_RULES.search(text) or _NEIGHBOUR_RULES.search(text)
        if other_rules and not _OURS.search(text):
            return "out"  # another jurisdiction's own rules (上海市绿色工厂评价办法)
        if self._contains_any(text, self.other_questions):
            return "out"  # a question the measures never answer (what a certification costs)
        other = self._other_topics_in(text)
        if other:
            # Another subject is named (新能源汽车, 天气): ours only if our subject is named
            # too, or the rest of the question is plainly about these measures.
            rest = text
            for topic in other:
                rest = rest.replace(topic, " ")
            if self._names_core(rest):
                return "in"
            _, rest_zh, rest_en = self._rank(rest)
            strong = sum(
                self.zh_weight[t] * m.factor for t, m in rest_zh.items() if t not in self.weak
            )
            strong += sum(self.en_weight[t] * f for t, f in rest_en.items() if t not in self.weak)
            return "in" if strong >= _CLEARLY_OURS else "out"
        if any(term not in self.weak for term in matched):
            return "in" if max(scores.values()) >= _MIN_SCORE else "maybe"
        if matched:
            return "in" if self._names_core(text) or not self._foreign(text, zh_found) else "maybe"
        if self._quotes_text(text):
            return "in"
        return "maybe" if self._names_core(text) else "out"

    @staticmethod
    def _split(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Chinese phrases as they are; English ones as stemmed word tuples."""
        return (
            tuple(p for p in phrases if has_cjk(p)),
            tuple(tuple(p.split()) for p in phrases if not has_cjk(p)),
        )

    def _contains_any(self, text: str, phrases: tuple[str, ...]) -> bool:
        chinese, english = self._split_cache[phrases]
        if any(p in text for p in chinese):
            return True
        stems = f" {en_key(text)} "
        return any(f" {' '.join(words)} " in stems for words in english)

    def _other_topics_in(self, text: str) -> list[str]:
        chinese, english = self._split_cache[self.other_topics]
        found = [t for t in chinese if t in text]
        if english:
            stems = set(en_key(text).split())
            for words in english:
                if set(words) <= stems:
                    found += [w for w in EN_WORD.findall(text) if stem(w) in words]
        return found

    def _names_core(self, text: str) -> bool:
        chinese, english = self._split_cache[self.core]
        if any(core in text for core in chinese):
            return True
        stems = set(en_key(text).split())
        return any(words[0] in stems for words in english)

    def _foreign(self, text: str, zh_found: dict[str, Match]) -> bool:
        """Made only of generic words, and the rest is a subject these measures never use
        (排污许可证怎么申请): bigrams and English words the corpus does not contain."""
        rest = text
        for term in sorted(zh_found, key=len, reverse=True):
            rest = rest.replace(term, " ")
        rest = "".join(" " if ch in FUNCTION_CHARS else ch for ch in rest)
        unknown = [g for g in bigrams(rest) if g not in self.gram_idf]
        words = [stem(w) for w in EN_WORD.findall(rest) if w not in EN_STOP and len(w) > 2]
        unknown += [w for w in words if w not in self.en_vocabulary]
        grams = bigrams(rest)
        if grams and len(unknown) >= max(2, 0.6 * (len(grams) + len(words))):
            return True
        return bool(words) and len(unknown) == len(words)

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


@cache
def default_index() -> QAIndex:
    """The index over the shipped knowledge base, built once per change of its sources
    (see :mod:`bot.cache`) and loaded once per process."""
    from bot import knowledge
    from bot.cache import load_or_build, module_sources

    # Every module the index is built with, not a hand-kept list: one left out would let a
    # changed matcher load an index built by the old one.
    sources = (*knowledge.SOURCES, *module_sources(__name__), KNOWLEDGE_DIR / "scope.yaml")
    return load_or_build("qa-index", sources, lambda: QAIndex(default()))
