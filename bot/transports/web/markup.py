"""The engine's Telegram-HTML subset as a tree the page builds with DOM calls, never innerHTML.

Only the tags Telegram knows are kept (b, i, u, s, code, pre, a with an http(s) link or a
``webcal:`` one, which hands a calendar subscription to the calendar app,
blockquote, under their canonical names); any other tag is dropped and its text kept. Text is
decoded once here and set as text by the page, so a ``<script>`` typed by a user, escaped by the
templates as ``&lt;script&gt;``, is shown as those characters and never becomes an element.

A node is a string (text) or ``{"t": tag, "c": [children]}``, with ``"href"`` for links.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

Node = str | dict[str, Any]

_CANONICAL = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "a": "a",
    "blockquote": "blockquote",
    "tg-spoiler": "span",
    "span": "span",
}


LINK_SCHEMES = ("http", "https", "webcal")  # nothing that runs or embeds anything


def _safe_href(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() in LINK_SCHEMES and parts.netloc:
        return value
    return None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Node] = []
        self.stack: list[tuple[str, list[Node]]] = []

    @property
    def _children(self) -> list[Node]:
        return self.stack[-1][1] if self.stack else self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = _CANONICAL.get(tag)
        if name is None:
            return
        node: dict[str, Any] = {"t": name, "c": []}
        if name == "a":
            href = _safe_href(dict(attrs).get("href"))
            if href is None:
                node["t"] = "span"  # a link to anything but the web: its text only
            else:
                node["href"] = href
        self._children.append(node)
        self.stack.append((tag, node["c"]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _CANONICAL:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        children = self._children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def to_nodes(html: str) -> list[Node]:
    """The tree of ``html`` (the engine's message text)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@functools.lru_cache(maxsize=512)
def shared_nodes(html: str) -> list[Node]:
    """:func:`to_nodes`, remembered: the same answers are shown again and again, and parsing
    cost more than the turn. The tree is shared: read it, never change it. Cleared on every
    /forget, so that nothing of a forgotten chat stays in memory."""
    return to_nodes(html)


def plain(nodes: list[Node]) -> str:
    """The text of a tree (an image's alternative text)."""
    return "".join(n if isinstance(n, str) else plain(n["c"]) for n in nodes)
