"""Reference ids (``art-11``, ``art-11.6``, ``ind-14``): reading them as typed, naming them."""

from __future__ import annotations

import re
from collections.abc import Container

from bot.render import label, normalize_lang
from bot.textnorm import chinese_number, normalize

_CN_DIGITS = "〇一二三四五六七八九"
_REF = re.compile(
    r"^(?:(art|article|ind|indicator)\s*[-. ]?\s*)?(\d{1,2})"
    r"(?:\s*[.(（]\s*(\d{1,2})\s*[)）]?)?$"
)
CN_NUMERALS = "零〇一二两三四五六七八九十"
_NUM = f"[{CN_NUMERALS}\\d]+"
# How an item follows its article, in a reference typed alone (here) or inside a question
# (bot.qa): 第六项, 第（六）项 (the bot's own label), 六项; or bracketed alone: （六）.
# Each has one group, the item's number.
ITEM_CN = rf"\s*第?\s*[(（]?\s*([{CN_NUMERALS}]+|\d{{1,2}})\s*[)）]?\s*[项款]"
ITEM_BRACKETED = rf"\s*[(（]([{CN_NUMERALS}]+|\d{{1,2}})[)）]"
_CN_REF = re.compile(rf"^第?({_NUM})条(?:{ITEM_CN}|{ITEM_BRACKETED})?$")
_CN_IND = re.compile(rf"^(?:附表)?指标第?({_NUM})项?$")  # 指标14, and the label 附表指标14


def parse_ref(text: str) -> str | None:
    """``11`` / ``art-11`` / ``第十一条`` → ``art-11``; ``11.6`` / ``11(6)`` /
    ``第十一条第（六）项`` → ``art-11.6``; ``ind-14`` / ``附表指标14`` → ``ind-14``.
    Returns None when the text is not a reference (unknown ids are the caller's to check
    against the knowledge base)."""
    cleaned = normalize(text).replace(" ", "")
    match = _REF.match(cleaned)
    if match:
        kind, number, item = match.groups()
        if kind in ("ind", "indicator"):
            return None if item else f"ind-{int(number)}"
        return f"art-{int(number)}" + (f".{int(item)}" if item else "")
    match = _CN_REF.match(cleaned)
    if match:
        number = chinese_number(match.group(1))
        item_text = match.group(2) or match.group(3)
        item = chinese_number(item_text) if item_text else None
        if number is None or (item_text and item is None):
            return None
        return f"art-{number}" + (f".{item}" if item else "")
    match = _CN_IND.match(cleaned)
    if match:
        number = chinese_number(match.group(1))
        return None if number is None else f"ind-{number}"
    return None


def cn_numeral(number: int) -> str:
    """1 → 一, 11 → 十一, 21 → 二十一: as articles and items are numbered (1–99; other
    numbers stay in digits)."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[units]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[units] if units else ''}"


def ref_label(ref: str, lang: str = "zh", *, short: bool = False) -> str:
    """How a reference is named in text: 第十一条第（六）项 / Article 11(6) / 附表指标14 /
    Indicator 14. ``short``: the article alone, abbreviated where the language does (第十一条 /
    Art. 11), as a citation in a sentence. Words from ``strings/core.yaml`` (``ref.*``)."""
    language = normalize_lang(lang)
    kind, _, rest = ref.partition("-")
    number, _, item = rest.partition(".")
    if not number.isdigit():
        return ref
    if kind == "ind":
        return label("ref.indicator", language, num=number)
    zh = language == "zh"
    article = cn_numeral(int(number)) if zh else number
    if short:
        return label("ref.article_short", language, num=article)
    text = label("ref.article", language, num=article)
    if item:
        text += label("ref.item", language, num=cn_numeral(int(item)) if zh else item)
    return text


# References inside a question (bot.qa): 第十一条, 第11条, 11条, 第十一条第六项, article 11,
# art. 11, Art 11(6), ind-14, 指标14, 附表第14项.
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


def refs_in(text: str, items: Container[str]) -> tuple[list[str], int | None]:
    """References named in a normalised question, in order, and an article number beyond 21.
    ``items`` are the item ids there are (art-11.6): another item number names the article."""
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
            if item_no is not None and f"{ref}.{item_no}" in items:
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
