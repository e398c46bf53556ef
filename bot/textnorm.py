"""Text normalisation shared by retrieval and input checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDY = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")


def strip_control(text: str) -> str:
    """Drop control and invisible formatting characters; keep newlines and tabs as spaces."""
    return _CONTROL.sub("", text).replace("\t", " ")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), traditional characters to simplified, lower case,
    one space between words."""
    folded = to_simplified(unicodedata.normalize("NFKC", strip_control(text)).lower())
    return _SPACES.sub(" ", folded).strip()


def fold(text: str) -> str:
    """How a typed answer or word is compared: full-width to half-width (８５％ → 85%), outer
    spaces trimmed, lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def to_simplified(text: str) -> str:
    """Traditional Chinese to simplified (綠色工廠 → 绿色工厂), by OpenCC's dictionaries.

    Text whose every character is in GB 2312, the simplified character set, is returned as
    it is without loading OpenCC: that is nearly every question, and a fresh ``greenbot ask``
    does not pay the converter's start-up for it."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return _converter()(text)
    return text


@cache
def _converter() -> Callable[[str], str]:
    import opencc  # the native build: a few milliseconds to start, the pure one ten times more

    converter = opencc.OpenCC("t2s.json")
    return converter.convert


def has_words(text: str) -> bool:
    """True when the text holds at least one letter, digit or Chinese character."""
    return bool(_WORDY.search(unicodedata.normalize("NFKC", text)))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(text)


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """一 → 1, 十一 → 11, 二十一 → 21, 21 → 21; None when it is not a number below 100."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    value = (_CN_DIGITS[tens] if tens else 1) * 10
    return value + (_CN_DIGITS[units] if units else 0)
