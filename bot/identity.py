"""Channel-aware chat ids: ``telegram:123``, ``web:Xy3…``, ``console:1``.

A chat id names the channel a conversation lives on and the channel's own id for it, so ids of
two transports never collide and a new transport (WeCom, DingTalk) only needs a new channel
name, never a new column. The core handles them as opaque strings; each transport converts at
its edge (the Telegram runners turn ``telegram:123`` back into ``123`` for the Bot API).

An ``int`` is accepted wherever an id is normalised, as a Telegram chat id: that is what every
chat id was before channels existed.
"""

from __future__ import annotations

import re
import secrets
from typing import NewType

ChatId = NewType("ChatId", str)

TELEGRAM = "telegram"
WEB = "web"
CONSOLE = "console"

_CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
# What may follow the colon: printable ASCII without spaces, short enough for any index.
_LOCAL = re.compile(r"[\x21-\x7e]{1,200}")
_TELEGRAM_LOCAL = re.compile(r"-?[0-9]{1,20}")


class ChatIdError(ValueError):
    """A value that is not a chat id."""


def make(channel: str, local: str | int) -> ChatId:
    """The chat id of ``local`` (the channel's own id) on ``channel``."""
    text = str(local)
    if not _CHANNEL.fullmatch(channel):
        raise ChatIdError(f"not a channel name: {channel!r}")
    if not _LOCAL.fullmatch(text) or (channel == TELEGRAM and not _TELEGRAM_LOCAL.fullmatch(text)):
        raise ChatIdError(f"not a {channel} chat id: {text!r}")
    return ChatId(f"{channel}:{text}")


def telegram(number: int) -> ChatId:
    """The chat id of a Telegram chat (negative for groups)."""
    return make(TELEGRAM, int(number))


def new_web() -> ChatId:
    """A fresh, unguessable chat id for a web session (not the session secret itself: chat
    ids end up in the database and in log lines, session ids must not)."""
    return make(WEB, secrets.token_urlsafe(16))


def parse(chat: str | int) -> tuple[str, str]:
    """``(channel, local id)`` of a chat id; an ``int`` is a Telegram chat."""
    if isinstance(chat, int) and not isinstance(chat, bool):
        return TELEGRAM, str(chat)
    if not isinstance(chat, str):
        raise ChatIdError(f"not a chat id: {chat!r}")
    channel, sep, local = chat.partition(":")
    if not sep:
        raise ChatIdError(f"not a chat id: {chat!r}")
    make(channel, local)  # validates
    return channel, local


def as_chat_id(chat: str | int) -> ChatId:
    """``chat`` checked and as a :data:`ChatId` (an ``int`` is taken as a Telegram chat)."""
    channel, local = parse(chat)
    return ChatId(f"{channel}:{local}")


def channel_of(chat: str | int) -> str:
    """The channel of a chat id: ``telegram``, ``web``, ``console``, …"""
    return parse(chat)[0]


def is_telegram(chat: str | int) -> bool:
    return channel_of(chat) == TELEGRAM


def telegram_number(chat: str | int) -> int:
    """The Bot API's chat id of a Telegram chat id; :class:`ChatIdError` for another channel."""
    channel, local = parse(chat)
    if channel != TELEGRAM:
        raise ChatIdError(f"not a Telegram chat: {chat!r}")
    return int(local)


def is_group(chat: str | int) -> bool:
    """Whether the chat has several members: on Telegram, groups have negative ids. Chats of
    the other channels belong to one person."""
    channel, local = parse(chat)
    return channel == TELEGRAM and int(local) < 0
