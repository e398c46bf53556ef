"""How the lexicon's terms are found in a question.

Chinese terms exactly, split by inserted words (撤销…资格, 改了个名字 for 改名) or cut short
(主营业务 for 主营业务变更); English phrases on lightly stemmed words; character bigrams for
BM25. :mod:`bot.qa` ranks the references with what these find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.textnorm import cjk_runs, normalize

# Function characters: what is left of a question once they and its known terms are removed is
# its own subject (排污许可证), which decides whether a question of generic words is ours.
FUNCTION_CHARS = frozenset(
    "的了吗呢吧啊呀么什怎哪谁能会要可以是否有没请问我们你他她它这那个些多少几还就都也和与或"
    "及在对把被给让从到为啥咋呗嘛哦该需想"
)
EN_WORD = re.compile(r"[a-z0-9+]+")  # "supply-chain" reads as "supply chain"
EN_STOP = frozenset(
    "a an the of to in on for and or is are be do does did we our us i you it its this that "
    "what which who how can could should would will must any there if with by as at from about "
    "my me".split()
)

SUB_MAX = 8  # longest term looked up through the question's substring table
NEAR = 0.75  # a term found with words inserted, or cut short, counts this much
NEAR_SHORT = 0.6  # a two- or three-character term split by a word or two (改了个名字)


@dataclass(frozen=True)
class Match:
    """A lexicon term found in the question: how fully, and where."""

    factor: float
    start: int
    end: int


def whole_word(text: str, start: int, end: int) -> bool:
    """False when a match that begins or ends with a Latin letter or digit runs on into one."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    head, tail = text[start], text[end - 1]
    return not (
        (head.isascii() and head.isalnum() and before.isascii() and before.isalnum())
        or (tail.isascii() and tail.isalnum() and after.isascii() and after.isalnum())
    )


def all_starts(text: str, term: str) -> list[int]:
    starts, start = [], text.find(term)
    while start != -1:
        starts.append(start)
        start = text.find(term, start + 1)
    return starts


@dataclass(frozen=True)
class NearPlan:
    """How a term may be found near rather than exactly, worked out once per term: split in
    two by inserted words (撤销…资格, 改了个名字 for 改名), or cut short (主营业务 for
    主营业务变更)."""

    cuts: tuple[tuple[str, str], ...]  # (head, tail) pairs, in order of the cut
    max_gap: int
    factor: float  # for a split term
    prefixes: tuple[str, ...]  # for a cut-short term: the prefixes that may count, longest first
    length: int
    # One of these is in any question the term is found near in: every tail of a split ends
    # with the term's last two characters, every prefix that counts starts with its first three.
    either: tuple[str, ...]

    @classmethod
    def of(cls, term: str) -> NearPlan:
        short = len(term) <= 3
        shortest_piece = 1 if short else 2
        cuts = tuple(
            (term[:cut], term[cut:])
            for cut in range(shortest_piece, len(term) - shortest_piece + 1)
            if not (short and (term[:cut] in FUNCTION_CHARS or term[cut:] in FUNCTION_CHARS))
        )
        # A prefix counts when it is at least 3 characters and 0.6 of the term; the question's
        # substring table holds none longer than SUB_MAX.
        prefixes = (
            ()
            if short
            else tuple(
                term[:n] for n in range(min(len(term) - 1, SUB_MAX), 2, -1) if n >= 0.6 * len(term)
            )
        )
        either = () if short else (term[-2:], term[:3])
        return cls(
            cuts, 2 if short else 6, NEAR_SHORT if short else NEAR, prefixes, len(term), either
        )

    def match(self, positions: dict[str, list[int]]) -> Match | None:
        """Where the term is found near in a question with substring ``positions``, if it is."""
        either = self.either
        if either and either[0] not in positions and either[1] not in positions:
            return None  # most candidates: neither a split nor a cut-short match is possible
        for head, tail in self.cuts:
            tail_starts = positions.get(tail)
            if not tail_starts:
                continue
            for start in positions.get(head, ()):
                gap_from = start + len(head)
                ends = [t for t in tail_starts if gap_from < t <= gap_from + self.max_gap]
                if ends:
                    return Match(self.factor, start, ends[0] + len(tail))
        prefix = next((p for p in self.prefixes if p in positions), "")
        content = sum(1 for ch in prefix if ch not in FUNCTION_CHARS)
        if prefix and content >= 3:
            start = positions[prefix][0]
            return Match(NEAR * len(prefix) / self.length, start, start + len(prefix))
        return None


def gapped(parts: list[str], words: list[str]) -> bool:
    """All of ``parts`` in order in ``words``, at most two other words between each."""
    index = -1
    for part in parts:
        window = words[index + 1 : index + 4] if index >= 0 else words
        if part not in window:
            return False
        index = (index + 1 if index >= 0 else 0) + window.index(part)
    return True


def stem(word: str) -> str:
    """A light English stemmer: enough to make moving/moved/move and listed/list meet."""
    for suffix, replacement, min_len in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ation", "at", 7),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            word = word[: len(word) - len(suffix)] + replacement
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def en_key(phrase: str) -> str:
    words = EN_WORD.findall(normalize(phrase))
    return " ".join(stem(word) for word in words)


def bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in cjk_runs(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams
