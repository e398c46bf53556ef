"""Reading references as people type them."""

from __future__ import annotations

import pytest

from bot.refs import cn_numeral, parse_ref, ref_label


@pytest.mark.parametrize(
    ("typed", "ref"),
    [
        ("11", "art-11"),
        ("art-11", "art-11"),
        ("Art. 11", "art-11"),
        ("article 11", "art-11"),
        ("11.6", "art-11.6"),
        ("11(6)", "art-11.6"),
        ("Art 11(6)", "art-11.6"),
        ("第十一条", "art-11"),
        ("第11条", "art-11"),
        ("11条", "art-11"),
        ("第十一条第六项", "art-11.6"),
        ("ind-14", "ind-14"),
        ("indicator 3", "ind-3"),
        ("ｉｎｄ－１４", "ind-14"),
        # The bot's own labels read back: 第十一条第（六）项, 附表指标14.
        ("第十一条第（六）项", "art-11.6"),
        ("第十一条（六）", "art-11.6"),
        ("附表指标14", "ind-14"),
        ("指标十四", "ind-14"),
    ],
)
def test_parse_ref(typed: str, ref: str) -> None:
    assert parse_ref(typed) == ref


@pytest.mark.parametrize(
    "typed", ["", "abc", "第条", "ind-14.2", "11..6", "指标", "第十一条第（）项"]
)
def test_not_a_reference(typed: str) -> None:
    assert parse_ref(typed) is None


def test_labels() -> None:
    assert [cn_numeral(n) for n in (1, 10, 11, 20, 21)] == ["一", "十", "十一", "二十", "二十一"]
    assert ref_label("art-11.6") == "第十一条第（六）项"
    assert ref_label("art-11.6", "en") == "Article 11(6)"
    assert ref_label("ind-14") == "附表指标14"
    assert ref_label("ind-14", "en") == "Indicator 14"


def test_short_labels_cite_the_article_alone() -> None:
    """One helper names articles everywhere: the reminders and the pre-screen cite them short."""
    assert ref_label("art-15.2", short=True) == "第十五条"
    assert ref_label("art-15.2", "en", short=True) == "Art. 15"
    assert ref_label("art-9", "en-GB", short=True) == "Art. 9"  # a Telegram language code


def test_numerals_outside_the_articles_stay_digits() -> None:
    assert [cn_numeral(n) for n in (0, 99, 100)] == ["0", "九十九", "100"]


def test_the_words_come_from_the_strings() -> None:
    from bot.render import label

    assert label("ref.article", "en", num=11) + label("ref.item", "en", num=6) == "Article 11(6)"


@pytest.mark.parametrize("ref", ["art-11", "art-11.6", "art-3.2", "ind-1", "ind-21"])
def test_every_label_reads_back(ref: str) -> None:
    assert parse_ref(ref_label(ref)) == ref
    assert parse_ref(ref_label(ref, "en")) == ref


def test_refs_in_a_question_in_order_with_items_and_out_of_range() -> None:
    from bot.knowledge import default
    from bot.refs import refs_in

    items = default().items
    assert refs_in("第十一条第六项和第13条", items) == (["art-11.6", "art-13"], None)
    assert refs_in("art 11(9) and indicator 14", items) == (["art-11", "ind-14"], None)
    assert refs_in("第三十条说了什么", items) == ([], 30)
