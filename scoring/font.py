"""The font shipped for charts and reports: a Noto Sans CJK SC subset (``scoring/fonts/``).

No system font is needed to show Chinese: matplotlib and the PDF report both load this file.
``tools/make_font_subset.py`` cuts it (GB 2312 plus every character of the templates, the
knowledge files and the measures); ``scoring/fonts/OFL.txt`` is its licence.

Text the font cannot show (a rare character in a unit name, an emoji) is never dropped
silently: :func:`printable` puts :data:`PLACEHOLDER` in its place, and callers say so.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_PATH = FONT_DIR / "GreenbotCJK-Regular.ttf"
LICENCE_PATH = FONT_DIR / "OFL.txt"
FAMILY = "Greenbot CJK Subset"
PLACEHOLDER = "□"


@cache
def charset() -> frozenset[str]:
    """Every character the shipped font has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(FONT_PATH), lazy=True) as font:
        return frozenset(chr(code) for code in font.getBestCmap())


def missing(text: str) -> list[str]:
    """The distinct characters of ``text`` the font lacks (spacing and line breaks aside)."""
    have = charset()
    seen: list[str] = []
    for ch in text:
        if ch not in have and not ch.isspace() and ch not in seen:
            seen.append(ch)
    return seen


def printable(text: str) -> tuple[str, bool]:
    """``text`` with control and formatting characters dropped and every character the font
    lacks shown as :data:`PLACEHOLDER`; the flag says whether anything was replaced."""
    have = charset()
    out: list[str] = []
    replaced = False
    for ch in text:
        if ch in "\n\t " or ch in have:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            continue  # control and invisible formatting characters: nothing to show
        else:
            out.append(PLACEHOLDER)
            replaced = True
    return "".join(out), replaced


@cache
def matplotlib_family() -> str:
    """Register the shipped font with matplotlib (once per process) and return its family."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_PATH))
    return FAMILY


def gb2312() -> set[str]:
    """Every character GB 2312 encodes (hanzi levels 1 and 2, symbols, kana, Greek …)."""
    chars: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars
