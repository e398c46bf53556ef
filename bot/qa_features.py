"""What a question says besides its subject: the detail it asks for, where the asker stands,
and the numbers it gives. Read from ``knowledge/scope.yaml`` (details, frames, thresholds).

- A **detail kind** (a date, an amount, a phone number, a validity period, a score cut-off,
  forms, how another scheme works) the quoted entry's text does not give: the answer says so
  first, whatever words the question uses for it.
- A **frame** (applying, listed, revoked, regraded, already national) scales the scores of
  the entries it favours: an accident bars an applicant (Art. 11) but is a ground for revoking
  a listed unit (Art. 13).
- A **threshold**: a number in the question (six months, 40%, grade 2) set against the one the
  text gives for the same thing (Art. 11(1): 12 months of stopped production).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.textnorm import chinese_number, has_cjk, normalize


@dataclass(frozen=True)
class Cues:
    """Plain Chinese cues looked up as text; English cues, whole words only ("when" not in
    "whenever", "form" not in "information", but "template" in 有template可以), and cues
    starting with '~' as one pattern. Literal text is not compiled: every fresh process
    compiles the patterns it loads, and the plain cues made up most of them."""

    literals: tuple[str, ...]
    pattern: re.Pattern[str] | None

    def search(self, text: str) -> bool:
        return any(cue in text for cue in self.literals) or bool(
            self.pattern is not None and self.pattern.search(text)
        )


def _cue_pattern(cues: list[str]) -> Cues:
    literals, words, parts = [], [], []
    for cue in cues:
        if cue.startswith("~"):
            parts.append(cue[1:])
        elif cue.isascii():
            words.append(re.escape(normalize(cue)))
        else:
            literals.append(normalize(cue))
    if words:
        # Not \b: a Chinese character is a word character too, and 有template可以 holds the
        # word "template". One pair of guards for all the words: each fresh process compiles
        # what it loads, and a pair per word cost it as much again.
        parts.append(rf"(?<![a-z0-9])(?:{'|'.join(words)})(?![a-z0-9])")
    return Cues(tuple(literals), re.compile("|".join(parts)) if parts else None)


@dataclass(frozen=True)
class Detail:
    kind: str
    cues: Cues
    given: re.Pattern[str]
    zh: str
    en: str


@dataclass(frozen=True)
class Frame:
    name: str
    cues: Cues
    factors: dict[str, float]
    status: re.Pattern[str] | None  # words that place the asker, not what is asked
    carry: dict[str, str]  # an entry that scores at least as another does, in this frame
    also: tuple[re.Pattern[str], ...] = ()  # each must be in the question too
    requires: tuple[str, ...] = ()  # frames that must be found as well
    unless: tuple[str, ...] = ()  # frames that rule this one out


@dataclass(frozen=True)
class Threshold:
    ref: str
    cue: re.Pattern[str]
    quantity: str
    limit: float
    texts: dict[str, str]  # zh_under, zh_over, en_under, en_over


@dataclass(frozen=True)
class MixedWords:
    """English words typed inside a Chinese sentence (我们park的增加值share), read as the
    Chinese the text uses: only where a word touches a Chinese character, so an English
    question is left as it is for the English lexicon. One pattern for all the words (a
    pattern each cost a fresh process 35 ms to compile): group N is the N-th word."""

    pattern: re.Pattern[str]
    chinese: tuple[str, ...]

    @classmethod
    def from_data(cls, words: dict[str, str]) -> MixedWords:
        groups = "|".join(f"(?P<w{n}>{english})" for n, english in enumerate(words))
        # \b sees no edge between 们 and park: letters on either side are what to rule out.
        # A space on either side is taken in, and dropped where it stood next to Chinese.
        return cls(
            re.compile(rf"(?<![a-z])(?P<lead> ?)(?:{groups})(?P<trail> ?)(?![a-z])"),
            tuple(words.values()),
        )

    def read(self, text: str) -> str:
        def chinese(match: re.Match[str]) -> str:
            start, end = match.span()
            before, after = text[start - 1 : start], text[end : end + 1]
            if not (has_cjk(before) or has_cjk(after)):
                return match.group(0)
            word = next(c for n, c in enumerate(self.chinese) if match.group(f"w{n}"))
            lead = "" if has_cjk(before) else match.group("lead")
            trail = "" if has_cjk(after) else match.group("trail")
            return f"{lead}{word}{trail}"

        read = self.pattern.sub(chinese, text)
        # two words read next to each other (apply national → 申报国家) are one phrase
        return _HAN_SPACE.sub("", read) if read != text else read


_HAN_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Features:
    details: tuple[Detail, ...]
    frames: tuple[Frame, ...]
    thresholds: tuple[Threshold, ...]
    foreign: re.Pattern[str] | None = None  # what belongs to another scheme or law
    foreign_unless: re.Pattern[str] | None = None  # …unless asked how these measures count it
    # colloquial forms and the text's words they stand for (停了八个月 → 停产了八个月)
    rewrites: tuple[tuple[re.Pattern[str], str], ...] = ()
    mixed: MixedWords | None = None  # English words inside Chinese sentences
    schemes: OtherSchemes | None = None  # other schemes and places, asked on their own terms
    # lists that are not ours (失信被执行人名单, listed as a judgment debtor): being on one
    # says nothing of where the unit stands with these measures
    other_lists: re.Pattern[str] | None = None

    @classmethod
    def load(cls, path: Path) -> Features:
        from bot.yamlfast import read_yaml

        return cls.from_data(read_yaml(path.read_text(encoding="utf-8")))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Features:
        """From knowledge/scope.yaml as already read (the index reads it once for all)."""
        details = tuple(
            Detail(
                kind,
                _cue_pattern([str(c) for c in spec["cues"]]),
                re.compile(spec["given"]),
                spec["zh"],
                spec["en"],
            )
            for kind, spec in data["details"].items()
        )
        frames = tuple(
            Frame(
                name,
                _cue_pattern([str(c) for c in spec["cues"]]),
                {**spec.get("favour", {}), **spec.get("disfavour", {})},
                re.compile(spec["status"]) if "status" in spec else None,
                dict(spec.get("carry", {})),
                tuple(re.compile(p) for p in spec.get("also", [])),
                tuple(spec.get("requires", [])),
                tuple(spec.get("unless", [])),
            )
            for name, spec in data["frames"].items()
        )
        thresholds = tuple(
            Threshold(
                rule["ref"],
                re.compile(rule["cue"]),
                rule["quantity"],
                float(rule["limit"]),
                {k: rule[k] for k in ("zh_under", "zh_over", "en_under", "en_over")},
            )
            for rule in data["thresholds"]
        )
        asks = data.get("foreign_asks") or {}
        foreign = re.compile("|".join(asks["patterns"])) if asks.get("patterns") else None
        ours = re.compile(asks["ours"]) if asks.get("ours") else None
        rewrites = tuple(
            (re.compile(rule["pattern"]), str(rule["as"])) for rule in data.get("rewrites") or []
        )
        words = data.get("mixed_words")
        mixed = MixedWords.from_data({str(k): str(v) for k, v in words.items()}) if words else None
        schemes = OtherSchemes.from_data(data["other_schemes"]) if "other_schemes" in data else None
        other_lists = re.compile(data["other_lists"]) if "other_lists" in data else None
        return cls(
            details, frames, thresholds, foreign, ours, rewrites, mixed, schemes, other_lists
        )

    def rewrite(self, text: str) -> str:
        """The question with its colloquial forms in the text's words (see scope.yaml), and
        Chinese typed word by word (要找 哪家 机构 做) read as one run."""
        text = _HAN_SPACE.sub("", text)
        for pattern, words in self.rewrites:  # first: one reads "level 2" before "level" alone
            text = pattern.sub(words, text)
        return self.mixed.read(text) if self.mixed is not None else text

    def asks_foreign(self, text: str) -> bool:
        """What is asked is another scheme's or law's own business (a label's review
        procedure, a fund's call for applications), not how these measures count it."""
        if self.foreign is None or not self.foreign.search(text):
            return False
        return self.foreign_unless is None or not self.foreign_unless.search(text)

    def literal_cues(self) -> tuple[str, ...]:
        """The plain Chinese words the details are told by (几天, 多少钱): a question typed
        in pinyin is read with them too."""
        return tuple(dict.fromkeys(c for d in self.details for c in d.cues.literals if has_cjk(c)))

    def note(self, kind: str, lang: str) -> str:
        """The note of one kind of detail, in ``lang``."""
        detail = next(d for d in self.details if d.kind == kind)
        return detail.en if lang == "en" else detail.zh

    def detail_kinds(self, text: str) -> list[Detail]:
        """The kinds of detail asked, first the note of another scheme asked on its own terms
        (how 绿码 grades are given) when an article names that scheme."""
        kinds = [d for d in self.details if d.cues.search(text)]
        note = self.schemes.touched_note(text) if self.schemes is not None else None
        first = [d for d in self.details if d.kind == note]
        return first + [d for d in kinds if d.kind != note]

    def asks_touched_scheme(self, text: str) -> bool:
        """A scheme an article names, asked about on its own terms."""
        return self.schemes is not None and self.schemes.touched_note(text) is not None

    def asks_national_route(self, text: str) -> bool:
        """A plant in Tianjin or Hebei on its way to the national list (Art. 9)."""
        route = self.schemes.national_route if self.schemes is not None else None
        return route is not None and route.search(text) is not None

    def asks_untouched_scheme(self, text: str) -> bool:
        """Another place's rules or a scheme the text only names (tax relief), asked about
        on its own terms."""
        return self.schemes is not None and self.schemes.untouched(text)

    def frames_in(self, text: str) -> list[Frame]:
        """The frames of the question: their cues and every ``also`` pattern found, the
        frames they require found too, none of those that rule them out."""
        if self.other_lists is not None:
            text = self.other_lists.sub(" ", text)
        found = [
            f for f in self.frames if f.cues.search(text) and all(p.search(text) for p in f.also)
        ]
        names = {f.name for f in found}
        found = [f for f in found if all(r in names for r in f.requires)]
        names = {f.name for f in found}
        return [f for f in found if not any(u in names for u in f.unless)]

    def without_status(self, text: str) -> str:
        """The question less the words that only say where the asker stands (我们已经是市级
        绿色工厂了): they name a list the unit is on, not the article asked about."""
        for frame in self.frames:
            if frame.status is not None:
                text = frame.status.sub(" ", text)
        return text

    def reframe(self, text: str, scores: dict[str, float]) -> dict[str, float]:
        """The scores, scaled by every frame the question is asked from."""
        frames = self.frames_in(text)
        if not frames:
            return scores
        scaled = dict(scores)
        for frame in frames:
            for source, target in frame.carry.items():
                if source in scaled:
                    scaled[target] = max(scaled.get(target, 0.0), scaled[source])
        for frame in frames:
            for ref, factor in frame.factors.items():
                if ref in scaled:
                    scaled[ref] *= factor
        return scaled

    def fitted(self, refs: list[str], text: str, lang: str) -> list[str]:
        """What the text's thresholds say of the numbers in the question, for the entries
        answered (``refs``: the quoted entry and its article)."""
        lines: list[str] = []
        for rule in self.thresholds:
            if rule.ref not in refs and rule.ref.split(".")[0] not in refs[:1]:
                continue
            if not rule.cue.search(text):
                continue
            found = quantity(rule.quantity, text)
            if found is None:
                continue
            value, said = found
            side = "under" if value < rule.limit else "over"
            lines.append(rule.texts[f"{lang}_{side}"].format(value=said))
        return lines


_NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
_EN_NUMBERS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_EN_NUM = r"(\d+|" + "|".join(_EN_NUMBERS) + ")"


# What may stand between a scheme's name and what is asked about it: one sentence, not naming
# Beijing (总部在上海，北京的厂申报要什么条件 asks about Beijing's conditions).
_SENTENCE = re.compile(r"[。?!；;]")
_GAP = 20  # characters at most between a scheme's name and what is asked of it
_GAP_WORDS = 5
# For a place, a gap that names Beijing sets the two apart: 上海总部，北京的工厂怎么申报 asks
# about Beijing.
_BEIJING = re.compile(r"北京|本市|在京|\bbeijing\b")


@dataclass(frozen=True)
class Near:
    """A name and an ask in one sentence, at most a few characters apart, with no Beijing
    between them. Two patterns rather than one that spells the pair both ways round: the
    asks are long, and every fresh process compiles what it loads (a pattern each way cost
    a fresh ``greenbot ask`` 50 ms)."""

    name: re.Pattern[str]
    asks: tuple[re.Pattern[str], ...]  # the shared asks, compiled once, and an entry's own
    beijing_apart: bool = False  # for places: Beijing between the two sets them apart
    unless: re.Pattern[str] | None = None  # anywhere in the question, makes it ours after all

    def search(self, text: str) -> bool:
        if self.unless is not None and self.unless.search(text):
            return False
        for sentence in _SENTENCE.split(text):
            names = [m.span() for m in self.name.finditer(sentence)]
            if not names:
                continue
            asked = (m.span() for asks in self.asks for m in asks.finditer(sentence))
            for ask_start, ask_end in asked:
                for name_start, name_end in names:
                    if name_end <= ask_start:
                        gap = sentence[name_end:ask_start]
                    elif ask_end <= name_start:
                        gap = sentence[ask_end:name_start]
                    else:
                        continue
                    if _close(gap) and not (self.beijing_apart and _BEIJING.search(gap)):
                        return True
        return False


def _close(gap: str) -> bool:
    """A few characters apart, or a few words in English, whose words are longer."""
    return len(gap) <= _GAP or (gap.isascii() and len(gap.split()) <= _GAP_WORDS)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _near(
    name: str,
    asks: str,
    also_asks: str | None = None,
    beijing_apart: bool = False,
    unless: str | None = None,
) -> Near:
    # The shared asks (and a shared unless) are compiled once for every scheme that uses them,
    # and an entry's own asks apart: one pattern of both, per entry, cost a fresh process a
    # compile of the shared asks each time.
    own = (_compiled(also_asks),) if also_asks else ()
    return Near(
        _compiled(name),
        (_compiled(asks), *own),
        beijing_apart,
        _compiled(unless) if unless else None,
    )


def _own_ours(spec: dict[str, Any], shared: str) -> re.Pattern[str] | None:
    """What makes a question about this scheme ours, where the scheme says so itself: in
    place of the shared words (``ours``), or besides them (``also_ours``)."""
    if "ours" in spec:
        return re.compile(spec["ours"])
    if "also_ours" in spec:
        return re.compile(f"{shared}|{spec['also_ours']}")
    return None


@dataclass(frozen=True)
class OtherSchemes:
    """A scheme, a place or a procedure other than the measures' own, asked about on its own
    terms (scope.yaml, other_schemes): its name and an ask in one sentence, and nothing that
    asks how these measures count it."""

    touched: tuple[tuple[Near, str, re.Pattern[str] | None], ...]  # pattern, note, own ours
    untouched_patterns: tuple[Near, ...]
    ours: re.Pattern[str]
    national_route: re.Pattern[str] | None = None  # a neighbour's plant bound for the national list

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> OtherSchemes:
        asks = data["asks"]
        touched = tuple(
            (
                _near(spec["name"], spec.get("asks", asks), spec.get("also_asks")),
                str(spec["note"]),
                _own_ours(spec, data["ours"]),
            )
            for spec in data["touched"].values()
        )
        untouched = tuple(
            _near(
                spec["name"],
                spec.get("asks", asks),
                spec.get("also_asks"),
                bool(spec.get("beijing_apart")),
                spec.get("unless"),
            )
            for spec in data["untouched"].values()
        )
        route = data.get("national_route")
        return cls(
            touched, untouched, re.compile(data["ours"]), _compiled(route) if route else None
        )

    def touched_note(self, text: str) -> str | None:
        """The detail kind whose note opens the answer, for a scheme an article names. A
        scheme may say itself what makes a question ours (加几分 is the grading table's
        points, except in a procurement's own scoring)."""
        for pattern, note, ours in self.touched:
            if (ours or self.ours).search(text) is None and pattern.search(text):
                return note
        return None

    def untouched(self, text: str) -> bool:
        if self.ours.search(text):
            return False
        return any(pattern.search(text) for pattern in self.untouched_patterns)


def _number(text: str) -> float | None:
    if text in _EN_NUMBERS:
        return float(_EN_NUMBERS[text])
    try:
        return float(text)
    except ValueError:
        value = chinese_number(text)
        return None if value is None else float(value)


def _months(text: str) -> tuple[float, str] | None:
    match = re.search(rf"{_NUM}\s*年半", text)
    if match and (n := _number(match.group(1))) is not None:
        return 12 * n + 6, match.group(0)
    match = re.search(rf"{_NUM}\s*个?多?月", text)
    if match and (n := _number(match.group(1))) is not None:
        return n, match.group(0)
    match = re.search(r"半年|half a year|six months", text)
    if match:
        return 6.0, match.group(0)
    match = re.search(rf"{_EN_NUM}\s*months?", text)
    if match and (n := _number(match.group(1))) is not None:
        return n, match.group(0)
    match = re.search(rf"(?<!近){_NUM}\s*(?:多)?年(?!前|内|级)|{_EN_NUM}\s*years?(?! ago)", text)
    if match:
        n = _number(match.group(1) or match.group(2))
        if n is not None and n < 20:
            return 12 * n, match.group(0)
    return None


def _days(text: str) -> tuple[float, str] | None:
    match = re.search(rf"{_NUM}\s*(?:天|日)(?!内)|{_EN_NUM}\s*days?", text)
    if match:
        n = _number(match.group(1) or match.group(2))
        if n is not None:
            return n, match.group(0)
    months = _months(text)
    return (months[0] * 30, months[1]) if months else None


def _years_ago(text: str) -> tuple[float, str] | None:
    for word, years in (("大前年", 3.0), ("前年", 2.0), ("去年", 1.0), ("last year", 1.0)):
        if word in text:
            return years, word
    match = re.search(rf"{_NUM}\s*年(?:以)?前|{_EN_NUM}\s*years?\s*ago", text)
    if match:
        n = _number(match.group(1) or match.group(2))
        if n is not None:
            return n, match.group(0)
    return None


def _percent(text: str) -> tuple[float, str] | None:
    match = re.search(r"(\d+(?:\.\d+)?)\s*%|百分之\s*(\d+|[一二两三四五六七八九十]+)", text)
    if match:
        n = _number(match.group(1) or match.group(2))
        if n is not None:
            return n, match.group(0)
    match = re.search(r"不到一半|不足一半|没过半|less than half|under half|below half", text)
    if match:
        return 49.0, match.group(0)
    match = re.search(r"超过一半|过半|more than half|over half", text)
    if match:
        return 51.0, match.group(0)
    return None


def _grade(text: str) -> tuple[float, str] | None:
    match = re.search(r"(?<![市省区国家])([1-4一二两三四])\s*级|(?:grade|level)\s*([1-4])\b", text)
    if match:
        n = _number(match.group(1) or match.group(2))
        if n is not None:
            return n, match.group(0)
    return None


_QUANTITIES = {
    "months": _months,
    "days": _days,
    "years_ago": _years_ago,
    "percent": _percent,
    "grade": _grade,
}


def quantity(kind: str, text: str) -> tuple[float, str] | None:
    """The first number of ``kind`` in ``text`` and how the question said it."""
    return _QUANTITIES[kind](text)
