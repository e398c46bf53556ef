"""Matching a question against the index: lexicon terms (exact, near, one character wrong),
English phrases, pinyin read as the terms it spells, BM25 over character bigrams; and what
every entry scores for them."""

from __future__ import annotations

import re
import unicodedata

from bot.qa_index import IndexBuilder
from bot.qa_terms import (
    EN_STOP,
    EN_WORD,
    FUNCTION_CHARS,
    NEAR,
    SUB_MAX,
    Match,
    all_starts,
    bigrams,
    gapped,
    stem,
    whole_word,
)
from bot.textnorm import CJK_RUN, has_cjk

_BM25_WEIGHT = 0.35
_COMMON_DF = 4  # a fragment written in this many texts is too common to stand for a term
_LATIN = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]")
# A pinyin word: letters with or without tone marks, tone digits allowed (ting2chan3).
# How many pinyin words one term may span: a word per syllable for those who type them apart
# (ke zai sheng neng yuan is 可再生能源), as long as the longest terms.
_PINYIN_SPAN = 10
_PINYIN_WORD = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü0-5]*[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü][1-5]?")


def _toneless(word: str) -> str:
    """tíngchǎn → tingchan, lǜ → lv, ting2chan3 → tingchan."""
    word = word.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v")
    word = word.replace("ǜ", "v")
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return "".join(c for c in bare if not c.isdigit())


class Matcher(IndexBuilder):
    """What of the index a question holds, and what each entry scores for it."""

    def from_pinyin(self, text: str) -> str:
        """Runs of pinyin in the question replaced by the lexicon terms they spell
        (tíngchǎn, ting2chan3, tingchan → 停产); English words are left alone."""
        if not _LATIN.search(text):
            return text
        words = list(_PINYIN_WORD.finditer(text))
        if not words:
            return text
        keys = [_toneless(m.group(0)) for m in words]
        # A word written with tone marks or digits is pinyin; a bare one that is an English
        # word of the corpus (or a function word) is English, and no span may take it in.
        english = [
            m.group(0) == k and (k in EN_STOP or stem(k) in self.en_vocabulary)
            for m, k in zip(words, keys, strict=True)
        ]
        # Read from the end, longest first (backward maximum matching, as Chinese word
        # segmentation does): "zui gao shi ji ji" is 最高 … 几级, where reading from the start
        # would take 市级 and leave a stray "ji".
        spans: list[tuple[int, int, str]] = []
        end = len(words)
        while end > 0:
            longest = 0
            while longest < _PINYIN_SPAN and end - longest > 0 and not english[end - longest - 1]:
                longest += 1
            for size in range(longest, 0, -1):
                term = self.pinyin_reading.get("".join(keys[end - size : end]))
                if term:
                    spans.append((end - size, end, term))
                    end -= size
                    break
            else:
                end -= 1
        out: list[str] = []
        last = 0
        for first, stop, term in reversed(spans):
            between = text[last : words[first].start()]
            # 停产 bannian → 停产半年: words typed apart are one phrase once read
            out.append("" if out and between.isspace() else between)
            out.append(term)
            last = words[stop - 1].end()
        out.append(text[last:])
        return "".join(out)

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
        self._match_homophones(text, taken, found)
        return found

    def _match_homophones(
        self, text: str, spans: list[tuple[int, int]], found: dict[str, Match]
    ) -> None:
        """Terms typed by sound with one wrong character (复合 for 复核, 绿色工场 for 绿色工厂),
        where nothing else was found: the question's characters read as toneless syllables
        spell the term's. The wrong character must not be a function word (是级 is not 市级)."""
        sounds = self.char_pinyin
        for run in CJK_RUN.finditer(text):
            chars = run.group(0)
            syllables = [sounds.get(ch, "?") for ch in chars]
            for size in range(min(SUB_MAX, len(chars)), 1, -1):
                for at in range(len(chars) - size + 1):
                    start = run.start() + at
                    end = start + size
                    if any(s < end and start < e for s, e in spans):
                        continue
                    piece = chars[at : at + size]
                    if all(ch in FUNCTION_CHARS for ch in piece):
                        continue
                    term = self.pinyin_terms.get("".join(syllables[at : at + size]))
                    if term is None or term in found:
                        continue
                    slips = [(a, b) for a, b in zip(piece, term, strict=True) if a != b]
                    # one character typed wrong, and a word of substance, not 的 for 地
                    if len(slips) == 1 and slips[0][0] not in FUNCTION_CHARS:
                        found[term] = Match(NEAR, start, end)
                        spans.append((start, end))

    def _match_typos(
        self, text: str, spans: list[tuple[int, int]], found: dict[str, Match]
    ) -> None:
        """Long terms typed with one wrong character, where nothing else was found."""
        for run in CJK_RUN.finditer(text):
            chars = run.group(0)
            if len(chars) < 4:
                continue
            for size in range(min(SUB_MAX, len(chars)), 3, -1):
                for at in range(len(chars) - size + 1):
                    piece = chars[at : at + size]
                    if piece[:2] not in self.typo_heads and piece[-2:] not in self.typo_tails:
                        continue  # see IndexBuilder._build_typos
                    start = run.start() + at
                    end = start + size
                    if any(s < end and start < e for s, e in spans):
                        continue
                    # What is kept must be the term's substance, not words like 去哪 or 的.
                    loose = sum(1 for ch in piece if ch in FUNCTION_CHARS)
                    if loose > (1 if size >= 5 else 0):
                        continue
                    for i in range(size):
                        term = self.zh_typos.get(f"{piece[:i]}?{piece[i + 1 :]}")
                        if term is not None and term not in found and self._slip(chars, at + i):
                            found[term] = Match(NEAR, start, end)
                            spans.append((start, end))
                            break

    def _slip(self, run: str, at: int) -> bool:
        """The character at ``at`` of a run of Chinese reads as typed wrong: with either
        neighbour it makes a pair the text never uses (色共 and 共应 in 绿色共应链). 园区里的
        企业 is not 区里的工业 mistyped, nor 北京制造业 非制造业: 企业 and 北京 are the text's."""
        pairs = [run[max(at - 1, 0) : at + 1], run[at : at + 2]]
        return all(pair not in self.gram_idf for pair in pairs if len(pair) == 2)

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
