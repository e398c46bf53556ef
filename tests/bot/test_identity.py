"""Channel-aware chat ids."""

from __future__ import annotations

import pytest

from bot import identity
from bot.identity import ChatIdError


def test_ids_of_two_channels_never_collide() -> None:
    assert identity.telegram(123) == "telegram:123"
    assert identity.make("web", "123") != identity.telegram(123)
    assert identity.parse("web:abc_-9") == ("web", "abc_-9")
    assert identity.channel_of(identity.new_web()) == "web"
    assert identity.new_web() != identity.new_web()


def test_an_int_is_a_telegram_chat() -> None:
    assert identity.as_chat_id(-100123) == "telegram:-100123"
    assert identity.as_chat_id("telegram:5") == "telegram:5"
    assert identity.telegram_number("telegram:-100123") == -100123
    assert identity.is_group(-100123) and identity.is_group("telegram:-5")
    assert not identity.is_group(5) and not identity.is_group("web:-5")


@pytest.mark.parametrize(
    "bad", ["", "123", "telegram:", "telegram:abc", "Tele:1", "web:a b", ":x", True, 1.5]
)
def test_what_is_not_a_chat_id_is_refused(bad: object) -> None:
    with pytest.raises(ChatIdError):
        identity.as_chat_id(bad)  # type: ignore[arg-type]


def test_only_telegram_ids_have_a_bot_api_number() -> None:
    with pytest.raises(ChatIdError):
        identity.telegram_number("web:abc")
