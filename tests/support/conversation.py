"""Driving an :class:`~bot.engine.Engine` as a user does: say something, tap a button, read.

Every reply is checked on the way back: each text and caption must be Telegram HTML that
parses, within Telegram's length limits, so no test can pass on a message Telegram would refuse.
"""

from __future__ import annotations

import html
import re

from bot.engine import Engine, Incoming, Reply
from bot.identity import as_chat_id
from bot.knowledge import default
from tests.support.tg_html import parse_html, utf16_len

TEXT_MAX = 4096  # UTF-16 code units of a message, Telegram's limit
CAPTION_MAX = 1024  # of a document's caption


def say(
    engine: Engine, text: str, chat: int = 1, lang: str | None = "zh", user: int | None = None
) -> Reply:
    """``text`` typed in ``chat`` by ``user`` (the chat's own id unless given)."""
    incoming = Incoming(chat, chat if user is None else user, text=text, lang_code=lang)
    return checked(engine.handle(incoming))


def tap(
    engine: Engine, data: str, chat: int = 1, lang: str | None = "zh", user: int | None = None
) -> Reply:
    """A tap on a button carrying ``data`` in ``chat``."""
    incoming = Incoming(
        chat, chat if user is None else user, button=data, lang_code=lang, message_id=1
    )
    return checked(engine.handle(incoming))


def checked(reply: Reply) -> Reply:
    """``reply`` itself, after checking that Telegram would accept every text in it."""
    for message in reply.messages:
        if message.text:
            assert utf16_len(parse_html(message.text).text) <= TEXT_MAX, message.text[:80]
        if message.attachment is not None and message.attachment.caption:
            caption = parse_html(message.attachment.caption).text
            assert utf16_len(caption) <= CAPTION_MAX, caption[:80]
    return reply


def labels(reply: Reply) -> dict[str, str]:
    """Button label → callback data, over every message of the reply."""
    return {b.label: b.data for m in reply.messages for row in m.buttons for b in row}


def data(reply: Reply) -> list[str]:
    """The callback data of every button, in the order they are shown."""
    return [b.data for m in reply.messages for row in m.buttons for b in row]


def shown(reply: Reply, index: int = -1) -> str:
    """What the user reads of message ``index`` (the last by default): the text, no markup."""
    return parse_html(reply.messages[index].text).text


def quoted(reply: Reply, index: int = -1) -> str:
    """The passage a message quotes (its ``<blockquote>``), as the user reads it."""
    found = re.search(r"<blockquote>(.*?)</blockquote>", reply.messages[index].text, re.DOTALL)
    assert found, reply.messages[index].text
    return html.unescape(found.group(1))


def verbatim(ref: str) -> str:
    """What must be quoted for ``ref``, straight from the knowledge base: an article with its
    heading, an item after its article's lead sentence, an indicator's text."""
    kb = default()
    article = kb.article_of(ref)
    if ref in kb.articles and article is not None:
        return f"{article.heading} {article.text}"
    if ref in kb.items and article is not None:
        lead = article.text.split("\n", 1)[0]
        return f"{article.heading} {lead}\n……\n{kb.items[ref].text}"
    return kb.indicators[ref].text


def kinds(engine: Engine, chat: int | str = 1) -> list[str]:
    """The activity logged for ``chat`` (an int: a Telegram chat), oldest first."""
    rows = engine.services.db.execute(
        "select kind from activity where chat_id = ? order by id", [as_chat_id(chat)]
    )
    return [row[0] for row in rows]
