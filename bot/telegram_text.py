"""Telegram's text rules, without Telegram: message splitting and HTML to plain text."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<(/?)([a-z-]+)([^>]*)>")


def _open_tags(chunk: str, stack: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The tags still open at the end of ``chunk``, given those open at its start."""
    opened = list(stack)
    for match in _TAG.finditer(chunk):
        closing, name, attrs = match.groups()
        if closing:
            for index in range(len(opened) - 1, -1, -1):
                if opened[index][0] == name:
                    del opened[index]
                    break
        else:
            opened.append((name, attrs))
    return opened


def _hard_cut(text: str, limit: int) -> int:
    """A cut position ≤ limit that does not fall inside a tag or an entity."""
    cut = limit
    lt, gt = text.rfind("<", 0, cut), text.rfind(">", 0, cut)
    if lt > gt:
        cut = lt
    amp, semi = text.rfind("&", 0, cut), text.rfind(";", 0, cut)
    if amp > semi and cut - amp < 10:
        cut = amp
    return max(cut, 1)


def _pieces(text: str, limit: int) -> list[str]:
    """Split at paragraph boundaries, else at line ends, else anywhere safe."""
    if len(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n"):
        cut = text.rfind(separator, 0, limit)
        if cut > limit // 4:
            return [text[:cut], *_pieces(text[cut + len(separator) :], limit)]
    cut = _hard_cut(text, limit)
    return [text[:cut], *_pieces(text[cut:], limit)]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML text into parts of at most ``limit`` characters, each with balanced tags.

    Tags open at a cut are closed at the end of one part and opened again at the start of
    the next, so every part is valid HTML for Telegram.
    """
    budget = limit - 200  # room for the tags closed and re-opened around a cut
    parts: list[str] = []
    stack: list[tuple[str, str]] = []
    for piece in _pieces(text, budget):
        prefix = "".join(f"<{name}{attrs}>" for name, attrs in stack)
        stack_after = _open_tags(piece, stack)
        suffix = "".join(f"</{name}>" for name, _ in reversed(stack_after))
        part = (prefix + piece + suffix).strip()
        if part:
            parts.append(part)
        stack = stack_after
    return parts or [""]


def html_to_text(text: str) -> str:
    """Telegram HTML to what a terminal shows: quotes indented, tags dropped, entities read."""

    def quote(match: re.Match[str]) -> str:
        lines = "\n".join("  │ " + line for line in match.group(1).strip("\n").split("\n"))
        before = match.string[: match.start()]
        return lines if not before or before.endswith("\n") else "\n" + lines

    text = re.sub(r"<blockquote[^>]*>(.*?)</blockquote>", quote, text, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)
