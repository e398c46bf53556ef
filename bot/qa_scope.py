"""Whether a question is about the measures at all: ours; maybe ours (generic words only, and
nothing says it is about something else: candidates rather than a refusal); or another subject
(another region's rules, taxes, the weather: refused, citing nothing)."""

from __future__ import annotations

import re
from typing import Literal

from bot.qa_learned import OUT
from bot.qa_match import Matcher
from bot.qa_terms import EN_STOP, EN_WORD, FUNCTION_CHARS, Match, bigrams, en_key, stem
from bot.textnorm import cjk_runs

Scope = Literal["in", "maybe", "out"]

_MIN_SCORE = 0.8
# Runs of the text that say nothing on their own, so quoting them does not make a question ours.
_FILLER = ("按照", "企业", "单位", "计算", "水平", "有关", "相关", "应在", "进行")
# Weight of specific terms that keeps a question ours although it names another topic.
_CLEARLY_OURS = 4.5
# Another jurisdiction's own rules (上海市绿色工厂评价办法). Tianjin and Hebei are left out: the
# measures speak of factories there (Art. 4, 9), so their questions are ours.
_PLACES = (
    "上海|广东|深圳|江苏|浙江|山东|河南|湖北|湖南|四川|重庆|安徽|福建|江西|辽宁|陕西|山西|吉林|黑龙江"
    "|内蒙古|广西|海南|贵州|云南|甘肃|青海|宁夏|新疆|广州|杭州|南京|苏州|武汉|成都|西安|宁波|厦门|青岛"
)
_OTHER_RULES = re.compile(
    rf"(?:{_PLACES})(?:市|省)?(?:[^，。？?,北]{{0,10}}(?:办法|标准|细则|规定|政策|条例)"
    rf"|的?(?:市级|省级)?绿色\w{{0,2}}(?:工厂|制造|供应链|工业园区|园区))"
)
# Tianjin's and Hebei's own lists and money are theirs, though their factories can be ours.
_NEIGHBOUR_RULES = re.compile(
    r"(?:天津|河北)(?:市|省)?(?:对|的?(?:省级|市级)|\w{0,6}(?:奖励|补贴|办法|政策|细则))"
    # …and their own recognition, asked about for itself (天津市绿色工厂认定几月份申报)
    r"|(?:天津|河北)(?:市|省)?\w{0,10}(?:(?:怎么|如何)(?:认定|评定)|(?:认定|评定)\w{0,6}"
    r"(?:几月|什么时候|何时|怎么申报|流程|程序|条件|标准))"
)
_OURS = re.compile(r"北京|本市|京津冀|本办法|在京|总部")  # …unless the question also names ours
# The classifier (bot.qa_learned) is overconfident, as naive Bayes is: it counts for the scope
# only when it is all but sure, and only to turn a refusal into candidates.
_LEARNED_SURE = 0.99
# A question with no word of the lexicon is taken as ours on the classifier's word only when it
# says enough to be about something (not 谢谢，辛苦了): this many Chinese characters or English
# words that are not function words.
_MIN_SUBSTANCE = 8
# What must be left of a question besides the lexicon's words for the classifier's doubt to be
# about something it says (申报流程是什么 is all our words: no doubt to voice).
_MIN_UNMATCHED = 2


class ScopeChecks(Matcher):
    """Ours, maybe ours, or not: see :meth:`_scope`."""

    def _quotes_text(self, text: str) -> bool:
        for run in cjk_runs(text):
            for i in range(len(run) - 3):
                gram = run[i : i + 4]
                if gram in self.text_4grams and not any(w in gram for w in _FILLER):
                    return True
        return False

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
        if self.features.asks_untouched_scheme(text):
            return "out"  # another province's rules, tax relief: the text only names them
        if not scores:
            # Nothing matched, but our subject is named (listed, 绿色) or the classifier is all
            # but sure: candidates rather than a flat refusal.
            ours = self._names_core(text) or self._learned_ours(text)
            return "maybe" if ours else "out"
        matched = [*zh_found, *en_found]
        # a Tianjin or Hebei plant on its way to the national list is Art. 9's
        neighbour = _NEIGHBOUR_RULES.search(text) and not self.features.asks_national_route(text)
        other_rules = _OTHER_RULES.search(text) or neighbour
        if other_rules and not _OURS.search(text):
            return "out"  # another jurisdiction's own rules (上海市绿色工厂评价办法)
        if self._contains_any(text, self.other_questions):
            return "out"  # a question the measures never answer (what a certification costs)
        if self.features.asks_foreign(text):
            return "out"  # another scheme's own procedure (绿色建筑标识的评审流程)
        if self.features.asks_touched_scheme(text):
            # A scheme an article names, asked how it itself works (重污染天气绩效评级的流程):
            # that article, opening with what the text leaves open (天气 notwithstanding).
            return "in"
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
            return "in" if self._strong(rest_zh, rest_en) >= _CLEARLY_OURS else "out"
        if self._lone_english_word(zh_found, en_found) and self._learned_best(text) == OUT:
            # One English word of ours, and the classifier likens the question to those the
            # measures do not cover (a hotpot place "recommended"): refused.
            return "out"
        if any(term not in self.weak for term in matched):
            return "in" if max(scores.values()) >= _MIN_SCORE else "maybe"
        if matched:
            return "in" if self._names_core(text) or not self._foreign(text, zh_found) else "maybe"
        if self._quotes_text(text):
            return "in"
        if self._names_core(text):
            return "maybe"
        # No word of the lexicon, but asked the way questions about one article are asked
        # (出发点 for its purpose): candidates rather than a flat refusal.
        return "maybe" if self._learned_ours(text) else "out"

    def _learned_ours(self, text: str) -> bool:
        """The classifier is all but sure that a question of some substance is about one
        article or indicator."""
        return self._substance(text) and self._learned_says(text) not in (None, OUT)

    @staticmethod
    def _lone_english_word(zh_found: dict[str, Match], en_found: dict[str, float]) -> bool:
        return not zh_found and len(en_found) == 1 and " " not in next(iter(en_found))

    def _learned_best(self, text: str) -> str | None:
        posterior = self.learned.posterior(text)
        return max(posterior, key=posterior.__getitem__, default=None)

    def _learned_says(self, text: str) -> str | None:
        """The classifier's class for the question when it is all but sure of it."""
        posterior = self.learned.posterior(text)
        best = max(posterior, key=posterior.__getitem__, default=None)
        return best if best is not None and posterior[best] >= _LEARNED_SURE else None

    def _strong(self, zh_found: dict[str, Match], en_found: dict[str, float]) -> float:
        """What the question's specific (not generic) lexicon words weigh."""
        strong = sum(
            self.zh_weight[t] * m.factor for t, m in zh_found.items() if t not in self.weak
        )
        return strong + sum(
            self.en_weight[t] * f for t, f in en_found.items() if t not in self.weak
        )

    @staticmethod
    def _substance(text: str) -> bool:
        chinese = sum(1 for run in cjk_runs(text) for ch in run if ch not in FUNCTION_CHARS)
        english = sum(1 for w in EN_WORD.findall(text) if w not in EN_STOP)
        return chinese + 2 * english >= _MIN_SUBSTANCE

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

    @staticmethod
    def _unmatched(text: str, zh_found: dict[str, Match]) -> str:
        """The question less the lexicon's words found in it and its function characters."""
        rest = text
        for term in sorted(zh_found, key=len, reverse=True):
            rest = rest.replace(term, " ")
        return "".join(" " if ch in FUNCTION_CHARS else ch for ch in rest)

    def _says_more(self, text: str, zh_found: dict[str, Match], en_found: dict[str, float]) -> bool:
        """Something is left of the question once the lexicon's words are taken out: two
        Chinese characters, or two English words, that no matched term explains."""
        rest = self._unmatched(text, zh_found)
        chinese = sum(len(run) for run in cjk_runs(rest))
        matched = {word for term in en_found for word in term.split()}
        english = [w for w in EN_WORD.findall(rest) if w not in EN_STOP and stem(w) not in matched]
        return chinese + len(english) >= _MIN_UNMATCHED

    def _foreign(self, text: str, zh_found: dict[str, Match]) -> bool:
        """Made only of generic words, and the rest is a subject these measures never use
        (排污许可证怎么申请): bigrams and English words the corpus does not contain."""
        rest = self._unmatched(text, zh_found)
        unknown = [g for g in bigrams(rest) if g not in self.gram_idf]
        words = [stem(w) for w in EN_WORD.findall(rest) if w not in EN_STOP and len(w) > 2]
        unknown += [w for w in words if w not in self.en_vocabulary]
        grams = bigrams(rest)
        if grams and len(unknown) >= max(2, 0.6 * (len(grams) + len(words))):
            return True
        return bool(words) and len(unknown) == len(words)
