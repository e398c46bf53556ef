"""Validation of Telegram's ``parse_mode=HTML`` subset, used by the fake Bot API server.

:func:`parse_html` turns Bot API HTML into ``(plain_text, entities)`` the way the
real server does, or raises :class:`EntityParseError` whose message mimics
Telegram's ``Bad Request: can't parse entities: ...`` descriptions (including
the UTF-8 *byte* offsets Telegram reports).

Supported tags are exactly Telegram's: ``b strong i em u ins s strike del a
code pre tg-spoiler span(class="tg-spoiler") blockquote tg-emoji``.

One deliberate difference: Telegram's docs say every ``&`` that is not part of
an entity must be escaped, but the real server silently keeps a stray ``&``.
With ``strict_ampersand=True`` (the default) a stray ``&`` is rejected, so tests
catch text that only works thanks to that leniency.

Lengths and entity offsets are in UTF-16 code units, which is how Telegram
counts the 4096-character limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EntityParseError", "ParsedText", "parse_html", "utf16_len"]

# tag name -> entity type. span is special-cased (needs class="tg-spoiler").
_TAG_ENTITY: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z0-9_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


class EntityParseError(ValueError):
    """Raised for HTML Telegram would refuse; ``str(err)`` is Telegram's wording."""


@dataclass
class ParsedText:
    """Result of parsing: what the recipient sees plus Telegram-style entities."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit Telegram uses for limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    # Telegram reports positions as UTF-8 byte offsets into the original text.
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity starting at ``source[pos] == '&'``; returns (char, new_pos)."""
    match = _ENTITY_RE.match(source, pos)
    if match is None:
        return None
    dec, hexa, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name.lower())
        if char is None:
            return None
        return char, match.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram-flavoured HTML; raise :class:`EntityParseError` like Telegram would."""
    out: list[str] = []
    out_len = 0  # running UTF-16 length of ``out``; avoids re-encoding on every entity
    # Stack of open tags: (tag name, entity type, UTF-16 start, extra entity fields).
    stack: list[tuple[str, str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded = _decode_entity(source, i)
            if decoded is None:
                if strict_ampersand:
                    raise EntityParseError(
                        f'Character "&" at byte offset {_byte_offset(source, i)} '
                        'must be escaped as "&amp;"'
                    )
                out.append("&")
                out_len += 1
                i += 1
                continue
            char, i = decoded
            out.append(char)
            out_len += utf16_len(char)
            continue
        if ch != "<":
            out.append(ch)
            out_len += utf16_len(ch)
            i += 1
            continue

        begin = i
        end = source.find(">", i)
        if source.startswith("</", i):
            if end == -1:
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(source, begin)}"
                )
            name = source[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(source, begin)}"
                )
            open_name, open_type, start, open_extra = stack[-1]
            if name != open_name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            stack.pop()
            i = end + 1
            if out_len > start:
                _close_entity(entities, open_type, start, out_len - start, open_extra)
            continue

        name_match = _TAG_NAME_RE.match(source, i + 1)
        assert name_match is not None  # the pattern accepts the empty string
        name = name_match.group(0).lower()
        if name not in _TAG_ENTITY:
            # Covers "a < b" (empty name) and tags such as <br>, <div>, <p>.
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, begin)}'
            )
        if end == -1:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(source, begin)}"
            )
        attrs = _parse_attrs(source[name_match.end() : end], name, source, begin)
        extra: dict[str, Any] = {}
        etype = _TAG_ENTITY[name]
        if name == "span" and attrs.get("class") != "tg-spoiler":
            offset = _byte_offset(source, begin)
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        if name == "a":
            extra["url"] = attrs.get("href", "")
            # Without href Telegram keeps the text but creates no link entity.
            extra["_skip"] = not extra["url"]
        elif name == "tg-emoji":
            if not attrs.get("emoji-id", "").isdigit():
                raise EntityParseError(
                    "Custom emoji entity must contain a valid emoji-id attribute"
                )
            extra["custom_emoji_id"] = attrs["emoji-id"]
        elif name == "blockquote" and "expandable" in attrs:
            etype = "expandable_blockquote"
        elif name == "code" and stack and stack[-1][0] == "pre":
            # <pre><code class="language-x"> becomes a single pre entity with a language.
            extra["_skip"] = True
            lang = attrs.get("class", "")
            if lang.startswith("language-"):
                stack[-1][3]["language"] = lang[len("language-") :]
        stack.append((name, etype, out_len, extra))
        i = end + 1

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _parse_attrs(raw: str, tag: str, source: str, begin: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    raw = raw.rstrip()
    while pos < len(raw):
        match = _ATTR_RE.match(raw, pos)
        if match is None or match.end() == pos:
            offset = _byte_offset(source, begin)
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
            )
        key, dq, sq, bare = match.groups()
        value = next((v for v in (dq, sq, bare) if v is not None), "")
        # Attribute values may themselves contain entities such as &amp; in URLs.
        attrs[key.lower()] = _unescape_attr(value)
        pos = match.end()
    return attrs


def _unescape_attr(value: str) -> str:
    result: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&" and (decoded := _decode_entity(value, i)) is not None:
            result.append(decoded[0])
            i = decoded[1]
        else:
            result.append(value[i])
            i += 1
    return "".join(result)


def _close_entity(
    entities: list[dict[str, Any]], etype: str, offset: int, length: int, extra: dict[str, Any]
) -> None:
    if extra.get("_skip"):
        return
    entity: dict[str, Any] = {"type": etype, "offset": offset, "length": length}
    entity.update({k: v for k, v in extra.items() if v and not k.startswith("_")})
    entities.append(entity)
