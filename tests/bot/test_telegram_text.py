"""Splitting long HTML messages and reading HTML as plain text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.telegram_text import MESSAGE_LIMIT, html_to_text, split_message
from tests.support.tg_html import parse_html


def test_short_text_is_one_part() -> None:
    assert split_message("<b>hi</b>") == ["<b>hi</b>"]


def test_long_text_splits_at_paragraphs() -> None:
    paragraphs = [f"第{i}段 " + "字" * 500 for i in range(20)]
    parts = split_message("\n\n".join(paragraphs))
    assert len(parts) > 1 and all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert all(p.startswith("第") for p in parts)


def test_tags_open_at_a_cut_are_closed_and_reopened() -> None:
    text = "<blockquote>" + "\n".join("行" * 100 for _ in range(100)) + "</blockquote>"
    parts = split_message(text)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("<blockquote>") and part.endswith("</blockquote>")


@given(
    st.lists(
        st.sampled_from(["<b>粗</b>", "字" * 300, "\n", "\n\n", "&amp;", "<i>斜</i>", "x" * 1000]),
        max_size=60,
    )
)
def test_every_part_is_valid_and_short(pieces: list[str]) -> None:
    text = "<blockquote>" + "".join(pieces) + "</blockquote>"
    parts = split_message(text)
    assert all(len(p) <= MESSAGE_LIMIT for p in parts)
    for part in parts:
        parse_html(part)
    joined = re.sub(r"<[^>]+>", "", "".join(parts)).replace("\n", "")
    assert joined == re.sub(r"<[^>]+>", "", text).replace("\n", "")


def test_html_to_text() -> None:
    assert html_to_text("<b>A</b> &amp; <blockquote>x\ny</blockquote>") == "A & \n  │ x\n  │ y"
